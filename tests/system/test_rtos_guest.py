"""The same kernel built as an EL1 guest OS (make guest-rtos), booted bare on QEMU virt.

Without virtualization=on there is no EL2: the guest runs at EL1 with the
virtual timer and PSCI over HVC. With virtualization=on QEMU enters it at EL2
and it must drop to EL1 itself (PSCI then over SMC, as the DTB says).
"""
import os
import re
import struct
import subprocess

import pexpect
import pytest

from conftest import BOOT_TIMEOUT, BUILD, Zvm, assert_selftests_pass

IMAGE = BUILD / "rtos-guest.bin"
BARE = "virt,gic-version=3"
AT_EL2 = "virt,virtualization=on,gic-version=3"
QEMU_RAM = 0x40000000    # QEMU virt's RAM base
MiB = 1 << 20


class RtosGuest(Zvm):
    """QEMU running an image (default build/rtos-guest.bin); Zvm's console helpers."""

    def __init__(self, machine=BARE, smp=4, mem="1G", cpu="cortex-a53", image=IMAGE,
                 extra=()):
        self.argv = [
            "qemu-system-aarch64", "-M", machine, "-cpu", cpu, "-smp", str(smp),
            "-m", mem, "-nographic", "-nic", "none", "-kernel", str(image), *extra,
        ]
        self.log = open(BUILD / f"systest-rtos-{os.getpid()}-{id(self)}.log", "w")
        self.p = pexpect.spawn(self.argv[0], self.argv[1:], encoding="utf-8",
                               codec_errors="replace", timeout=BOOT_TIMEOUT)
        self.p.logfile_read = self.log
        self.banner = ""


@pytest.fixture
def rtos_factory():
    started = []

    def make(**kw):
        g = RtosGuest(**kw)
        started.append(g)
        return g

    yield make
    for g in started:
        g.close()


@pytest.fixture(scope="module")
def rtos():
    """One bare 4-CPU RTOS guest shared by the tests below."""
    g = RtosGuest()
    g.wait_boot()
    yield g
    g.close()


def test_banner_says_rtos_guest_at_el1_with_hardware_from_dt(rtos):
    assert "ZVM RTOS guest" in rtos.banner
    assert "booting (EL1)" in rtos.banner
    assert "smp: 4 CPUs online" in rtos.banner
    assert "mem: 1024 MiB RAM" in rtos.banner
    assert "GICv3" in rtos.banner
    assert "running at EL1" in rtos.cmd("version")


def test_host_commands_only_no_zvm(rtos):
    out = rtos.cmd("help")
    for c in ("ps", "selftest", "bench", "cpus", "poweroff", "version"):
        assert re.search(rf"^\s*{c}\b", out, re.M), c
    assert not re.search(r"^\s*zvm\b", out, re.M)
    assert "zvm: unknown command" in rtos.cmd("zvm info")
    idle = re.findall(r"^idle/(\d)\s", rtos.cmd("ps"), re.M)
    assert sorted(idle) == ["0", "1", "2", "3"]


def test_selftest_all_pass(rtos):
    assert_selftests_pass(rtos.cmd("selftest", timeout=240))


def test_bench_reports_every_item(rtos):
    out = rtos.cmd("bench", timeout=120)
    for item in ("thread switch (yield)", "sem give/take + switch", "IPI round trip (sem)",
                 "timer IRQ -> thread"):
        assert re.search(rf"bench: {re.escape(item)}\s+avg\s+\d+ ticks", out), item


def test_poweroff_exits_qemu_with_status_0(rtos_factory):
    g = rtos_factory(smp=2)
    assert "smp: 2 CPUs online" in g.wait_boot()
    assert g.poweroff() == 0


def runs_at_el1_with_smp_selftests(g):
    """At EL1, the scheduler/timer/IPI self-tests pass, and it powers off."""
    assert "running at EL1" in g.cmd("version")
    out = g.cmd("selftest preempt cross_wake sleep_accuracy affinity", timeout=120)
    assert "selftest: 4 passed, 0 failed, 0 skipped" in out, out
    assert g.poweroff() == 0


def test_entered_at_el2_drops_to_el1(rtos_factory):
    g = rtos_factory(machine=AT_EL2)
    banner = g.wait_boot()
    assert "booting (EL1)" in banner
    assert "smp: 4 CPUs online" in banner
    runs_at_el1_with_smp_selftests(g)


def test_image_header_says_it_runs_anywhere():
    """The arm64 Image header (Linux's Documentation/arch/arm64/booting.rst):
    little-endian, 4K pages, and flags bit 3, "the 2 MiB-aligned base may be
    anywhere in physical memory"; text_offset and image_size as before."""
    h = IMAGE.read_bytes()[:64]
    text_offset, image_size, flags = struct.unpack_from("<QQQ", h, 8)
    assert h[0x38:0x3c] == b"ARM\x64"
    assert flags == 0b1010, hex(flags)
    assert text_offset == 2 * MiB and image_size >= IMAGE.stat().st_size


def moved_image(tmp_path, at):
    """A copy of the image whose header asks to be loaded at `at`: QEMU's
    -kernel puts an arm64 Image at RAM base (0x40000000) + text_offset and
    enters it like a boot loader would (x0 = DTB, MMU off)."""
    img = bytearray(IMAGE.read_bytes())
    struct.pack_into("<Q", img, 8, at - QEMU_RAM)
    path = tmp_path / f"rtos-at-{at:#x}.bin"
    path.write_bytes(img)
    return path


@pytest.mark.parametrize("machine", [BARE, AT_EL2])
def test_relocated_boots_with_all_cpus(rtos_factory, tmp_path, machine):
    """Loaded 126 MiB above its link address (0x40200000), the guest applies
    its relocations and runs there: the image line names where, the
    secondaries start at the relocated entry point (PSCI CPU_ON), the shell
    table (pointers in data) works and the scheduler/timer/IPI self-tests
    pass."""
    at = 0x48000000
    g = rtos_factory(machine=machine, image=moved_image(tmp_path, at))
    banner = g.wait_boot()
    size = IMAGE.stat().st_size
    m = re.search(r"mem: image at (0x[0-9a-f]+)-(0x[0-9a-f]+), linked at 0x40200000", banner)
    assert m and int(m.group(1), 16) == at and int(m.group(2), 16) >= at + size, banner
    assert "smp: 4 CPUs online" in banner
    assert "mem: 1024 MiB RAM" in banner
    runs_at_el1_with_smp_selftests(g)


def test_runs_as_a_vm_under_zvm(rtos_factory, tmp_path):
    """Packed as an "rtos" template, the guest boots under ZVM with 2 vCPUs
    (vGIC, virtual timer, vPSCI over HVC, vPL011) and passes its self-tests."""
    (tmp_path / "rtos-guest.bin").write_bytes(IMAGE.read_bytes())
    (tmp_path / "pack.manifest").write_text(
        "[template rtos]\nos = rtos\nkernel = rtos-guest.bin\nmemory = 64M\nvcpus = 2\n")
    subprocess.run([str(BUILD / "tools" / "mkpack"), "-o", str(tmp_path / "pack.bin"),
                    str(tmp_path / "pack.manifest")], check=True, capture_output=True)
    host = rtos_factory(machine=AT_EL2, mem="1G", image=BUILD / "zvm.bin",
                        extra=("-initrd", str(tmp_path / "pack.bin")))
    host.wait_boot()
    assert "vm 0 created" in host.cmd("zvm new -t rtos")
    assert "vm 0 running" in host.cmd("zvm run -n 0")
    host.send("zvm look -n 0\r")
    host.expect(r"\[attached")
    host.expect(r"ZVM RTOS guest \S+ booting \(EL1\)")
    host.expect(r"smp: 2 CPUs online")
    host.expect(r"zvm> ")
    host.send("selftest\r")
    m = host.expect(r"selftest: (\d+) passed, (\d+) failed, (\d+) skipped", timeout=240)
    assert m.group(2) == "0" and int(m.group(1)) >= 9, host.p.before
    host.send("\x1d")          # Ctrl-]: back to the host shell
    host.expect(r"\[detached")
    host.expect(r"zvm> ")
    assert re.search(r"^0\s+rtos\s+running", host.cmd("zvm info"), re.M)
    assert host.poweroff() == 0
