#!/usr/bin/env python3
"""Run the host kernel's `bench` command under deterministic QEMU icount.

Usage: bench/host_bench.py [path/to/zvm-test.bin]
The command is in the test image only (make test-image; make bench-host).
Under -icount shift=0,align=off,sleep=off one guest instruction is one ns of
virtual time, so the numbers are identical on every run and every machine.
"""
import sys

import pexpect

image = sys.argv[1] if len(sys.argv) > 1 else "build/zvm-test.bin"
cmd = ("qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a53 "
       "-smp 4 -m 4G -nographic -nic none -icount shift=0,align=off,sleep=off "
       f"-kernel {image}")
p = pexpect.spawn(cmd, encoding="utf-8", timeout=600)
p.expect_exact("zvm> ")
p.sendline("bench")
p.expect_exact("zvm> ")
lines = [l.strip() for l in p.before.splitlines() if l.startswith("bench:")]
p.sendline("poweroff")
p.expect(pexpect.EOF)
print("\n".join(lines))
if len(lines) < 5:
    sys.exit("bench: incomplete output")
