"""In-kernel self-tests and the kernel benchmark, driven from the shell of
the test image (make test-image); the production image has neither."""
import re

from conftest import SELFTESTS, TEST_IMAGE, assert_selftests_pass


def test_selftest_lists_every_test(zvm_test):
    out = zvm_test.cmd("selftest -l")
    for name in SELFTESTS:
        assert re.search(rf"^{name}\s", out, re.M), name


def test_selftest_all_pass_on_4_cpus(zvm_test):
    assert_selftests_pass(zvm_test.cmd("selftest", timeout=240))
    # The host is still responsive afterwards.
    assert "idle/3" in zvm_test.cmd("ps")


def test_selftest_unknown_name_is_an_error(zvm_test):
    out = zvm_test.cmd("selftest nosuchtest")
    assert "selftest: no test matches" in out
    assert "usage: selftest" in out


def test_bench_reports_every_item(zvm_test):
    out = zvm_test.cmd("bench", timeout=120)
    for item in ("thread switch (yield)", "sem give/take + switch", "IPI round trip (sem)",
                 "timer IRQ -> thread"):
        m = re.search(rf"bench: {re.escape(item)}\s+avg\s+(\d+) ticks\s+(\d+) ns", out)
        assert m, item
        assert int(m.group(1)) > 0


def test_selftest_on_single_cpu(zvm_factory):
    z = zvm_factory(smp=1, image=TEST_IMAGE)
    z.wait_boot()
    out = z.cmd("selftest", timeout=240)
    assert not re.search(r"^FAIL", out, re.M), out
    # Only the migration test needs a second CPU.
    assert f"selftest: {len(SELFTESTS) - 1} passed, 0 failed, 1 skipped" in out
    assert "SKIP affinity" in out
    assert z.poweroff() == 0
