"""Device passthrough: QEMU virt's PL031 RTC (MMIO 0x9010000 + SPI 34,
hardware-linked) given to one VM at a time (the `passthru` test guest), and
templates whose devices would expose the host refused at `zvm new`: by the
region list (host UART, GIC, RAM, busy SPI) and by the host device tree
(the ITS, DMA masters, a range the tree does not describe)."""
import re

import pytest

PT_CHECKS = {"pl031-periphid", "pl031-rtcdr-plausible", "pl031-spi-34-first",
             "pl031-spi-34-second-after-hw-deactivation"}


def results(text):
    return re.findall(r"^(PASS|FAIL) (\S+)", text, re.M)


def run_passthru(zvm):
    """Create, run until SYSTEM_OFF; return the VM id (left halted)."""
    vm = zvm.new_vm("passthru")
    assert f"vm {vm} running" in zvm.cmd(f"zvm run -n {vm}")
    seen = zvm.look(vm, r"guest: SYSTEM_OFF", timeout=20)
    res = results(seen)
    assert all(r == "PASS" for r, _ in res), seen
    assert {n for _, n in res} == PT_CHECKS, seen
    assert zvm.wait_state(vm, "halted", 10, poll=0.1) == "halted"
    return vm


def test_passthrough_owned_by_one_vm_at_a_time(zvm):
    first = run_passthru(zvm)
    out = zvm.cmd("zvm new -t passthru")
    assert "device 0x9010000+0x1000 is already passed through to vm" in out, out
    assert "created" not in out, out
    assert "ZVM" in zvm.cmd("version")
    assert f"vm {first} deleted" in zvm.cmd(f"zvm delete -n {first}")
    second = run_passthru(zvm)
    assert f"vm {second} deleted" in zvm.cmd(f"zvm delete -n {second}")


def test_restarted_vm_keeps_its_device(zvm):
    """A halted VM restarted with `zvm run` gets its interrupts again (the
    vGIC reset leaves no physical SPI active)."""
    vm = run_passthru(zvm)
    zvm.cmd(f"zvm run -n {vm}")
    seen = zvm.look(vm, r"guest: SYSTEM_OFF(?s:.*)guest: SYSTEM_OFF", timeout=20)
    last = seen[seen.rfind("passthru guest"):]
    res = results(last)
    assert {n for r, n in res if r == "PASS"} == PT_CHECKS, seen
    zvm.cmd(f"zvm delete -n {vm}")


@pytest.mark.parametrize("template,message", [
    ("pt-bad-uart", "device 0x9000000+0x1000 overlaps the host UART"),
    ("pt-bad-gic", "device 0x8000000+0x10000 overlaps the host GIC distributor"),
    ("pt-bad-ram", "device 0x40000000+0x200000 overlaps host RAM"),
    ("pt-bad-irq", "device 0x9010000+0x1000: SPI 33 is the host UART's interrupt"),
    ("pt-bad-its", "device 0x8080000+0x20000: /intc@8000000/its@8080000 (arm,gic-v3-its) "
                   "is part of the host's interrupt controller; passthrough refused"),
    ("pt-bad-fwcfg", "device 0x9020000+0x1000: /fw-cfg@9020000 (qemu,fw-cfg-mmio) "
                     "can do DMA; passthrough refused (no SMMU, and the VM is not identity-mapped)"),
    ("pt-bad-virtio", "device 0xa000000+0x1000: /virtio_mmio@a000000 (virtio,mmio) "
                      "can do DMA; passthrough refused (no SMMU, and the VM is not identity-mapped)"),
    ("pt-bad-hole", "device 0x9010000+0x2000: nothing in the host device tree at 0x9011000; "
                    "only described devices can be passed through"),
])
def test_bad_passthrough_refused(zvm, template, message):
    out = zvm.cmd(f"zvm new -t {template}")
    assert message in out, out
    assert "created" not in out, out
    assert zvm.vm_id(template) is None
    assert "ZVM" in zvm.cmd("version")
