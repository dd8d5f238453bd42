"""`identity = yes` (issue 16): the hypervisor places an identity-mapped
VM's RAM itself, at boot for an autostart template and at `zvm new`. One
short boot of a pack built here, with 1 GiB of RAM so that a 512 MiB
identity VM fits only once: beside a plain VM, next to a memory_at
template whose range the placement must leave alone; the second one is
refused naming the size and the largest free block; delete frees the
range and the next one gets it again.

The RTOS guest is relocatable (docs/guests.md): linked at 0x40200000, it
runs wherever its Image lands (RAM base + text_offset). So both identity
VMs boot it at their own host-physical RAM, which their consoles (`zvm
look` replays the boot log) prove: the image's address, all vCPUs up, a
working shell."""
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, Zvm

RTOS = BUILD / "rtos-guest.bin"
TICKER = BUILD / "guests" / "ticker.elf"
MKPACK = BUILD / "tools" / "mkpack"
MiB = 1 << 20
SIZE = 512 * MiB
# A memory_at template's range, where best fit would otherwise put the
# 512 MiB (at the bottom of the large run above the pack, 0x48600000).
FIXED = 0x50000000
FIXED_SIZE = 32 * MiB
RAM_END = 0x80000000    # QEMU virt, -m 1G

MANIFEST = f"""\
[template ticker]
os = baremetal
kernel = ticker.elf
memory = 8M
autostart = yes

[template placed]
os = rtos
kernel = rtos-guest.bin
memory = 512M
vcpus = 2
pcpus = 2,3
identity = yes
autostart = yes

[template fixed]
os = rtos
kernel = rtos-guest.bin
memory = 32M
vcpus = 2
pcpus = 3,1
memory_at = {FIXED:#x}
"""

pytestmark = pytest.mark.skipif(not (RTOS.exists() and TICKER.exists() and MKPACK.exists()),
                                reason="make pack guest-rtos")


@pytest.fixture(scope="module")
def zvm_placed(tmp_path_factory):
    d = tmp_path_factory.mktemp("place")
    shutil.copy(RTOS, d)
    shutil.copy(TICKER, d)
    (d / "pack.manifest").write_text(MANIFEST)
    subprocess.run([str(MKPACK), "-o", str(d / "pack.bin"), str(d / "pack.manifest")],
                   check=True, capture_output=True)
    z = Zvm(pack=d / "pack.bin", mem="1G")
    z.wait_boot()
    yield z
    z.close()


def test_templates_show_where_ram_goes(zvm_placed):
    out = zvm_placed.cmd("zvm templates")
    assert re.search(r"^ticker\s.* yes\s+anywhere\r?$", out, re.M), out
    assert re.search(r"^placed\s.* yes\s+identity, placed at create\r?$", out, re.M), out
    assert re.search(rf"^fixed\s.* no\s+identity at {FIXED:#x}\r?$", out, re.M), out


def ram_at(z, vm_id):
    """The placed RAM base `zvm info -n` reports."""
    info = z.cmd(f"zvm info -n {vm_id}")
    m = re.search(r"RAM at (0x[0-9a-f]+), identity-mapped \(IPA = host PA, placed by the "
                  r"hypervisor\)", info)
    assert m, info
    return int(m.group(1), 16)


def test_autostart_placed_beside_a_plain_vm(zvm_placed):
    z = zvm_placed
    assert z.vm_id("ticker") is not None, z.banner
    base = ram_at(z, z.vm_id("placed"))
    assert base % (2 * MiB) == 0 and FIXED + FIXED_SIZE <= base <= RAM_END - SIZE, hex(base)
    assert "TRUSTED" not in z.cmd(f"zvm info -n {z.vm_id('placed')}")   # owns no DMA master
    z.first_base = base


def assert_rtos_runs_at(z, vm_id, ram_base, cpus, mem_mib):
    """The RTOS guest of VM vm_id booted with its image at ram_base + 2 MiB
    (its text_offset; linked at 0x40200000), cpus vCPUs and mem_mib of RAM,
    and its shell answers (the command table is pointers in data)."""
    seen = z.look(vm_id, r"smp: \d+ CPUs online[\s\S]*zvm> ")
    image = ram_base + 2 * MiB
    assert re.search(rf"mem: {mem_mib} MiB RAM in 1 bank\(s\)", seen), seen
    assert re.search(rf"mem: image at {image:#x}-0x[0-9a-f]+, linked at 0x40200000", seen), seen
    assert f"smp: {cpus} CPUs online" in seen, seen
    assert z.look(vm_id, r"\nup \d+\.\d+ s\r*\n", send="uptime\r")


def test_placed_rtos_boots_at_its_ram(zvm_placed):
    z = zvm_placed
    assert_rtos_runs_at(z, z.vm_id("placed"), z.first_base, 2, SIZE // MiB)


def test_no_room_names_size_and_largest_block(zvm_placed):
    out = zvm_placed.cmd("zvm new -t placed")
    m = re.search(r"identity = yes: no free 2 MiB-aligned range of 0x20000000 bytes \(512 MiB\) "
                  r"in host RAM; the largest free block is (0x[0-9a-f]+) bytes \(\d+ MiB\) at "
                  r"(0x[0-9a-f]+)", out)
    assert m and "created" not in out, out
    assert int(m.group(1), 16) < SIZE


def test_memory_at_range_left_free(zvm_placed):
    z = zvm_placed
    vm = z.new_vm("fixed")
    assert f"RAM at {FIXED:#x}, identity-mapped (IPA = host PA)\n" in z.cmd(f"zvm info -n {vm}")
    assert "running" in z.cmd(f"zvm run -n {vm}")
    assert_rtos_runs_at(z, vm, FIXED, 2, FIXED_SIZE // MiB)
    assert "deleted" in z.cmd(f"zvm delete -n {vm}")


def test_delete_frees_the_range_for_the_next(zvm_placed):
    z = zvm_placed
    old = z.vm_id("placed")
    assert "deleted" in z.cmd(f"zvm delete -n {old}")
    vm = z.new_vm("placed")
    assert ram_at(z, vm) == z.first_base
    assert "running" in z.cmd(f"zvm run -n {vm}")
    assert z.vm_state(z.vm_id("ticker")) == "running"
