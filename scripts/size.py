#!/usr/bin/env python3
"""`make size`: the host's source lines of code and its image size.

SLOC = non-blank lines that are not only comments, over exactly what the
production image (build/zvm.elf) is compiled from: its .c/.S files (given
on the command line by the Makefile) and every header they include (read
from the compiler's dependency files, build/obj/<source>.d). The test code
(tests/kernel/, linked only into build/zvm-test.elf) is not counted.

Usage: scripts/size.py BUILD SOURCE...
"""
import collections
import pathlib
import re
import subprocess
import sys

# A string or character literal (kept), a comment (dropped), or anything else.
TOKEN = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*', re.S)


def strip_comments(text):
    def keep(m):
        s = m.group(0)
        if s.startswith("/*"):
            return "\n" * s.count("\n")     # keep line numbering
        return "" if s.startswith("//") else s
    return TOKEN.sub(keep, text)


def sloc(path):
    return sum(1 for line in strip_comments(path.read_text()).splitlines() if line.strip())


def headers(build, src):
    """Project headers src includes, from build/obj/<src>.o's .d file."""
    dep = build / "obj" / (src + ".d")
    if not dep.exists():
        sys.exit(f"size: {dep} missing: build the image first (make)")
    words = dep.read_text().replace("\\\n", " ").split()
    return {w for w in words if w.endswith(".h") and not w.startswith("/")}


def layer(path):
    """Top folder, or arch/arm64/el2/virt (the hypervisor's arch part)."""
    return "arch/el2/virt" if path.startswith("arch/arm64/el2/virt") else path.split("/")[0]


def main():
    build, srcs = pathlib.Path(sys.argv[1]), sys.argv[2:]
    files = set(srcs)
    for s in srcs:
        files |= headers(build, s)
    by_layer = collections.Counter()
    for f in files:
        by_layer[layer(f)] += sloc(pathlib.Path(f))
    print(f"host SLOC (non-blank, non-comment lines of the {len(files)} files"
          " the production image is built from):")
    for name, n in sorted(by_layer.items()):
        print(f"  {name:<16} {n:6}")
    print(f"  {'total':<16} {sum(by_layer.values()):6}")
    for img in ("zvm", "zvm-test"):
        binf, elf = build / f"{img}.bin", build / f"{img}.elf"
        if not binf.exists():
            continue
        out = subprocess.run(["aarch64-linux-gnu-size", "-A", str(elf)], check=True,
                             capture_output=True, text=True).stdout
        secs = re.findall(r"^\.(text|rodata|data|bss)\s+(\d+)", out, re.M)
        print(f"{binf}: {binf.stat().st_size} bytes;"
              + "".join(f" .{n} {v}" for n, v in secs))


if __name__ == "__main__":
    main()
