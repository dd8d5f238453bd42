"""Asynchronous console (issue 14, item 3): a guest that floods the host log
with warnings must not make a real-time VM on the same pCPU late.

QEMU's PL011 sends every byte at once, so the host boots with the driver's
slow-UART model (boot argument slowuart=<baud>, drivers/pl011.c): at 9600
baud one ~90-character warning takes the transmitter ~95 ms. A console that
writes a line on the CPU that logged it, with interrupts masked, holds the
pCPU that long; the RT VM (ticker, priority 2, pCPU 1), whose timer is due
every 100 ms, is then late by up to that much whenever the flooding guest
(priority 20, same pCPU) logs. With the drain thread on pCPU 0 it is not.
The slow rate keeps the effect far above QEMU's host jitter (a few ms)."""
import re

import pexpect
import pytest

from conftest import Zvm

SLOW_BAUD = 9600
FLOOD_S = 6
# One warning line (~120 bytes) takes ~125 ms at 9600 baud, and the flood
# keeps the UART busy about half of the time: a synchronous console makes
# about half of the ticker's wake-ups up to that late (worst measured
# 110 ms). Without it the ticker is late by microseconds plus QEMU's jitter
# on a loaded host: on average a few ms, with single outliers of 100+ ms
# when the host deschedules QEMU, so the bound is on the average.
AVG_LATENESS_BOUND_NS = 10_000_000
WINDOWS = 3
WARNING = "abort injected"
RESET_LOOP_S = 3


@pytest.fixture(scope="module")
def slow():
    z = Zvm(extra=("-append", f"slowuart={SLOW_BAUD}"))
    z.wait_boot()
    yield z
    z.close()


def timer_delivery(out):
    """(count, average ns, worst ns) over the paths of `zvm latency`."""
    paths = [(int(n), int(a or 0), int(m or 0)) for n, a, m in re.findall(
        r"^\s+\w+ path: (\d+)(?:, avg (\d+) ns, max (\d+) ns)?", out, re.M)]
    assert paths, out
    count = sum(n for n, _, _ in paths)
    return count, sum(n * a for n, a, _ in paths) // max(count, 1), max(m for _, _, m in paths)


def console_for(z, seconds):
    """Everything the console prints in the next `seconds`."""
    z.p.expect(pexpect.TIMEOUT, timeout=seconds)
    z.p.buffer = ""     # a TIMEOUT match leaves it all there for the next expect
    return z.p.before


def test_slow_uart_model_announced(slow):
    assert f"modelling a {SLOW_BAUD}-baud transmitter" in slow.banner


def flood_window(z, rt, fl):
    """Clear the RT VM's statistics, let the flood run FLOOD_S seconds, stop
    it (its lines would cut into the table); the console text and
    (count, average, worst) of the RT timer deliveries meanwhile."""
    assert "cleared" in z.cmd(f"zvm latency -n {rt} -c")
    assert f"vm {fl} running" in z.cmd(f"zvm run -n {fl}")
    out = console_for(z, FLOOD_S)
    assert "paused" in z.cmd(f"zvm pause -n {fl}", timeout=60)
    return out, timer_delivery(z.cmd(f"zvm latency -n {rt}"))


def test_guest_log_flood_does_not_delay_rt_vm_on_its_pcpu(slow):
    """Up to WINDOWS tries: a loaded host can make one window's average
    noisy; the synchronous console's effect is in every window."""
    rt = slow.new_vm("ticker-rt")
    assert f"vm {rt} running" in slow.cmd(f"zvm run -n {rt}")
    slow.look(rt, r"tick 3 ")
    fl = slow.new_vm("flood")
    for i in range(WINDOWS):
        out, (count, avg, worst) = flood_window(slow, rt, fl)
        # The flood happened and reached the console, at the rate limit.
        assert out.count(WARNING) >= 3 * FLOOD_S, out
        assert "similar messages suppressed" in out, out
        assert count >= 8 * FLOOD_S, count
        print(f"RT ticker beside a log flood at {SLOW_BAUD} baud: {count} timer "
              f"deliveries, average {avg} ns, worst {worst} ns")
        if avg <= AVG_LATENESS_BOUND_NS:
            break
    assert avg <= AVG_LATENESS_BOUND_NS, (avg, worst)
    for vm in (fl, rt):
        assert f"vm {vm} deleted" in slow.cmd(f"zvm delete -n {vm}")


def test_guest_reset_loop_messages_are_rate_limited(zvm):
    """vm_halt's and the restart's lines are guest-caused: a guest that
    resets itself as soon as it runs gets at most the rate limit's 5 of
    each per second, then one "suppressed" line."""
    vm = zvm.new_vm("reboot")
    assert f"vm {vm} running" in zvm.cmd(f"zvm run -n {vm}")
    out = console_for(zvm, RESET_LOOP_S)
    assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}", timeout=60)
    halts = out.count(f"vm{vm} (reboot): halted (reset requested)")
    starts = out.count(f"vm{vm} (reboot): restarting")
    print(f"reset loop: {halts} halt and {starts} restart lines in {RESET_LOOP_S} s")
    assert "similar messages suppressed" in out, out
    for n in (halts, starts):
        assert 1 <= n <= 5 * (RESET_LOOP_S + 1), out


def test_poweroff_message_reaches_the_console_first(zvm_factory):
    """The shell's last words are queued like all output: `poweroff`
    writes them out before the machine goes."""
    z = zvm_factory(pack=None)
    z.wait_boot()
    z.p.sendline("poweroff")
    z.p.expect_exact("powering off")
    z.p.expect(pexpect.EOF)
    z.p.close()
    assert z.p.exitstatus == 0
