"""What the production image (build/zvm.elf, `make`) holds and what it leaves
to the test image (build/zvm-test.elf, `make test-image`), read from the ELF
files with binutils.

Run: /usr/bin/python3 -m pytest -v tests/tools/test_image.py (after make
test-image; ZVM_BUILD selects another build folder).
"""
import os
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("ZVM_BUILD", ROOT / "build")).resolve()
CROSS = os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-")
# The test code (tests/kernel/): its shell commands, the self-tests' table.
TEST_SYMBOLS = ("__shell_cmd_selftest", "__shell_cmd_bench", "__selftest_preempt")


def sections(elf):
    """{name: size} of the ELF's sections (`size -A`)."""
    out = subprocess.run([CROSS + "size", "-A", str(elf)], check=True,
                         capture_output=True, text=True).stdout
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\.\S+)\s+(\d+)\s", out, re.M)}


def symbols(elf):
    out = subprocess.run([CROSS + "nm", str(elf)], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines()}


def test_production_image_links_no_test_code():
    syms = symbols(BUILD / "zvm.elf")
    assert not [s for s in syms if s.startswith("__selftest_")]
    assert "__shell_cmd_ps" in syms    # the check looks at the right names
    for s in TEST_SYMBOLS:
        assert s not in syms, s


def test_test_image_links_the_test_code():
    syms = symbols(BUILD / "zvm-test.elf")
    for s in TEST_SYMBOLS:
        assert s in syms, s


def test_data_section_holds_no_buffers():
    """Zero-initialised buffers belong in .bss, which costs the image file
    nothing; `zvm look`'s 32 KiB buffer once sat in .data (17 % of zvm.bin)
    because its struct had a static initialiser."""
    for elf in ("zvm.elf", "zvm-test.elf"):
        assert sections(BUILD / elf)[".data"] < 4096, elf
