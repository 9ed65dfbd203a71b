"""`make bench`'s harnesses run (quick mode: one round of each measurement) and write their JSON.

This proves the harnesses work; it asserts no timings (those are for `make bench`, as ratios).
Each runs in its own process, as `make bench` runs it: the harnesses drive their own Playwright,
and a Playwright started in the test process (by the browser tests) cannot be nested.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks import handout, latency, run
from harness.server import REPO

pytestmark = pytest.mark.browser


def quick(module: str) -> str:
    done = subprocess.run([sys.executable, "-m", module, "--quick"], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    tail = done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode == 0, f"{module} --quick failed:\n{tail}"
    return done.stdout


def test_benchmark_harness_runs_in_quick_mode():
    out = quick("benchmarks.run")
    assert "ratio to empty" in out and "ratio to bare label" in out
    results = json.loads((run.RESULTS / "quick.json").read_text())
    assert results["quick"] is True
    assert "bench-empty.ipynb" in results["load_s"]
    assert results["roundtrip_ms"]["bench-label.ipynb"], "the label round trip was measured"
    assert results["kernel_rss_mb"] and all(mb > 0 for mb in results["kernel_rss_mb"].values())


def test_handout_benchmark_runs_in_quick_mode():
    out = quick("benchmarks.handout")
    assert "click -> PDF downloaded" in out and "handout size" in out
    results = json.loads((handout.RESULTS / "handout-quick.json").read_text())
    assert results["click_to_download_s"]["n"] == 2 and results["pdf_bytes"] > 10_000


def test_latency_benchmark_runs_in_quick_mode():
    out = quick("benchmarks.latency")
    assert "Key -> first change of the picture" in out
    results = json.loads((latency.RESULTS / "latency-quick.json").read_text())
    assert results["quick"] is True and results["delays_ms"][0] == 0
    for delay in (f"{ms}ms" for ms in results["delays_ms"]):
        measured = results["key_to_picture_ms"][delay]
        assert measured["bench-label.ipynb"], f"the label round trip at {delay} was measured"
        assert len(measured) > 1, f"a browser-drawn control was measured at {delay}"
        words = results["key_to_words"][delay]
        assert any(words.values()), f"key -> live words was measured at {delay}"


def test_compare_summarises_the_quick_run_against_itself():
    quick_json = run.RESULTS / "quick.json"
    if not quick_json.exists():
        pytest.skip("needs the quick run above")
    done = subprocess.run([sys.executable, "-m", "benchmarks.compare", str(quick_json),
                           str(quick_json), "--vs", str(quick_json)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    walk = next(line for line in done.stdout.splitlines() if "load walkthrough" in line)
    median, spread = walk.split()[-2], walk.split()[-1]
    assert spread == f"({median}-{median})", "one result three times has no spread"
