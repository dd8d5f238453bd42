"""CPU feature isolation (tests/guests/cpufeat.c) on a CPU without and one
with the features ZVM hides: ID registers, SVE UNDEF, debug register
shadow, PMU switched per vCPU (two vCPUs on one pCPU)."""
import re

import pytest

from conftest import Zvm

EXPECTED = {
    "id-el2-visible", "id-el0-el1-aarch64", "id-sve-hidden", "id-amu-mpam-ras-hidden",
    "id-mte-sme-hidden", "id-pauth-hidden", "id-spe-trace-hidden", "id-reserved-raz",
    "id-stable", "id-write-undef", "sve-insn-undef", "sve-insn-zen0-trapped",
    "dbg-shadow-readback", "oslsr-reset-locked", "oslsr-reflects-oslar", "dbg-bp-not-in-hw",
    "mdrar-raz", "dcc-dbgdtrtx-undef", "dcc-mdccsr-undef",
    "pmccntr-counts", "pmu-no-leak-to-vcpu1", "dbg-no-leak-to-vcpu1", "pmu-own-state-kept",
    "dbg-own-state-kept", "cntp-no-leak-to-vcpu1", "cntp-own-state-kept", "lorc-undef",
    "lorid-undef", "pmu-el2-not-counted",
}


@pytest.mark.parametrize("cpu", ["cortex-a53", "max"])
def test_cpufeat_guest(cpu):
    z = Zvm(cpu=cpu)
    try:
        z.wait_boot()
        vm = z.new_vm("cpufeat")
        z.cmd(f"zvm run -n {vm}")
        seen = z.look(vm, r"guest: SYSTEM_OFF", timeout=60)
        res = re.findall(r"^(PASS|FAIL) ([\w-]+)", seen, re.M)
        assert all(r == "PASS" for r, _ in res), seen
        names = {n for _, n in res}
        assert names >= EXPECTED, EXPECTED - names
        assert z.wait_state(vm, "halted", 10, poll=0.1) == "halted"
        # The host is unaffected: the shell still answers.
        assert "ZVM" in z.cmd("version")
    finally:
        z.close()
