"""The RTOS guest on device trees that are not QEMU virt's default, the way
other platforms and hypervisors describe the same hardware (issue 19):
the console as an "arm,sbsa-uart" (driven with the SBSA register subset
only), no /chosen/stdout-path, a timer node with 3 interrupts (no EL2
physical timer), no PMU (-cpu ...,pmu=off: rtbench falls back to the
generic counter). Booted bare with -dtb and under ZVM with a template DTB.

What QEMU virt lets a test vary: the tree's description (compatibles,
/chosen, aliases, node names, the UART moved under a /soc simple-bus with
its own address cells, the timer's interrupt list, the PMU). What it does
not: where the devices are (the GIC at 0x08000000, the UART at 0x09000000
and RAM at 0x40000000 are the board's; -dtb only describes them), and
under ZVM the vGIC and vPL011 sit at the same addresses.
"""
import re
import subprocess

import pytest

from conftest import BUILD, PROMPT, SELFTESTS, assert_selftests_pass
from test_rtos_guest import BARE, AT_EL2, IMAGE, RtosGuest, rtos_factory  # noqa: F401

NO_PMU = "cortex-a53,pmu=off"
PMU_NOTE = "rtbench: no PMU (ID_AA64DFR0_EL1.PMUVer = 0): short items are timed with the " \
           "generic counter, in ns (unit=ns)"
BENCH = re.compile(r"^BENCH name=(\S+) unit=(\S+) min=(\d+) avg=([\d.]+) max=(\d+) n=(\d+) "
                   r"iter_ns=(\d+)$", re.M)
LAT_ITEMS = 18      # rtbench quick lat: thread, isr, sync items


def dtc(src, fmt_in, fmt_out):
    return subprocess.run(["dtc", "-q", "-I", fmt_in, "-O", fmt_out, "-o", "-", "-"], input=src,
                          check=True, capture_output=True).stdout


def qemu_dts(tmp_path, machine, cpu, smp, mem):
    dtb = tmp_path / "qemu.dtb"
    subprocess.run(["qemu-system-aarch64", "-M", f"{machine},dumpdtb={dtb}", "-cpu", cpu,
                    "-smp", str(smp), "-m", mem, "-nographic", "-nic", "none"],
                   check=True, capture_output=True)
    return dtc(dtb.read_bytes(), "dtb", "dts").decode()


def sub1(pattern, repl, text):
    """re.sub that must match exactly once (the dump's layout is known)."""
    out, n = re.subn(pattern, repl, text)
    assert n == 1, (pattern, text)
    return out


def other_platform(dts, keep_alias=False):
    """The same hardware described the way the issue's hypervisor did."""
    dts = sub1(r'compatible = "arm,pl011\\0arm,primecell";', 'compatible = "arm,sbsa-uart";', dts)
    dts = sub1(r"\n\t\tstdout-path = [^;]*;", "", dts)
    dts = sub1(r"(\n\ttimer \{[^}]*interrupts = <(?:0x\w+ ){8}0x\w+) 0x01 0x0a 0x04>", r"\1>", dts)
    dts = re.sub(r"\n\tpmu \{[^}]*\};\n", "\n", dts)
    if not keep_alias:
        dts = re.sub(r"\n\taliases \{[^}]*\};\n", "\n", dts)
    return dts


def under_soc(dts):
    """The UART moved into a /soc simple-bus with 1 address and size cell."""
    m = re.search(r"\n\tpl011@9000000 \{([^}]*)\};\n", dts)
    body = sub1(r"reg = <0x00 0x9000000 0x00 0x1000>;", "reg = <0x9000000 0x1000>;", m.group(1))
    soc = ("\tsoc {\n\t\tcompatible = \"simple-bus\";\n\t\t#address-cells = <0x01>;\n"
           "\t\t#size-cells = <0x01>;\n\t\tranges = <0x9000000 0x00 0x9000000 0x1000000>;\n"
           "\t\tserial@9000000 {" + body.replace("\n\t", "\n\t\t") + "};\n\t};\n")
    dts = dts[:m.start()] + "\n" + dts[m.end():]
    return dts[:dts.rindex("};")] + soc + "};\n"


def write_dtb(path, dts):
    path.write_bytes(dtc(dts.encode(), "dts", "dtb"))
    return path


def check_bench(out):
    """rtbench quick lat without a PMU: the note, then every item in ns."""
    assert PMU_NOTE in out, out
    items = BENCH.findall(out)
    assert len(items) == LAT_ITEMS, out
    for name, unit, lo, avg, hi, n, _ in items:
        assert unit == "ns" and int(n) > 0, name
        assert int(lo) <= float(avg) <= int(hi) and int(hi) > 0, name


@pytest.fixture(scope="module")
def sbsa_bare(tmp_path_factory):
    """Bare QEMU, 4 CPUs, no PMU, the other platform's tree (UART under /soc)."""
    d = tmp_path_factory.mktemp("sbsa")
    dts = other_platform(qemu_dts(d, BARE, NO_PMU, 4, "1G"))
    dtb = write_dtb(d / "sbsa.dtb", under_soc(dts))
    g = RtosGuest(cpu=NO_PMU, extra=("-dtb", str(dtb)))
    g.wait_boot()
    yield g
    g.close()


def test_bare_sbsa_uart_found_without_stdout_path(sbsa_bare):
    assert "ZVM RTOS guest" in sbsa_bare.banner
    assert re.search(r"console: serial@9000000 at 0x9000000 \(SBSA UART, from the first UART "
                     r"in the tree\)", sbsa_bare.banner), sbsa_bare.banner
    assert "smp: 4 CPUs online" in sbsa_bare.banner
    assert "dt:" not in sbsa_bare.banner


def test_bare_sbsa_selftests_pass(sbsa_bare):
    assert_selftests_pass(sbsa_bare.cmd("selftest", timeout=240))


def test_bare_no_pmu_rtbench_uses_generic_counter(sbsa_bare):
    check_bench(sbsa_bare.cmd("rtbench quick lat", timeout=120))


def test_bare_unknown_console_and_missing_timer_are_messages(rtos_factory, tmp_path):
    """stdout-path names a UART we have no driver for and the tree has no
    timer: a warning, then an error naming the missing node, no abort."""
    dts = other_platform(qemu_dts(tmp_path, BARE, NO_PMU, 1, "256M"))
    dts = sub1(r"\n\ttimer \{[^}]*\};\n", "\n", dts)
    dts = sub1(r"\n\tchosen \{", '\n\tchosen {\n\t\tstdout-path = "/serial@9100000:115200n8";',
               dts)
    dts = dts[:dts.rindex("};")] + ('\tserial@9100000 {\n\t\tcompatible = "ns16550a";\n'
                                    "\t\treg = <0x00 0x9100000 0x00 0x1000>;\n\t};\n};\n")
    dtb = write_dtb(tmp_path / "notimer.dtb", dts)
    g = rtos_factory(cpu=NO_PMU, smp=1, mem="256M", extra=("-dtb", str(dtb)))
    g.expect(r'dt: console serial@9100000 \(compatible "ns16550a"\) has no driver here')
    g.expect(r"console: pl011@9000000 at 0x9000000 \(SBSA UART")
    g.expect(r'dt: no arch timer node \(compatible "arm,armv8-timer"\)')
    g.expect(r"cannot continue without a valid device tree")
    assert "exception" not in g.p.before.lower()


def test_bare_no_usable_console_speaks_through_earlycon(rtos_factory, tmp_path):
    """No UART we can drive in the tree: stdout-path names an ns16550a. The earlycon
    that bootargs name carries the messages saying so, then a stop."""
    dts = other_platform(qemu_dts(tmp_path, BARE, NO_PMU, 1, "256M"))
    dts = sub1(r'compatible = "arm,sbsa-uart";', 'compatible = "ns16550a";', dts)
    dts = sub1(r"\n\tchosen \{", '\n\tchosen {\n\t\tstdout-path = "/pl011@9000000";', dts)
    dtb = write_dtb(tmp_path / "nouart.dtb", dts)
    g = rtos_factory(cpu=NO_PMU, smp=1, mem="256M",
                     extra=("-dtb", str(dtb), "-append", "earlycon=pl011,mmio32,0x9000000"))
    g.expect(r"ZVM RTOS guest \S+ booting \(EL1\)")
    g.expect(r'dt: console pl011@9000000 \(compatible "ns16550a"\) has no driver here')
    g.expect(r'dt: no console UART: none of /chosen/stdout-path, alias serial0 or any '
             r'enabled node is an "arm,pl011" or "arm,sbsa-uart"')
    g.expect(r"cannot continue without a valid device tree")
    assert "exception" not in g.p.before.lower()


def test_under_zvm_with_template_dtb(rtos_factory, tmp_path):
    """ZVM on a CPU without a PMU; the rtos template brings its own DTB:
    the vPL011 described as an SBSA UART found through alias serial0, no
    stdout-path, a 3-interrupt timer."""
    (tmp_path / "rtos-guest.bin").write_bytes(IMAGE.read_bytes())
    manifest = tmp_path / "pack.manifest"
    manifest.write_text("[template rtos]\nos = rtos\nkernel = rtos-guest.bin\nmemory = 64M\n"
                        "vcpus = 2\n")
    mkpack = str(BUILD / "tools" / "mkpack")
    subprocess.run([mkpack, "-o", str(tmp_path / "gen.bin"), str(manifest)], check=True)
    subprocess.run([mkpack, "--dump-dtb", "rtos", str(tmp_path / "gen.bin"),
                    str(tmp_path / "gen.dtb")], check=True)
    dts = dtc((tmp_path / "gen.dtb").read_bytes(), "dtb", "dts").decode()
    write_dtb(tmp_path / "rtos.dtb", other_platform(dts, keep_alias=True))
    manifest.write_text(manifest.read_text() + "dtb = rtos.dtb\n")
    subprocess.run([mkpack, "-o", str(tmp_path / "pack.bin"), str(manifest)], check=True)
    host = rtos_factory(machine=AT_EL2, cpu=NO_PMU, image=BUILD / "zvm.bin",
                        extra=("-initrd", str(tmp_path / "pack.bin")))
    host.wait_boot()
    assert "vm 0 created" in host.cmd("zvm new -t rtos")
    assert "vm 0 running" in host.cmd("zvm run -n 0")
    host.send("zvm look -n 0\r")
    host.expect(r"\[attached")
    host.expect(r"ZVM RTOS guest \S+ booting \(EL1\)")
    host.expect(r"console: pl011@9000000 at 0x9000000 \(SBSA UART, from the alias serial0\)")
    host.expect(r"smp: 2 CPUs online")
    host.expect(PROMPT)
    host.send("selftest\r")
    m = host.expect(r"selftest: (\d+) passed, (\d+) failed, (\d+) skipped", timeout=240)
    # As in test_rtos_guest: with 2 vCPUs a test may skip, none may fail.
    assert m.group(2) == "0" and int(m.group(1)) >= len(SELFTESTS) - 1, host.p.before
    host.expect(PROMPT)
    host.send("rtbench quick lat\r")
    host.expect("BENCH-END", timeout=120)
    check_bench(host.p.before.replace("\r", ""))
    host.send("\x1d")
    host.expect(r"\[detached")
    assert host.poweroff() == 0
