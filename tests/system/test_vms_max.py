"""The key test-guest tests again on QEMU's `-cpu max` (every feature QEMU
implements: SVE, SME, MTE, pointer auth, ...), which ZVM must hide from or
switch for its guests: hello, irqs, ticker, chaos, passthru and prio. The tests
are those of the cortex-a53 modules, run here on a host booted with max."""
import pytest

from conftest import booted
from test_passthrough import test_passthrough_owned_by_one_vm_at_a_time  # noqa: F401
from test_prio import test_higher_priority_wins_lower_runs_when_it_pauses_or_sleeps  # noqa: F401
from test_vms import (test_hello_guest, test_irqs_guest,  # noqa: F401
                      test_hostile_guest_is_answered_and_contained,
                      test_no_register_state_leaks_between_vms,
                      test_pause_freezes_guest_time_and_console_input)


@pytest.fixture(scope="module")
def zvm():
    """One booted 4-CPU ZVM on -cpu max, shared by this module."""
    yield from booted(cpu="max")
