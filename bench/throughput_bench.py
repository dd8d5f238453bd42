#!/usr/bin/env python3
"""Throughput index (UnixBench-class): Debian Linux bare on QEMU and as a ZVM VM.

Usage: bench/throughput_bench.py [--quick] [--reps N] [--wall] [--only bare|zvm]
                                 [--build DIR] [--out DIR]

UnixBench is not packaged by Debian; its categories are rebuilt from what the
guest initramfs has (stress-ng, busybox, hackbench from rt-tests; the overlay
of tools/bench/tp-initrd). Each item runs as `zvm-tp ITEM COPIES OPS TAG`
(tools/bench/zvm-tp) in the guest: a fixed amount of work between two
kernel-log marks, whose dmesg times (us) give the elapsed virtual time. A
rate is work / time; an item's figure is the median rate of its runs.

Matched baseline, as bench/linux_bench.py: the cloud kernel, 512 MiB, 1 and
2 vCPUs; bare QEMU with -dtb = the DTB ZVM builds for the VM; ZVM with the
same kernel, initramfs and command line as templates of a bench pack, under
-icount shift=0,align=off,sleep=off (--wall: plain TCG, a smoke test). The
index is the geometric mean of the ZVM/bare ratios of all items (UnixBench
takes the geometric mean of ratios to a reference machine). Under ZVM each
item runs between two `zvm info -n`: the exits it took. Writes
<out>/throughput.md and <out>/throughput.png.
"""
import argparse
import math
import pathlib
import re
import statistics
import subprocess
import time

import linux_bench as lb
from benchlib import pyplot

ROOT = pathlib.Path(__file__).resolve().parents[1]
INITRD = "initramfs-tp.cpio.gz"     # made by tools/bench/tp-initrd
# template: (kernel image, vCPUs, pCPUs)
MACHINES = {"tp-1": ("Image-cloud", 1, "2"), "tp-2": ("Image-cloud", 2, "2,3")}
# item: (UnixBench's row, how, unit, work per op, ops (full), ops (--quick)).
# COPIES = the VM's vCPUs except where the item fixes it (shell 1 / 8).
# stress-ng items: the ops are bogo ops over all copies.
ITEMS = {
    "cpu-int": ("Dhrystone 2 (integer)", "stress-ng --cpu-method int64", "bogo ops/s",
                1, 60, 4),
    "cpu-float": ("Whetstone (floating point)", "stress-ng --cpu-method matrixprod",
                  "bogo ops/s", 1, 2, 1),
    "cpu-fft": ("(floating point, FFT)", "stress-ng --cpu-method fft", "bogo ops/s",
                1, 40, 2),
    "memory": ("(memory bandwidth; UnixBench has none)",
               "stress-ng --stream, 256 KiB L3 size", "bogo ops/s", 1, 52, 2),
    "syscall": ("System Call Overhead", "stress-ng --get (getpid, getuid, getrlimit, ...)",
                "bogo ops/s", 1, 1200, 100),
    "pipe": ("Pipe Throughput", "stress-ng --pipe (512-byte writes)", "bogo ops/s",
             1, 11000, 500),
    "switch": ("Pipe-based Context Switching", "stress-ng --switch", "bogo ops/s",
               1, 10000, 500),
    "fork": ("Process Creation", "stress-ng --fork (fork, exit, wait)", "bogo ops/s",
             1, 100, 5),
    "exec": ("Execl Throughput", "sh: /bin/busybox true (fork, exec, exit, wait)", "execs/s",
             1, 300, 10),
    "shell1": ("Shell Scripts (1 concurrent)", "busybox sh: sort, od, grep, tee, wc",
               "loops/s", 1, 10, 1),
    "shell8": ("Shell Scripts (8 concurrent)", "the same, 8 at once", "loops/s",
               1, 2, 1),
    "copy256": ("File Copy 256 bufsize", "dd bs=256 of a 256 KiB file, tmpfs", "KiB/s",
                256, 40, 2),
    "copy1024": ("File Copy 1024 bufsize", "dd bs=1024, tmpfs", "KiB/s", 256, 100, 2),
    "copy4096": ("File Copy 4096 bufsize", "dd bs=4096, tmpfs", "KiB/s", 256, 160, 2),
    "hackbench": ("(hackbench, rt-tests)", "hackbench -P -g 2 -l OPS (sockets)",
                  "loops/s", 1, 20, 2),
}
FIXED_COPIES = {"shell1": 1, "shell8": 8, "hackbench": 1}
# Items whose runs are bimodal on both sides, so they get 3x the runs: a
# run's mode follows the guest's state (the scheduler's placement and wake-up
# order), not the hypervisor. hackbench on 1 vCPU: 117 or 140 loops/s, bare
# and ZVM alike; switch on 2 vCPUs: the two processes on one vCPU or on two
# (then every switch is an IPI). docs/benchmarks.md, "Throughput index".
MORE_RUNS = {"hackbench": 3, "switch": 3}
TP_LINE = re.compile(r"^TP ([BE]) ([\d.]+)", re.M)
SNG_LINE = re.compile(r"^SNG \S+ (\d+)", re.M)


def prepare(build):
    """The overlay initramfs, bench pack and DTBs: (pack, {template:
    (kernel, initrd, vcpus, dtb)})."""
    deb = build / "guests" / "debian"
    d = build / "bench-tp"
    d.mkdir(parents=True, exist_ok=True)
    initrd = d / INITRD
    subprocess.run(["bash", str(ROOT / "tools" / "bench" / "tp-initrd"), str(deb), str(initrd)],
                   check=True)
    vms = {t: (deb / k, initrd, n, d / f"{t}.dtb") for t, (k, n, _) in MACHINES.items()}
    return lb.pack_machines(build, d, MACHINES, vms), vms


def copies(item, nvcpus):
    return FIXED_COPIES.get(item, nvcpus)


def run_item(g, item, nvcpus, ops, tag):
    """One run: (rate, seconds), or None with the output shown."""
    n = copies(item, nvcpus)
    out = g.run(f"zvm-tp {item} {n} {ops} {tag}", timeout=1800)
    marks = dict(TP_LINE.findall(out))
    if "B" not in marks or "E" not in marks:
        print(f"throughput_bench: {item}: no timing marks in:\n{out}", flush=True)
        return None
    dt = float(marks["E"]) - float(marks["B"])
    sng = SNG_LINE.search(out)
    if ITEMS[item][1].startswith("stress-ng") and not sng:
        print(f"throughput_bench: {item}: stress-ng reported no bogo ops:\n{out}", flush=True)
        return None
    work = int(sng.group(1)) if sng else ops * ITEMS[item][3] * n
    return (work / dt if dt > 0 else float("nan"), dt)


def run_items(g, nvcpus, quick, reps, say, between=None):
    """{item: (median rate, [rates], median seconds)}; between(item, when)
    is called before and after each item's runs (exit counts)."""
    res = {}
    for item, spec in ITEMS.items():
        ops = spec[5] if quick else spec[4]
        if between:
            g = between(item, "before")
        runs = [r for r in (run_item(g, item, nvcpus, ops, f"{item}-{i}-{time.time():.0f}")
                            for i in range(reps * MORE_RUNS.get(item, 1))) if r]
        if between:
            between(item, "after")
        if runs:
            res[item] = (statistics.median(r[0] for r in runs), [r[0] for r in runs],
                         statistics.median(r[1] for r in runs))
            say(item, res[item])
    return res


def sayer(side, tmpl, t0):
    return lambda item, r: print(f"throughput_bench: {side} {tmpl} {item}: {r[0]:.1f} "
                                 f"{ITEMS[item][2]} ({r[2]:.3f} s; {time.time() - t0:.0f} s wall)",
                                 flush=True)


def run_bare(vms, quick, reps, icount, log):
    res = {}
    for tmpl, (kernel, initrd, n, dtb) in vms.items():
        t0 = time.time()
        p, g = lb.boot_bare(kernel, initrd, n, dtb, log, icount)
        try:
            res[tmpl] = {"items": run_items(g, n, quick, reps, sayer("bare", tmpl, t0))}
        finally:
            p.terminate(force=True)
    return res


def run_zvm(build, pack, vms, quick, reps, icount, log):
    res = {}
    h = lb.Host(build, pack, log, icount)
    try:
        for tmpl, (_, _, n, _) in vms.items():
            t0 = time.time()
            vm = h.boot(tmpl)
            exits, before = {}, {}

            def between(item, when):
                if when == "after":
                    h.detach()
                    exits[item] = lb.rate(before[item], h.info(vm))
                    return None
                before[item] = h.info(vm)
                return h.attach(vm)

            items = run_items(None, n, quick, reps, sayer("ZVM", tmpl, t0), between)
            res[tmpl] = {"items": items, "exits": exits}
            h.cmd(f"zvm delete -n {vm}", timeout=300)
    finally:
        h.close()
    return res


def ratios(bare, zvm, tmpl):
    """{item: ZVM/bare} where both sides have the item."""
    b, z = bare.get(tmpl, {}).get("items", {}), zvm.get(tmpl, {}).get("items", {})
    return {i: z[i][0] / b[i][0] for i in ITEMS if i in b and i in z and b[i][0] > 0}


def geomean(xs):
    xs = list(xs)
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def exit_cell(zvm, tmpl, item):
    r = zvm.get(tmpl, {}).get("exits", {}).get(item)
    if not r:
        return ""
    counts, dt = r
    total = sum(counts.values()) * dt
    top = sorted(counts.items(), key=lambda x: -x[1])
    return f"{total:.0f}: " + " ".join(f"{k}={v * dt:.0f}" for k, v in top)


def machine_section(md, bare, zvm, tmpl, reps):
    k, n, _ = MACHINES[tmpl]
    rs = ratios(bare, zvm, tmpl)
    md += ["", f"## {k}, {n} vCPU{'s' if n > 1 else ''} (copies = {n} unless fixed)", "",
           "| item | UnixBench row | how | unit | bare | ZVM | ZVM/bare % | "
           "exits during the item's runs, by reason |",
           "| --- | --- | --- | --- | ---: | ---: | ---: | --- |"]
    for item, (row, how, unit, *_) in ITEMS.items():
        b = bare.get(tmpl, {}).get("items", {}).get(item)
        z = zvm.get(tmpl, {}).get("items", {}).get(item)
        cell = lambda r: f"{r[0]:.1f}" if r else "missing"  # noqa: E731
        ratio = f"{rs[item] * 100:.2f}" if item in rs else ""
        md.append(f"| {item} | {row} | {how} | {unit} | {cell(b)} | {cell(z)} | {ratio} | "
                  f"{exit_cell(zvm, tmpl, item)} |")
    worst = min(rs.items(), key=lambda x: x[1]) if rs else None
    md.append(f"| **index** (geometric mean of {len(rs)} ratios) | | | | | | "
              f"**{geomean(rs.values()) * 100:.2f}** | |")
    if worst:
        md.append(f"| **worst item** | {worst[0]} | | | | | **{worst[1] * 100:.2f}** | |")
    md += ["", f"Per-run rates (bare / ZVM, {reps} run(s) per item, "
           + ", ".join(f"{i} {reps * k}" for i, k in MORE_RUNS.items()) + "): " + "; ".join(
        f"{i} {fmt_runs(bare, tmpl, i)} / {fmt_runs(zvm, tmpl, i)}" for i in ITEMS)]


def fmt_runs(side, tmpl, item):
    r = side.get(tmpl, {}).get("items", {}).get(item)
    return " ".join(f"{x:.1f}" for x in r[1]) if r else "-"


def report(bare, zvm, quick, reps, icount, wall):
    clock = "-icount shift=0,align=off,sleep=off" if icount else "plain TCG (wall clock)"
    md = ["# Throughput index: Debian Linux bare QEMU vs ZVM", "",
          f"Generated by `make bench-throughput` (bench/throughput_bench.py"
          f"{' --quick' if quick else ''}) in {wall:.0f} s wall. QEMU -cpu {lb.CPU}, {clock}. "
          f"Guest: Debian 12 cloud kernel, {lb.MEM}iB, the bench initramfs plus "
          "tools/bench/tp-initrd's overlay (hackbench, zvm-tp), "
          f'bootargs "{lb.BOOTARGS}". Bare: -M virt,gic-version=3,dtb-randomness=off '
          "-smp <vCPUs> -dtb <the DTB ZVM builds for the VM>. ZVM: -smp 4, the VM on pCPU 2 "
          "(1 vCPU) or 2-3 (2 vCPUs), priority 20, nothing else running.", "",
          "Each item: fixed work between two kernel-log marks (tools/bench/zvm-tp), rate = "
          "work / elapsed guest time, median of the runs. The VM has no disk yet: the file "
          "copies run on **tmpfs** (/tmp). Index = geometric mean of the ZVM/bare ratios, "
          "as UnixBench's System Benchmarks Index is of the ratios to its reference machine."]
    for tmpl in MACHINES:
        machine_section(md, bare, zvm, tmpl, reps)
    every = [r for t in MACHINES for r in ratios(bare, zvm, t).values()]
    md += ["", f"**Index over both machines: {geomean(every) * 100:.2f} %** "
           f"({len(every)} ratios); target >= 99.9 %, no item below 99 %.", ""]
    return md


def plot(bare, zvm, path):
    plt = pyplot("throughput_bench")
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(12, 5))
    xs = list(range(len(ITEMS)))
    for k, tmpl in enumerate(MACHINES):
        rs = ratios(bare, zvm, tmpl)
        ax.bar([x + (k - 0.5) * 0.4 for x in xs], [rs.get(i, 0) * 100 for i in ITEMS], 0.4,
               label=f"{MACHINES[tmpl][1]} vCPU(s)")
    ax.axhline(100, color="k", lw=0.5)
    ax.axhline(99, color="r", lw=0.5, ls="--")
    top = max([r * 100 for t in MACHINES for r in ratios(bare, zvm, t).values()] + [101])
    ax.set_ylim(90, top + 1)
    ax.set_xticks(xs)
    ax.set_xticklabels(list(ITEMS), rotation=30, ha="right")
    ax.set_ylabel("ZVM / bare, % (higher is better)")
    ax.legend()
    fig.suptitle("Throughput items, Debian arm64 Linux: ZVM as % of bare QEMU (-icount shift=0)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few ops per item (the system test)")
    ap.add_argument("--reps", type=int, help="runs per item and side (default 3, --quick 1)")
    ap.add_argument("--wall", action="store_true", help="plain TCG instead of -icount")
    ap.add_argument("--only", choices=("bare", "zvm"), help="one side only (debugging)")
    ap.add_argument("--items", help="comma-separated subset of: " + ",".join(ITEMS))
    ap.add_argument("--machines", help="comma-separated subset of: " + ",".join(MACHINES))
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    a = ap.parse_args()
    lb.keep_only(ITEMS, a.items, "item")
    lb.keep_only(MACHINES, a.machines, "machine")
    reps = a.reps or (1 if a.quick else 3)
    icount = [] if a.wall else lb.ICOUNT
    build, out = pathlib.Path(a.build).resolve(), pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    pack, vms = prepare(build)
    log = open(build / "bench-tp" / "throughput_bench.log", "w")
    t0 = time.time()
    bare = run_bare(vms, a.quick, reps, icount, log) if a.only != "zvm" else {}
    zvm = run_zvm(build, pack, vms, a.quick, reps, icount, log) if a.only != "bare" else {}
    md = report(bare, zvm, a.quick, reps, bool(icount), time.time() - t0)
    name = "throughput" + ("-wall" if a.wall else "")
    (out / f"{name}.md").write_text("\n".join(md))
    plot(bare, zvm, out / f"{name}.png")
    print("\n".join(md))


if __name__ == "__main__":
    main()
