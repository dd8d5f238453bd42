"""The Debian guest images from tools/fetch-guests boot on bare QEMU (no ZVM).

This checks the images themselves, so that a failure of a guest under ZVM is
not mistaken for a bad image. Skipped when the images have not been fetched.
"""
import os
import pathlib
import re
import time

import pexpect
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("ZVM_BUILD", ROOT / "build"))
GUESTS = BUILD / "guests" / "debian"
KERNEL = GUESTS / "vmlinuz-cloud"
INITRD = GUESTS / "initramfs.cpio.gz"
RELEASE = GUESTS / "release-cloud"
BOOT_TIMEOUT = int(os.environ.get("ZVM_BOOT_TIMEOUT", "60"))
PROMPT = "guest# "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

pytestmark = pytest.mark.skipif(
    not all(f.is_file() for f in (KERNEL, INITRD, RELEASE)),
    reason=f"Debian guest images not fetched ({GUESTS}): run tools/fetch-guests",
)


class Guest:
    """A Debian kernel bare on QEMU; `extra` adds QEMU arguments (devices)."""

    def __init__(self, initrd=INITRD, extra=(), tag="debian"):
        self.argv = [
            "qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a53",
            "-smp", "2", "-m", "512M", "-nographic", "-nic", "none",
            "-kernel", str(KERNEL), "-initrd", str(initrd),
            "-append", "console=ttyAMA0 panic=-1", *extra,
        ]
        self.log = open(BUILD / f"systest-{tag}-{os.getpid()}.log", "w")
        t0 = time.monotonic()
        self.p = pexpect.spawn(self.argv[0], self.argv[1:], encoding="utf-8",
                               codec_errors="replace", timeout=BOOT_TIMEOUT)
        self.p.logfile_read = self.log
        self.p.expect(r"ZVM-GUEST-READY ([^\r\n]*)\r*\n")
        self.ready_release = self.p.match.group(1)
        self.boot_seconds = time.monotonic() - t0
        self.p.expect_exact(PROMPT)
        # busybox ash cannot learn the serial line's width and would wrap
        # the echo of long commands at 80 columns.
        self.cmd("stty cols 1000")

    def cmd(self, line, timeout=30):
        """Run one shell command; return its output without echo and prompt."""
        self.p.sendline(line)
        self.p.expect_exact(PROMPT, timeout=timeout)
        out = ANSI.sub("", self.p.before).replace("\r", "")
        first_nl = out.find("\n")
        return out[first_nl + 1:] if first_nl >= 0 else ""

    def close(self):
        if self.p.isalive():
            self.p.terminate(force=True)
        self.log.close()


@pytest.fixture(scope="module")
def guest():
    g = Guest()
    yield g
    g.close()


def test_ready_line_names_the_kernel_release(guest):
    assert guest.ready_release == RELEASE.read_text().strip()
    print(f"boot to ZVM-GUEST-READY: {guest.boot_seconds:.1f} s")


def test_uname(guest):
    out = guest.cmd("uname -a")
    assert re.search(rf"^Linux zvm-guest {re.escape(guest.ready_release)} .* aarch64",
                     out, re.M), out


def test_nproc_is_two(guest):
    assert guest.cmd("nproc").strip() == "2"


def test_ctrl_c_interrupts_a_foreground_command(guest):
    guest.p.sendline("sleep 60")
    time.sleep(1)
    guest.p.sendcontrol("c")
    guest.p.expect_exact(PROMPT, timeout=10)
    assert guest.cmd("echo alive").strip() == "alive"


def test_poweroff_exits_qemu(guest):
    guest.p.sendline("poweroff")
    guest.p.expect(pexpect.EOF, timeout=30)
    guest.p.close()
    assert guest.p.exitstatus == 0
