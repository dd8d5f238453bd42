"""The Linux side of the inter-VM channel (tools/ivshmem, docs/guests.md):
Debian's cloud kernel, bare on QEMU (no ZVM), with QEMU's ivshmem-plain
device and the initramfs that carries the `ivshmem` tool and the uio
modules (make ivc-initrd). The region is a file in /dev/shm that this test
also maps: ivc_peer.py plays the real-time VM (peer 0) from the host, so
stats, cmd and ping are checked end to end against an implementation of
docs/ivc.md written apart from lib/ivc.c. ivshmem-plain has no interrupt:
doorbells and `wait` are exercised under ZVM only.
"""
import os
import pathlib
import re
import struct
import subprocess
import time

import pytest

import ivc_peer
from ivc import W_TAIL
from test_debian_guests import BUILD, GUESTS, KERNEL, PROMPT, ROOT, Guest

INITRD = BUILD / "guests" / "initramfs-ivc.cpio.gz"
SIZE = 64 * 1024
# QEMU's ivshmem-plain reads IVPosition 0: the guest is told it is peer 1.
TOOL = "ivshmem -p 1"

pytestmark = pytest.mark.skipif(not KERNEL.is_file(),
                                reason=f"Debian guest images not fetched ({GUESTS})")


def run(guest, line, timeout=30):
    """(exit status, output) of a command in the guest."""
    out = guest.cmd(f"{line}; echo rc=$?", timeout)
    m = re.search(r"^rc=(\d+)$", out, re.M)
    assert m, out
    return int(m.group(1)), out[:m.start()]


@pytest.fixture(scope="module")
def shm():
    subprocess.run(["make", "-s", "-C", str(ROOT), "ivc-initrd"], check=True)
    path = pathlib.Path(f"/dev/shm/zvm-ivc-test-{os.getpid()}")
    path.write_bytes(bytes(SIZE))
    yield path
    path.unlink()


@pytest.fixture(scope="module")
def guest(shm):
    g = Guest(INITRD, ["-object", f"memory-backend-file,id=shm,size={SIZE},share=on,"
                                  f"mem-path={shm}", "-device", "ivshmem-plain,memdev=shm"],
              tag="ivshmem")
    yield g
    g.close()


@pytest.fixture
def rt(shm, guest):
    """Peer 0 on the host, attached and answering while the test runs."""
    p = ivc_peer.Peer(shm, SIZE, 0)
    p.attach()
    t = ivc_peer.RtDemo(p)
    t.start()
    yield t
    t.stop.set()
    t.join()
    p.detach()
    p.close()


def test_list_binds_uio_and_shows_the_region(guest):
    rc, out = run(guest, "ivshmem list")
    assert rc == 0, out
    assert re.search(r"^0000:00:0\d\.0\s+uio0\s+\d+\s+64 KiB\s+0\s+none$", out, re.M), out
    assert "uio_pci_generic" in guest.cmd("readlink /sys/bus/pci/devices/*/driver")


def test_write_read_dump_round_trip(guest, shm):
    rc, out = run(guest, "ivshmem write 4097 'hello, rt'")   # unaligned, across words
    assert rc == 0, out
    assert shm.read_bytes()[4097:4106] == b"hello, rt"       # the host sees it
    rc, out = run(guest, "ivshmem write -x 4106 'de ad be ef'")
    assert rc == 0, out
    assert shm.read_bytes()[4096:4111] == b"\0hello, rt\xde\xad\xbe\xef\0"
    with open(shm, "r+b") as f:                             # and the guest sees the host
        f.seek(8192 - 3)
        f.write(b"from host")
    assert guest.cmd("ivshmem read 8189 9; echo").strip() == "from host"
    out = guest.cmd("ivshmem dump 4096 20")
    assert "00001000  00 68 65 6c 6c 6f 2c 20 72 74 de ad be ef 00 00  |.hello, rt......|" in out, out
    assert "00001010  00 00 00 00" in out, out


def test_bad_arguments_are_one_line_errors(guest):
    cases = [
        ("ivshmem read 65536", "OFFSET: 65536 is out of range"),
        ("ivshmem read 65530 7", "OFFSET 65530 + LEN 7 is beyond the 65536-byte region"),
        ("ivshmem write -x 0 xyz", "is not hex bytes"),
        ("ivshmem ring 8", "PEER: 8 is out of range"),
        ("ivshmem ring 1 8", "VECTOR: 8 is out of range"),
        ("ivshmem -d 00:07.0 list", "-d 00:07.0: no such ivshmem device"),
        ("ivshmem cmd -t 0 0 x", "-t: the timeout is at least 1 ms"),
        ("ivshmem -d 00:07.0 dump", "-d 00:07.0: no such ivshmem device"),
        ("ivshmem -d uio0 read 8 4 >/dev/null && ivshmem -d 00:01.0 read 8 4 >/dev/null "
         "&& ivshmem -d uio1 read 8 4", "-d uio1: no such ivshmem device"),
        ("ivshmem frob", "unknown command 'frob'"),
        ("ivshmem dump -w", "dump: no option -w"),
        ("ivshmem wait -t 10", "has no interrupt"),
        ("ivshmem lat -n 0 0", "lat: -n 0: nothing to do"),
        ("ivshmem lat -O -1 0", "-O: '-1' is not a number"),
        ("ivshmem xfer 0 0", "xfer: 0 KiB: nothing to do"),
        ("ivshmem xfer 0 2000000", "KIB: 2000000 is out of range"),
        ("ivshmem flood 8", "PEER: 8 is out of range"),
        ("ivshmem flood -s 0", "flood: no option -s"),
    ]
    for line, msg in cases:
        rc, out = run(guest, line)
        assert rc != 0 and msg in out and len(out.strip().splitlines()) == 1, (line, out)
        assert out.startswith("ivshmem: "), (line, out)


def test_stats_and_cmd_without_a_peer_fail_clearly(guest):
    for line in (f"{TOOL} stats", f"{TOOL} cmd 0 status", f"{TOOL} ping -n 1 0"):
        rc, out = run(guest, line)
        assert rc == 1, (line, out)
        assert out.strip() == ("ivshmem: peer 0 has not attached to the region on "
                               "0000:00:01.0 (is its VM running?)"), (line, out)
    rc, out = run(guest, "ivshmem stats")        # IVPosition 0 is the default peer
    assert rc == 1 and "peer 0 is ourselves" in out, out


def test_stats_cmd_ping_with_the_rt_peer(guest, rt):
    rc, out = run(guest, f"{TOOL} stats")
    assert rc == 0, out
    assert re.search(r"^  period\s+1000 us$", out, re.M), out
    assert re.search(r"^  periods\s+123456$", out, re.M), out
    assert re.search(r"late max\s+4321 ns \(last 1000 ms window\), 98765 ns", out), out
    assert re.search(r"^peer 0: up 77\.777 s$", out, re.M), out
    rc, out = run(guest, f"{TOOL} cmd 0 setpoint 42")
    assert (rc, out.strip()) == (0, "ok setpoint=42")
    # Each cmd attaches again (a new epoch): the peer must still get it.
    rc, out = run(guest, f"{TOOL} cmd 0 'setpoint  -7'")
    assert (rc, out.strip()) == (0, "ok setpoint=-7")
    rc, out = run(guest, f"{TOOL} cmd 0 frobnicate")
    assert (rc, out.strip()) == (0, "error: unknown command")
    assert rt.commands == 3
    assert re.search(r"^  setpoint\s+-7$", guest.cmd(f"{TOOL} stats"), re.M)
    rc, out = run(guest, f"{TOOL} ping -n 20 0", timeout=60)
    assert rc == 0 and re.search(r"^20 round trips to peer 0: min/avg/max = \d+/\d+/\d+ us$",
                                 out, re.M), out
    rc, out = run(guest, f"{TOOL} list")
    assert re.search(r"\s1\s+0,1$", out, re.M), out
    rc, out = run(guest, f"{TOOL} stats -w -n 2")
    assert rc == 0 and out.count("peer 0: up") == 2, out


def test_xfer_lat_flood_with_the_rt_peer(guest, rt):
    """xfer's data comes back unchanged through a peer written apart from
    lib/ivc.c; lat needs a peer that stamps (this one does not); flood
    only rings and reads config space (ivshmem-plain: no interrupt)."""
    rc, out = run(guest, f"{TOOL} xfer 0 64", timeout=120)
    assert rc == 0 and re.search(r"^65536 bytes to peer 0 and back in 256 messages of 256 "
                                 r"bytes, all compared, \d+ us$", out, re.M), out
    rc, out = run(guest, f"{TOOL} lat -t 300 0")
    assert (rc, out.strip()) == (1, "ivshmem: lat: peer 0 does not answer probes (IVC type 5)")
    rc, out = run(guest, "ivshmem flood -n 100 0")
    assert rc == 0 and re.search(r"^100 doorbells to peer 0 and 100 config-space reads in \d+ us$",
                                 out, re.M), out


def test_cmd_times_out_when_the_peer_does_not_answer(guest, rt):
    rt.answer = False
    rc, out = run(guest, f"{TOOL} cmd -t 300 0 status")
    assert (rc, out.strip()) == (1, "ivshmem: no reply from peer 0 within 300 ms")
    rc, out = run(guest, f"{TOOL} ping -t 300 0")
    assert (rc, out.strip()) == (1, "ivshmem: ping: no echo of #0 from peer 0 within 300 ms")


def test_cmd_after_a_restart_goes_out_at_once(guest, rt):
    """Each `cmd` attaches again (a restart). The real-time side has read
    the first one's message: the second's goes out at once, its writer
    resuming at the reader's tail (docs/ivc.md, version 2), and is
    answered; no retry, no stale message in front of it."""
    for n in (7, 8):
        rc, out = run(guest, f"{TOOL} cmd -t 1000 0 setpoint {n}")
        assert (rc, out.strip()) == (0, f"ok setpoint={n}")
    assert rt.p.resyncs == 0


def test_cmd_fails_when_the_peer_does_not_read(guest, rt):
    rt.reading = False
    # Nothing is read: each cmd's message waits in the ring for nothing,
    # and the next attach drops it (the writer resumes at the reader's tail).
    for _ in range(2):
        rc, out = run(guest, f"{TOOL} cmd -t 300 0 status")
        assert (rc, out.strip()) == (1, "ivshmem: no reply from peer 0 within 300 ms")


def test_serve_reports_a_peer_that_does_not_read(guest, shm):
    """A peer that sends but never reads fills serve's ring to it (512
    bytes in a 64 KiB region: one 256-byte echo reply fits, not two):
    serve says so and goes on; once the peer reads, replies flow again."""
    p = ivc_peer.Peer(shm, SIZE, 0)
    p.attach()
    try:
        guest.p.sendline(f"{TOOL} serve -n 2")
        guest.p.expect_exact("serving on 0000:00:01.0 as peer 1")
        big = [bytes([i]) * 256 for i in range(3)]
        assert p.send(1, ivc_peer.T_ECHO, big[0])
        # Our ring to serve holds one too: the next once serve has read it.
        end = time.monotonic() + 10
        while p.word(1, W_TAIL + 0) != p.head[1]:
            assert time.monotonic() < end, "serve did not read our echo"
            time.sleep(0.01)
        assert p.send(1, ivc_peer.T_ECHO, big[1])
        guest.p.expect_exact("ivshmem: peer 0 is not reading our messages (no room in its ring)",
                             timeout=10)
        assert p.recv(1) == (ivc_peer.T_ECHO_REPLY, big[0])
        assert p.send(1, ivc_peer.T_ECHO, big[2])
        for _ in range(5000):
            m = p.recv(1)
            if m:
                break
            time.sleep(0.002)
        assert m == (ivc_peer.T_ECHO_REPLY, big[2])
        guest.p.expect_exact(PROMPT, timeout=10)            # -n 2: it stops
    finally:
        p.detach()
        p.close()


def test_serve_answers_a_host_peer(guest, shm):
    p = ivc_peer.Peer(shm, SIZE, 0)
    p.attach()
    try:
        guest.p.sendline(f"{TOOL} serve -n 2")
        guest.p.expect_exact("serving on 0000:00:01.0 as peer 1")
        assert p.send(1, ivc_peer.T_CMD, b"setpoint 5")
        assert p.send(1, ivc_peer.T_ECHO, b"\x01\x02\x03")
        got = []
        for _ in range(5000):
            m = p.recv(1)
            if m:
                got.append(m)
            if len(got) == 2:
                break
            time.sleep(0.002)
        assert got == [(ivc_peer.T_REPLY, b"ok setpoint 5"), (ivc_peer.T_ECHO_REPLY, b"\x01\x02\x03")]
        guest.p.expect_exact(PROMPT, timeout=10)            # -n 2: it stops
        rec = struct.unpack(ivc_peer.STATS_FMT, p.record(1)[:44])
        assert rec[0] == 1 and rec[3] == 5 and rec[9] == 1, rec   # version, setpoint, commands
    finally:
        p.detach()
        p.close()
