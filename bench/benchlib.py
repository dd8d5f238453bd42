"""Pieces shared by the benchmark drivers (rtos_bench.py, linux_bench.py)."""
import re
import subprocess

import pexpect

EXIT = re.compile(r"(\w[\w-]*)=(\d+)")


def spawn(argv, log, timeout):
    """QEMU on a pexpect pty, its console copied to log."""
    p = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", codec_errors="replace",
                      timeout=timeout, maxread=65536)
    p.logfile_read = log
    return p


def pct(b, z):
    """Overhead of z over the bare value b, in percent."""
    return (z - b) / b * 100 if b else float("nan")


def exit_counts(info):
    """{exit reason: count} summed over the vCPUs of a `zvm info -n ID` output."""
    exits = {}
    for line in re.findall(r"exits:(.*)", info):
        for k, v in EXIT.findall(line):
            exits[k] = exits.get(k, 0) + int(v)
    return exits


def pyplot(tool):
    """matplotlib.pyplot with a file backend, or None (and a message)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"{tool}: no matplotlib (scripts/setup installs python3-matplotlib); no plot")
        return None
    return plt


def build_pack(build, d, manifest):
    """Write d/bench.manifest and build d/bench.pack with mkpack; returns the pack."""
    d.mkdir(parents=True, exist_ok=True)
    (d / "bench.manifest").write_text(manifest)
    pack = d / "bench.pack"
    subprocess.run([str(build / "tools" / "mkpack"), "-o", str(pack), str(d / "bench.manifest")],
                   check=True, capture_output=True)
    return pack


def dump_dtb(build, pack, template, dtb):
    """Write the DTB ZVM builds for a VM of `template` (a bare run boots with it)."""
    subprocess.run([str(build / "tools" / "mkpack"), "--dump-dtb", template, str(pack),
                    str(dtb)], check=True)


def make_pack(build, d, manifest, dtb_template, dtb_name):
    """build_pack(), then dump_dtb() for dtb_template; returns (pack, dtb)."""
    pack, dtb = build_pack(build, d, manifest), d / dtb_name
    dump_dtb(build, pack, dtb_template, dtb)
    return pack, dtb


def rtos_template(name, image, priority, bootargs=None, autostart=False):
    """A 1-vCPU RTOS guest template on pCPU 1 for a bench manifest."""
    return "".join([f"[template {name}]\nos = rtos\nkernel = {image}\nmemory = 32M\n",
                    f"vcpus = 1\npcpus = 1\npriority = {priority}\n",
                    f'bootargs = "{bootargs}"\n' if bootargs else "",
                    "autostart = yes\n" if autostart else "", "\n"])


def switch_pair(image, rt_name="rt", rt_args=None):
    """The vCPU-switch scenario: an RT VM and, after it in pack order, a busy
    VM (a thread that never idles) on the same pCPU at a lower priority, both
    autostarted, so the order and the interleaving do not depend on when
    shell commands arrive."""
    return (rtos_template(rt_name, image, 2, rt_args, autostart=True) +
            rtos_template("busy", image, 10, "busy", autostart=True))
