"""`make bench`'s harness runs (quick mode: one round of each measurement) and writes its JSON.

This proves the harness works; it asserts no timings (those are for `make bench`, as ratios).
"""

from __future__ import annotations

import json

import pytest

from benchmarks import handout, run

pytestmark = pytest.mark.browser


def test_benchmark_harness_runs_in_quick_mode(capsys):
    assert run.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "ratio to empty" in out and "ratio to bare label" in out
    results = json.loads((run.RESULTS / "quick.json").read_text())
    assert results["quick"] is True
    assert "bench-empty.ipynb" in results["load_s"]
    assert results["roundtrip_ms"]["bench-label.ipynb"], "the label round trip was measured"
    assert results["kernel_rss_mb"] and all(mb > 0 for mb in results["kernel_rss_mb"].values())


def test_handout_benchmark_runs_in_quick_mode(capsys):
    assert handout.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "click -> PDF downloaded" in out and "handout size" in out
    results = json.loads((handout.RESULTS / "handout-quick.json").read_text())
    assert results["click_to_download_s"]["n"] == 2 and results["pdf_bytes"] > 10_000
