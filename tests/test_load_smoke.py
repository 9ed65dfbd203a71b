"""`make load`'s harness runs once in its quick mode and every part does what it says.

Proves the harness speaks the protocol (pages ready, controls moved, updates seen, hostile
client refused, soak back to its baseline); it asserts no timings: those are for `make load`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks import load
from harness.server import REPO

pytestmark = pytest.mark.server


def test_load_harness_runs_in_quick_mode():
    # Its own process: the harness runs an asyncio loop, and the browser tests' Playwright
    # keeps one running in this process.
    run = subprocess.run([sys.executable, "-m", "benchmarks.load", "--quick"], cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"the quick run had errors:\n{run.stdout[-3000:]}"
    out = run.stdout
    assert "Bursts" in out and "p95" in out and "Soak" in out
    r = json.loads((load.RESULTS / "load-quick.json").read_text())
    assert r["errors_total"] == 0
    assert {b["page"] for b in r["bursts"]} >= {load.EMPTY, "start.ipynb"}
    assert all(b["ready"] == b["viewers"] and b["kernels_left"] == 0 for b in r["bursts"])
    # as ipywidgets 8's page does: all states in one message through the control comm (even
    # the empty notebook's kernel answers it, with no states: it is forked from a parent that
    # has imported ipywidgets, explainer.serving.forkserver)
    assert {b["page"]: b["states_via"] for b in r["bursts"]}[load.EMPTY] == ["control"]
    moved = {x["control"]: x for x in r["latency"] if not x["hostile"]}
    assert moved["label"]["moves"] > 0 and moved["timeline"]["moves"] > 0
    assert moved["timeline"]["states_via"] == ["control"]
    attacked = next(x for x in r["latency"] if x["hostile"])
    assert attacked["moves"] > 0 and attacked["errors"] == 0, "viewers beside an attacker work"
    stats = attacked["hostile_stats"]
    assert stats["legacy_refused"] > 0 and stats["legacy_accepted"] == 0
    assert stats["forged_frames"] > 0 and stats["flood_messages"] > 0
    soak = r["soak"]
    assert soak["kernels_after"] == soak["kernels_before"]
    assert r["memory"][0]["kernel_rss_mb"] > 0
    # issue 20's attacks, side by side with the same run without an attacker
    attacks = {a["attack"]: a for a in r["attacks"]}
    assert set(attacks) == {"none", "widgets"}
    assert all(a["page_loads"] > 0 and a["moves"] > 0 for a in attacks.values())
    assert attacks["widgets"]["hostile_stats"]["widgets_sent"] > 0


def test_budget_mode_repeats_every_page_and_reports_median_and_range():
    # `--budget` (issue 14's two goals, three repetitions) in miniature: two repetitions of a
    # burst of 2 on the empty notebook and one page, and both kernels' memory.
    run = subprocess.run([sys.executable, "-m", "benchmarks.load", "--budget", "--quick"],
                         cwd=REPO, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"the quick budget run had errors:\n{run.stdout[-3000:]}"
    assert "Issue 14's goals over 2 repetitions" in run.stdout
    r = json.loads((load.RESULTS / "load-budget-quick.json").read_text())
    assert r["errors_total"] == 0
    assert sorted(b["repetition"] for b in r["bursts"] if b["page"] == load.EMPTY) == [0, 1]
    budget = r["budget"]
    start = budget["bursts"]["2 x start.ipynb"]
    assert start["all_ready_s"]["n"] == 2 and start["ratio_to_empty"]["n"] == 2
    s = start["ratio_to_empty"]
    assert s["min"] <= s["median"] <= s["max"]
    assert budget["memory"]["start.ipynb"]["n"] == 2
    # the bare baseline: the empty notebook's burst on a server that spawns its kernels
    assert sorted(b["repetition"] for b in r["bursts"] if b["page"] == load.BARE) == [0, 1]
    assert start["ratio_to_bare"]["n"] == 2
    assert "against the bare baseline" in run.stdout
