"""Out-of-range sizes and priorities typed at the shell: each is refused
with one line saying what is wrong, the host keeps running, and a valid
`zvm new` still works. `zvm new -m 8589934594M` used to wrap the 2 MiB
block count to 1 and panic the host at once (issue 14, item 4)."""
import re

import pytest

from conftest import booted

# (command, the one line it must print)
OUT_OF_RANGE = [
    ("zvm new -t hello -m 8589934594M", "zvm new: memory 8589934594 MiB exceeds the host's"),
    ("zvm new -t hello -m 1G", "zvm new: memory 1024 MiB exceeds the host's"),
    ("zvm new -t hello -m 17592186044414M", "zvm new: memory 17592186044414 MiB exceeds"),
    ("zvm new -t hello -m 17592186044416M",
     "zvm new: bad value '17592186044416M' for -m: does not fit in 64 bits"),
    ("zvm new -t hello -m 17179869184G",
     "zvm new: bad value '17179869184G' for -m: does not fit in 64 bits"),
    ("zvm new -t hello -m 0", "zvm new: bad value '0' for -m: must not be 0"),
    ("zvm new -t hello -m 3M", "zvm new: memory must be a multiple of 2 MiB (got 3145728 bytes)"),
    ("zvm new -t hello -c 0", "zvm new: bad value '0' for -c: must not be 0"),
    ("zvm new -t hello -c 9", "zvm new: bad value '9' for -c: a VM has 1 to 8 vCPUs"),
    ("zvm new -t hello -c 4294967297", "zvm new: bad value '4294967297' for -c: a VM has 1 to 8"),
]


@pytest.fixture(scope="module")
def zvm():
    """A 4-CPU ZVM with 1 GiB: a gigabyte VM cannot fit beside the host."""
    yield from booted(mem="1G")


def one_line(out):
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    return lines[0]


@pytest.mark.parametrize("line,message", OUT_OF_RANGE, ids=[c[0][16:] for c in OUT_OF_RANGE])
def test_out_of_range_refused_host_alive(zvm, line, message):
    assert one_line(zvm.cmd(line)).startswith(message)
    assert "ZVM" in zvm.cmd("version")


def test_valid_sizes_still_work(zvm):
    """After every refusal: the smallest memory and the most vCPUs."""
    vm = zvm.new_vm("hello", "-m 2M")
    assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")
    vm = zvm.new_vm("ticker", "-m 64M", "-c 8")
    assert re.search(rf"^{vm}\s+ticker\s+created\s+8\s+64\s", zvm.cmd("zvm info"), re.M)
    assert f"vm {vm} running" in zvm.cmd(f"zvm run -n {vm}")
    assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")
    assert not re.search(r"^\d+\s", zvm.cmd("zvm info"), re.M)


def test_priority_above_shell_refused_on_one_cpu(zvm_factory):
    """On one pCPU every vCPU lands on the shell's: prio-hi (priority 5,
    CPU-bound) would starve it and is refused; hello (15) runs below it."""
    z = zvm_factory(smp=1)
    z.wait_boot()
    out = z.cmd("zvm new -t prio-hi")
    assert one_line(out) == (
        "zvm new: vCPU 0 would run on pCPU 0 at priority 5, above the host shell: "
        "priorities 0..12 on pCPU 0 are the host's (use 13..30 or another pCPU)"), out
    assert "ZVM" in z.cmd("version")
    vm = z.new_vm("prio-lo")
    assert f"vm {vm} running" in z.cmd(f"zvm run -n {vm}")
    assert "ZVM" in z.cmd("version")
    assert f"vm {vm} deleted" in z.cmd(f"zvm delete -n {vm}")
