#!/usr/bin/env python3
"""Count the hypervisor instructions of one VM exit, by function.

`make exit-trace` boots ZVM on QEMU with gdb's stub (-s) and an RT VM whose
1 ms periodic task (apps/periodic.c) arms its virtual timer 1000 times a
second, so nearly every exit to EL2 is a virtual-timer interrupt. gdb-multiarch
(driven through its Python API: this file is also the gdb script) breaks at
the lower-EL IRQ vector (lower64_irq), then single-steps - interrupts
allowed, as in a real run - until the CPU is back below EL2, and records
every program counter. The PCs are resolved to functions with addr2line.

Output: instructions per exit for a few consecutive exits (the same number
each time when the path is deterministic) and the functions of one of them.
This is how docs/benchmarks.md counts the virtual-timer path; it measures
code, not time, so it is exact and needs no -icount.

--exit sgi traces an SGI exit instead: the guest runs `rtbench lat` (its
isr_* items write ICC_SGI1R_EL1 to themselves) and the trace starts at
guest_sync_sgi, the SGI fast path's first instruction past the ESR match
in guest.S; the 8 instructions before it (the vector's push and branch,
the ESR compare) are added to the count.

--exit switch traces a vCPU switch on one pCPU: a second VM (the same
guest booted with `busy`: a thread that never idles) is autostarted after
the RT VM on the same pCPU at a lower priority, so nearly every lower-EL
IRQ is the host timer that ends the RT vCPU's WFI sleep interrupting the
busy vCPU. The trace runs from that IRQ vector through the scheduler's
switch to the ERET into the RT guest; exits without a thread switch (no
arch_switch in the trace) are left out.

--exit mmio traces a trapped MMIO write to the vPL011 data register: the
guest's periodic task prints a report line every period (periodic=1000,1),
each byte a store to UARTDR; the trace starts at guest_sync (the lower-EL
sync vector's push and branch, 2 instructions, are added) and keeps only
exits whose ESR_EL2 is a data abort from the guest (EC 0x24) with WnR set
(its FR polls are reads; no other device is written once it runs).

    python3 bench/exit_trace.py --build build [--exit timer|sgi|mmio|switch] [--exits 4] [--skip 50] [--seq]
"""
import argparse
import collections
import itertools
import pexpect
import os
import pathlib
import subprocess
import sys
import tempfile
import time

MANIFEST = """[template rt]
os = rtos
kernel = {image}
memory = 32M
vcpus = 1
pcpus = 1
priority = 2
bootargs = "{bootargs}"
autostart = yes
"""
MAX_STEPS = 50000     # an exit longer than this is reported as such
# Where a trace starts, and the instructions before that point it adds.
START = {"timer": ("lower64_irq", 0), "sgi": ("guest_sync_sgi", 8), "mmio": ("guest_sync", 2),
         "switch": ("lower64_irq", 0)}
# The guest's work: the timer exit needs its 1 ms task; the SGI exit runs
# without it, else its timer, which runs on while gdb steps, fires between
# any two traced SGIs (which the benchmark's SGIs under -icount hardly see).
# The MMIO exit: a report line (vPL011 writes) every period.
BOOTARGS = {"timer": "periodic=1000,100000", "sgi": "", "mmio": "periodic=1000,1"}
ESR_EC_DABT_LOW, ESR_WNR = 0x24, 1 << 6
# The shortest trace counted: the busy guest's own timer interrupts take the
# fast path (~140 instructions) and are skipped; a switch takes far more.
SHORTEST = {"switch": 400}
# The switch takes the scheduler's ticket lock (LDAXRH). Under multi-threaded
# TCG a single-stepped exclusive load runs as an atomic section that does not
# stop after one instruction, and the trace loses the thread: one TCG thread.
# The same for the MMIO exit: QEMU runs an exclusive store outside its loop
# (cpu_exec_step_atomic) and a gdb single step over it loses control.
ACCEL = {"switch": ["-accel", "tcg,thread=single"], "mmio": ["-accel", "tcg,thread=single"]}


WFE = b"\x5f\x20\x03\xd5"


def step_one(gdb, pc):
    """stepi, with two exceptions. A WFE (a spin lock's wait) is stepped
    over: single-stepped, QEMU leaves it for another CPU and the trace loses
    its thread; a WFE may complete at any time (ARM ARM D1.6.1), so this is
    exact. An instruction of the load/store-exclusive class (LDAXR, STLR:
    op0 x0x0, op1 0x1000) is stepped with a raw packet: gdb's stepi would
    run to the end of what it takes for an atomic sequence (the scheduler's
    ticket lock has no store-exclusive after its LDAXRH: far beyond)."""
    insn = bytes(gdb.selected_inferior().read_memory(pc, 4))
    if insn == WFE:
        gdb.execute("set $pc = %#x" % (pc + 4))
    elif int.from_bytes(insn, "little") & 0x3f000000 == 0x08000000:
        gdb.execute("maintenance packet s", to_string=True)
        gdb.execute("maintenance flush register-cache", to_string=True)
    else:
        gdb.execute("stepi", to_string=True)


def wanted(gdb, pcs):
    """For --exit mmio: step guest_sync's first instruction (mrs x0, esr_el2)
    and keep the exit only if it is a guest data abort that writes."""
    if os.environ["TRACE_KIND"] != "mmio":
        return True
    pcs.append(int(gdb.parse_and_eval("$pc")) & (2**64 - 1))
    gdb.execute("stepi", to_string=True)
    esr = int(gdb.parse_and_eval("$x0")) & (2**64 - 1)
    return (esr >> 26) == ESR_EC_DABT_LOW and bool(esr & ESR_WNR)


def in_gdb():
    """The gdb side: trace N exits after skipping some, write the PCs."""
    import gdb  # noqa: only inside gdb
    out, n, skip = os.environ["TRACE_OUT"], int(os.environ["TRACE_N"]), int(os.environ["TRACE_SKIP"])
    gdb.execute("set pagination off")
    gdb.execute("target remote :" + os.environ["TRACE_PORT"])
    gdb.execute("maintenance packet Qqemu.sstep=0x1")   # step with IRQs and timers on
    gdb.execute("set scheduler-locking step")
    gdb.execute("hbreak " + os.environ["TRACE_AT"])
    open(out + ".armed", "w").close()     # main() may start the guest's work now
    for _ in range(skip):
        gdb.execute("continue", to_string=True)
    # While one CPU is stepped, another hitting the breakpoint would take
    # over the trace: it is there only while running to the next exit.
    gdb.execute("disable")
    shortest = int(os.environ["TRACE_MIN"])
    with open(out, "w") as f:
        e = 0
        while e < n:
            gdb.execute("enable")
            pcs = []
            while True:
                gdb.execute("continue", to_string=True)
                pcs = []
                if wanted(gdb, pcs):
                    break
            gdb.execute("disable")
            while len(pcs) < MAX_STEPS:
                if (int(gdb.parse_and_eval("$cpsr")) >> 2) & 3 < 2:
                    break     # back in the guest
                pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
                pcs.append(pc)
                step_one(gdb, pc)
            if len(pcs) >= shortest:     # else another kind of exit: not counted
                f.write("EXIT %d\n" % e + "".join("%x\n" % p for p in pcs))
                e += 1
    gdb.execute("kill")


def functions(elf, pcs):
    """addr2line -f over the PCs: the function of each (inlined: the innermost)."""
    r = subprocess.run(["aarch64-linux-gnu-addr2line", "-f", "-e", str(elf)],
                       input="".join("%x\n" % p for p in pcs), capture_output=True, text=True,
                       check=True)
    return r.stdout.splitlines()[0::2]


def parse(path):
    exits, cur = [], None
    for line in pathlib.Path(path).read_text().splitlines():
        if line.startswith("EXIT"):
            cur = []
            exits.append(cur)
        else:
            cur.append(int(line, 16))
    return exits


def wait_armed(path, tracer):
    """Until gdb has its breakpoint (in_gdb() creates path): the guest's
    SGIs must not all run before it is attached."""
    for _ in range(600):
        if path.exists() or tracer.poll() is not None:
            return
        time.sleep(0.1)
    sys.exit("exit_trace: gdb did not attach")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", type=pathlib.Path, default=pathlib.Path("build"))
    ap.add_argument("--exits", type=int, default=4, help="exits to trace")
    ap.add_argument("--skip", type=int, default=50, help="exits to let pass first (boot)")
    ap.add_argument("--port", default="1234")
    ap.add_argument("--exit", choices=sorted(START), default="timer", help="which exit")
    ap.add_argument("--seq", action="store_true",
                    help="also print the last exit's functions in order (runs of one function)")
    a = ap.parse_args()
    b = a.build.resolve()
    from benchlib import build_pack, switch_pair   # not at the top: gdb runs this file too
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        image = b / "rtos-guest.bin"
        manifest = (switch_pair(image, rt_args="periodic=1000,100000") if a.exit == "switch"
                    else MANIFEST.format(image=image, bootargs=BOOTARGS[a.exit]))
        pack = build_pack(b, d, manifest)
        qemu = pexpect.spawn(
            "qemu-system-aarch64", ["-M", "virt,virtualization=on,gic-version=3", "-cpu",
             "cortex-a53", "-smp", "2", "-m", "1G", "-nographic", "-nic", "none",
             "-kernel", str(b / "zvm.bin"), "-initrd", str(pack),
             "-gdb", "tcp::" + a.port, *ACCEL.get(a.exit, [])], encoding="utf-8", codec_errors="replace", timeout=60)
        try:
            qemu.expect_exact("zvm> ")
            if a.exit == "sgi":
                qemu.sendline("zvm look -n 0")
                qemu.expect_exact("[attached")
                time.sleep(1)
            else:
                time.sleep(2)     # the skipped exits do the rest
            env = dict(os.environ, TRACE_OUT=str(d / "pcs"), TRACE_N=str(a.exits),
                       TRACE_SKIP=str(a.skip), TRACE_PORT=a.port, TRACE_AT=START[a.exit][0],
                       TRACE_MIN=str(SHORTEST.get(a.exit, 0)), TRACE_KIND=a.exit)
            tracer = subprocess.Popen(["gdb-multiarch", "-q", "-batch", str(b / "zvm.elf"), "-x",
                                    __file__], env=env, stdout=subprocess.DEVNULL)
            if a.exit == "sgi":     # the guest sends SGIs to itself for a while,
                wait_armed(d / "pcs.armed", tracer)    # all of them after the breakpoint
                qemu.sendline("rtbench lat")
            if tracer.wait(timeout=600):
                sys.exit("exit_trace: gdb failed")
            exits = parse(d / "pcs")
        finally:
            qemu.terminate(force=True)
    names = [functions(b / "zvm.elf", e) for e in exits]
    if a.exit == "switch":     # only the exits that switched vCPU threads
        exits = [e for e, f in zip(exits, names) if "arch_switch" in f]
        names = [f for f in names if "arch_switch" in f]
    if not exits:
        sys.exit("exit_trace: no exit traced")
    extra = START[a.exit][1]
    print("instructions per exit:", " ".join(str(len(e) + extra) for e in exits),
          f"(incl. {extra} before the trace point)" if extra else "")
    for name, n in collections.Counter(names[-1]).most_common():
        print("%6d  %s" % (n, name))
    if a.seq:
        print("in order:")
        for name, run in itertools.groupby(names[-1]):
            print("%6d  %s" % (len(list(run)), name))


if __name__ == "__main__":
    if "gdb" in sys.modules:
        in_gdb()
    else:
        main()
