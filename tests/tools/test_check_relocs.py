"""scripts/check-relocs, the build's guard on the relocatable RTOS guest
(mk/guest-rtos.mk, docs/guests.md "The RTOS guest runs at any address"):
the guest ships R_AARCH64_RELATIVE entries, all in its data, and tiny
links with what the boot code (arch/arm64/head.S) would not apply are
refused, naming the entry.

Run: /usr/bin/python3 -m pytest -v tests/tools/test_check_relocs.py (after
make guest-rtos; ZVM_BUILD selects another build folder).
"""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("ZVM_BUILD", ROOT / "build")).resolve()
CROSS = os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-")
CHECK = ROOT / "scripts" / "check-relocs"
READELF = CROSS + "readelf"

pytestmark = pytest.mark.skipif(not shutil.which(READELF), reason="no cross binutils")

# _etext and __bss_start bound the data as in arch/arm64/zvm.ld.in.
SOURCE = """\
	.text
	.global _start
_start:	ret
#ifdef TEXTREL
	.balign 8
	.quad	_start
#endif
	.global _etext
_etext:
	.data
	.balign 8
	.quad	_start
	.global __bss_start
__bss_start:
"""


def check(elf):
    return subprocess.run([str(CHECK), READELF, str(elf)], capture_output=True, text=True)


def link(tmp_path, *ld_args, define=None):
    src = tmp_path / "t.S"
    src.write_text(SOURCE)
    obj, elf = tmp_path / "t.o", tmp_path / "t.elf"
    subprocess.run([CROSS + "gcc", *([f"-D{define}"] if define else []), "-c", str(src),
                    "-o", str(obj)], check=True)
    subprocess.run([CROSS + "ld", *ld_args, "-z", "notext", str(obj), "-o", str(elf)],
                   check=True, capture_output=True)
    return elf


@pytest.mark.skipif(not (BUILD / "rtos-guest.elf").exists(), reason="make guest-rtos")
def test_rtos_guest_is_a_pie_with_relative_entries_only():
    r = check(BUILD / "rtos-guest.elf")
    assert r.returncode == 0 and not r.stderr, r.stderr
    relocs = subprocess.run([READELF, "-r", "-W", str(BUILD / "rtos-guest.elf")],
                            check=True, capture_output=True, text=True).stdout
    kinds = set(re.findall(r"^[0-9a-f]{16}\s+[0-9a-f]+\s+(R_AARCH64_\w+)", relocs, re.M))
    assert kinds <= {"R_AARCH64_RELATIVE", "R_AARCH64_NONE"}, kinds
    assert len(re.findall("R_AARCH64_RELATIVE", relocs)) > 100    # the shell table, ...


def test_pointer_in_data_passes(tmp_path):
    r = check(link(tmp_path, "-pie", "--no-dynamic-linker"))
    assert r.returncode == 0, r.stderr


def test_pointer_in_text_refused(tmp_path):
    r = check(link(tmp_path, "-pie", "--no-dynamic-linker", define="TEXTREL"))
    assert r.returncode == 1
    assert re.search(r"check-relocs: \S+t\.elf: R_AARCH64_RELATIVE at 0x[0-9a-f]+: "
                     r"outside the data \[0x[0-9a-f]+,0x[0-9a-f]+\) or unaligned", r.stderr), \
        r.stderr


def test_fixed_address_link_refused(tmp_path):
    """No .rela.dyn: the pointers would keep their link-time values."""
    r = check(link(tmp_path, "-no-pie"))
    assert r.returncode == 1
    assert "no .rela.dyn: not linked as a PIE (ld -pie), so not relocatable" in r.stderr, r.stderr


def test_symbolic_relocation_refused(tmp_path):
    """A shared-object link leaves R_AARCH64_ABS64 against a symbol: the
    boot code has no symbol table to resolve it with."""
    r = check(link(tmp_path, "-shared"))
    assert r.returncode == 1
    assert re.search(r"relocation R_AARCH64_ABS64 at 0x[0-9a-f]+: boot code applies only "
                     r"R_AARCH64_RELATIVE", r.stderr), r.stderr
