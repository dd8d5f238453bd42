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

--exit mmio traces a trapped MMIO write to the vPL011 data register: the
guest's periodic task prints a report line every period (periodic=1000,1),
each byte a store to UARTDR; the trace starts at guest_sync (the lower-EL
sync vector's push and branch, 2 instructions, are added) and keeps only
exits whose ESR_EL2 is a data abort from the guest (EC 0x24) with WnR set
(its FR polls are reads; no other device is written once it runs).

    python3 bench/exit_trace.py --build build [--exit timer|sgi|mmio] [--exits 4] [--skip 50]
"""
import argparse
import collections
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
bootargs = "periodic=1000,{every}"
autostart = yes
"""
MAX_STEPS = 50000     # an exit longer than this is reported as such
# Where a trace starts, and the instructions before that point it adds.
START = {"timer": ("lower64_irq", 0), "sgi": ("guest_sync_sgi", 8), "mmio": ("guest_sync", 2)}
# periodic's report_every: a report line (MMIO writes) every period for mmio.
REPORT_EVERY = {"timer": 100000, "sgi": 100000, "mmio": 1}
ESR_EC_DABT_LOW, ESR_WNR = 0x24, 1 << 6


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
    gdb.execute("hbreak " + os.environ["TRACE_AT"])
    for _ in range(skip):
        gdb.execute("continue", to_string=True)
    with open(out, "w") as f:
        for e in range(n):
            pcs = []
            while True:
                gdb.execute("continue", to_string=True)
                pcs = []
                if wanted(gdb, pcs):
                    break
            while len(pcs) < MAX_STEPS:
                if (int(gdb.parse_and_eval("$cpsr")) >> 2) & 3 < 2:
                    break     # back in the guest
                pcs.append(int(gdb.parse_and_eval("$pc")) & (2**64 - 1))
                gdb.execute("stepi", to_string=True)
            f.write("EXIT %d\n" % e + "".join("%x\n" % p for p in pcs))
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", type=pathlib.Path, default=pathlib.Path("build"))
    ap.add_argument("--exits", type=int, default=4, help="exits to trace")
    ap.add_argument("--skip", type=int, default=50, help="exits to let pass first (boot)")
    ap.add_argument("--port", default="1234")
    ap.add_argument("--exit", choices=sorted(START), default="timer", help="which exit")
    a = ap.parse_args()
    b = a.build.resolve()
    from benchlib import build_pack   # not at the top: gdb runs this file too
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        pack = build_pack(b, d, MANIFEST.format(image=b / "rtos-guest.bin",
                                                       every=REPORT_EVERY[a.exit]))
        qemu = pexpect.spawn(
            "qemu-system-aarch64", ["-M", "virt,virtualization=on,gic-version=3",
             # One TCG thread: with one per CPU, QEMU runs an exclusive store
             # outside its loop (cpu_exec_step_atomic) and a gdb single step
             # over it loses control; the instructions are the same.
             "-accel", "tcg,thread=single", "-cpu",
             "cortex-a53", "-smp", "2", "-m", "1G", "-nographic", "-nic", "none",
             "-kernel", str(b / "zvm.bin"), "-initrd", str(pack),
             "-gdb", "tcp::" + a.port], encoding="utf-8", codec_errors="replace", timeout=60)
        try:
            qemu.expect_exact("zvm> ")
            if a.exit == "sgi":     # the guest sends SGIs to itself for a while
                qemu.sendline("zvm look -n 0")
                qemu.expect_exact("[attached")
                time.sleep(1)
                qemu.sendline("rtbench lat")    # its isr_* items start after ~1 s
            else:
                time.sleep(2)     # the skipped exits do the rest
            env = dict(os.environ, TRACE_OUT=str(d / "pcs"), TRACE_N=str(a.exits),
                       TRACE_SKIP=str(a.skip), TRACE_PORT=a.port, TRACE_AT=START[a.exit][0],
                       TRACE_KIND=a.exit)
            subprocess.run(["gdb-multiarch", "-q", "-batch", str(b / "zvm.elf"), "-x", __file__],
                           env=env, check=True, stdout=subprocess.DEVNULL, timeout=600)
            exits = parse(d / "pcs")
        finally:
            qemu.terminate(force=True)
    if not exits:
        sys.exit("exit_trace: no exit traced")
    extra = START[a.exit][1]
    print("instructions per exit:", " ".join(str(len(e) + extra) for e in exits),
          f"(incl. {extra} before the trace point)" if extra else "")
    last = exits[-1]
    for name, n in collections.Counter(functions(b / "zvm.elf", last)).most_common():
        print("%6d  %s" % (n, name))


if __name__ == "__main__":
    if "gdb" in sys.modules:
        in_gdb()
    else:
        main()
