"""The Linux VM's own devices (issue 16): identity-mapped RAM, QEMU's
virtio-blk and virtio-net passed through as DMA masters. One boot of the
default pack with a copy of the disk image and user networking, under
-icount like test_twin.py (the RT VM's lateness is then a property of ZVM
and the emulator, not of the machine running the tests): the root file
system is the disk, DHCP and ssh work, the RT VM keeps its bound while
Linux runs fio on the disk and sends over the network, and a file written
before a VM delete is there after the VM is created again."""
import re
import shutil
import socket
import subprocess
import threading
import time

import pytest

from conftest import BUILD, Zvm
from test_linux import LAT_PATH, Console
from test_twin import ICOUNT, rt_periods, wait_rt_periods, zvm_part, zvm_part_text

DEFAULT_PACK = BUILD / "guests" / "default.pack"
DISK = BUILD / "guests" / "disk" / "rootfs.ext4"
KEY = BUILD / "guests" / "disk" / "id_ed25519"
IDENTITY_BASE = "0xa0000000"   # the default pack's memory_at
LOAD_BYTES = 8 << 20           # sent by the guest during the RT check
# The disk load during the RT check: 4 KiB random reads and writes that
# bypass the page cache (O_DIRECT, through libaio), so every one is a
# virtio-blk request and its completion interrupt.
# A fixed amount (4096 requests), not a time: under -icount sleep=off guest
# time jumps over the waits for QEMU's disk, so "3 s" of fio is ~130000
# requests and two minutes of wall time.
FIO = ("fio --name=load --filename=/fio.load --size=8M --io_size=16M --rw=randrw --bs=4k "
       "--direct=1 --ioengine=libaio --iodepth=4 --group_reporting")
# fio's per-job line: "load: (groupid=0, jobs=1): err= 0: ..." and the
# reads and writes it issued (its "Disk stats" are sampled every 250 ms of
# guest time and may all be 0 for a run this short).
FIO_RESULT = re.compile(r"load: \(groupid=0, jobs=1\): err= 0[\s\S]*"
                        r"issued rwts: total=(?P<rd>\d+),(?P<wr>\d+)")
# Beside the load, cyclictest's timers on both Linux vCPUs: every 100 us on
# one, 600 us on the other (its default -d 500 between threads); stopped by
# SIGINT, -D is a backstop. Under QEMU's single-threaded round robin a
# vCPU whose timer expired waits for the vCPUs ahead of it, each of which
# runs until the next timer deadline anywhere in the machine
# (docs/benchmarks.md, "RT isolation"): with only Linux's 250 Hz tick that
# is up to ~4 ms per turn; these timers make the turns short, so the RT
# VM's lateness mostly stays below a period.
CYCLICTEST = "cyclictest -q -m -a -t 2 -i 100 -p 90 -D 120"
# Every timer delivery to the RT VM during the load: deadline -> guest
# entry. Measured with CYCLICTEST 6 us - 1.5 ms (9 runs), without it
# 3.5-7.6 ms: QEMU's round robin, not ZVM (the RT vCPU took no exit but
# its timer's, ZVM's part averages 48 ns). So no sub-period bound holds
# under QEMU; this one catches the RT VM being starved: Linux's vCPU on the
# RT pCPU at a higher priority measured 47 ms.
IO_LATENESS_BOUND_NS = 10_000_000
# The hypervisor's part of a delivery: test_twin's ZVM_P90_BOUND_NS (the
# fast path measured 48 ns on average here). Neither its maximum nor its
# average is bounded: the path is ~100 instructions with interrupts masked
# and no lock, yet measured up to 340 us when QEMU ran other vCPUs in the
# middle of it, and 35 such deliveries of 4644 made one CI run's average
# 1584 ns.

pytestmark = pytest.mark.skipif(not (DEFAULT_PACK.exists() and DISK.exists()),
                                reason="no default pack or disk: make pack disk")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def vmnet(tmp_path_factory):
    disk = tmp_path_factory.mktemp("disk") / "rootfs.ext4"
    shutil.copyfile(DISK, disk)     # the user's disk stays untouched
    port = free_port()
    z = Zvm(pack=DEFAULT_PACK, extra=(
        *ICOUNT,
        "-drive", f"if=none,id=disk0,format=raw,file={disk}",
        "-device", "virtio-blk-device,drive=disk0,bus=virtio-mmio-bus.0",
        "-netdev", f"user,id=net0,hostfwd=tcp:127.0.0.1:{port}-:22",
        "-device", "virtio-net-device,netdev=net0,bus=virtio-mmio-bus.8"))
    z.wait_boot()
    z.ssh_port, z.reports = port, {}
    z.rt, z.lx = z.vm_id("rtos"), z.vm_id("linux")
    yield z
    z.close()


def ssh(z, command, timeout=120):
    return subprocess.run(
        ["ssh", "-p", str(z.ssh_port), "-i", str(KEY), "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
         "-o", "ConnectTimeout=60", "root@127.0.0.1", command],
        capture_output=True, text=True, timeout=timeout)


def test_identity_vm_owns_dma_masters_and_is_marked_trusted(vmnet):
    info = vmnet.cmd(f"zvm info -n {vmnet.lx}")
    assert f"RAM at {IDENTITY_BASE}, identity-mapped" in info, info
    assert "TRUSTED: owns DMA masters and there is no SMMU" in info, info
    assert "device 0xa000000+0x1000, SPI 48 (passthrough, DMA)" in info, info
    assert "device 0xa001000+0x1000, SPI 56 (passthrough, DMA)" in info, info
    assert "TRUSTED" not in vmnet.cmd(f"zvm info -n {vmnet.rt}")
    # A second VM on the same identity RAM: refused, naming the owner.
    out = vmnet.cmd("zvm new -t linux")
    assert f"overlaps vm {vmnet.lx}'s RAM" in out, out
    assert "created" not in out


def test_root_is_the_disk_with_dhcp_and_ssh(vmnet):
    wait_rt_periods(vmnet, vmnet.rt, 8000)    # Linux boots (see test_twin.py)
    with Console(vmnet, vmnet.lx) as c:
        c.wait_ready()
        assert "/dev/vda on / type ext4 (rw" in c.run("mount")
        c.run("for i in $(seq 100); do ip -4 addr show eth0 | grep -q inet && break; "
              "sleep 0.2; done")
        assert "inet 10.0.2.15/24" in c.run("ip -4 addr show eth0")
    r = ssh(vmnet, "echo ssh-ok $(hostname) $(awk '$2 == \"/\" {print $1}' /proc/mounts)")
    assert r.returncode == 0, r.stderr
    assert "ssh-ok zvm-guest /dev/vda" in r.stdout, r.stdout


def receive(listener, got):
    conn, _ = listener.accept()
    with conn:
        while data := conn.recv(65536):
            got[0] += len(data)


def rt_irq_exits(z):
    """Exits of the RT vCPU for host interrupts (`zvm info`: irq=N): its
    own timer takes the fast path (vtimer=), so any other interrupt on its
    pCPU counts here."""
    info = z.cmd(f"zvm info -n {z.rt}")
    m = re.search(r"vcpu0: pcpu 1,.* exits:(.*)", info)
    assert m, info
    irq = re.search(r" irq=(\d+)", m[1])
    return int(irq[1]) if irq else 0


def test_rt_vm_keeps_its_bound_during_disk_and_network_io(vmnet):
    """Linux runs fio on the disk and sends 8 MiB to the host over the user
    network, with cyclictest's timers (100 and 600 us) on its vCPUs. The RT
    VM's 1 ms task keeps running; no interrupt of Linux's devices reaches
    the RT VM's pCPU (the virtio SPIs go to Linux's pCPU 2); every timer
    delivery to it (`zvm latency`: deadline -> guest entry) is within
    IO_LATENESS_BOUND_NS, and the hypervisor's part of it is tens of ns on
    average. Why cyclictest, and why not test_twin.py's 50 us: see
    CYCLICTEST and IO_LATENESS_BOUND_NS. The periodic task's own report
    windows are printed, not bounded (the same emulator effect hits it
    while it runs, see docs/benchmarks.md)."""
    listener = socket.create_server(("127.0.0.1", 0))
    got = [0]
    t = threading.Thread(target=receive, args=(listener, got), daemon=True)
    t.start()
    start_n = rt_periods(vmnet, vmnet.rt)
    irq0 = rt_irq_exits(vmnet)
    assert "cleared" in vmnet.cmd(f"zvm latency -n {vmnet.rt} -c")
    with Console(vmnet, vmnet.lx) as c:
        out = c.run(f"{CYCLICTEST} >/tmp/ct 2>&1 & sleep 1; {FIO} 2>&1; echo fio=$?; "
                    f"rm -f /fio.load; head -c {LOAD_BYTES} /dev/zero | "
                    f"nc 10.0.2.2 {listener.getsockname()[1]}; echo nc=$?; "
                    "kill -INT %1; wait; cat /tmp/ct", timeout=300)
    lat = vmnet.cmd(f"zvm latency -n {vmnet.rt}")
    irq1 = rt_irq_exits(vmnet)
    assert "fio: not found" not in out, "the disk predates fio: make disk-clean disk"
    assert "fio=0" in out and "nc=0" in out, out
    fio = FIO_RESULT.search(out)
    assert fio and int(fio["rd"]) > 0 and int(fio["wr"]) > 0, out
    assert re.search(r"T: 1 .* C: +[1-9]", out), out     # cyclictest ran on both
    t.join(60)
    listener.close()
    assert got[0] == LOAD_BYTES
    end_n = rt_periods(vmnet, vmnet.rt)
    paths = LAT_PATH.findall(lat)
    assert paths and int(paths[0][1]) > 1000, lat          # it kept running
    whole_max = max(int(p[3] or 0) for p in paths)
    windows = [r["window_max_ns"] for n, r in vmnet.reports.items() if start_n + 1000 < n <= end_n]
    parts = zvm_part(lat)
    print(f"RT timer deliveries during Linux fio+network+cyclictest ({end_n - start_n} "
          f"periods): whole lateness max {whole_max} ns; hypervisor part "
          + zvm_part_text(parts) + f"; RT pCPU host interrupts {irq1 - irq0}; the periodic task's report "
          f"windows (lateness max, ns): {windows}")
    assert irq1 == irq0, "Linux's I/O interrupted the RT VM's pCPU"
    assert whole_max <= IO_LATENESS_BOUND_NS, lat


def test_disk_data_survives_vm_delete_and_create(vmnet):
    token = f"zvm-{time.time_ns()}"
    with Console(vmnet, vmnet.lx) as c:
        c.run(f"echo {token} > /root/persist; sync")
    assert f"vm {vmnet.lx} deleted" in vmnet.cmd(f"zvm delete -n {vmnet.lx}")
    vm = vmnet.new_vm("linux")          # the same identity RAM, free again
    vmnet.cmd(f"zvm run -n {vm}")
    with Console(vmnet, vm) as c:
        c.wait_ready(restarted=False)
        assert token in c.run("cat /root/persist")
    vmnet.lx = vm
