"""VMs under ZVM, driven through the `zvm` shell commands like a user:
the test guests of tests/guests/ (built into build/guests/pack.bin)."""
import re
import time

import pytest


def results(text):
    return re.findall(r"^(PASS|FAIL) (\S+)", text, re.M)


def run_to_completion(zvm, template):
    vm = zvm.new_vm(template)
    assert f"vm {vm} running" in zvm.cmd(f"zvm run -n {vm}")
    seen = zvm.look(vm, r"guest: SYSTEM_OFF")
    assert zvm.wait_state(vm, "halted", 10, poll=0.1) == "halted"
    return vm, seen


def test_templates_listed(zvm):
    out = zvm.cmd("zvm templates")
    assert re.search(r"^hello\s+baremetal\s+16\s+1\s", out, re.M)
    assert re.search(r"^irqs\s+baremetal\s+16\s+2\s", out, re.M)


def test_hello_guest(zvm):
    """Console, MMIO widths, PSCI, UNDEF for an unknown sysreg and an
    abort outside RAM, then SYSTEM_OFF halts the VM and the host goes on."""
    vm, seen = run_to_completion(zvm, "hello")
    res = results(seen)
    assert ("FAIL", "") not in res and all(r == "PASS" for r, _ in res), seen
    assert {n for _, n in res} >= {"psci-version", "mmio-widths-sign-extension",
                                   "undef-sysreg", "abort-outside-ram"}
    info = zvm.cmd(f"zvm info -n {vm}")
    assert re.search(r"vcpu0: .*hvc=\d+.*mmio=\d+.*dabt-bad=1", info), info
    assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")


def test_irqs_guest(zvm):
    """vGIC + vtimer + vPSCI: timer through WFI, 8 SGIs over 4 LRs in
    priority order, the UART SPI, CPU_ON/OFF, cross-vCPU SGI, FP switch."""
    vm, seen = run_to_completion(zvm, "irqs")
    res = results(seen)
    assert all(r == "PASS" for r, _ in res), seen
    assert {n for _, n in res} == {
        "vtimer-ticks-through-wfi", "sgi-8-pending-4-lrs-priority-order", "vpl011-spi-33",
        "psci-affinity-info-on", "fp-state-vcpu0", "fp-state-vcpu1",
        "psci-cpu-off-and-cross-sgi"}
    info = zvm.cmd(f"zvm info -n {vm}")
    assert re.search(r"vcpu0: pcpu 1.*fp=\d+", info) and re.search(r"vcpu1: pcpu 1.*fp=\d+", info)
    zvm.cmd(f"zvm delete -n {vm}")


@pytest.mark.parametrize("line,message", [
    ("zvm new", "need -t"),
    ("zvm new -t nosuch", "no template 'nosuch'"),
    ("zvm new -t hello -m 3M", "multiple of 2 MiB"),
    ("zvm new -t hello -c 99", "bad value '99' for -c"),
    ("zvm new -t hello -m lots", "bad value 'lots'"),
    ("zvm run", "need -n"),
    ("zvm run -n 15", "no VM with id 15"),
    ("zvm run -n x1", "bad VM id"),
    ("zvm pause -n 99", "no VM"),
    ("zvm frob", "unknown subcommand 'frob'"),
])
def test_bad_zvm_commands_are_refused(zvm, line, message):
    out = zvm.cmd(line)
    assert message in out, out
    assert "ZVM" in zvm.cmd("version")


def test_illegal_transitions_refused(zvm):
    vm = zvm.new_vm("ticker")
    assert "cannot pause" in zvm.cmd(f"zvm pause -n {vm}")
    zvm.cmd(f"zvm run -n {vm}")
    assert "cannot run" in zvm.cmd(f"zvm run -n {vm}")
    assert "paused" in zvm.cmd(f"zvm pause -n {vm}")
    assert "cannot pause" in zvm.cmd(f"zvm pause -n {vm}")
    assert zvm.vm_state(vm) == "paused"
    assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")
    assert "no VM" in zvm.cmd(f"zvm delete -n {vm}")


def ticks(text):
    return [(int(n), int(vt)) for n, vt in re.findall(r"tick (\d+) vt=(\d+)", text)]


def test_pause_freezes_guest_time_and_console_input(zvm):
    vm = zvm.new_vm("ticker")
    zvm.cmd(f"zvm run -n {vm}")
    before = ticks(zvm.look(vm, r"tick 3 vt=\d+\r*\n"))
    zvm.cmd(f"zvm pause -n {vm}")
    assert zvm.vm_state(vm) == "paused"
    time.sleep(1.5)
    zvm.cmd(f"zvm run -n {vm}")
    after = ticks(zvm.look(vm, r"tick 5 vt=\d+\r*\n"))
    n3 = dict(after)[3]
    n4 = dict(after)[4]
    # 100 ms of guest time per tick; the 1.5 s pause must not show.
    assert n4 - n3 < 600, after
    assert before[-1][0] == 3
    seen = zvm.look(vm, r"rx z", send="z")
    assert "rx z" in seen
    zvm.cmd(f"zvm delete -n {vm}")


def test_two_vms_run_side_by_side(zvm):
    a, b = zvm.new_vm("ticker"), zvm.new_vm("ticker")
    zvm.cmd(f"zvm run -n {a}")
    zvm.cmd(f"zvm run -n {b}")
    assert ticks(zvm.look(a, r"tick 2 vt"))
    assert ticks(zvm.look(b, r"tick 2 vt"))
    out = zvm.cmd("zvm info")
    assert len(re.findall(r"ticker\s+running", out)) == 2
    zvm.cmd(f"zvm delete -n {a}")
    zvm.cmd(f"zvm delete -n {b}")


def free_pages(zvm):
    return int(re.search(r"pages: \d+ total, (\d+) free", zvm.cmd("mem")).group(1))


def test_create_delete_cycles_return_all_memory(zvm):
    zvm.cmd("zvm info")
    base = free_pages(zvm)
    for i in range(100):
        vm = zvm.new_vm("ticker")
        if i % 10 == 0:
            zvm.cmd(f"zvm run -n {vm}")
        assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")
    assert free_pages(zvm) == base
    assert "ID  NAME" in zvm.cmd("zvm info")


def test_hostile_guest_is_answered_and_contained(zvm):
    """The chaos guest (tests/guests/chaos.c): every MRS/MSR/SYS encoding,
    random HVC/SMC and MMIO of every kind, its second vCPU doing calls and
    MMIO at the same time. It must get an exception or a
    value for each and run to its end; a VM beside it keeps running, the
    host's log stays short (rate-limited), the shell answers throughout."""
    other = zvm.new_vm("ticker")
    zvm.cmd(f"zvm run -n {other}")
    before = max(ticks(zvm.look(other, r"tick \d+ vt=\d+\r*\n")))[0]
    vm = zvm.new_vm("chaos")
    assert f"vm {vm} running" in zvm.cmd(f"zvm run -n {vm}")
    assert zvm.wait_state(vm, "halted", 300, poll=1) == "halted"
    # Its console history alone (attached while it ran, the host's rate-
    # limited warnings would be interleaved with its lines).
    seen = zvm.look(vm, r"guest: SYSTEM_OFF")
    assert "chaos: second vCPU started" in seen, seen[-2000:]
    for phase in ("sysreg reads", "sysreg writes 0", "sysreg writes ~0", "sys", "calls", "mmio"):
        m = re.search(rf"chaos: {phase} done, (\d+) exceptions", seen)
        assert m, (phase, seen[-2000:])
    m = re.search(r"chaos: second vCPU done, (\d+) exceptions", seen)
    assert m and int(m.group(1)) > 5000, seen[-2000:]
    # Unallocated encodings UNDEF; MMIO the devices refuse aborts.
    byclass = dict(re.findall(r" 0x0*([0-9a-f]+)=(\d+)", seen.split("chaos: done", 1)[1]))
    assert int(byclass.get("0", 0)) > 100000 and int(byclass.get("25", 0)) > 10000, byclass
    info = zvm.cmd(f"zvm info -n {vm}")
    for cpu in (0, 1):
        assert re.search(rf"vcpu{cpu}: .*hvc=\d{{4,}} smc=\d{{4,}} .*dabt-bad=\d{{4,}}", info), info
    # Tens of thousands of refused accesses; the log, rate-limited in time,
    # has a line for fewer than 1 in 100 (however long the run took).
    refused = sum(int(n) for n in re.findall(r"dabt-bad=(\d+)", info))
    lines = len(re.findall(rf"vm{vm}\.vcpu\d:", zvm.cmd("log")))
    assert refused > 20000 and lines * 100 < refused, (lines, refused)
    assert max(ticks(zvm.look(other, rf"tick {before + 1} vt=\d+\r*\n")))[0] > before
    assert "ticker" in zvm.cmd("zvm info")
    for v in (vm, other):
        assert f"vm {v} deleted" in zvm.cmd(f"zvm delete -n {v}")


def sysdump(zvm):
    """Run a fresh sysdump VM on pCPU 2; its readable registers."""
    vm = zvm.new_vm("sysdump")
    zvm.cmd(f"zvm run -n {vm}")
    assert zvm.wait_state(vm, "halted", 60) == "halted"
    seen = zvm.look(vm, r"sysdump: \d+ readable")
    assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")
    regs = dict(re.findall(r"^R ([0-9a-f]{4}) ([0-9a-f]{16})", seen, re.M))
    assert len(regs) == int(re.search(r"sysdump: (\d+) readable", seen).group(1))
    return regs


def sysreg_name(e):
    e = int(e, 16)
    return f"S{2 + (e >> 14)}_{e >> 11 & 7}_C{e >> 7 & 15}_C{e >> 3 & 15}_{e & 7}"


def test_no_register_state_leaks_between_vms(zvm):
    """A fresh VM reads every system register the same whether or not the
    chaos guest (which writes 0 and ~0 to every register it can) ran on
    its pCPU just before. Registers that differ between two clean runs
    (counters, timers) are left out."""
    clean1, clean2 = sysdump(zvm), sysdump(zvm)
    assert len(clean1) > 100
    stable = {e: v for e, v in clean1.items() if clean2.get(e) == v}
    vm = zvm.new_vm("chaos")
    zvm.cmd(f"zvm run -n {vm}")
    assert zvm.wait_state(vm, "halted", 300, poll=1) == "halted"
    assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")
    after = sysdump(zvm)
    leaked = {sysreg_name(e): (v, after.get(e)) for e, v in stable.items() if after.get(e) != v}
    assert not leaked, leaked
    assert set(after) == set(clean1), set(after) ^ set(clean1)
