"""System-test fixtures: boot ZVM on QEMU and drive its serial console."""
import os
import pathlib
import re
import time

import pexpect
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("ZVM_BUILD", ROOT / "build"))
PROMPT = "zvm> "
BOOT_TIMEOUT = int(os.environ.get("ZVM_BOOT_TIMEOUT", "60"))
# The image pack of test guests (make pack); tests that need none pass pack=None.
TEST_PACK = BUILD / "guests" / "pack.bin"
# The production image (make) and the test image (make test-image): the same
# plus the in-kernel self-tests and the `selftest` and `bench` commands.
IMAGE = BUILD / "zvm.bin"
TEST_IMAGE = BUILD / "zvm-test.bin"
ESCAPE = "\x1d"   # Ctrl-]: leaves `zvm look`
# The kernel's self-tests (tests/kernel), host and RTOS guest alike.
SELFTESTS = ["preempt", "prio_order", "timeslice", "sleep_accuracy", "timeout_order",
             "timeout_prio", "cross_wake", "mutex_pi", "ipc_stress", "affinity", "suspend_resume",
             "undef_probe"]


def assert_selftests_pass(out):
    """The `selftest` command's output: every self-test ran and passed."""
    assert not re.search(r"^FAIL", out, re.M), out
    for name in SELFTESTS:
        assert re.search(rf"^PASS {name}\s", out, re.M), name
    assert f"selftest: {len(SELFTESTS)} passed, 0 failed, 0 skipped" in out


class Zvm:
    """A running QEMU with ZVM; methods talk to the shell like a user."""

    def __init__(self, cpu="cortex-a53", smp=4, mem="4G", machine=None, extra=(),
                 pack=TEST_PACK, image=IMAGE):
        machine = machine or "virt,virtualization=on,gic-version=3"
        initrd = ["-initrd", str(pack)] if pack else []
        self.argv = [
            "qemu-system-aarch64", "-M", machine, "-cpu", cpu, "-smp", str(smp),
            "-m", mem, "-nographic", "-nic", "none",
            "-kernel", str(image), *initrd, *extra,
        ]
        self.log = open(BUILD / f"systest-{os.getpid()}-{id(self)}.log", "w")
        self.p = pexpect.spawn(self.argv[0], self.argv[1:], encoding="utf-8",
                               codec_errors="replace", timeout=BOOT_TIMEOUT)
        self.p.logfile_read = self.log
        self.banner = ""

    def wait_boot(self):
        self.p.expect_exact(PROMPT)
        self.banner = self.p.before
        return self.banner

    def cmd(self, line, timeout=30):
        """Run one shell command; return its output without echo and prompt."""
        self.p.sendline(line)
        self.p.expect_exact(PROMPT, timeout=timeout)
        out = self.p.before.replace("\r", "")
        first_nl = out.find("\n")
        return out[first_nl + 1:] if first_nl >= 0 else ""

    def send(self, s):
        self.p.send(s)

    def expect(self, pattern, timeout=30):
        self.p.expect(pattern, timeout=timeout)
        return self.p.match

    def look(self, vm_id, pattern, timeout=30, send=None):
        """Attach to a VM's console, wait for pattern (optionally after
        typing send), detach; return the console text seen."""
        self.p.sendline(f"zvm look -n {vm_id}")
        self.p.expect_exact("[attached", timeout=timeout)
        if send is not None:
            self.p.send(send)
        self.p.expect(pattern, timeout=timeout)
        seen = self.p.before + self.p.after
        self.p.send(ESCAPE)
        # A guest's own shell may print the same prompt: wait for ours.
        self.p.expect_exact("[detached from vm", timeout=timeout)
        self.p.expect_exact(PROMPT, timeout=timeout)
        return seen.replace("\r", "")

    def new_vm(self, template, *args):
        """`zvm new -t template ...`; return the new VM's id."""
        out = self.cmd(" ".join(["zvm new -t", template, *args]))
        m = re.search(r"vm (\d+) created", out)
        assert m, out
        return int(m.group(1))

    def vm_id(self, name):
        """Id of the (first) VM called name in `zvm info`."""
        m = re.search(rf"^(\d+)\s+{re.escape(name)}\s", self.cmd("zvm info"), re.M)
        return int(m.group(1)) if m else None

    def vm_state(self, vm_id):
        m = re.search(rf"^{vm_id}\s+\S+\s+(\w+)", self.cmd("zvm info"), re.M)
        return m.group(1) if m else None

    def wait_state(self, vm_id, state, timeout, poll=0.5):
        """Poll `zvm info` until the VM is in state or timeout seconds
        passed; return the state it was last seen in."""
        deadline = time.time() + timeout
        while (now := self.vm_state(vm_id)) != state and time.time() < deadline:
            time.sleep(poll)
        return now

    def poweroff(self, timeout=30):
        self.p.sendline("poweroff")
        self.p.expect(pexpect.EOF, timeout=timeout)
        self.p.close()
        return self.p.exitstatus

    def close(self):
        if self.p.isalive():
            self.p.terminate(force=True)
        self.log.close()


@pytest.fixture
def zvm_factory():
    started = []

    def make(**kw):
        z = Zvm(**kw)
        started.append(z)
        return z

    yield make
    for z in started:
        z.close()


def booted(**kw):
    """A module fixture's body: one booted ZVM, closed after the module."""
    z = Zvm(**kw)
    z.wait_boot()
    yield z
    z.close()


@pytest.fixture(scope="module")
def zvm():
    """One booted 4-CPU ZVM (the production image) shared by a test module."""
    yield from booted()


@pytest.fixture(scope="module")
def zvm_test():
    """The same on the test image, which has the `selftest` and `bench` commands."""
    yield from booted(image=TEST_IMAGE)
