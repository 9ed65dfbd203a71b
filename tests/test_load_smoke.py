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
from tests.conftest import REPO

pytestmark = pytest.mark.browser


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
    moved = {x["control"]: x for x in r["latency"] if not x["hostile"]}
    assert moved["label"]["moves"] > 0 and moved["timeline"]["moves"] > 0
    attacked = next(x for x in r["latency"] if x["hostile"])
    assert attacked["moves"] > 0 and attacked["errors"] == 0, "viewers beside an attacker work"
    stats = attacked["hostile_stats"]
    assert stats["legacy_refused"] > 0 and stats["legacy_accepted"] == 0
    assert stats["forged_frames"] > 0 and stats["flood_messages"] > 0
    soak = r["soak"]
    assert soak["kernels_after"] == soak["kernels_before"]
    assert r["memory"][0]["kernel_rss_mb"] > 0
