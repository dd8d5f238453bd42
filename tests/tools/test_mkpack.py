"""mkpack as a user runs it: build a pack from a manifest, list it, check it,
and refuse every kind of bad manifest or damaged pack with a message that
says where ("file:line: what").

Run: /usr/bin/python3 -m pytest -v tests/tools
(builds build/tools/mkpack first; ZVM_BUILD selects another build folder).
"""
import os
import pathlib
import re
import struct
import subprocess
import zlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("ZVM_BUILD", ROOT / "build")).resolve()
MKPACK = BUILD / "tools" / "mkpack"

KERNEL_PA = 0x40080000


@pytest.fixture(scope="session")
def mkpack():
    subprocess.run(["make", "-s", "-C", str(ROOT / "tools"), f"BUILD={BUILD}"], check=True)
    return MKPACK


def run(mkpack, *args, cwd):
    return subprocess.run([str(mkpack), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


# ---- input files, written byte by byte ---------------------------------------

def elf(paddr=KERNEL_PA, code=b"\x00\x00\x00\x14" * 16, bss=0x1000, machine=183):
    """ELF64 LE ET_EXEC with one PT_LOAD: code at paddr, then bss."""
    phoff, data = 64, 64 + 56
    ehdr = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, paddr, phoff, 0, 0, 64, 56, 1,
                        0, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, data, paddr, paddr, len(code), len(code) + bss,
                       0x1000)
    return ehdr + phdr + code


def image(text_offset=0x80000, image_size=0x200000, flags=0x2, size=0x1000):
    """Linux arm64 Image: 64-byte header with ARM\\x64 at 0x38."""
    hdr = struct.pack("<IIQQQQQQ", 0x14000010, 0, text_offset, image_size, flags, 0, 0, 0)
    hdr += b"ARM\x64" + bytes(4)
    return hdr + bytes(size - len(hdr))


def dtb(model="board"):
    """A minimal FDT v17: root with model and #cells, one memory node."""
    strings = b""
    offsets = {}

    def prop(name, value):
        nonlocal strings
        if name not in offsets:
            offsets[name] = len(strings)
            strings += name.encode() + b"\0"
        pad = value + bytes(-len(value) % 4)
        return struct.pack(">III", 3, len(value), offsets[name]) + pad

    def node(name, body):
        raw = name.encode() + b"\0"
        return struct.pack(">I", 1) + raw + bytes(-len(raw) % 4) + body + struct.pack(">I", 2)

    mem = node("memory@40000000", prop("device_type", b"memory\0") +
               prop("reg", struct.pack(">QQ", 0x40000000, 0x8000000)))
    root = node("", prop("#address-cells", struct.pack(">I", 2)) +
                prop("#size-cells", struct.pack(">I", 2)) + prop("model", model.encode() + b"\0") +
                mem)
    struct_blk = root + struct.pack(">I", 9)
    rsv = bytes(16)
    off_rsv = 40
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(struct_blk)
    total = off_strings + len(strings)
    hdr = struct.pack(">10I", 0xd00dfeed, total, off_struct, off_strings, off_rsv, 17, 16, 0,
                      len(strings), len(struct_blk))
    return hdr + rsv + struct_blk + strings


GOOD_MANIFEST = """\
# Two guests sharing nothing but the pack.
[template linux]
os = linux
kernel = Image
initrd = rootfs.cpio
dtb = @board
memory = 64M
vcpus = 2
pcpus = 2,3
priority = 5
autostart = yes
bootargs = "console=ttyAMA0 earlycon # not a comment"
device = 0x9100000 0x1000 40

[template rtos]
os = zephyr
kernel = rtos.bin
load_addr = 0x40000000
memory = 8M
pcpu_mask = 0x3

[entry board]
file = board.dtb
"""


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "Image").write_bytes(image())
    (tmp_path / "rootfs.cpio").write_bytes(b"070701" + bytes(500))
    (tmp_path / "board.dtb").write_bytes(dtb())
    (tmp_path / "rtos.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "kernel.elf").write_bytes(elf())
    (tmp_path / "good.ini").write_text(GOOD_MANIFEST)
    return tmp_path


@pytest.fixture
def good_pack(mkpack, workdir):
    r = run(mkpack, "-o", "good.bin", "good.ini", cwd=workdir)
    assert r.returncode == 0, r.stderr
    return workdir / "good.bin"


# ---- a good pack -------------------------------------------------------------

def test_build_and_list(mkpack, workdir, good_pack):
    assert run(mkpack, "--check", good_pack, cwd=workdir).returncode == 0
    r = run(mkpack, "--list", good_pack, cwd=workdir)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert re.search(r"^pack: \d+ bytes, version 1, 4 entries, 2 templates$", out, re.M)
    assert "templates:" in out
    assert "  linux: linux, 2 vCPUs, memory 64M, priority 5, autostart" in out
    assert "    kernel:   linux.kernel\n" in out
    assert "    initrd:   linux.initrd\n" in out
    assert "    dtb:      board\n" in out
    assert "    pcpus:    mask 0xc, vCPU 0 on pCPU 2, vCPU 1 on pCPU 3" in out
    assert "    bootargs: console=ttyAMA0 earlycon # not a comment\n" in out
    assert "    device:   0x9100000 size 0x1000 irq 40" in out
    assert "  rtos: zephyr, 1 vCPU, memory 8M, priority 15\n" in out
    assert "    kernel:   rtos.kernel at 0x40000000" in out
    assert "    dtb:      (generated)" in out
    for name, kind in [("linux.kernel", "image"), ("linux.initrd", "initrd"),
                       ("board", "dtb"), ("rtos.kernel", "raw")]:
        assert re.search(rf"^  {re.escape(name)} +{kind} ", out, re.M), name


def test_binary_layout(good_pack):
    """The header as docs/image-pack.md describes it, checked with zlib's CRC."""
    blob = good_pack.read_bytes()
    magic, version, hdr_size, flags, total, nent, ent_off, ntpl, tpl_off, tables_crc = \
        struct.unpack_from("<8sHHIQIIIII", blob)
    assert magic == b"ZVMPACK\0" and version == 1 and hdr_size == 64 and flags == 0
    assert total == len(blob) and (nent, ntpl) == (4, 2)
    assert ent_off == 64 and tpl_off == 64 + 4 * 64
    assert struct.unpack_from("<I", blob, 0x3c)[0] == zlib.crc32(blob[:0x3c])
    assert tables_crc == zlib.crc32(blob[ent_off:tpl_off + ntpl * 640])
    for i in range(nent):
        rec = blob[ent_off + 64 * i:ent_off + 64 * (i + 1)]
        off, size, crc = struct.unpack_from("<QQI", rec, 0x28)
        assert off % 4096 == 0 and crc == zlib.crc32(blob[off:off + size])


SHM_MANIFEST = """[shm link]
size = 64K
members = b, a

[template a]
os = baremetal
kernel = kernel.elf
memory = 4M

[template b]
os = baremetal
kernel = kernel.elf
memory = 4M
"""


def test_shm_region(mkpack, workdir):
    """A region may come before its templates; peer ids follow the members
    list; the shm table follows the template table, inside the tables CRC."""
    (workdir / "shm.ini").write_text(SHM_MANIFEST)
    r = run(mkpack, "-o", "shm.bin", "shm.ini", cwd=workdir)
    assert r.returncode == 0, r.stderr
    r = run(mkpack, "--list", "shm.bin", cwd=workdir)
    assert "shm regions:\n  link: 64K, peers 0=b 1=a\n" in r.stdout, r.stdout
    blob = (workdir / "shm.bin").read_bytes()
    tpl_off, tables_crc, nshm, shm_off = struct.unpack_from("<IIII", blob, 0x24)
    assert nshm == 1 and shm_off == tpl_off + 2 * 640
    assert tables_crc == zlib.crc32(blob[64:shm_off + 64])
    name, size, n, flags, members = struct.unpack_from("<32sQII8s", blob, shm_off)
    assert name.rstrip(b"\0") == b"link" and size == 0x10000 and (n, flags) == (2, 0)
    assert members == bytes([1, 0]) + b"\xff" * 6


def test_default_output_and_same_file_shared(mkpack, workdir):
    (workdir / "two.ini").write_text(
        "[template a]\nos = baremetal\nkernel = kernel.elf\nmemory = 4M\n"
        "[template b]\nos = baremetal\nkernel = kernel.elf\nmemory = 4M\n")
    r = run(mkpack, "two.ini", cwd=workdir)
    assert r.returncode == 0, r.stderr
    r = run(mkpack, "--list", "pack.bin", cwd=workdir)
    assert "1 entries, 2 templates" in r.stdout   # one copy of kernel.elf


def test_usage(mkpack, workdir):
    for args in [(), ("-o",), ("--list",), ("-x", "a", "b")]:
        r = run(mkpack, *args, cwd=workdir)
        assert r.returncode == 2 and "usage: mkpack" in r.stderr


# ---- bad manifests -----------------------------------------------------------

HEAD = "[template vm]\nos = baremetal\nkernel = kernel.elf\nmemory = 16M\n"

# (manifest text, line of the error, message regex)
BAD_MANIFESTS = [
    ("unknown_key", HEAD + "colour = red\n", 5, r"unknown template key 'colour'"),
    ("bad_number", HEAD + "vcpus = two\n", 5, r"vcpus must be a number from 1 to 8, not 'two'"),
    ("too_many_vcpus", HEAD + "vcpus = 9\n", 5, r"vcpus must be a number from 1 to 8, not '9'"),
    ("bad_priority", HEAD + "priority = 31\n", 5, r"priority must be a number from 0 to 30"),
    ("prio_above_shell", HEAD + "pcpus = 0\npriority = 3\n", 1,
     r"template 'vm': vCPU 0 pinned to pCPU 0 at priority 3: "
     r"priorities 0\.\.12 on pCPU 0 are the host's \(use 13\.\.30 or another pCPU\)"),
    ("prio_mask_has_host_cpu", HEAD + "pcpu_mask = 0x3\npriority = 12\n", 1,
     r"template 'vm': pcpu_mask 0x3 allows pCPU 0 at priority 12: priorities 0\.\.12"),
    ("memory_too_big", HEAD.replace("16M", "0x7fc0001000"), 1,
     r"template 'vm': memory size 0x7fc0001000 exceeds the 511 GiB a VM can address"),
    ("bad_memory", "[template vm]\nos = linux\nmemory = lots\n", 3,
     r"memory must be a size such as 64M or 0x4000000, not 'lots'"),
    ("unaligned_memory", "[template vm]\nmemory = 4097\n", 2,
     r"memory must be a non-zero multiple of 4K"),
    ("missing_kernel_file", "[template vm]\nos = linux\nmemory = 16M\nkernel = nope.elf\n", 4,
     r"cannot read '\./nope\.elf': No such file or directory"),
    ("duplicate_key", HEAD + "os = linux\n", 5, r"'os' is given twice in template 'vm'"),
    ("bad_pcpus", HEAD + "vcpus = 2\npcpus = 0,x\n", 6,
     r"a pCPU must be a number from 0 to 63, not 'x'"),
    ("pcpu_too_big", HEAD + "pcpus = 64\n", 5, r"a pCPU must be a number from 0 to 63, not '64'"),
    ("pcpus_count", HEAD + "vcpus = 2\npcpus = 1\n", 1, r"template 'vm': pcpus lists 1 pCPUs for 2 vCPUs"),
    ("pcpus_empty", HEAD + "pcpus = ,\n", 5, r"pcpus needs 'any' or a list such as 0,1"),
    ("pin_outside_mask", HEAD + "pcpus = 1\npcpu_mask = 0x4\n", 1,
     r"template 'vm': pcpus puts vCPU 0 on pCPU 1, outside pcpu_mask 0x4"),
    ("pin_outside_mask_first", HEAD + "pcpu_mask = 0x4\npcpus = 1\n", 1,
     r"template 'vm': pcpus puts vCPU 0 on pCPU 1, outside pcpu_mask 0x4"),
    ("device_misaligned", HEAD + "device = 0x9100800 0x1000\n", 5,
     r"device base and size must be 4K aligned, size non-zero"),
    ("device_no_size", HEAD + "device = 0x9100000\n", 5, r"device needs 'BASE SIZE \[SPI-INTID\] \[dma\]'"),
    ("device_junk", HEAD + "device = 0x9100000 0x1000 40 fast\n", 5,
     r"device needs 'BASE SIZE \[SPI-INTID\] \[dma\]'"),
    ("memory_at_bad", HEAD + "memory_at = high\n", 5,
     r"memory_at must be a host physical address such as 0xa0000000, not 'high'"),
    ("memory_at_unaligned", HEAD + "memory_at = 0x80100000\n", 1,
     r"template 'vm': memory_at 0x80100000 and memory 0x1000000 must be multiples of 2 MiB"),
    ("dma_not_identity", HEAD + "device = 0x9100000 0x1000 40 dma\n", 1,
     r"template 'vm': device 0 is marked dma, but the VM's RAM is not identity-mapped "
     r"\(memory_at or identity = yes\)"),
    ("identity_bad", HEAD + "identity = maybe\n", 5, r"identity must be yes or no, not 'maybe'"),
    ("identity_and_memory_at", HEAD.replace("kernel.elf", "Image") +
     "identity = yes\nmemory_at = 0x80000000\n", 1,
     r"template 'vm': memory_at 0x80000000 and identity = yes exclude each other: memory_at "
     r"places the RAM at that address, identity = yes lets the hypervisor place it"),
    ("identity_elf_kernel", HEAD + "identity = yes\n", 1,
     r"template 'vm': identity = yes needs a relocatable kernel \(an arm64 Image\): the RAM's "
     r"address is known only at `zvm new`, but kernel '.*' is elf, loaded at fixed addresses"),
    ("identity_memory_unaligned", HEAD.replace("kernel.elf", "Image").replace("16M", "3M") +
     "identity = yes\n", 1,
     r"template 'vm': identity = yes needs memory in whole 2 MiB blocks, not 0x300000"),
    ("identity_ram_covers_device", HEAD + "memory_at = 0x80000000\ndevice = 0x80001000 0x1000\n", 1,
     r"template 'vm': device 0 at 0x80001000 overlaps the VM's RAM at memory_at 0x80000000"),
    ("identity_elf_outside_ram", HEAD + "memory_at = 0x80000000\n", 1, r"template 'vm': kernel: "),
    ("identity_overlap", HEAD + "memory_at = 0x80000000\n" +
     HEAD.replace("[template vm]", "[template vm2]") + "memory_at = 0x80e00000\n", 6,
     r"template 'vm2': memory_at 0x80e00000 overlaps template 'vm' \(memory_at 0x80000000\)"),
    ("device_bad_irq", HEAD + "device = 0x9100000 0x1000 16\n", 5,
     r"the device IRQ \(SPI INTID\) must be a number from 32 to 1019, not '16'"),
    ("device_not_number", HEAD + "device = base 0x1000\n", 5, r"device base/size 'base 0x1000' are not numbers"),
    ("devices_share_irq", HEAD + "device = 0x9100000 0x1000 40\ndevice = 0x9200000 0x1000 40\n", 1,
     r"template 'vm': devices 0 and 1 share IRQ 40"),
    ("devices_overlap", HEAD + "device = 0x9100000 0x2000\ndevice = 0x9101000 0x1000\n", 1,
     r"template 'vm': devices 0 and 1 overlap"),
    ("unknown_os", "[template vm]\nos = windows\n", 2, r"unknown os 'windows': linux, zephyr, rtos or baremetal"),
    ("bad_autostart", HEAD + "autostart = maybe\n", 5, r"autostart must be yes or no, not 'maybe'"),
    ("long_bootargs", HEAD + "bootargs = " + "x" * 300 + "\n", 5, r"bootargs are 300 characters, at most 255"),
    ("needs_keys", "[template vm]\nos = linux\n", 1, r"template 'vm' needs os, kernel and memory"),
    ("load_addr_on_elf", HEAD + "load_addr = 0x40000000\n", 1,
     r"template 'vm': load_addr is only for raw kernels, '\./kernel\.elf' is elf"),
    ("raw_without_load_addr", "[template vm]\nos = rtos\nkernel = rootfs.cpio\nmemory = 16M\n", 1,
     r"template 'vm': kernel '\./rootfs\.cpio' is a raw binary: set load_addr"),
    ("kernel_too_big", "[template vm]\nos = baremetal\nkernel = kernel.elf\nmemory = 64K\n", 1,
     r"template 'vm': kernel: segment 0: \[0x40080000,\+0x1040\) is outside guest RAM"),
    ("dtb_not_fdt", HEAD + "dtb = kernel.elf\n", 5, r"'\./kernel\.elf' is not a device tree blob \(no FDT magic\)"),
    ("dtb_malformed", HEAD + "dtb = @bad\n[entry bad]\nfile = broken.dtb\n", 1,
     r"template 'vm': dtb 'bad' is not a valid device tree: "),
    ("empty_file_name", HEAD.replace("kernel.elf", ""), 3, r"empty file name"),
    ("unknown_entry", HEAD.replace("kernel.elf", "@vmlinux"), 3, r"no \[entry vmlinux\] in the manifest"),
    ("entry_unknown_key", HEAD + "[entry e]\npath = x\n", 6, r"unknown entry key 'path' \(file or kind\)"),
    ("entry_unknown_kind", HEAD + "[entry e]\nkind = exe\n", 6, r"unknown kind 'exe': elf, image, raw, initrd, dtb or blob"),
    ("entry_no_file", HEAD + "[entry e]\nkind = blob\n", 5, r"entry 'e' has no 'file ='"),
    ("entry_twice", HEAD + "[entry e]\nfile = a\n[entry e]\n", 7, r"entry name 'e' is already used"),
    ("template_twice", HEAD + HEAD, 5, r"template 'vm' is defined twice \(first on line 1\)"),
    ("unknown_section", "[machine vm]\n", 1, r"unknown section 'machine' \(template, entry or shm\)"),
    ("bad_name", "[template my vm]\n", 1, r"bad name 'my vm': use 1 to 31 of A-Z a-z 0-9 \. _ \+ -"),
    ("bad_header", "[template vm] x\n", 1, r"section header must be \[template NAME\], \[entry NAME\] or \[shm NAME\]"),
    ("outside_section", "os = linux\n", 1, r"'os' outside a \[template\], \[entry\] or \[shm\] section"),
    ("no_equals", HEAD + "vcpus 2\n", 5, r"expected 'key = value', a \[section\] or a # comment"),
    ("shm_size_not_pow2", HEAD + "[shm s]\nsize = 12K\n", 6,
     r"shm size must be a power of two from 4K to 128M, not '12K'"),
    ("shm_size_too_big", HEAD + "[shm s]\nsize = 256M\n", 6,
     r"shm size must be a power of two from 4K to 128M, not '256M'"),
    ("shm_size_too_small", HEAD + "[shm s]\nsize = 2K\n", 6,
     r"shm size must be a power of two from 4K to 128M, not '2K'"),
    ("shm_size_bad", HEAD + "[shm s]\nsize = big\n", 6,
     r"size must be a size such as 64K or 0x10000, not 'big'"),
    ("shm_unknown_member", HEAD + "[shm s]\nsize = 4K\nmembers = vm, nope\n", 7,
     r"shm 's': no template 'nope' in the manifest"),
    ("shm_member_twice", HEAD + "[shm s]\nsize = 4K\nmembers = vm, vm\n", 7,
     r"template 'vm' is listed twice in members"),
    ("shm_too_many_members", HEAD + "[shm s]\nmembers = a,b,c,d,e,f,g,h,i\n", 6,
     r"members lists more than 8 templates"),
    ("shm_no_members", HEAD + "[shm s]\nmembers = ,\n", 6,
     r"members needs a list of templates such as rt, linux"),
    ("shm_needs_keys", HEAD + "[shm s]\nsize = 4K\n", 5, r"shm 's' needs size and members"),
    ("shm_unknown_key", HEAD + "[shm s]\nowner = vm\n", 6, r"unknown shm key 'owner' \(size or members\)"),
    ("shm_key_twice", HEAD + "[shm s]\nsize = 4K\nsize = 8K\n", 7, r"'size' is given twice in shm 's'"),
    ("shm_twice", HEAD + "[shm s]\n[shm s]\n", 6, r"shm 's' is defined twice \(first on line 5\)"),
    ("shm_too_many_per_template", HEAD + "".join(
        f"[shm s{i}]\nsize = 4K\nmembers = vm\n" for i in range(5)), 1,
     r"template 'vm': joins 5 shm regions, at most 4"),
]


@pytest.mark.parametrize("text,line,message", [c[1:] for c in BAD_MANIFESTS],
                         ids=[c[0] for c in BAD_MANIFESTS])
def test_bad_manifest(mkpack, workdir, text, line, message):
    (workdir / "broken.dtb").write_bytes(struct.pack(">I", 0xd00dfeed) + bytes(60))
    (workdir / "bad.ini").write_text(text)
    r = run(mkpack, "-o", "out.bin", "bad.ini", cwd=workdir)
    assert r.returncode == 1, r.stderr
    assert re.fullmatch(rf"mkpack: bad\.ini:{line}: {message}.*\n", r.stderr), r.stderr
    assert not (workdir / "out.bin").exists()


@pytest.mark.parametrize("keys", ["pcpus = 0\npriority = 13\n", "pcpus = 1\npriority = 0\n",
                                  "pcpu_mask = 0x3\n", "memory = 511G\n"],
                         ids=["host_cpu_below_shell", "other_cpu_top_priority",
                              "host_cpu_default_priority", "largest_memory"])
def test_limits_accepted(mkpack, workdir, keys):
    """Each bound at its edge: priority 13 is the best a VM may have on
    pCPU 0 (the default, 15, is below it too), any goes elsewhere."""
    (workdir / "ok.ini").write_text(HEAD.replace("memory = 16M\n", "") + keys +
                                    ("" if "memory" in keys else "memory = 16M\n"))
    r = run(mkpack, "-o", "ok.bin", "ok.ini", cwd=workdir)
    assert r.returncode == 0, r.stderr


def test_identity_template(mkpack, workdir):
    """An identity-mapped template with a DMA device: built, dry-run
    booted at its own RAM address, listed with both."""
    text = GOOD_MANIFEST.replace("device = 0x9100000 0x1000 40",
                                 "memory_at = 0x80000000\ndevice = 0xa000000 0x1000 48 dma")
    (workdir / "id.ini").write_text(text.replace("dtb = @board\n", ""))
    r = run(mkpack, "-o", "id.bin", "id.ini", cwd=workdir)
    assert r.returncode == 0, r.stderr
    out = run(mkpack, "--list", "id.bin", cwd=workdir).stdout
    assert "memory 64M at 0x80000000 (identity-mapped)" in out, out
    assert "    device:   0xa000000 size 0x1000 irq 48 dma" in out, out


def test_identity_any_template(mkpack, workdir):
    """identity = yes: RAM placed by the hypervisor, so no address in the
    pack; a DMA device is allowed as with memory_at; listed as such."""
    text = GOOD_MANIFEST.replace("device = 0x9100000 0x1000 40",
                                 "identity = yes\ndevice = 0xa000000 0x1000 48 dma")
    (workdir / "any.ini").write_text(text.replace("dtb = @board\n", ""))
    r = run(mkpack, "-o", "any.bin", "any.ini", cwd=workdir)
    assert r.returncode == 0, r.stderr
    out = run(mkpack, "--list", "any.bin", cwd=workdir).stdout
    assert "memory 64M (identity-mapped, placed at create), priority 5" in out, out
    assert "    device:   0xa000000 size 0x1000 irq 48 dma" in out, out


def test_dump_dtb_of_identity_any(mkpack, workdir):
    """An identity = yes VM's RAM address is chosen at `zvm new`: --dump-dtb
    says its DTB shows the dry run's 0x40000000, and --ram-at ADDR (what
    `zvm info -n` reports) gives the VM's own; a bad address or a template
    whose RAM is fixed is refused, naming why."""
    text = GOOD_MANIFEST.replace("device = 0x9100000 0x1000 40", "identity = yes")
    (workdir / "any.ini").write_text(text.replace("dtb = @board\n", ""))
    assert run(mkpack, "-o", "any.bin", "any.ini", cwd=workdir).returncode == 0

    def memory_nodes(dtb):
        dts = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(workdir / dtb)],
                             capture_output=True, text=True, check=True).stdout
        return re.findall(r"(memory@[0-9a-f]+) \{\s*device_type = \"memory\";\s*"
                          r"reg = <([^>]*)>", dts)

    r = run(mkpack, "--dump-dtb", "linux", "any.bin", "dry.dtb", cwd=workdir)
    assert r.returncode == 0, r.stderr
    assert "note: template 'linux' is identity = yes" in r.stderr, r.stderr
    assert "--ram-at ADDR" in r.stderr
    assert memory_nodes("dry.dtb") == [("memory@40000000", "0x00 0x40000000 0x00 0x4000000")]
    r = run(mkpack, "--dump-dtb", "linux", "any.bin", "at.dtb", "--ram-at", "0xa0000000",
            cwd=workdir)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert memory_nodes("at.dtb") == [("memory@a0000000", "0x00 0xa0000000 0x00 0x4000000")]
    r = run(mkpack, "--dump-dtb", "linux", "any.bin", "x.dtb", "--ram-at", "0xa0100000",
            cwd=workdir)
    assert r.returncode == 1 and "--ram-at 0xa0100000: 64 MiB of RAM cannot be placed there " \
        "(2 MiB aligned, between 0x40000000 and 0x8000000000)" in r.stderr, r.stderr
    r = run(mkpack, "--dump-dtb", "linux", "any.bin", "x.dtb", "--ram-at", "0xa0000000z",
            cwd=workdir)
    assert r.returncode == 2 and "--ram-at '0xa0000000z': not an address" in r.stderr
    r = run(mkpack, "--dump-dtb", "rtos", "any.bin", "x.dtb", "--ram-at", "0xa0000000",
            cwd=workdir)
    assert r.returncode == 1 and "--ram-at: template 'rtos' is not identity = yes: its RAM " \
        "is at 0x40000000" in r.stderr, r.stderr


def test_no_template(mkpack, workdir):
    (workdir / "empty.ini").write_text("# nothing\n")
    r = run(mkpack, "empty.ini", cwd=workdir)
    assert r.returncode == 1 and r.stderr == "mkpack: empty.ini: no [template] in the manifest\n"


def test_missing_manifest(mkpack, workdir):
    r = run(mkpack, "nope.ini", cwd=workdir)
    assert r.returncode == 1 and r.stderr == "mkpack: nope.ini: No such file or directory\n"


# ---- damaged packs -------------------------------------------------------------

def damaged(pack, offset, xor=0x01, cut=None):
    blob = bytearray(pack.read_bytes())
    blob[offset] ^= xor
    if cut is not None:
        del blob[cut:]
    out = pack.with_name(f"damaged-{offset:x}-{cut}.bin")
    out.write_bytes(bytes(blob))
    return out


def entry_offset(pack, name):
    """Data offset of the entry called name (entry table at 0x40)."""
    blob = pack.read_bytes()
    for i in range(struct.unpack_from("<I", blob, 0x18)[0]):
        rec = blob[64 + 64 * i:128 + 64 * i]
        if rec[:32].rstrip(b"\0") == name.encode():
            return struct.unpack_from("<Q", rec, 0x28)[0]
    raise KeyError(name)


@pytest.mark.parametrize("option", ["--check", "--list"])
def test_corrupt_pack(mkpack, workdir, good_pack, option):
    cases = [
        (damaged(good_pack, 0), r"bad magic: not a ZVM image pack"),
        (damaged(good_pack, 0x18), r"header checksum 0x[0-9a-f]{8} does not match the header \(0x[0-9a-f]{8}\)"),
        (damaged(good_pack, 64 + 5), r"table checksum 0x[0-9a-f]{8} does not match the tables \(0x[0-9a-f]{8}\)"),
        (damaged(good_pack, entry_offset(good_pack, "linux.initrd") + 7),
         r"entry 'linux\.initrd': checksum 0x[0-9a-f]{8} does not match its data \(0x[0-9a-f]{8}\)"),
        (damaged(good_pack, 0, xor=0, cut=good_pack.stat().st_size - 1),
         r"truncated: the header says \d+ bytes, only \d+ present"),
    ]
    for path, message in cases:
        r = run(mkpack, option, path, cwd=workdir)
        assert r.returncode == 1, r.stdout
        assert re.fullmatch(rf"mkpack: {re.escape(str(path))}: {message}\n", r.stderr), r.stderr
        assert r.stdout == ""


def test_check_missing_file(mkpack, workdir):
    r = run(mkpack, "--check", "nope.bin", cwd=workdir)
    assert r.returncode == 1 and r.stderr == "mkpack: nope.bin: No such file or directory\n"
