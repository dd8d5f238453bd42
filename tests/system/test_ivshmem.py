"""Inter-VM shared memory: two test guests (tests/guests/ivc.c, templates
ivc-a and ivc-b, peers 0 and 1 of region "ivc") find their ivshmem device
on the virtual PCI bus, exchange data through the shared region and
doorbells as INTx; doorbells to a peer id outside the region or with a
vector above 7 deliver nothing and are logged; a second live VM of a
template cannot take the same peer id; deleting one member leaves the other
running with the region intact."""
import re

import pytest

IVC_CHECKS = {
    "ivc-found", "ivc-absent-slot-all-ones", "ivc-class-rev", "ivc-subsystem",
    "ivc-int-pin-a", "ivc-bar0-256-bytes", "ivc-bar2-64bit-prefetch-64k", "ivc-bars-fixed",
    "ivc-doorbell-from-peer", "ivc-data-from-peer", "ivc-intx-disable-holds-irq",
    "ivc-self-doorbell-vector-3", "ivc-status-is-clear-after-read",
    "ivc-bad-doorbells-deliver-nothing",
}


def results(text):
    return re.findall(r"^(PASS|FAIL) (\S+)", text, re.M)


def assert_all_pass(seen, expected):
    res = results(seen)
    assert all(r == "PASS" for r, _ in res), seen
    assert {n for _, n in res} == expected, seen


def shm_line(zvm, vm):
    m = re.search(r"^  shm (.*)$", zvm.cmd(f"zvm info -n {vm}"), re.M)
    assert m, zvm.cmd(f"zvm info -n {vm}")
    return m.group(1)


def test_two_peers_exchange_data_and_doorbells(zvm):
    a = zvm.new_vm("ivc-a")
    b = zvm.new_vm("ivc-b")
    out = zvm.cmd("zvm new -t ivc-b")
    assert f"shared region 'ivc': peer 1 is held by vm {b}" in out, out
    assert "created" not in out, out
    # Both exist before either runs: no doorbell is dropped.
    zvm.cmd(f"zvm run -n {a}")
    zvm.cmd(f"zvm run -n {b}")
    zvm.look(a, r"guest: done", timeout=30)
    zvm.look(b, r"guest: done", timeout=30)
    # Again, once both are done: the console history alone, without host
    # log lines printed in between while attached.
    seen_a = zvm.look(a, r"guest: done", timeout=10)
    seen_b = zvm.look(b, r"guest: done", timeout=10)
    assert "ivc: peer 0" in seen_a and "ivc: peer 1" in seen_b
    assert_all_pass(seen_a, IVC_CHECKS)
    assert_all_pass(seen_b, IVC_CHECKS)
    # Each rang the other and itself once; the bad ones count nowhere.
    assert shm_line(zvm, a) == (f"ivc 64 KiB, peer 0, peers 0:vm{a} 1:vm{b}, "
                                "doorbells rung 2 received 2")
    assert shm_line(zvm, b) == (f"ivc 64 KiB, peer 1, peers 0:vm{a} 1:vm{b}, "
                                "doorbells rung 2 received 2")
    assert "ivc: own half zero" in seen_a and "ivc: own half zero" in seen_b
    log = zvm.cmd("log")
    for vm, other in ((a, 1), (b, 0)):
        assert (f"vm{vm}: ivshmem 'ivc': doorbell to peer 5 vector 0 ignored "
                "(peers 0..1, vectors 0..7)") in log, log
        assert f"vm{vm}: ivshmem 'ivc': doorbell to peer {other} vector 9 ignored" in log, log


def test_restart_keeps_region_and_peer_id(zvm):
    """Runs after the test above, on its two VMs: b resets itself; its new
    boot finds its own data still in the region, is peer 1 again, and
    exchanges doorbells and data with a (which answers from its loop)."""
    a, b = zvm.vm_id("ivc-a"), zvm.vm_id("ivc-b")
    zvm.look(b, r"guest: SYSTEM_RESET", send="x", timeout=10)
    zvm.look(b, r"zvm: vm restarting(?s:.*)guest: done", timeout=30)
    seen = zvm.look(b, r"zvm: vm restarting(?s:.*)guest: done", timeout=10)
    seen = seen[seen.rfind("zvm: vm restarting"):]
    assert "ivc: peer 1" in seen and "ivc: own half kept" in seen, seen
    assert_all_pass(seen, IVC_CHECKS)
    assert zvm.vm_state(a) == "running"
    assert "restarting" in zvm.cmd("log")
    assert re.search(rf"^{b}\s+ivc-b\s+running\s+1\s+8\s+\d+\s+1$",
                     zvm.cmd(f"zvm info -n {b}"), re.M)
    assert shm_line(zvm, b).startswith(f"ivc 64 KiB, peer 1, peers 0:vm{a} 1:vm{b},")


def test_deleting_one_member_keeps_the_other_and_the_region(zvm):
    """Runs after the test above, on its two VMs."""
    a, b = zvm.vm_id("ivc-a"), zvm.vm_id("ivc-b")
    assert a is not None and b is not None
    assert f"vm {b} deleted" in zvm.cmd(f"zvm delete -n {b}")
    assert zvm.vm_state(a) == "running"
    seen = zvm.look(a, r"(PASS|FAIL) ivc-region-intact", send="r", timeout=10)
    assert "PASS ivc-region-intact" in seen, seen
    assert shm_line(zvm, a).startswith(f"ivc 64 KiB, peer 0, peers 0:vm{a} 1:-,")
    # The peer id is free again, and the new VM gets it.
    c = zvm.new_vm("ivc-b")
    assert shm_line(zvm, c).startswith(f"ivc 64 KiB, peer 1, peers 0:vm{a} 1:vm{c},")
    for vm in (a, c):
        assert f"vm {vm} deleted" in zvm.cmd(f"zvm delete -n {vm}")
    assert "ZVM" in zvm.cmd("version")


@pytest.mark.parametrize("template,message", [
    ("ivc-pt-window", "device 0x10000000+0x1000 overlaps the virtual PCI memory window"),
    ("ivc-pt-irq", "device 0x9010000+0x1000: SPI 35 is the virtual PCI INTx"),
])
def test_passthrough_kept_out_of_the_pci_bus(zvm, template, message):
    out = zvm.cmd(f"zvm new -t {template}")
    assert message in out, out
    assert "created" not in out, out
    assert zvm.vm_id(template) is None
