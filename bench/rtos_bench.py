#!/usr/bin/env python3
"""The RTOS guest's `rtbench` bare on QEMU and as a ZVM VM, side by side.

Usage: bench/rtos_bench.py [--quick] [--no-wall] [--linux] [--build DIR] [--out DIR]

Bare: qemu-system-aarch64 -M virt,gic-version=3,dtb-randomness=off with -dtb =
the DTB ZVM generates for the VM (mkpack --dump-dtb), same memory, CPU model
and vCPU count. ZVM: the same image as template `rtos` of a bench pack, on
pCPU 1 (`zvm new/run/look`). Deterministic mode: -icount shift=0,align=off,
sleep=off (1 instruction = 1 ns); wall mode: plain TCG. Timer-latency
scenarios under ZVM: alone; a busy VM (the same guest booted with `busy`) on
the same pCPU at a lower priority, both autostarted from their own pack; optionally (--linux) a Linux VM running
stress-ng on other pCPUs. Cross-CPU wake-up (`rtbench smp`): the guest on 2
CPUs bare, and as a 2-vCPU VM on two pCPUs and on one. Writes <out>/latest.md and <out>/latest.png.
"""
import argparse
import pathlib
import re
import sys
import time

from benchlib import (build_pack, dump_dtb, exit_counts, make_pack, pct, pyplot, rtos_template,
                      spawn, switch_pair)

ROOT = pathlib.Path(__file__).resolve().parents[1]
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]
CPU = "cortex-a53"
PROMPT = "zvm> "
ESCAPE = "\x1d"
LINE = re.compile(r"BENCH name=(\S+) unit=(\S+) min=(\d+) avg=([\d.]+) max=(\d+) n=(\d+) "
                  r"iter_ns=(\d+)")
# The RT VM under test (the busy-VM scenario has its own pack: switch_pair()).
RT_TEMPLATE = rtos_template("rtos", "rtos-guest.bin", 2)
# SMP wake-up: the same guest on 2 vCPUs, on two pCPUs (smp2) and on one (smp1).
RT_TEMPLATE += "".join(f"""
[template {name}]
os = rtos
kernel = rtos-guest.bin
memory = 32M
vcpus = 2
pcpus = {pins}
priority = 2
""" for name, pins in (("smp2", "1,2"), ("smp1", "1,1")))
LINUX_TEMPLATE = """
[template linux]
os = linux
kernel = {kernel}
initrd = {initrd}
memory = 512M
vcpus = 2
pcpus = 2,3
priority = 20
bootargs = "console=ttyAMA0 quiet panic=-1 rdinit=/bin/sh"
"""


def parse(text):
    """{item: dict(unit, min, avg, max, n, iter_ns)} from rtbench output."""
    out = {}
    for m in LINE.finditer(text):
        out[m.group(1)] = dict(unit=m.group(2), min=int(m.group(3)), avg=float(m.group(4)),
                               max=int(m.group(5)), n=int(m.group(6)), iter_ns=int(m.group(7)))
    return out


def prepare(build, linux=False):
    """Bench pack and the VMs' DTBs in build/bench/; returns (pack, dtb, image);
    the 2-vCPU DTB is build/bench/smp.dtb."""
    d = build / "bench"
    d.mkdir(parents=True, exist_ok=True)
    image = d / "rtos-guest.bin"
    image.write_bytes((build / "rtos-guest.bin").read_bytes())
    manifest = RT_TEMPLATE
    if linux:
        deb = build / "guests" / "debian"
        manifest += LINUX_TEMPLATE.format(kernel=deb / "Image-cloud",
                                          initrd=deb / "initramfs-bench.cpio.gz")
    pack, dtb = make_pack(build, d, manifest, "rtos", "rtos.dtb")
    dump_dtb(build, pack, "smp2", d / "smp.dtb")
    return pack, dtb, image


def rtbench(p, args, timeout):
    """Run it; the echoed command line skips a replayed console history."""
    p.sendline("rtbench " + args)
    p.expect_exact("rtbench " + args, timeout=timeout)
    p.expect_exact("BENCH-END", timeout=timeout)
    text = p.before
    p.expect_exact(PROMPT, timeout=timeout)
    return text


def run_bare(image, dtb, args, icount, log, timeout=600, smp=1):
    argv = ["qemu-system-aarch64", "-M", "virt,gic-version=3,dtb-randomness=off", "-cpu", CPU,
            "-smp", str(smp), "-m", "32M", "-nographic", "-nic", "none", "-dtb", str(dtb),
            "-kernel", str(image), *(ICOUNT if icount else [])]
    p = spawn(argv, log, timeout)
    try:
        p.expect_exact(PROMPT)
        return {"all": parse(rtbench(p, args, timeout))}
    finally:
        p.terminate(force=True)


class Host:
    """ZVM on QEMU with the bench pack; the shell driven like a user."""

    def __init__(self, build, pack, icount, log, smp=2, timeout=600):
        argv = ["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3,dtb-randomness=off",
                "-cpu", CPU, "-smp", str(smp), "-m", "2G" if smp > 2 else "1G",
                "-nographic", "-nic", "none", "-kernel", str(build / "zvm.bin"),
                "-initrd", str(pack), *(ICOUNT if icount else [])]
        self.timeout = timeout
        self.p = spawn(argv, log, timeout)
        self.p.expect_exact(PROMPT)

    def cmd(self, line):
        self.p.sendline(line)
        self.p.expect_exact(PROMPT)
        return self.p.before.replace("\r", "")

    def start(self, template):
        m = re.search(r"vm (\d+) created", self.cmd(f"zvm new -t {template}"))
        if not m:
            sys.exit(f"rtos_bench: cannot create a {template} VM")
        self.cmd(f"zvm run -n {m.group(1)}")
        return int(m.group(1))

    def exits(self, vm):
        return exit_counts(self.cmd(f"zvm info -n {vm}"))

    def guest(self, vm, args):
        """Attach, run rtbench, detach."""
        self.p.sendline(f"zvm look -n {vm}")
        self.p.expect_exact("[attached")
        text = rtbench(self.p, args, self.timeout)
        self.p.send(ESCAPE)
        self.p.expect_exact("[detached")
        self.p.expect_exact(PROMPT)
        return text

    def close(self):
        self.p.terminate(force=True)


def run_zvm(build, pack, groups, icount, log, others=(), smp=2, settle=None, template="rtos"):
    """rtbench per group in a VM (template None: vm 0, autostarted); returns
    ({group: items}, {group: exit deltas})."""
    h = Host(build, pack, icount, log, smp=smp)
    try:
        vm = h.start(template) if template else 0
        for t in others:
            h.start(t)
        if settle:
            settle(h)
        results, exits = {}, {}
        for g in groups:
            before = h.exits(vm)
            results[g] = parse(h.guest(vm, g))
            after = h.exits(vm)
            exits[g] = {k: v - before.get(k, 0) for k, v in after.items()
                        if v - before.get(k, 0)}
        return results, exits
    finally:
        h.close()


def flat(groups):
    return {k: v for g in groups.values() for k, v in g.items()}


def table(bare, zvm, key):
    rows = ["| item | unit | bare | ZVM | overhead % |", "| --- | --- | ---: | ---: | ---: |"]
    over = []
    for name, b in bare.items():
        if key == "iter_ns" and not b[key]:
            continue
        z = zvm.get(name)
        if not z:
            rows.append(f"| {name} | {b['unit']} | {b[key]:g} | missing | |")
            continue
        unit = "ns" if key == "iter_ns" else b["unit"]
        o = pct(b[key], z[key])
        if not name.startswith("timer_"):
            over.append(o)
        rows.append(f"| {name} | {unit} | {b[key]:g} | {z[key]:g} | {o:+.2f} |")
    if over:
        rows.append(f"| **average (latency + objects)** | | | | **{sum(over)/len(over):+.2f}** |")
        rows.append(f"| **worst item** | | | | **{max(over):+.2f}** |")
    return rows


# The seed's charts (Zephyr latency_measure and sys_kernel, as the ZVM paper
# shows them), row by row: (the seed's row, our rtbench item or None, note).
SEED_ROWS = [
    ("latency: context switch between preemptive threads (yield)", "thread_switch_yield", ""),
    ("latency: context switch between cooperative threads", "thread_switch_coop", ""),
    ("latency: create a thread", "thread_create", ""),
    ("latency: start a thread", "thread_start", ""),
    ("latency: suspend a thread", "thread_suspend", ""),
    ("latency: resume a thread", "thread_resume", ""),
    ("latency: abort a thread", "thread_exit_join",
     "the kernel has no thread abort: thread exit + join instead"),
    ("latency: ISR entry after a software interrupt", "isr_entry", "SGI to self"),
    ("latency: ISR -> interrupted thread", "isr_resume_thread", ""),
    ("latency: ISR -> another (woken) thread", "isr_switch_thread", ""),
    ("latency: semaphore give, no context switch", "sem_give_noswitch", ""),
    ("latency: semaphore take, no context switch", "sem_take_noswitch", ""),
    ("latency: semaphore take, with context switch", "sem_take_switch", ""),
    ("latency: semaphore give, with context switch", "sem_give_switch", ""),
    ("latency: mutex lock", "mutex_lock", ""),
    ("latency: mutex unlock", "mutex_unlock", ""),
    ("latency: heap malloc", "heap_alloc", ""),
    ("latency: heap free", "heap_free", ""),
    ("sys_kernel: semaphore #1 (consumer above the producer)", "obj_sem_pc_hi", ""),
    ("sys_kernel: semaphore #2 (consumer below the producer)", "obj_sem_pc_lo", ""),
    ("sys_kernel: semaphore #3", None, "none: two priority orders only"),
    ("sys_kernel: LIFO #1-#3", None, "none: the kernel has no LIFO object"),
    ("sys_kernel: FIFO #1 (consumer above)", "obj_fifo_pc_hi", "message queue"),
    ("sys_kernel: FIFO #2 (consumer below)", "obj_fifo_pc_lo", "message queue"),
    ("sys_kernel: FIFO #3", None, "none: two priority orders only"),
    ("sys_kernel: stack #1-#3", None, "none: the kernel has no stack object"),
    ("sys_kernel: memory map (slab) #1-#3", "obj_pages_alloc_free",
     "the kernel has no memory slab: page alloc/free instead"),
]


def seed_rows(bare, zvm):
    """The seed's rows with our figures: avg cycles, and the overhead by
    cycles and by the generic counter (which sees the time spent at EL2)."""
    rows = ["| the seed's row | rtbench item | bare, cycles | ZVM, cycles | overhead %, cycles "
            "| overhead %, ns per iteration | note |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for seed, item, note in SEED_ROWS:
        b, z = bare.get(item), zvm.get(item)
        if not (b and z):
            rows.append(f"| {seed} | {item or 'none'} | | | | | {note} |")
            continue
        ns = f"{pct(b['iter_ns'], z['iter_ns']):+.2f}" if b["iter_ns"] else ""
        rows.append(f"| {seed} | {item} | {b['avg']:g} | {z['avg']:g} | "
                    f"{pct(b['avg'], z['avg']):+.2f} | {ns} | {note} |")
    return rows


def exits_rows(exits):
    rows = ["| group | exits during the run, by reason |", "| --- | --- |"]
    for g, e in exits.items():
        rows.append(f"| {g} | {' '.join(f'{k}={v}' for k, v in sorted(e.items())) or 'none'} |")
    return rows


def smp_rows(scen):
    rows = ["| scenario | smp_wakeup min/avg/max ns | smp_roundtrip min/avg/max ns | exits |",
            "| --- | --- | --- | --- |"]
    for name, (r, ex) in scen.items():
        cells = []
        for item in ("smp_wakeup", "smp_roundtrip"):
            x = r.get(item)
            cells.append(f"{x['min']} / {x['avg']:g} / {x['max']}" if x else "missing")
        exits = " ".join(f"{k}={v}" for k, v in sorted(ex.items())) if ex is not None else ""
        rows.append(f"| {name} | {cells[0]} | {cells[1]} | {exits} |")
    return rows


def run_smp(build, image, q, log):
    """The smp group: bare on 2 CPUs; ZVM with the 2 vCPUs on pCPUs 1 and 2, and both on 1."""
    bare = run_bare(image, build / "bench" / "smp.dtb", q + "smp", True, log, smp=2)["all"]
    out = {"bare, -smp 2": (bare, None)}
    for t, name in (("smp2", "ZVM, vCPUs on pCPUs 1 and 2"), ("smp1", "ZVM, both vCPUs on pCPU 1")):
        res, ex = run_zvm(build, pack_of(build), [q + "smp"], True, log, smp=3, template=t)
        out[name] = (res[q + "smp"], ex[q + "smp"])
    return out


def pack_of(build):
    return build / "bench" / "bench.pack"


def timer_rows(scen):
    rows = ["| scenario | timer_isr_latency min/avg/max ns | timer_thread_latency min/avg/max ns |",
            "| --- | --- | --- |"]
    for name, r in scen.items():
        cells = []
        for item in ("timer_isr_latency", "timer_thread_latency"):
            x = r.get(item)
            cells.append(f"{x['min']} / {x['avg']:g} / {x['max']}" if x else "missing")
        rows.append(f"| {name} | {cells[0]} | {cells[1]} |")
    return rows


def plot(bare, zvm, path):
    plt = pyplot("rtos_bench")
    if plt is None:
        return
    names = [n for n in bare if n in zvm]
    fig, ax = plt.subplots(figsize=(12, 5))
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], [bare[n]["avg"] for n in names], 0.4, label="bare")
    ax.bar([x + 0.2 for x in xs], [zvm[n]["avg"] for n in names], 0.4, label="ZVM")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("cycles (ns for timer_*), -icount shift=0")
    ax.set_title("rtbench: RTOS guest bare vs under ZVM")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few iterations (tests)")
    ap.add_argument("--no-wall", action="store_true", help="skip the wall-clock runs")
    ap.add_argument("--linux", action="store_true", help="add the busy-Linux scenario")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    a = ap.parse_args()
    build, out = pathlib.Path(a.build), pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    q = "quick " if a.quick else ""
    groups = [q + g for g in ("lat", "obj", "timer")]
    pack, dtb, image = prepare(build, a.linux)
    log = open(build / "bench" / "rtos_bench.log", "w")
    t0 = time.time()
    bare = flat(run_bare(image, dtb, q, True, log))
    zres, zexits = run_zvm(build, pack, groups, True, log)
    zvm = flat(zres)
    scen = {"bare": bare, "ZVM, alone on pCPU 1": zvm}
    # Both VMs autostarted in a fixed order: the interleaving on the pCPU no
    # longer follows when shell commands arrive.
    pair = build_pack(build, build / "bench" / "switch", switch_pair(image.resolve(), rt_name="rtos"))
    scen["ZVM + busy VM on pCPU 1 (prio 10)"] = flat(
        run_zvm(build, pair, [q + "timer"], True, log, template=None)[0])
    if a.linux:
        def settle(h):
            time.sleep(5)
            h.cmd("zvm info")
        scen["ZVM + Linux VM on pCPUs 2-3"] = flat(
            run_zvm(build, pack, [q + "timer"], True, log, others=["linux"], smp=4,
                    settle=settle)[0])
    smp = run_smp(build, image, q, log)
    wall = None
    if not a.no_wall:
        wall = (flat(run_bare(image, dtb, q, False, log)),
                flat(run_zvm(build, pack, [q + "lat", q + "obj", q + "timer"], False, log)[0]))
    md = ["# rtbench: RTOS guest bare vs ZVM", "",
          f"Generated by `make bench` (bench/rtos_bench.py{' --quick' if a.quick else ''}) "
          f"in {time.time() - t0:.0f} s. Guest: build/rtos-guest.bin, 1 vCPU, 32 MiB, "
          f"{CPU}; under ZVM on pCPU 1 at priority 2. Cycles = PMCCNTR_EL0; "
          "iter_ns = generic counter over the item's loop per iteration.", "",
          "## The seed's rows (Zephyr latency_measure and sys_kernel), deterministic", "",
          *seed_rows(bare, zvm), "",
          "## Deterministic (-icount shift=0,align=off,sleep=off): avg cycles", "",
          *table(bare, zvm, "avg"), "",
          "## Deterministic: ns per iteration by the generic counter (includes time at EL2)", "",
          *table(bare, zvm, "iter_ns"), "",
          "## Timer interrupt latency (deterministic)", "", *timer_rows(scen), "",
          "## VM exits during the deterministic run (per rtbench group)", "",
          *exits_rows(zexits), "",
          "## Cross-CPU wake-up, RTOS guest on 2 (v)CPUs (deterministic)", "",
          "A thread on CPU 0 gives a semaphore a higher-priority thread pinned to CPU 1 "
          "waits on (1 ms apart: both CPUs idle before each give).", "",
          *smp_rows(smp), "",
          "mmio exits are the guest's console output (vPL011), outside the timed loops; "
          "sysreg exits in `lat` are the SGIs of the isr_* items (ICC_SGI1R_EL1 traps) and "
          "the vCPU's first PMU access; wfi exits in `timer` are one per sample.", ""]
    if wall:
        md += ["## Wall clock (plain TCG; host-dependent, noisy): avg cycles", "",
               *table(wall[0], wall[1], "avg"), ""]
    (out / "latest.md").write_text("\n".join(md))
    plot(bare, zvm, out / "latest.png")
    print("\n".join(md))
    missing = set(bare) ^ set(zvm)
    if any(len(r) < 2 for r, _ in smp.values()):
        missing.add("smp_wakeup")
    if len(bare) < 25 or missing:
        sys.exit(f"rtos_bench: incomplete results (missing {sorted(missing)})")


if __name__ == "__main__":
    main()
