"""`make bench`'s harnesses run (quick mode: one round of each measurement) and write their JSON.

This proves the harnesses work; it asserts no timings (those are for `make bench`, as ratios).
Each runs in its own process, as `make bench` runs it: the harnesses drive their own Playwright,
and a Playwright started in the test process (by the browser tests) cannot be nested. The three
start together (each with its own server, browser and log) and each test waits for its own: they
assert no timings, and most of a quick run is waiting for pages, so side by side they take about
the longest one's time instead of the sum.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks import handout, latency, run
from harness.server import REPO

pytestmark = pytest.mark.browser


HARNESSES = ("benchmarks.run", "benchmarks.latency", "benchmarks.handout")


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """Every harness's quick run, started at once: module -> (process, its output files)."""
    folder = tmp_path_factory.mktemp("bench-quick")
    runs = {}
    for module in HARNESSES:
        out, err = open(folder / f"{module}.out", "w+"), open(folder / f"{module}.err", "w+")  # noqa: SIM115
        runs[module] = (subprocess.Popen([sys.executable, "-m", module, "--quick"], cwd=REPO,
                                         stdout=out, stderr=err, text=True), out, err)
    yield runs
    for proc, out, err in runs.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        out.close()
        err.close()


@pytest.fixture
def quick(started):
    def wait(module: str) -> str:
        proc, out, err = started[module]
        proc.wait(timeout=900)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        tail = stdout[-3000:] + stderr[-3000:]
        assert proc.returncode == 0, f"{module} --quick failed:\n{tail}"
        return stdout
    return wait


def test_benchmark_harness_runs_in_quick_mode(quick):
    out = quick("benchmarks.run")
    assert "ratio to empty" in out and "ratio to bare label" in out
    results = json.loads((run.RESULTS / "quick.json").read_text())
    assert results["quick"] is True
    assert "bench-empty.ipynb" in results["load_s"]
    assert results["roundtrip_ms"]["bench-label.ipynb"], "the label round trip was measured"
    assert results["kernel_rss_mb"] and all(mb > 0 for mb in results["kernel_rss_mb"].values())


def test_handout_benchmark_runs_in_quick_mode(quick):
    out = quick("benchmarks.handout")
    assert "click -> PDF downloaded" in out and "handout size" in out
    results = json.loads((handout.RESULTS / "handout-quick.json").read_text())
    assert results["click_to_download_s"]["n"] == 2 and results["pdf_bytes"] > 10_000


def test_latency_benchmark_runs_in_quick_mode(quick):
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
