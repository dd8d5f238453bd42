"""The inter-VM channel measured (issue 15, items 3, 7 and 8): the parts of
bench/ivc_bench.py on the default pack under -icount, with checks on what
they find: one-way doorbell latency from the two VMs' stamps, exits per
message, a 1 MiB transfer that costs no exit beyond its doorbells, and the
real-time VM's lateness while Linux floods it with doorbells and config
space reads. Figures: docs/benchmarks.md, "The inter-VM channel"."""
import itertools
import re
import sys

import pytest

from conftest import BUILD, ESCAPE, ROOT
from test_twin import LATENESS_BOUND_NS

sys.path.insert(0, str(ROOT / "bench"))
import ivc_bench  # noqa: E402
from linux_bench import Host  # noqa: E402

DEFAULT_PACK = BUILD / "guests" / "default.pack"
# The RT task's worst wake-up lateness during a flood, under -icount: half
# a period. Not test_twin's 50 us: a Linux vCPU that never idles costs the
# RT VM up to ~180 us by QEMU's round-robin alone, measured with the same
# flood rung at Linux itself (nothing reaches the RT VM); with it, 63-125
# us (docs/benchmarks.md, "The inter-VM channel"), but one clean-clone CI
# run saw 1.15 ms (the same round-robin effect: the window after the flood
# was 848 ns). Without storm masking in the RTOS's driver the flood made it
# 8 ms, so the bound sits at half that: it catches the regression, not the
# emulator. ZVM's own share is held to test_twin's 50 us below.
FLOOD_BOUND_NS = 4_000_000
# The RT task's report line costs ~220 MMIO exits; at the 100 ms period
# the bench sets meanwhile (ivc_bench.quiet_rt) at most one falls in a run.
REPORT_EXITS = 250
PROBES = 2000
MARKS = itertools.count()
DELIVERY = re.compile(r"(fast|full) path: \d+, avg \d+ ns, max (\d+) ns")

pytestmark = pytest.mark.skipif(not DEFAULT_PACK.exists(),
                                reason="no default pack: run tools/fetch-guests and make pack")


@pytest.fixture(scope="module")
def bench():
    with open(BUILD / "test_ivc_bench.log", "w") as log:
        h = Host(BUILD, DEFAULT_PACK, log)
        try:
            yield ivc_bench.Bench(h)
        finally:
            h.close()


def test_doorbell_latency_one_way_from_both_vms_stamps(bench):
    """The RTOS stamps with CNTPCT, Linux with CNTVCT + its CNTVOFF (zvm
    info): the three one-way spans add up to the round trip Linux timed
    alone, which a wrong offset or clock would not."""
    spans, per, out = ivc_bench.lat(bench, False, PROBES)
    assert set(spans) == {"round trip", "to the peer", "in the peer", "back"}, out
    assert "answered before" not in out, out
    rtt = spans["round trip"][1]
    parts = spans["to the peer"][1] + spans["in the peer"][1] + spans["back"][1]
    assert abs(parts - rtt) <= rtt * 0.02 + 100, spans
    assert 0 < spans["to the peer"][0] <= spans["to the peer"][2] < LATENESS_BOUND_NS, spans
    # Per probe, Linux: the doorbell, IntrStatus and four config accesses
    # (uio masks INTx, the tool unmasks it); the RT VM: IntrStatus and the
    # doorbell, give or take one report line (REPORT_EXITS) in either run;
    # two interrupts.
    rt, lx = per[bench.rt], per[bench.lx]
    slack = REPORT_EXITS / PROBES
    assert 5.95 <= lx["mmio"] <= 6.05, per
    assert 1.95 - slack <= rt["mmio"] <= 2.05 + slack and 1.95 <= rt["irq"] <= 2.05, per
    assert "dabt-bad" not in rt and "dabt-bad" not in lx, per


def test_one_mib_transfer_costs_no_exit_beyond_its_doorbells(bench):
    """1 MiB as 4096 echoed 256-byte messages against 4096 pings of 16
    bytes: the same doorbells and (but for timer ticks) interrupts, and the data adds no trapped
    access (were the region trapped, 2 x 262144 words would be)."""
    (pex, pdb), (xex, xdb), line = ivc_bench.xfer(bench)
    assert line.startswith("1048576 bytes to peer 0 and back in 4096 messages"), line
    for vm in (bench.rt, bench.lx):
        assert xdb[vm] == pdb[vm], (vm, pdb, xdb)
        assert abs(xex[vm]["irq"] - pex[vm]["irq"]) <= 64, (vm, pex, xex)   # + timer ticks
        assert abs(xex[vm]["mmio"] - pex[vm]["mmio"]) <= 64 + REPORT_EXITS, (vm, pex, xex)
        assert "dabt-bad" not in xex[vm], xex


def rt_storms(bench):
    """How often the RTOS's ivshmem driver masked a doorbell storm. The
    attach replays the console history: a fresh mark starts our part."""
    p = bench.h.p
    mark = f"__storms{next(MARKS)}__"
    p.sendline(f"zvm look -n {bench.rt}")
    p.expect_exact("[attached")
    p.send(f"{mark}\rivc\r")
    p.expect(rf"{mark}[\s\S]*?masked (\d+) times")
    n = int(p.match.group(1))
    p.send(ESCAPE)
    p.expect_exact("[detached")
    p.expect_exact("zvm> ")
    return n


def test_doorbell_flood_leaves_rt_vm_within_its_bound(bench):
    """Linux rings the RT VM's doorbell and reads its config space 50000
    times in a tight loop (YIELD per iteration, so QEMU's round-robin does
    not starve the RT VM's vCPU by itself): the RT task stays within its
    bound, and the hypervisor delivers its timer interrupts within test_twin's."""
    storms = rt_storms(bench)
    bench.h.cmd(f"zvm latency -n {bench.rt} -c")
    late, out, ex, received = ivc_bench.flood(bench, 50000, True, 0)
    delivery = bench.h.cmd(f"zvm latency -n {bench.rt}")
    print(f"RT worst lateness during a doorbell flood: {late} ns; {delivery}")
    assert "50000 doorbells to peer 0 and 50000 config-space reads" in out, out
    assert received >= 50000, received
    assert late <= FLOOD_BOUND_NS, out
    assert rt_storms(bench) > storms            # the driver masked the storm
    maxima = [int(m[1]) for m in DELIVERY.findall(delivery)]
    assert maxima and max(maxima) <= LATENESS_BOUND_NS, delivery
