"""Mixed criticality (issue 5, item 4): the default pack's real-time VM keeps
its period while Linux runs stress-ng on all its CPUs and then panics, and
the host shell answers throughout. Run under -icount (guest time is
instruction-counted and deterministic), so the lateness the periodic task
reports is a property of ZVM and the emulator, not of how busy the machine
running QEMU is; see quiet_windows() for the one emulator effect excluded."""
import itertools
import re
import time

import pytest

from conftest import BUILD, ESCAPE, Zvm
from test_linux import LAT_PATH, LAT_ZVM
from test_rtos_guest import RtosGuest

DEFAULT_PACK = BUILD / "guests" / "default.pack"
QUERY = itertools.count()
# The `periodic` command's answer; a report line goes on with " window_max_ns"
# and either may be cut into by the other.
QUERY_OUT = r"PERIODIC n=(\d+) period_us=\d+ max_late_ns=\d+\r*[^\d \r]"
ICOUNT = ("-icount", "shift=0,align=off,sleep=off")
# Worst wake-up lateness of the 1 ms periodic task beside an idle and then
# crashing Linux, under icount: no lost period. Measured 2.7-3 us while the
# kernel's ticket lock executed a WFE on every acquisition (which QEMU's
# round-robin takes as "run the next CPU": the RT CPU got a turn at every
# lock anyone took), 15-240 us since it waits only on a held lock: the RT
# vCPU then waits for other CPUs' turns, each lasting to the next timer
# deadline anywhere (docs/benchmarks.md, "RT isolation"). ZVM's own part
# of each delivery is checked apart (ZVM_P90_BOUND_NS).
QUIET_BOUND_NS = 1_000_000
# A bare RT guest beside an idle or spinning sibling (no ZVM): 624 / 800 ns.
LATENESS_BOUND_NS = 50_000
# The hypervisor's part of a timer delivery (`zvm latency`: the vCPU's
# exit, or the deadline if later, to the guest entry), its 90th percentile
# per path: ~50 ns on the fast path, a full exit ~1.4 us. Not the average:
# under QEMU's round robin a CPU's turn can end in the middle of the
# ~100-instruction path, and the other CPUs' turns then count as ZVM's
# (measured up to 340 us, in ~0.5 % of deliveries during Linux I/O; one
# CI run's fast-path average was 1584 ns from them alone).
ZVM_P90_BOUND_NS = {"fast": 1_024, "full": 4_096}
ZVM_PCT_MIN_DELIVERIES = 100    # fewer: a percentile says nothing


def zvm_part(lat):
    """`zvm latency`'s paths with deliveries, as (path, count, avg, max,
    in-ZVM avg, in-ZVM max, (p50, p90, p99) strings) for printing, after
    asserting that ZVM's part of every path with enough deliveries has its
    90th percentile within ZVM_P90_BOUND_NS, and that one path had."""
    paths = [p for p in LAT_PATH.findall(lat) if p[2]]
    pcts = LAT_ZVM.findall(lat)
    assert paths and len(paths) == len(pcts), lat
    out, checked = [], 0
    for p, z in zip(paths, pcts):
        if int(p[1]) >= ZVM_PCT_MIN_DELIVERIES:
            assert z[2] == "<" and int(z[3]) <= ZVM_P90_BOUND_NS[p[0]], lat
            checked += 1
        out.append((*p, tuple(f"{z[i]} {z[i + 1]}" for i in (0, 2, 4))))
    assert checked, lat
    return out


def zvm_part_text(parts):
    return ", ".join(f"{p[0]} {p[1]}: avg {p[4]} max {p[5]} ns, p50/p90/p99 "
                     + "/".join(p[6]) + " ns" for p in parts)

pytestmark = pytest.mark.skipif(not DEFAULT_PACK.exists(),
                                reason="no default pack: run tools/fetch-guests and make pack")


def periodic_lines(text):
    return [dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", l))
            for l in re.findall(r"PERIODIC n=.* window_max_ns=.*", text)]


@pytest.fixture(scope="module")
def twin():
    z = Zvm(pack=DEFAULT_PACK, extra=ICOUNT)
    z.BOOT = z.wait_boot()
    z.reports = {}
    yield z
    z.close()


def rt_periods(twin, rt):
    """The RT task's period count now, from its `periodic` shell command.
    Every attach replays the console history: keep its reports (one per
    1000 periods) in twin.reports, as the history ring forgets old ones.
    The bogus command first marks where this query's output starts."""
    mark = f"__q{next(QUERY)}__"
    seen = twin.look(rt, rf"{mark}[\s\S]*{QUERY_OUT}",
                     send=f"{mark}\rperiodic\r")
    for l in periodic_lines(seen):
        twin.reports[l["n"]] = l
    return int(re.findall(QUERY_OUT, seen)[-1])


def wait_rt_periods(twin, rt, n):
    while (now := rt_periods(twin, rt)) < n:
        time.sleep(1)
    return now


def in_linux(twin, lx, line, expect, timeout=300):
    twin.p.sendline(f"zvm look -n {lx}")
    twin.p.expect_exact("[attached")
    twin.p.sendline(line)
    twin.p.expect_exact(expect, timeout=timeout)
    twin.p.send(ESCAPE)
    twin.p.expect_exact("[detached from vm")
    twin.p.expect_exact("zvm> ")


def test_rt_vm_keeps_its_period_while_linux_is_stressed_and_crashes(twin):
    rt, lx = twin.vm_id("rtos"), twin.vm_id("linux")
    # Let Linux boot (about 4 s of guest time) before attaching to its
    # console: see docs/benchmarks.md, "Known issue: console while booting".
    wait_rt_periods(twin, rt, 8000)
    twin.look(lx, r"guest# ", timeout=300)           # Linux is up
    up_n = rt_periods(twin, rt)
    start_n = wait_rt_periods(twin, rt, up_n + 3000)  # Linux idle at its shell
    in_linux(twin, lx, "stress-ng --cpu 2 -t 4s", "successful run completed")
    stress_end_n = rt_periods(twin, rt)
    # The crash comes when the stress is over, in a window the strict
    # bound covers (see quiet_windows).
    wait_rt_periods(twin, rt, stress_end_n + 2000)
    in_linux(twin, lx, "echo c > /proc/sysrq-trigger", "Kernel panic", timeout=120)
    assert "ZVM" in twin.cmd("version")               # the host answers
    # "Kernel panic" is printed before Linux stops its other CPU and asks
    # for the warm reset that marks the VM crashed.
    assert twin.wait_state(lx, "crashed", 60) == "crashed"
    assert twin.vm_state(rt) == "running"
    crash_n = rt_periods(twin, rt)
    wait_rt_periods(twin, rt, crash_n + 3000)
    seen = [twin.reports[n] for n in sorted(twin.reports)]
    assert [l["n"] for l in seen] == list(range(seen[0]["n"], seen[-1]["n"] + 1, 1000)), \
        "a report missed (the console history wrapped between two looks)"
    assert len([l for l in seen if l["n"] > start_n]) >= 5   # the RT task kept running
    twin.phases = dict(seen=seen, up_n=up_n, start_n=start_n, stress_end_n=stress_end_n,
                       crash_n=crash_n)
    # the crashed VM can be deleted and created again
    assert f"vm {lx} deleted" in twin.cmd(f"zvm delete -n {lx}")
    vm = twin.new_vm("linux")
    assert f"vm {vm} running" in twin.cmd(f"zvm run -n {vm}")


def quiet_windows(ph):
    """Report windows (1000 periods each, ending at n) with no CPU-bound
    Linux vCPU beside the RT VM: Linux idle at its shell before the stress,
    and from 1 s after the stress (whose last report may lag 1000 periods)
    through the crash and after it. The stress windows are left out: under
    -icount QEMU runs all vCPUs round-robin in one thread, each busy vCPU's
    turn lasting until the next timer deadline anywhere in the machine, so
    four CPU-bound Linux vCPUs delay the RT VM's wake-ups by milliseconds
    (7-11 ms measured) whatever the hypervisor does (docs/benchmarks.md,
    'RT isolation')."""
    return [l for l in ph["seen"]
            if ph["up_n"] + 1000 <= l["n"] <= ph["start_n"]
            or l["n"] >= ph["stress_end_n"] + 2000]


def test_rt_lateness_within_bound_while_linux_idles_and_crashes(twin):
    ph = getattr(twin, "phases", None)
    assert ph, "the previous test did not get that far"
    quiet = quiet_windows(ph)
    before = [l for l in quiet if l["n"] <= ph["start_n"]]
    after = [l for l in quiet if l["n"] > ph["crash_n"]]
    assert len(before) >= 2 and len(after) >= 2, ph
    worst = max(l["window_max_ns"] for l in quiet)
    stress = [l["window_max_ns"] for l in ph["seen"] if l not in quiet and l["n"] > ph["start_n"]]
    lat = twin.cmd(f"zvm latency -n {twin.vm_id('rtos')}")
    parts = zvm_part(lat)
    print(f"RT worst lateness: {worst} ns beside idle/crashing Linux; "
          f"{max(stress, default=0)} ns while stress-ng ran (emulator-bound); in ZVM "
          + zvm_part_text(parts))
    assert worst <= QUIET_BOUND_NS, quiet


@pytest.mark.parametrize("busy", ["", "busy=siblings"])
def test_emulator_alone_delays_a_bare_rt_guest_beside_a_busy_vcpu(busy):
    """The RT guest alone on QEMU (no ZVM, no Linux), -icount, with one
    sibling vCPU that only spins or idles, keeps its bound. Until the
    kernel's ticket lock stopped executing a WFE when uncontended (the
    SEVL + WFE idiom), it did not beside a spinner: QEMU's round-robin TCG
    takes a WFE as "run another CPU", so every lock the RT CPU took handed
    its turn to the spinning sibling for up to a 100 ms slice (0.3-0.5 s
    late). The name is historical: the emulator alone no longer delays it."""
    g = RtosGuest(smp=2, mem="512M", extra=(*ICOUNT, "-append", f"periodic=1000,1000 {busy}"))
    try:
        g.p.expect(r"PERIODIC n=2000 .*\n", timeout=120)
        worst = max(l["window_max_ns"] for l in periodic_lines(g.p.before + g.p.after))
    finally:
        g.close()
    print(f"bare RT guest, {busy or 'sibling idle'}: worst lateness {worst} ns")
    assert worst <= LATENESS_BOUND_NS
