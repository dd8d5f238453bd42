#!/usr/bin/env python3
"""Debian's arm64 Linux bare on QEMU and as a ZVM VM, side by side.

Usage: bench/linux_bench.py [--loops N] [--build DIR] [--out DIR]

Everything runs under -icount shift=0,align=off,sleep=off (1 instruction =
1 ns of virtual time). Bare: qemu-system-aarch64 -M virt,gic-version=3,
dtb-randomness=off -cpu cortex-a53 -smp 2 -m 512M with -dtb = the DTB ZVM
generates for the VM (mkpack --dump-dtb), the same kernel, initramfs and
command line. ZVM: the same images as templates `linux` (cloud kernel) and
`linux-rt` (PREEMPT_RT) of a bench pack (2 vCPUs on pCPUs 2-3, 512 MiB),
on ZVM with -smp 4, driven by `zvm new/run/look/info`.

Measured: boot-to-init (dmesg time of the initramfs' ZVM-GUEST-READY line)
for both kernels; VM start (`zvm new` build time, and `zvm run` -> the
guest's first instruction, from `zvm info -n`); cyclictest min/avg/max on
the RT kernel with 0, 1 and 2 stress-ng CPU hogs; the VM's exits per second
by reason during boot and each cyclictest run. Writes <out>/linux.md and
<out>/linux.png.
"""
import argparse
import pathlib
import re
import statistics
import sys
import time

from benchlib import exit_counts, make_pack, pct, pyplot, spawn

ROOT = pathlib.Path(__file__).resolve().parents[1]
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]
CPU = "cortex-a53"
MEM = "512M"
PROMPT = "zvm> "
GUEST_PROMPT = "guest# "
READY = "ZVM-GUEST-READY"
ESCAPE = "\x1d"
BOOTARGS = "console=ttyAMA0 earlycon quiet panic=-1 reboot=panic_warm"
KERNELS = {"linux": "Image-cloud", "linux-rt": "Image-rt"}
INITRD = "initramfs-bench.cpio.gz"
TEMPLATE = """[template {name}]
os = linux
kernel = {kernel}
initrd = {initrd}
memory = {mem}
vcpus = 2
pcpus = 2,3
priority = 20
bootargs = "{bootargs}"

"""
HOGS = (0, 1, 2)
REPS = 5        # no-load cyclictest runs per side (--reps)
CT_LINE = re.compile(r"T:\s*(\d+).*?Min:\s*(\d+)\s+Act:\s*\d+\s+Avg:\s*(\d+)\s+Max:\s*(\d+)")
DMESG_READY = re.compile(r"\[\s*([\d.]+)\]\s+" + READY)


def cyclictest_cmd(loops):
    # -S: one thread per CPU, pinned, clock_nanosleep; -m: mlockall; -N: ns.
    return f"cyclictest -q -m -S -N -p 90 -i 1000 -l {loops}"


def prepare(build, out_dir):
    """Bench pack and the VM's DTB; returns (pack, dtb, images)."""
    deb = build / "guests" / "debian"
    d = build / "bench-linux"
    d.mkdir(parents=True, exist_ok=True)
    images = {t: (deb / k, deb / INITRD) for t, k in KERNELS.items()}
    for k, i in images.values():
        if not k.exists() or not i.exists():
            sys.exit(f"linux_bench: {k} or {i} missing: run tools/fetch-guests")
    manifest = "".join(TEMPLATE.format(name=t, kernel=k, initrd=i, mem=MEM, bootargs=BOOTARGS)
                       for t, (k, i) in images.items())
    # Both templates have the same machine (memory, vCPUs, devices, bootargs).
    pack, dtb = make_pack(build, d, manifest, "linux-rt", "linux.dtb")
    return pack, dtb, images


class Guest:
    """The busybox shell on a console (bare QEMU, or a `zvm look` session)."""

    n = 0   # markers unique over the run: `zvm look` replays old output

    def __init__(self, p):
        self.p = p

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

    def cyclictest(self, hogs, loops):
        """Worst of the per-CPU threads: (min, avg, max) in ns."""
        pre = f"stress-ng -q --cpu {hogs} --timeout 0 & sleep 1; " if hogs else ""
        post = "; kill %1; wait" if hogs else ""
        out = self.run(pre + cyclictest_cmd(loops) + post, timeout=1800)
        rows = [tuple(int(x) for x in m.groups()) for m in CT_LINE.finditer(out)]
        if len(rows) < 2:
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


def cyclictest_runs(g, hogs, loops, reps, say):
    """(min, avg, max, per-run maxima) of `reps` runs with no load, of one
    run with hogs (those maxima are the hogs' slices, not worth repeating)."""
    runs = []
    for _ in range(reps if hogs == 0 else 1):
        runs.append(g.cyclictest(hogs, loops))
        say(runs[-1])
    return combine(runs)


def run_bare(images, dtb, loops, reps, log):
    """{template: dict(boot=s, cyclictest={hogs: (min, avg, max)})}."""
    res = {}
    for tmpl, (kernel, initrd) in images.items():
        argv = ["qemu-system-aarch64", "-M", "virt,gic-version=3,dtb-randomness=off",
                "-cpu", CPU, "-smp", "2", "-m", MEM, "-nographic", "-nic", "none",
                "-dtb", str(dtb), "-kernel", str(kernel), "-initrd", str(initrd),
                "-append", BOOTARGS, *ICOUNT]
        t0 = time.time()
        p = spawn(argv, log, 300)
        try:
            g = Guest(p)
            g.wait_ready()
            r = {"boot": g.boot_time()}
            print(f"linux_bench: bare {tmpl}: boot-to-init {r['boot']} s "
                  f"({time.time() - t0:.0f} s wall)", flush=True)
            if tmpl == "linux-rt":
                r["cyclictest"] = {h: cyclictest_runs(g, h, loops, reps, lambda ct: print(
                    f"linux_bench: bare cyclictest {h} hogs: {ct} "
                    f"({time.time() - t0:.0f} s wall)", flush=True)) for h in HOGS}
            res[tmpl] = r
        finally:
            p.terminate(force=True)
    return res


class Host:
    """ZVM on QEMU with the bench pack; the shell driven like a user."""

    def __init__(self, build, pack, log):
        argv = ["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3",
                "-cpu", CPU, "-smp", "4", "-m", "2G", "-nographic", "-nic", "none",
                "-kernel", str(build / "zvm.bin"), "-initrd", str(pack), *ICOUNT]
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


def run_zvm(build, pack, loops, reps, log):
    res = {}
    t0 = time.time()
    h = Host(build, pack, log)
    try:
        for tmpl in KERNELS:
            out = h.cmd(f"zvm new -t {tmpl}", timeout=300)
            m = re.search(r"vm (\d+) created", out)
            if not m:
                sys.exit(f"linux_bench: cannot create a {tmpl} VM:\n{out}")
            vm = int(m.group(1))
            h.cmd(f"zvm run -n {vm}")
            g = h.attach(vm)
            g.wait_ready()
            h.detach()
            booted = h.info(vm)
            g = h.attach(vm)
            r = {"boot": g.boot_time(), "start": booted[2],
                 "exits": {"boot (run -> ready)": rate((0, {}), booted)}}
            h.detach()
            print(f"linux_bench: ZVM {tmpl}: boot-to-init {r['boot']} s, start {r['start']} "
                  f"({time.time() - t0:.0f} s wall)", flush=True)
            if tmpl == "linux-rt":
                r["cyclictest"] = {}
                for hg in HOGS:
                    before = h.info(vm)
                    g = h.attach(vm)
                    r["cyclictest"][hg] = cyclictest_runs(g, hg, loops, reps, lambda ct: print(
                        f"linux_bench: ZVM cyclictest {hg} hogs: {ct} "
                        f"({time.time() - t0:.0f} s wall)", flush=True))
                    h.detach()
                    r["exits"][f"cyclictest, {hg} hog{'s' if hg != 1 else ''}"] = rate(
                        before, h.info(vm))
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


def report(bare, zvm, loops, reps, wall):
    md = ["# Linux: bare QEMU vs ZVM", "",
          f"Generated by `make bench-linux` (bench/linux_bench.py) in {wall:.0f} s wall. "
          f"QEMU -cpu {CPU}, -icount shift=0,align=off,sleep=off (1 instruction = 1 ns of "
          "virtual time). Guest: Debian 12 kernel, 2 vCPUs, 512 MiB, "
          "build/guests/debian/initramfs-bench.cpio.gz, "
          f'bootargs "{BOOTARGS}". Bare: -M virt,gic-version=3,dtb-randomness=off -smp 2 '
          "-dtb <the DTB ZVM builds for the VM>. ZVM: -smp 4, the VM on pCPUs 2-3 "
          "(priority 20), nothing else running.", "",
          "## Boot and start", "",
          "| item | bare | ZVM | overhead % |", "| --- | ---: | ---: | ---: |"]
    for tmpl, kern in KERNELS.items():
        b, z = bare.get(tmpl, {}).get("boot"), zvm.get(tmpl, {}).get("boot")
        md.append(fmt_row(f"boot-to-init, {kern} (dmesg time of {READY}), s", b, z, "{:.6f}"))
    for tmpl, kern in KERNELS.items():
        st = zvm.get(tmpl, {}).get("start")
        if st:
            md.append(f"| VM start, {kern}: `zvm run` -> first guest instruction, ns | "
                      f"- | {st[1]} | |")
            md.append(f"| VM build, {kern}: `zvm new` (512 MiB RAM, images, DTB, vCPUs), "
                      f"ms | - | {st[0] / 1000:.3f} | |")
    md += ["", f"## cyclictest on the RT kernel (`{cyclictest_cmd(loops)}`), ns", "",
           "Per run the worst of the two per-CPU threads: min of the mins, mean of the "
           "averages, max of the maxima. CPU hogs: `stress-ng -q --cpu N` started 1 s "
           f"before. With no hogs, {reps} runs per side (min, avg and max over all of "
           "them); their per-run maxima and the median of those are listed too: under "
           "QEMU's round-robin TCG a single max is the worst of a few emulator "
           "hand-overs between vCPUs, so the spread shows what a difference means.", "",
           "| item | bare | ZVM | overhead % |", "| --- | ---: | ---: | ---: |"]
    for hg in HOGS:
        b = bare.get("linux-rt", {}).get("cyclictest", {}).get(hg)
        z = zvm.get("linux-rt", {}).get("cyclictest", {}).get(hg)
        for i, what in enumerate(("min", "avg", "max")):
            md.append(fmt_row(f"{hg} hog{'s' if hg != 1 else ''}: {what}",
                              b[i] if b else None, z[i] if z else None, "{:.0f}"))
        if hg == 0 and b and z and len(b[3]) > 1:
            md.append(fmt_row("0 hogs: median of the per-run maxima",
                              statistics.median(b[3]), statistics.median(z[3]), "{:.0f}"))
            md.append(f"| 0 hogs: per-run maxima | {' '.join(map(str, b[3]))} | "
                      f"{' '.join(map(str, z[3]))} | |")
    md += ["", "## VM exits per second of guest time, by reason (`zvm info -n`)", "",
           "| interval | guest s | exits/s by reason | total/s | exits |",
           "| --- | ---: | --- | ---: | ---: |"]
    for tmpl, kern in KERNELS.items():
        for name, (r, dt) in zvm.get(tmpl, {}).get("exits", {}).items():
            cells = " ".join(f"{k}={v:.0f}" for k, v in sorted(r.items(), key=lambda x: -x[1]))
            md.append(f"| {kern}, {name} | {dt:.1f} | {cells} | {sum(r.values()):.0f} | {sum(r.values()) * dt:.0f} |")
    md += ["", "The interval of each row is the VM's uptime between two `zvm info -n` "
           "(ms resolution); it includes the console typing of the `zvm look` session "
           "(mmio exits: vPL011).", ""]
    return md


def plot(bare, zvm, path):
    plt = pyplot("linux_bench")
    if plt is None:
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 5))
    names = list(KERNELS)
    xs = range(len(names))
    a1.bar([x - 0.2 for x in xs], [bare.get(n, {}).get("boot") or 0 for n in names], 0.4,
           label="bare")
    a1.bar([x + 0.2 for x in xs], [zvm.get(n, {}).get("boot") or 0 for n in names], 0.4,
           label="ZVM")
    a1.set_xticks(list(xs))
    a1.set_xticklabels([KERNELS[n] for n in names])
    a1.set_ylabel("boot-to-init, s (virtual time)")
    a1.legend()
    labels, bv, zv = [], [], []
    for hg in HOGS:
        b = bare.get("linux-rt", {}).get("cyclictest", {}).get(hg)
        z = zvm.get("linux-rt", {}).get("cyclictest", {}).get(hg)
        for i, what in ((1, "avg"), (2, "max")):
            labels.append(f"{hg} hogs {what}")
            bv.append(b[i] / 1000 if b else 0)
            zv.append(z[i] / 1000 if z else 0)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loops", type=int, default=5000,
                    help="cyclictest loops of 1 ms per run (default 5000)")
    ap.add_argument("--reps", type=int, default=REPS,
                    help=f"cyclictest runs with no load, per side (default {REPS})")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--only", choices=("bare", "zvm"), help="one side only (debugging)")
    a = ap.parse_args()
    build, out = pathlib.Path(a.build).resolve(), pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    pack, dtb, images = prepare(build, out)
    log = open(build / "bench-linux" / "linux_bench.log", "w")
    t0 = time.time()
    bare = run_bare(images, dtb, a.loops, a.reps, log) if a.only != "zvm" else {}
    zvm = run_zvm(build, pack, a.loops, a.reps, log) if a.only != "bare" else {}
    md = report(bare, zvm, a.loops, a.reps, time.time() - t0)
    (out / "linux.md").write_text("\n".join(md))
    plot(bare, zvm, out / "linux.png")
    print("\n".join(md))


if __name__ == "__main__":
    main()
