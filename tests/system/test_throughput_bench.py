"""The throughput suite (bench/throughput_bench.py, `make bench-throughput`)
in short: every item once with few ops, on the 1-vCPU cloud-kernel machine,
bare and as a ZVM VM, both under -icount. Checks that every item runs and
gives a rate on both sides and that the report has every row and the index,
not the figures (docs/benchmarks.md has them): the harness cannot break
silently. Skipped when the Debian guests are not fetched."""
import math
import sys

import pytest

from conftest import BUILD, ROOT

sys.path.insert(0, str(ROOT / "bench"))
import linux_bench  # noqa: E402
import throughput_bench as tb  # noqa: E402

DEBIAN = BUILD / "guests" / "debian"
TMPL = "tp-1"

pytestmark = pytest.mark.skipif(
    not all((DEBIAN / f).is_file() for f in ("Image-cloud", "initramfs-bench.cpio.gz",
                                             "debs.list")),
    reason=f"Debian guests not fetched ({DEBIAN}): run tools/fetch-guests")


@pytest.fixture(scope="module")
def results():
    pack, vms = tb.prepare(BUILD)
    vms = {TMPL: vms[TMPL]}
    with open(BUILD / "bench-tp" / "test_throughput_bench.log", "w") as log:
        bare = tb.run_bare(vms, True, 1, linux_bench.ICOUNT, log)
        zvm = tb.run_zvm(BUILD, pack, vms, True, 1, linux_bench.ICOUNT, log)
    return bare, zvm


def test_every_item_has_a_rate_on_both_sides(results):
    for side in results:
        items = side[TMPL]["items"]
        assert sorted(items) == sorted(tb.ITEMS), set(items) ^ set(tb.ITEMS)
        for item, (rate, runs, secs) in items.items():
            assert rate > 0 and math.isfinite(rate) and len(runs) == tb.MORE_RUNS.get(item, 1) \
                and secs > 0, item


def test_zvm_side_counts_the_exits_of_each_item(results):
    exits = results[1][TMPL]["exits"]
    assert sorted(exits) == sorted(tb.ITEMS)
    # Every item types its command through `zvm look`: vPL011 accesses.
    for item, (counts, secs) in exits.items():
        assert counts.get("mmio", 0) > 0 and secs > 0, (item, counts)


def test_report_has_every_row_and_the_index(results):
    md = "\n".join(tb.report(*results, True, 1, True, 1.0))
    for item in tb.ITEMS:
        assert f"| {item} |" in md
    ratios = tb.ratios(*results, TMPL)
    assert len(ratios) == len(tb.ITEMS)
    assert f"**{tb.geomean(ratios.values()) * 100:.2f}**" in md
