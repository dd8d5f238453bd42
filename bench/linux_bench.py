#!/usr/bin/env python3
"""Debian's arm64 Linux bare on QEMU and as a ZVM VM, side by side.

Usage: bench/linux_bench.py [--loops N] [--reps N] [--build DIR] [--out DIR]

Everything runs under -icount shift=0,align=off,sleep=off (1 instruction =
1 ns of virtual time). Bare: qemu-system-aarch64 -M virt,gic-version=3,
dtb-randomness=off -cpu cortex-a53 -smp <vCPUs> -m 512M with -dtb = the DTB
ZVM generates for the VM (mkpack --dump-dtb), the same kernel, initramfs
and command line. ZVM: the same images as templates of a bench pack
(512 MiB; 2 vCPUs on pCPUs 2-3, or 1 on pCPU 2), on ZVM with -smp 4 and
dtb-randomness=off too (a host without a seed gives its VMs none, so both
kernels boot without KASLR and the same RNG state), driven by
`zvm new/run/look/info`:

  linux       cloud kernel, 2 vCPUs: boot-to-init, VM start
  linux-rt    PREEMPT_RT kernel, 2 vCPUs: the same, and cyclictest with one
              thread per vCPU, no load
  linux-rt-1  PREEMPT_RT kernel, 1 vCPU: the same, and cyclictest with 0, 1
              and 2 stress-ng CPU hogs on that vCPU, then the seed's loads:
              1, 2, 4 and 8 CPU hogs plus one I/O and one memory hog

Why two cyclictest machines: under -icount QEMU runs all emulated CPUs on
one thread, and a CPU whose timer falls due while another busy CPU has the
thread waits for that CPU's next timer (docs/benchmarks.md, "Under
-icount"). With hogs on two vCPUs that is milliseconds, bare or not, so
loaded latency is measured where one emulated CPU is busy at a time.

Also measured: VM start (`zvm new` build time, and `zvm run` -> the guest's
first instruction, from `zvm info -n`); the VM's exits per second by reason
during boot and each cyclictest series. Writes <out>/linux.md and
<out>/linux.png.
"""
import argparse
import pathlib
import re
import statistics
import sys
import time

from benchlib import build_pack, dump_dtb, exit_counts, pct, pyplot, spawn

ROOT = pathlib.Path(__file__).resolve().parents[1]
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]
CPU = "cortex-a53"
MEM = "512M"
PROMPT = "zvm> "
GUEST_PROMPT = "guest# "
READY = "ZVM-GUEST-READY"
ESCAPE = "\x1d"
BOOTARGS = "console=ttyAMA0 earlycon quiet panic=-1 reboot=panic_warm"
# template: (kernel image, vCPUs, pCPUs)
MACHINES = {"linux": ("Image-cloud", 2, "2,3"), "linux-rt": ("Image-rt", 2, "2,3"),
            "linux-rt-1": ("Image-rt", 1, "2")}
# template: (cyclictest threads option, loads). A load is N (N stress-ng CPU
# hogs) or N+io+vm (the seed's series: N CPU hogs plus one I/O hog and one
# memory hog, LOAD_MIX), all on the VM's vCPUs.
SERIES = {"linux-rt": ("-S", ("0",)),
          "linux-rt-1": ("-t 1 -a 0", ("0", "1", "2", "1+io+vm", "2+io+vm", "4+io+vm",
                                       "8+io+vm"))}
# The fixed I/O and memory hogs of the +io+vm loads. --io is sync(2) in a
# loop: the VM has no disk yet (everything is tmpfs), so it flushes nothing;
# with a virtio-blk disk, --hdd on it is the I/O hog to use.
LOAD_MIX = "--io 1 --vm 1 --vm-bytes 64M"
INITRD = "initramfs-bench.cpio.gz"
TEMPLATE = """[template {name}]
os = linux
kernel = {kernel}
initrd = {initrd}
memory = {mem}
vcpus = {vcpus}
pcpus = {pcpus}
priority = 20
bootargs = "{bootargs}"

"""
REPS = 5        # cyclictest runs per side and hog count (--reps)
CT_LINE = re.compile(r"T:\s*(\d+).*?Min:\s*(\d+)\s+Act:\s*\d+\s+Avg:\s*(\d+)\s+Max:\s*(\d+)")
DMESG_READY = re.compile(r"\[\s*([\d.]+)\]\s+" + READY)


# One cyclictest run, typed as a short `sh /ct.sh HOGS LOOPS OPTIONS`: the
# console should be quiet while it measures. Under ZVM every character the
# console echoes is a trapped vPL011 access plus TX interrupts, where bare
# QEMU's PL011 costs the guest nothing. With the whole ~120-character
# command typed before each run, 8 of 20 ZVM runs with hogs had a max
# 0.3-8.4 us above the usual one (bare: 6 of 20, up to 1.1 us); typed this
# way, 0 of 10 (bare: 1 of 10). Timer deliveries were all on the fast path
# either way (`zvm latency`).
# Output goes to a file and is printed after; the sleep lets the echo drain.
CT_PATH = "/ct.sh"


def cyclictest_cmd(loops, threads):
    # threads: -S (one thread per CPU, pinned) or -t 1 -a 0 (one, on CPU 0);
    # -m: mlockall; -N: ns; clock_nanosleep, absolute, 1 ms period.
    return f"cyclictest -q -m {threads} -N -p 90 -i 1000 -l {loops}"


CT_SCRIPT = (
    "h=$1; l=$2; shift 2",
    f"c=${{h%%+*}}; x=; [ $c = $h ] || x=\"{LOAD_MIX}\"",
    "if [ $h != 0 ]; then stress-ng -q --cpu $c $x --timeout 0 & fi",
    "sleep 1",
    cyclictest_cmd("$l", "$*") + " > /tmp/ct.out 2>&1",
    "if [ $h != 0 ]; then kill $!; wait; fi",
    "cat /tmp/ct.out",
)


def prepare(build, out_dir):
    """Bench pack and each VM's DTB; returns (pack, {template: (kernel,
    initrd, vcpus, dtb)})."""
    deb = build / "guests" / "debian"
    d = build / "bench-linux"
    d.mkdir(parents=True, exist_ok=True)
    vms = {}
    for t, (k, n, _) in MACHINES.items():
        vms[t] = (deb / k, deb / INITRD, n, d / f"{t}.dtb")
        if not vms[t][0].exists() or not vms[t][1].exists():
            sys.exit(f"linux_bench: {vms[t][0]} or {vms[t][1]} missing: run tools/fetch-guests")
    return pack_machines(build, d, MACHINES, vms), vms


def pack_machines(build, d, machines, vms):
    """The bench pack d/bench.pack with a template per machine ({template:
    (kernel name, vCPUs, pCPUs)}, images and DTB paths from vms), and each
    template's DTB written for the bare runs; returns the pack."""
    manifest = "".join(TEMPLATE.format(name=t, kernel=vms[t][0], initrd=vms[t][1], mem=MEM,
                                       vcpus=n, pcpus=c, bootargs=BOOTARGS)
                       for t, (_, n, c) in machines.items())
    pack = build_pack(build, d, manifest)
    for t in machines:
        dump_dtb(build, pack, t, vms[t][3])
    return pack


class Guest:
    """The busybox shell on a console (bare QEMU, or a `zvm look` session)."""

    n = 0   # markers unique over the run: `zvm look` replays old output

    def __init__(self, p):
        self.p = p
        self.script = False     # CT_PATH written in this guest

    def wait_ready(self, timeout=600):
        self.p.expect_exact(READY, timeout=timeout)
        self.p.expect_exact(GUEST_PROMPT, timeout=120)

    def run(self, line, timeout=300):
        """Run a command; the marker is split in the echo so only the
        output matches."""
        Guest.n += 1
        text = f'{line}; echo "@@DONE""{Guest.n}@@"\r'
        # In chunks: a whole line at once through `zvm look` loses its last
        # characters under -icount (seen with a 50-character line).
        for i in range(0, len(text), 16):
            self.p.send(text[i:i + 16])
            time.sleep(0.05)
        self.p.expect_exact(f"@@DONE{Guest.n}@@", timeout=timeout)
        out = self.p.before.replace("\r", "")
        self.p.expect_exact(GUEST_PROMPT, timeout=60)
        # Only what follows the echo of this command: `zvm look` replays the
        # console history (earlier commands' output) on attach.
        echo = f'@@DONE""{Guest.n}@@"'
        return out[out.rfind(echo) + len(echo):] if echo in out else out

    def boot_time(self):
        m = DMESG_READY.search(self.run(f"dmesg | grep {READY}"))
        return float(m.group(1)) if m else None

    def cyclictest(self, threads, nthreads, hogs, loops):
        """Worst of the threads: (min, avg, max) in ns. The hogs run on
        every CPU the guest has (one vCPU: all on the measured one)."""
        if not self.script:
            self.run("printf '%s\\n' " + " ".join(f"'{l}'" for l in CT_SCRIPT) + f" > {CT_PATH}")
            self.script = True
        out = self.run(f"sh {CT_PATH} {hogs} {loops} {threads}", timeout=1800)
        rows = [tuple(int(x) for x in m.groups()) for m in CT_LINE.finditer(out)]
        if len(rows) < nthreads:
            print(f"linux_bench: cyclictest output not understood:\n{out}")
            return None
        return (min(r[1] for r in rows), sum(r[2] for r in rows) / len(rows),
                max(r[3] for r in rows))


def combine(runs):
    """Several cyclictest runs as one (min, avg, max) plus the per-run
    maxima: under QEMU's round-robin TCG one run's max is the worst of a
    few emulator hand-overs, so its spread tells what a difference means."""
    runs = [r for r in runs if r]
    if not runs:
        return None
    return (min(r[0] for r in runs), sum(r[1] for r in runs) / len(runs),
            max(r[2] for r in runs), sorted(r[2] for r in runs))


def cyclictest_series(g, tmpl, nvcpus, loops, reps, say):
    """{hogs: (min, avg, max, per-run maxima)} of `reps` runs per hog count."""
    threads, hogs = SERIES[tmpl]
    res = {}
    for hg in hogs:
        runs = []
        for _ in range(reps):
            runs.append(g.cyclictest(threads, nvcpus if threads == "-S" else 1, hg, loops))
            say(hg, runs[-1])
        res[hg] = combine(runs)
    return res


def boot_bare(kernel, initrd, n, dtb, log, icount=ICOUNT):
    """The guest on bare QEMU with ZVM's DTB for it, booted to its shell:
    (pexpect child, Guest)."""
    argv = ["qemu-system-aarch64", "-M", "virt,gic-version=3,dtb-randomness=off",
            "-cpu", CPU, "-smp", str(n), "-m", MEM, "-nographic", "-nic", "none",
            "-dtb", str(dtb), "-kernel", str(kernel), "-initrd", str(initrd),
            "-append", BOOTARGS, *icount]
    p = spawn(argv, log, 300)
    g = Guest(p)
    try:
        g.wait_ready()
    except BaseException:
        p.terminate(force=True)
        raise
    return p, g


def run_bare(vms, loops, reps, log):
    """{template: dict(boot=s, cyclictest={hogs: (min, avg, max, maxima)})}."""
    res = {}
    for tmpl, (kernel, initrd, n, dtb) in vms.items():
        t0 = time.time()
        p, g = boot_bare(kernel, initrd, n, dtb, log)
        try:
            r = {"boot": g.boot_time()}
            print(f"linux_bench: bare {tmpl}: boot-to-init {r['boot']} s "
                  f"({time.time() - t0:.0f} s wall)", flush=True)
            if tmpl in SERIES:
                r["cyclictest"] = cyclictest_series(g, tmpl, n, loops, reps, lambda h, ct: print(
                    f"linux_bench: bare {tmpl} cyclictest {h} hogs: {ct} "
                    f"({time.time() - t0:.0f} s wall)", flush=True))
            res[tmpl] = r
        finally:
            p.terminate(force=True)
    return res


class Host:
    """ZVM on QEMU with the bench pack; the shell driven like a user."""

    def __init__(self, build, pack, log, icount=ICOUNT):
        argv = ["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3,dtb-randomness=off",
                "-cpu", CPU, "-smp", "4", "-m", "2G", "-nographic", "-nic", "none",
                "-kernel", str(build / "zvm.bin"), "-initrd", str(pack), *icount]
        self.p = spawn(argv, log, 300)
        self.p.expect_exact(PROMPT, timeout=120)

    def cmd(self, line, timeout=120):
        self.p.sendline(line)
        self.p.expect_exact(PROMPT, timeout=timeout)
        return self.p.before.replace("\r", "")

    def info(self, vm):
        """(uptime ms, {exit reason: count summed over vCPUs}, start line)."""
        out = self.cmd(f"zvm info -n {vm}")
        m = re.search(rf"^{vm}\s+\S+\s+\w+\s+\d+\s+\d+\s+(\d+)", out, re.M)
        exits = exit_counts(out)
        st = re.search(r"start: built in (\d+) us, run -> first guest instruction (\d+) ns",
                       out)
        return (int(m.group(1)) if m else 0, exits,
                (int(st.group(1)), int(st.group(2))) if st else None)

    def boot(self, tmpl):
        """A VM of template tmpl created, run and booted to its shell: its id."""
        out = self.cmd(f"zvm new -t {tmpl}", timeout=300)
        m = re.search(r"vm (\d+) created", out)
        if not m:
            sys.exit(f"linux_bench: cannot create a {tmpl} VM:\n{out}")
        vm = int(m.group(1))
        self.cmd(f"zvm run -n {vm}")
        self.attach(vm).wait_ready()
        self.detach()
        return vm

    def attach(self, vm):
        self.p.sendline(f"zvm look -n {vm}")
        self.p.expect_exact("[attached")
        return Guest(self.p)

    def detach(self):
        self.p.send(ESCAPE)
        self.p.expect_exact("[detached")
        self.p.expect_exact(PROMPT)

    def close(self):
        self.p.terminate(force=True)


def rate(a, b):
    """Exits per second by reason between two info() samples."""
    dt = (b[0] - a[0]) / 1000
    return {k: (v - a[1].get(k, 0)) / dt for k, v in b[1].items()
            if dt > 0 and v - a[1].get(k, 0)}, dt


def zvm_series(h, vm, tmpl, n, loops, reps, r, t0):
    """cyclictest_series() in a `zvm look` session, with the exits it took."""
    before = h.info(vm)
    g = h.attach(vm)
    r["cyclictest"] = cyclictest_series(g, tmpl, n, loops, reps, lambda hg, ct: print(
        f"linux_bench: ZVM {tmpl} cyclictest {hg} hogs: {ct} "
        f"({time.time() - t0:.0f} s wall)", flush=True))
    h.detach()
    r["exits"]["cyclictest"] = rate(before, h.info(vm))


def run_zvm(build, pack, vms, loops, reps, log):
    res = {}
    t0 = time.time()
    h = Host(build, pack, log)
    try:
        for tmpl, (_, _, n, _) in vms.items():
            vm = h.boot(tmpl)
            booted = h.info(vm)
            g = h.attach(vm)
            r = {"boot": g.boot_time(), "start": booted[2],
                 "exits": {"boot (run -> ready)": rate((0, {}), booted)}}
            h.detach()
            print(f"linux_bench: ZVM {tmpl}: boot-to-init {r['boot']} s, start {r['start']} "
                  f"({time.time() - t0:.0f} s wall)", flush=True)
            if tmpl in SERIES:
                zvm_series(h, vm, tmpl, n, loops, reps, r, t0)
            h.cmd(f"zvm delete -n {vm}", timeout=300)
            res[tmpl] = r
    finally:
        h.close()
    return res


def fmt_row(item, b, z, unit_fmt="{:g}"):
    if b is None or z is None:
        return f"| {item} | {b if b is not None else 'missing'} | " \
               f"{z if z is not None else 'missing'} | |"
    return f"| {item} | {unit_fmt.format(b)} | {unit_fmt.format(z)} | {pct(b, z):+.3f} |"


def machine(tmpl):
    k, n, c = MACHINES[tmpl]
    return f"{k}, {n} vCPU{'s' if n > 1 else ''}"


def ct_rows(md, tag, b, z):
    """Rows of one cyclictest cell: min/avg/max over the runs, the median of
    the per-run maxima and the maxima themselves."""
    for i, what in enumerate(("min", "avg", "max")):
        md.append(fmt_row(f"{tag}: {what}", b[i] if b else None, z[i] if z else None, "{:.0f}"))
    if b and z:
        md.append(fmt_row(f"{tag}: median of the per-run maxima", statistics.median(b[3]),
                          statistics.median(z[3]), "{:.0f}"))
        md.append(f"| {tag}: per-run maxima | {' '.join(map(str, b[3]))} | "
                  f"{' '.join(map(str, z[3]))} | |")


def load_label(load):
    """'0' -> 'no load', '2' -> '2 CPU hogs', '4+io+vm' -> '4 CPU + io + vm hogs'."""
    if load == "0":
        return "no load"
    c = load.split("+")[0]
    return f"{c} CPU{' + io + vm' if '+' in load else ''} hog{'s' if load != '1' else ''}"


def ct_section(md, bare, zvm, tmpl, loops, text):
    if tmpl not in MACHINES:      # left out by --machines
        return
    threads, hogs = SERIES[tmpl]
    md += ["", f"## cyclictest, {machine(tmpl)} (`{cyclictest_cmd(loops, threads)}`), ns", "",
           text, "", "| item | bare | ZVM | overhead % |", "| --- | ---: | ---: | ---: |"]
    for hg in hogs:
        ct_rows(md, load_label(hg),
                bare.get(tmpl, {}).get("cyclictest", {}).get(hg),
                zvm.get(tmpl, {}).get("cyclictest", {}).get(hg))


def report(bare, zvm, loops, reps, wall):
    md = ["# Linux: bare QEMU vs ZVM", "",
          f"Generated by `make bench-linux` (bench/linux_bench.py) in {wall:.0f} s wall. "
          f"QEMU -cpu {CPU}, -icount shift=0,align=off,sleep=off (1 instruction = 1 ns of "
          f"virtual time). Guest: Debian 12 kernel, {MEM}iB, "
          "build/guests/debian/initramfs-bench.cpio.gz, "
          f'bootargs "{BOOTARGS}". Bare: -M virt,gic-version=3,dtb-randomness=off '
          "-smp <vCPUs> -dtb <the DTB ZVM builds for the VM>. ZVM: -smp 4, the VM on pCPUs "
          "2-3 (2 vCPUs) or 2 (1 vCPU), priority 20, nothing else running.", "",
          "## Boot and start", "",
          "| item | bare | ZVM | overhead % |", "| --- | ---: | ---: | ---: |"]
    for tmpl in MACHINES:
        b, z = bare.get(tmpl, {}).get("boot"), zvm.get(tmpl, {}).get("boot")
        md.append(fmt_row(f"boot-to-init, {machine(tmpl)} (dmesg time of {READY}), s",
                          b, z, "{:.6f}"))
    for tmpl in MACHINES:
        st = zvm.get(tmpl, {}).get("start")
        if st:
            md.append(f"| VM start, {machine(tmpl)}: `zvm run` -> first guest instruction, "
                      f"ns | - | {st[1]} | |")
            md.append(f"| VM build, {machine(tmpl)}: `zvm new` (512 MiB RAM, images, DTB, "
                      f"vCPUs), ms | - | {st[0] / 1000:.3f} | |")
    ct_section(md, bare, zvm, "linux-rt-1", loops,
               f"{reps} runs per side and load. CPU hogs: `stress-ng -q --cpu N` started "
               "1 s before, on the same (only) vCPU as the measuring thread; the `+ io + vm` "
               f"loads (the seed's series) add `{LOAD_MIX}` to the same stress-ng (`--io`: "
               "sync(2) in a loop; the VM has no disk, all is tmpfs). Each run is typed "
               f"as a short `sh {CT_PATH} HOGS LOOPS OPTIONS` (CT_SCRIPT in bench/linux_bench.py: "
               "sleep 1, output to a file, printed after) so that the console is quiet while "
               "cyclictest measures. Per load: min of "
               "the mins, mean of the averages, max of the maxima; then the median of the "
               "per-run maxima and the maxima. One busy emulated CPU at a time: nothing of "
               "QEMU's round-robin between emulated CPUs is in these numbers.")
    ct_section(md, bare, zvm, "linux-rt", loops,
               f"{reps} runs per side, no load; per run the worst of the two per-vCPU "
               "threads. Under QEMU's round-robin a thread whose timer falls due while the "
               "other vCPU has the emulator thread waits for it: the maxima are bimodal "
               "(~9 us, or the other thread's wake-up on top) on both sides, so compare "
               "medians. With hogs on both vCPUs that wait becomes milliseconds, bare "
               "or not (docs/benchmarks.md), which is why loads are measured on 1 vCPU.")
    md += ["", "## VM exits per second of guest time, by reason (`zvm info -n`)", "",
           "| interval | guest s | exits/s by reason | total/s | exits |",
           "| --- | ---: | --- | ---: | ---: |"]
    for tmpl in MACHINES:
        for name, (r, dt) in zvm.get(tmpl, {}).get("exits", {}).items():
            cells = " ".join(f"{k}={v:.0f}" for k, v in sorted(r.items(), key=lambda x: -x[1]))
            md.append(f"| {tmpl}, {name} | {dt:.1f} | {cells} | {sum(r.values()):.0f} | "
                      f"{sum(r.values()) * dt:.0f} |")
    md += ["", "The interval of each row is the VM's uptime between two `zvm info -n` "
           "(ms resolution); it includes the console typing of the `zvm look` session "
           "(mmio exits: vPL011) and, for cyclictest, all runs of the series.", ""]
    return md


def plot(bare, zvm, path):
    plt = pyplot("linux_bench")
    if plt is None:
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 5))
    names = list(MACHINES)
    xs = range(len(names))
    a1.bar([x - 0.2 for x in xs], [bare.get(n, {}).get("boot") or 0 for n in names], 0.4,
           label="bare")
    a1.bar([x + 0.2 for x in xs], [zvm.get(n, {}).get("boot") or 0 for n in names], 0.4,
           label="ZVM")
    a1.set_xticks(list(xs))
    a1.set_xticklabels([machine(n) for n in names], rotation=15)
    a1.set_ylabel("boot-to-init, s (virtual time)")
    a1.legend()
    labels, bv, zv = [], [], []
    for tmpl, (_, hogs) in SERIES.items():
        if tmpl not in MACHINES:      # left out by --machines
            continue
        for hg in hogs:
            b = bare.get(tmpl, {}).get("cyclictest", {}).get(hg)
            z = zvm.get(tmpl, {}).get("cyclictest", {}).get(hg)
            for what, f in (("avg", lambda c: c[1]), ("median max", lambda c: statistics.median(c[3]))):
                labels.append(f"{MACHINES[tmpl][1]} vCPU, {load_label(hg)}, {what}")
                bv.append(f(b) / 1000 if b else 0)
                zv.append(f(z) / 1000 if z else 0)
    xs = range(len(labels))
    a2.bar([x - 0.2 for x in xs], bv, 0.4, label="bare")
    a2.bar([x + 0.2 for x in xs], zv, 0.4, label="ZVM")
    a2.set_xticks(list(xs))
    a2.set_xticklabels(labels, rotation=30, ha="right")
    a2.set_ylabel("cyclictest latency, us")
    a2.legend()
    fig.suptitle("Debian arm64 Linux: bare QEMU vs under ZVM (-icount shift=0)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def keep_only(table, names, what):
    """Drop every key of table not in the comma-separated names (None: all)."""
    if not names:
        return
    unknown = set(names.split(",")) - set(table)
    if unknown:
        sys.exit(f"unknown {what}(s): {', '.join(sorted(unknown))} (known: {', '.join(table)})")
    for k in set(table) - set(names.split(",")):
        del table[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loops", type=int, default=5000,
                    help="cyclictest loops of 1 ms per run (default 5000)")
    ap.add_argument("--reps", type=int, default=REPS,
                    help=f"cyclictest runs per side and load (default {REPS})")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--only", choices=("bare", "zvm"), help="one side only (debugging)")
    ap.add_argument("--machines", help="comma-separated subset of: " + ",".join(MACHINES))
    a = ap.parse_args()
    keep_only(MACHINES, a.machines, "machine")
    build, out = pathlib.Path(a.build).resolve(), pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    pack, vms = prepare(build, out)
    log = open(build / "bench-linux" / "linux_bench.log", "w")
    t0 = time.time()
    bare = run_bare(vms, a.loops, a.reps, log) if a.only != "zvm" else {}
    zvm = run_zvm(build, pack, vms, a.loops, a.reps, log) if a.only != "bare" else {}
    md = report(bare, zvm, a.loops, a.reps, time.time() - t0)
    (out / "linux.md").write_text("\n".join(md))
    plot(bare, zvm, out / "linux.png")
    print("\n".join(md))


if __name__ == "__main__":
    main()
