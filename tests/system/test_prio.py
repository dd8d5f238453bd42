"""Two CPU-bound VMs on one pCPU (tests/guests/prio.c, templates prio-hi at
priority 5 and prio-lo at 20, both on pCPU 1): the higher one wins; the
lower one runs when the higher one is paused or sleeps in WFI, and its
virtual timer, which expired while it was starved, fires at once and once."""
import re
import time

BIG_GAP_MS = 300      # far above host jitter: the vCPU was descheduled


def events(text):
    """("run", n) and ("gap", ms) lines of a prio guest, in order."""
    return [(k, int(v)) for k, v in re.findall(r"^(run|gap) (\d+)", text, re.M)]


def big_gaps(text):
    return [v for k, v in events(text) if k == "gap" and v >= BIG_GAP_MS]


def counters(text):
    """The last run line's irqs/spurious/bad counts."""
    return [int(x) for x in re.findall(
        r"irqs=(\d+) spurious=(\d+) bad=(\d+)", text)[-1]]


def test_higher_priority_wins_lower_runs_when_it_pauses_or_sleeps(zvm):
    lo = zvm.new_vm("prio-lo")
    zvm.cmd(f"zvm run -n {lo}")
    zvm.look(lo, r"run 3 ")
    hi = zvm.new_vm("prio-hi")
    zvm.cmd(f"zvm run -n {hi}")
    zvm.look(hi, r"run 10 ")             # 1 s of hi at full speed: lo starved
    assert "paused" in zvm.cmd(f"zvm pause -n {hi}")

    # lo saw one long gap (no instruction ran while hi was busy), and its
    # timer, due during the gap, was delivered the moment it ran again.
    seen = zvm.look(lo, r"PASS vtimer-on-time-after-deschedule(?s:.*)run \d+ .*\n")
    assert big_gaps(seen) and big_gaps(seen)[0] >= 900, seen
    late = int(re.search(r"vtimer late=(\d+)", seen).group(1))
    assert late >= 500, seen
    assert "FAIL" not in seen, seen

    # hi runs again, then sleeps in WFI for 1 s (lo runs meanwhile), then
    # spins again until paused.
    zvm.cmd(f"zvm run -n {hi}")
    zvm.look(hi, r"run 15 ")
    zvm.look(hi, r"woke", send="s")
    hi_seen = zvm.look(hi, r"woke(?s:.*)run \d+ .*\n")
    time.sleep(0.5)                     # lo starved again meanwhile
    zvm.cmd(f"zvm pause -n {hi}")
    seen = zvm.look(lo, r"(?:gap \d{3,}\r*\n(?s:.*?)){2}gap \d{3,}\r*\n")
    ev = events(seen)
    gaps = [i for i, (k, v) in enumerate(ev) if k == "gap" and v >= BIG_GAP_MS]
    assert len(gaps) >= 3, seen
    runs_while_hi_slept = [e for e in ev[gaps[1] + 1:gaps[2]] if e[0] == "run"]
    assert len(runs_while_hi_slept) >= 5, seen

    # Exactly once: every vtimer interrupt found the timer condition met, and
    # none came more than the guest's slack after its deadline.
    assert counters(seen)[1:] == [0, 0], seen
    assert counters(hi_seen)[1:] == [0, 0], hi_seen
    assert "FAIL" not in seen + hi_seen
    for vm in (hi, lo):
        assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")
