"""The RTOS's end of the inter-VM channel, on bare QEMU with ivshmem-plain.

The RTOS finds the ivshmem device by scanning the DT's ECAM host bridge,
attaches to its region as IVC peer 0 (ivshmem-plain's IVPosition) and
serves the real-time demo (docs/ivc.md). The test plays the Linux side,
peer 1, by mapping the region's backing file with tests/system/ivc.py.
ivshmem-plain has no doorbells, so what is checked here is the RTOS's
polling fallback; doorbells need ZVM's own device.
"""
import os
import re
import time

import pytest

from ivc import MSG_MAX, T_CMD, T_ECHO, T_ECHO_REPLY, T_REPLY, W_HEAD, W_TAIL, DoorbellServer, Ivc, region_file
from test_rtos_guest import RtosGuest, rtos_factory  # noqa: F401 (a fixture)

SIZE = 64 * 1024
PERIODIC = "periodic=1000,1000"    # 1 ms, a window every second


def ivshmem_args(path, size=SIZE):
    return ["-object", f"memory-backend-file,id=shm,size={size},share=on,mem-path={path}",
            "-device", "ivshmem-plain,memdev=shm"]


@pytest.fixture(scope="module")
def link():
    """A 2-CPU RTOS with a 64 KiB ivshmem region, and us attached as peer 1."""
    path = f"/dev/shm/zvm-ivc-test-{os.getpid()}"
    region_file(path, SIZE)
    g = RtosGuest(smp=2, extra=["-append", PERIODIC, *ivshmem_args(path)])
    try:
        g.wait_boot()
        me = Ivc(path, SIZE, 1)
        me.attach()
        yield g, me
        me.close()
    finally:
        g.close()
        os.unlink(path)


def cmd(me, text):
    mtype, data = me.request(0, T_CMD, text.encode())
    assert mtype == T_REPLY
    return data.decode()


def test_ivc_command_shows_device_and_peer_id_0(link):
    g, me = link
    # Boot lines: the service thread may attach after the first prompt.
    boot = g.banner + g.cmd("log")
    assert re.search(r"ivshmem: 00:0\d\.0 64 KiB at 0x[0-9a-f]+, peer id 0", boot), boot
    assert "ivc: attached as peer 0" in boot, boot
    out = g.cmd("ivc")
    assert re.search(r"^ivshmem 00:0\d\.0 peer id 0, no interrupt \(polled\)", out, re.M), out
    assert re.search(r"^\s+BAR0 0x[0-9a-f]+\+0x100$", out, re.M), out
    assert re.search(r"^\s+BAR2 0x[0-9a-f]+\+0x10000 prefetchable$", out, re.M), out
    assert re.search(r"IVC peer 0, peers attached: 1$", out, re.M), out


def test_record_publishes_the_periodic_task(link):
    g, me = link
    first = me.rt_stats(0)
    assert first and first["version"] == 1 and first["period_us"] == 1000
    time.sleep(2.2)
    later = me.rt_stats(0)
    assert later["periods_lo"] >= first["periods_lo"] + 1000, (first, later)
    assert 900 <= later["window_ms"] <= 1500, later
    assert later["uptime_ms"] > first["uptime_ms"]
    assert later["late_max_ns_total"] >= later["late_max_ns_window"]


def test_setpoint_answered_and_published(link):
    g, me = link
    assert cmd(me, "setpoint 42") == "ok setpoint=42"
    assert cmd(me, "setpoint -7") == "ok setpoint=-7"
    assert cmd(me, "setpoint 42") == "ok setpoint=42"
    end = time.monotonic() + 3
    while me.rt_stats(0)["setpoint"] != 42:
        assert time.monotonic() < end, me.rt_stats(0)
        time.sleep(0.1)
    out = g.cmd("ivc")
    assert "last command: setpoint 42" in out
    assert re.search(r"messages rx [1-9]\d* tx [1-9]", out), out


def test_period_changes_the_periodic_task(link):
    g, me = link
    assert cmd(me, "period 2000") == "ok period=2000"
    end = time.monotonic() + 5
    while me.rt_stats(0)["period_us"] != 2000:
        assert time.monotonic() < end
        time.sleep(0.1)
    g.expect(r"PERIODIC n=\d+ period_us=2000 ", timeout=10)
    assert cmd(me, "period 1000") == "ok period=1000"
    assert cmd(me, "period 99").startswith("error: usage: period")
    assert cmd(me, "period 100001").startswith("error: usage: period")


def test_status_reset_unknown_and_malformed(link):
    g, me = link
    status = cmd(me, "status")
    assert re.match(r"ok periods=\d+ period_us=\d+ setpoint=-?\d+ late_max_ns=\d+ ", status)
    assert cmd(me, "reset") == "ok reset"
    assert cmd(me, "bogus") == "error: unknown command"
    assert cmd(me, "setpoint 4x") .startswith("error: usage: setpoint")
    assert cmd(me, "setpoint 2147483648").startswith("error: usage: setpoint")
    assert cmd(me, "reset now") == "error: unknown command"
    assert cmd(me, "setpoint\x0142").startswith("error: malformed")
    assert cmd(me, "status\n").startswith("ok periods=")


def test_echo_type_and_command(link):
    g, me = link
    payload = bytes(range(256))[:MSG_MAX]
    assert me.request(0, T_ECHO, payload) == (T_ECHO_REPLY, payload)
    assert cmd(me, "echo hello there") == "hello there"


def test_garbage_ring_resyncs_and_service_goes_on(link):
    g, me = link
    before = int(re.search(r"resyncs (\d+)", g.cmd("ivc")).group(1))
    # Claim far more than a ring holds: the RTOS must skip, not follow it.
    me.head[0] += 0x10000
    me.set_word(1, W_HEAD + 0, me.head[0])
    time.sleep(0.2)
    after = int(re.search(r"resyncs (\d+)", g.cmd("ivc")).group(1))
    assert after == before + 1
    assert cmd(me, "setpoint 42") == "ok setpoint=42"


def test_unknown_type_ignored(link):
    g, me = link
    assert me.send(0, 77, b"?")
    assert cmd(me, "status").startswith("ok ")
    assert re.search(r"ignored [1-9]", g.cmd("ivc"))


def test_peer_restart_is_picked_up(link):
    g, me = link
    assert cmd(me, "status").startswith("ok ")      # the RTOS has read from us
    read = me.word(0, W_TAIL + 1)
    me.attach()         # a restarted Linux: new epoch, rings resume at the tails
    assert read != 0 and me.head[0] == read
    # Our first message goes out at once and is the one answered.
    assert cmd(me, "setpoint 42") == "ok setpoint=42"
    assert me.word(0, W_TAIL + 1) == read + 16   # header word + 11 bytes padded to 12


def test_no_ivshmem_device(rtos_factory):
    g = rtos_factory(smp=2)
    g.wait_boot()
    assert "ivshmem" not in g.banner and "ivc:" not in g.banner
    assert "ivc: no ivshmem device" in g.cmd("ivc")




@pytest.fixture(scope="module")
def doorbell_link():
    """The RTOS with QEMU's ivshmem-doorbell, served by our own ivshmem server
    (tests/system/ivc.py) that makes it peer 2 and us peer 1."""
    path = f"/dev/shm/zvm-ivc-db-{os.getpid()}"
    sock = f"/tmp/zvm-ivc-db-{os.getpid()}.sock"
    region_file(path, SIZE)
    srv = DoorbellServer(sock, path, guest_id=2, my_id=1)
    g = RtosGuest(smp=2, extra=["-append", PERIODIC, "-chardev", f"socket,path={sock},id=ivs",
                                "-device", "ivshmem-doorbell,chardev=ivs,vectors=1"])
    try:
        g.wait_boot()
        me = Ivc(path, SIZE, 1)
        me.attach()
        yield g, me, srv
        me.close()
    finally:
        g.close()
        srv.close()
        os.unlink(path)


def test_peer_id_from_ivposition_and_doorbell_to_sender(doorbell_link):
    """IVPosition decides our slot; each reply rings the sender's doorbell.
    (QEMU 7.2's ivshmem-doorbell interrupts only by MSI-X, so the other
    direction, INTx, waits for ZVM's device.)"""
    g, me, srv = doorbell_link
    out = g.cmd("ivc")
    assert re.search(r"^ivshmem 00:0\d\.0 peer id 2, ", out, re.M), out
    assert re.search(r"IVC peer 2, peers attached: 1$", out, re.M), out
    srv.doorbells_from_guest()
    mtype, data = me.request(2, T_CMD, b"setpoint 42")
    assert (mtype, data) == (T_REPLY, b"ok setpoint=42")
    end = time.monotonic() + 2
    while not srv.doorbells_from_guest():
        assert time.monotonic() < end, "the RTOS rang no doorbell"
        time.sleep(0.01)
    assert re.search(r"doorbells rx \d+ tx [1-9]", g.cmd("ivc"))
