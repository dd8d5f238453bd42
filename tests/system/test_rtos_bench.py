"""rtbench in the RTOS guest, quick mode: bare (with the DTB ZVM generates
for the VM) and as a ZVM VM, both deterministic (-icount). Checks that every
item is reported and parses, not the numbers (docs/benchmarks.md has them)."""
import sys

import pytest

from conftest import BUILD, ROOT

sys.path.insert(0, str(ROOT / "bench"))
import rtos_bench  # noqa: E402

ITEMS = [
    "thread_switch_yield", "thread_switch_coop", "thread_create", "thread_start",
    "thread_suspend", "thread_resume", "thread_exit_join", "isr_entry", "isr_resume_thread",
    "isr_switch_thread", "sem_give_noswitch", "sem_take_noswitch", "sem_take_switch",
    "sem_give_switch", "mutex_lock", "mutex_unlock", "heap_alloc", "heap_free",
    "obj_sem_pc_hi", "obj_sem_pc_lo", "obj_fifo_pc_hi", "obj_fifo_pc_lo",
    "obj_pages_alloc_free", "timer_isr_latency", "timer_thread_latency",
]


@pytest.fixture(scope="module")
def prepared():
    return rtos_bench.prepare(BUILD)


@pytest.fixture(scope="module")
def log():
    f = open(BUILD / "bench" / "test_rtos_bench.log", "w")
    yield f
    f.close()


def check(items):
    assert sorted(items) == sorted(ITEMS), set(ITEMS) ^ set(items)
    for name, r in items.items():
        assert r["unit"] == ("ns" if name.startswith("timer_") else "cycles"), name
        assert r["n"] > 0 and 0 < r["min"] <= r["avg"] <= r["max"], (name, r)


def test_dump_dtb_is_a_device_tree(prepared):
    dtb = prepared[1].read_bytes()
    assert dtb[:4] == b"\xd0\x0d\xfe\xed" and len(dtb) > 256


def test_bare_quick(prepared, log):
    _, dtb, image = prepared
    check(rtos_bench.flat(rtos_bench.run_bare(image, dtb, "quick", True, log, timeout=60)))


def test_zvm_quick_with_exits(prepared, log):
    pack = prepared[0]
    res, exits = rtos_bench.run_zvm(BUILD, pack, ["quick"], True, log)
    check(rtos_bench.flat(res))
    assert exits["quick"].get("sysreg", 0) > 0    # the SGIs of the isr_* items


def test_every_seed_row_is_an_item_or_says_none():
    """The seed-row table (docs/benchmarks.md) names only items rtbench
    reports, and every row without one says why."""
    for seed, item, note in rtos_bench.SEED_ROWS:
        assert item in ITEMS or (item is None and note.startswith("none")), seed
    rows = rtos_bench.seed_rows({}, {})
    assert len(rows) == 2 + len(rtos_bench.SEED_ROWS)


def test_smp_wakeup_bare_and_on_two_pcpus(prepared, log):
    """`rtbench quick smp`: the cross-CPU wake-up items on 2 CPUs bare and on
    a 2-vCPU VM whose vCPUs are on pCPUs 1 and 2 (each SGI is a sysreg exit)."""
    pack, _, image = prepared
    bare = rtos_bench.run_bare(image, BUILD / "bench" / "smp.dtb", "quick smp", True, log,
                               timeout=60, smp=2)["all"]
    res, exits = rtos_bench.run_zvm(BUILD, pack, ["quick smp"], True, log, smp=3,
                                    template="smp2")
    for items in (bare, res["quick smp"]):
        assert sorted(items) == ["smp_roundtrip", "smp_wakeup"], items
        for name, r in items.items():
            assert r["unit"] == "ns" and r["n"] == 10, (name, r)
            assert 0 < r["min"] <= r["avg"] <= r["max"], (name, r)
    assert exits["quick smp"].get("sysreg", 0) >= 20    # two SGIs per sample
