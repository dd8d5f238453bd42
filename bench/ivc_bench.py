#!/usr/bin/env python3
"""The inter-VM channel of the default pack (issue 15): doorbell latency,
exits per message, a 1 MiB transfer, and the real-time VM's lateness while
Linux floods it with doorbells.

Usage: bench/ivc_bench.py [--build DIR] [--out DIR] [--probes N] [--flood N]

ZVM boots build/guests/default.pack (the RTOS VM, peer 0, and Linux with
the `ivshmem` tool, peer 1, sharing region rtlink) under -icount
shift=0,align=off,sleep=off (1 instruction = 1 ns of guest time); bare is
not applicable (two VMs). In Linux, driven through `zvm look`:

  lat      `ivshmem lat -O <Linux's CNTVOFF>`: probes one at a time; the
           RTOS stamps its doorbell interrupt and its answer with the
           physical counter, Linux its doorbell write and its read of the
           answer with its virtual one, converted with the CNTVOFF that
           `zvm info -n` shows. Woken by the doorbell interrupt (Linux's
           uio path) and spinning on the ring (-s).
  exits    `zvm info -n` of both VMs around `lat -n N+1` minus around
           `lat -n 1` (the typing and the tool's start cancel out): exits
           per probe by reason. Here and in xfer the RT task runs at a
           100 ms period, so that its report line stays off the counts.
  xfer     `ivshmem xfer 0 1024` (1 MiB as 4096 echoed 256-byte messages)
           against `ivshmem ping -n 4096 0` (the same messages, 16 bytes):
           the same doorbells, so what the data adds is the difference.
  flood    `ivshmem flood [-y] -n N PEER` (doorbell + config-space read in
           a loop) after resetting the RT task's statistics; its worst
           lateness since then, from its IVC record, 2 s after the flood.
           PEER 0 rings the RT VM; PEER 1 rings Linux itself (the same
           exits in Linux, nothing for the RT VM): the control.

Writes <out>/ivc.md (the console: <build>/ivc_bench.log).
"""
import argparse
import contextlib
import pathlib
import re
import sys
import time

from benchlib import exit_counts
from linux_bench import Host

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPAN = re.compile(r"^\s+(round trip|to the peer|in the peer|back)\s+(\d+)/(\d+)/(\d+)", re.M)
REASONS = ("mmio", "irq", "vtimer", "wfi", "sysreg", "dabt-bad")
PING_MSGS = 4096            # what `xfer 0 1024` sends: 1 MiB / 256 bytes


class Bench:
    """The default pack's two VMs; the Linux console attached on demand."""

    def __init__(self, h):
        self.h = h
        self.ids = {n: int(i) for i, n in re.findall(r"^(\d+)\s+(\S+)\s+running", h.cmd("zvm info"),
                                                     re.M)}
        self.rt, self.lx = self.ids["rtos"], self.ids["linux"]
        self.g = self.h.attach(self.lx)
        self.g.wait_ready()
        self.h.detach()
        self.cntvoff = int(re.search(r"CNTVOFF (\d+)", self.info(self.lx)).group(1))

    def info(self, vm):
        return self.h.cmd(f"zvm info -n {vm}")

    def sample(self):
        """{vm: {reason: exits}} and {vm: (doorbells rung, received)}."""
        ex, db = {}, {}
        for vm in (self.rt, self.lx):
            out = self.info(vm)
            ex[vm] = exit_counts(out)
            db[vm] = tuple(map(int, re.search(r"doorbells rung (\d+) received (\d+)", out).groups()))
        return ex, db

    def run(self, line, timeout=900):
        self.h.attach(self.lx)
        out = self.g.run(line, timeout)
        self.h.detach()
        return out

    def measured(self, line):
        """Run line quietly (output to a file): (its output, exit deltas,
        doorbell deltas) of both VMs."""
        ex0, db0 = self.sample()
        self.run(f"({line}) > /tmp/bench.out 2>&1")
        ex1, db1 = self.sample()
        out = self.run("cat /tmp/bench.out")
        dex = {vm: {k: v - ex0[vm].get(k, 0) for k, v in ex1[vm].items()} for vm in ex1}
        ddb = {vm: tuple(b - a for a, b in zip(db0[vm], db1[vm])) for vm in db1}
        return out, dex, ddb


QUIET_PERIOD_US = 100000


@contextlib.contextmanager
def quiet_rt(b):
    """The RT task at a 100 ms period meanwhile: its report line (~200 MMIO
    exits, every 1000 periods) then comes every 100 s instead of every
    second, so the RT VM's exits are the channel's, not its console's."""
    b.run(f"ivshmem cmd 0 period {QUIET_PERIOD_US}")
    try:
        yield
    finally:
        b.run("ivshmem cmd 0 period 1000")


def sub(a, b):
    return {vm: {k: a[vm].get(k, 0) - b[vm].get(k, 0) for k in set(a[vm]) | set(b[vm])}
            for vm in a}


def lat(b, spin, probes):
    """(spans {name: (min, avg, max)}, exits per probe {vm: {reason: n}}, output)."""
    cmd = f"ivshmem lat {'-s ' if spin else ''}-O {b.cntvoff} -n"
    with quiet_rt(b):
        one, ex1, _ = b.measured(f"{cmd} 1 0")
        out, exn, _ = b.measured(f"{cmd} {probes + 1} 0")
    spans = {m[0]: tuple(int(x) for x in m[1:]) for m in SPAN.findall(out)}
    if "round trip" not in spans:
        sys.exit(f"ivc_bench: lat output not understood:\n{one}\n{out}")
    per = {vm: {k: v / probes for k, v in d.items()} for vm, d in sub(exn, ex1).items()}
    return spans, per, out


def xfer(b):
    """(ping deltas, xfer deltas, xfer output): exits and doorbells."""
    with quiet_rt(b):
        pout, pex, pdb = b.measured(f"ivshmem ping -n {PING_MSGS} 0")
        xout, xex, xdb = b.measured("ivshmem xfer 0 1024")
    if "all compared" not in xout or f"{PING_MSGS} round trips" not in pout:
        sys.exit(f"ivc_bench: ping/xfer failed:\n{pout}\n{xout}")
    return (pex, pdb), (xex, xdb), xout.strip().splitlines()[-1]


def late_since_reset(out):
    return int(re.search(r"late max\s+\d+ ns \(last \d+ ms window\), (\d+) ns", out).group(1))


def flood(b, n, yields, peer):
    """(RT worst lateness ns during the flood and 2 s after, flood output,
    RT exit deltas, RT doorbells received)."""
    y = "-y " if yields else ""
    cmd = "ivshmem cmd 0 reset" + (f" && ivshmem flood {y}-n {n} {peer}" if n else "")
    out, ex, db = b.measured(f"{cmd} && sleep 2 && ivshmem stats")
    return late_since_reset(out), out, ex[b.rt], db[b.rt][1]


def fmt_ex(d):
    return ", ".join(f"{k} {d.get(k, 0):.2f}" for k in REASONS if abs(d.get(k, 0)) >= 0.005)


def report(res, args, wall):
    md = ["# The inter-VM channel (ivshmem + IVC) under ZVM", "",
          f"Generated by `make bench-ivc` (bench/ivc_bench.py) in {wall:.0f} s wall. QEMU -cpu "
          "cortex-a53 -smp 4, -icount shift=0,align=off,sleep=off (1 instruction = 1 ns of guest "
          "time); the default pack: the RTOS VM (peer 0, pCPU 1) and Linux (peer 1, pCPUs 2-3) "
          "sharing region rtlink (64 KiB). Bare: not applicable (two VMs).", ""]
    for spin in res["lat"]:
        spans, per, _ = res["lat"][spin]
        md += [f"## Doorbell latency, {args.probes} probes, Linux "
               f"{'spinning on the ring (`lat -s`)' if spin else 'woken by its interrupt (`lat`)'}, ns",
               "", "| span | min | avg | max |", "| --- | ---: | ---: | ---: |"]
        md += [f"| {k} | {v[0]} | {v[1]} | {v[2]} |" for k, v in spans.items()]
        md += ["", "Exits per probe: RT VM " + fmt_ex(per[res["rt"]]) + "; Linux " +
               fmt_ex(per[res["lx"]]) + ".", ""]
    if "xfer" in res:
        xfer_section(md, res)
    flood_section(md, res, args)
    return "\n".join(md) + "\n"


def xfer_section(md, res):
    (pex, pdb), (xex, xdb), xline = res["xfer"]
    md += ["## 1 MiB through the region", "", f"`{xline}`", "",
           f"| VM, exit | `ping -n {PING_MSGS}` (16 B) | `xfer 0 1024` (256 B) | difference |",
           "| --- | ---: | ---: | ---: |"]
    for name, vm in (("RT VM", res["rt"]), ("Linux", res["lx"])):
        for k in REASONS:
            a, c = pex[vm].get(k, 0), xex[vm].get(k, 0)
            if a or c:
                md.append(f"| {name}, {k} | {a} | {c} | {c - a:+d} |")
        md.append(f"| {name}, doorbells rung/received | {pdb[vm][0]}/{pdb[vm][1]} | "
                  f"{xdb[vm][0]}/{xdb[vm][1]} | |")


def flood_section(md, res, args):
    md += ["", f"## RT VM lateness under a doorbell flood (`flood -n {args.flood}`)", "",
           "| Linux runs | RT worst lateness, ns | RT doorbells received | RT exits (irq/mmio) "
           "| flood output |", "| --- | ---: | ---: | --- | --- |"]
    for what, (late, out, ex, rx) in res["flood"]:
        fl = re.search(r"\d+ doorbells.*", out)
        md.append(f"| {what} | {late} | {rx} | {ex.get('irq', 0)}/{ex.get('mmio', 0)} | "
                  f"{fl.group(0) if fl else ''} |")


FLOODS = (("nothing (2 s idle)", 0, False, 0),
          ("flood -y to the RT VM (YIELD per iteration)", None, True, 0),
          ("flood -y to itself (control)", None, True, 1),
          ("flood to the RT VM (no YIELD)", None, False, 0),
          ("flood to itself (no YIELD; control)", None, False, 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--probes", type=int, default=2000)
    ap.add_argument("--flood", type=int, default=50000)
    ap.add_argument("--parts", default="lat,xfer,flood", help="which parts to run")
    args = ap.parse_args()
    build, out = pathlib.Path(args.build).resolve(), pathlib.Path(args.out)
    pack = build / "guests" / "default.pack"
    if not pack.exists():
        sys.exit(f"ivc_bench: {pack} missing: make pack")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    with open(build / "ivc_bench.log", "w") as log:
        h = Host(build, pack, log)
        try:
            b = Bench(h)
            res = {"rt": b.rt, "lx": b.lx, "lat": {}, "flood": []}
            parts = args.parts.split(",")
            for spin in (False, True) if "lat" in parts else ():
                res["lat"][spin] = lat(b, spin, args.probes)
                print(f"ivc_bench: lat{' -s' if spin else ''}: {res['lat'][spin][0]}", flush=True)
            if "xfer" in parts:
                res["xfer"] = xfer(b)
                print(f"ivc_bench: {res['xfer'][2]}", flush=True)
            for what, n, y, peer in FLOODS if "flood" in parts else ():
                res["flood"].append((what, flood(b, args.flood if n is None else n, y, peer)))
                print(f"ivc_bench: {what}: RT worst lateness {res['flood'][-1][1][0]} ns",
                      flush=True)
        finally:
            h.close()
    (out / "ivc.md").write_text(report(res, args, time.time() - t0))
    print(f"ivc_bench: wrote {out / 'ivc.md'}")


if __name__ == "__main__":
    main()
