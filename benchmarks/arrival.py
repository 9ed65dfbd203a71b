"""One arrival on each page, taken apart: what starting a viewer's page costs, and where.

For the empty notebook and each measured page, on one `ketamine-explainer serve` process with
warm background caches (as on a server that has shown its pages once), three times:

- imports: `python -X importtime` of the page's module in a fresh interpreter (ms, and the
  heaviest top-level packages);
- the page request (Voilà starts the kernel and runs the notebook) and the widget states, as the
  load harness's `Viewer` sees them: seconds, the state message's size on the wire (and how much
  of it is binary buffers), and the widget models by type (Layouts and Styles apart);
- the same page in headless Chromium: navigation to first widget, the `update_states` frame the
  browser received (parsed from the websocket), and the kernel's memory once the page has
  settled;
- the kernel's resident and unique memory, its CPU seconds and whether it has numpy loaded
  after each of the two sessions, and how far the harness's figures are from Chromium's (the
  load harness's `--budget` memory is the harness's).

    python -m benchmarks.arrival                 # three runs, every page (a few minutes)
    python -m benchmarks.arrival --runs 1 --pages treatment-timeline.ipynb

Prints a table (median and range of the runs) and writes benchmarks/results/arrival.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

from benchmarks.load import EMPTY, kernel_memory_mb, wait_for_kernels
from benchmarks.pages import notebook_dir
from benchmarks.protocol import Viewer
from explainer.figures.scene import CACHE_ENV_VAR
from harness import own_loop
from harness.browser import launch
from harness.server import REPO, Server

RESULTS = REPO / "benchmarks" / "results"
PAGES = {"walkthrough.ipynb": "explainer.widgets.walkthrough",
         "pain-signal.ipynb": "explainer.widgets.pain_signal",
         "treatment-timeline.ipynb": "explainer.widgets.timeline"}
"""The pages profiled and the module each page's one cell imports."""
SETTLE_S = 4.0
"""Wait after the page is ready before reading the kernel's memory (the walkthrough prefetches
its next screens after 2 s; a browser's views send their first messages)."""


# --- imports -------------------------------------------------------------------------------------


def import_profile(module: str) -> dict:
    """`python -X importtime -c "import module"`: the module's cumulative ms, and the five
    heaviest packages it pulls in (each package's own cumulative ms, where it is first
    imported), in a fresh interpreter with compiled bytecode."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, cwd=REPO, check=True)
    total, packages = 0.0, {}
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if not cumulative.strip().isdigit():
            continue
        name, ms = name.strip(), int(cumulative.strip()) / 1000
        if name == module:
            total = ms
        elif "." not in name and name != module.split(".")[0]:
            packages[name] = ms
    heaviest = sorted(packages.items(), key=lambda kv: -kv[1])[:5]
    return {"total_ms": round(total, 1), "heaviest_ms": {k: round(v, 1) for k, v in heaviest}}


# --- the harness's arrival -----------------------------------------------------------------------


def _model_counts(states: dict[str, dict]) -> dict:
    kinds = Counter(s.get("_model_name", "?") for s in states.values())
    return {"models": sum(kinds.values()),
            "layouts": kinds.get("LayoutModel", 0),
            "styles": sum(n for k, n in kinds.items() if k.endswith("StyleModel")),
            "by_type": dict(kinds.most_common())}


def kernel_work(server: Server, kernel_id: str) -> tuple[float | None, bool | None]:
    """A kernel's CPU seconds so far (user + system: start, imports, the page, its first
    messages) and whether it has numpy loaded (its compiled extension in the process's memory
    map: issue 26's first screens run no model)."""
    pid = server.kernels().get(kernel_id)
    if pid is None:
        return None, None
    try:
        cpu = psutil.Process(pid).cpu_times()
        maps = Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")
    except (psutil.Error, OSError):
        return None, None
    return round(cpu.user + cpu.system, 2), "/numpy/" in maps


async def harness_arrival(server: Server, page: str) -> dict:
    viewer = Viewer(server.url, 180.0)
    base = len(server.kernels())
    t0 = time.perf_counter()
    states_s = await viewer.open(page)
    await asyncio.sleep(SETTLE_S)
    rss, uss = kernel_memory_mb(server, viewer.kernel_id)
    cpu, numpy = kernel_work(server, viewer.kernel_id)
    out = {"ready_s": round(states_s, 2), "state_kb": round(viewer.state_message_bytes / 1024, 1),
           "state_buffer_kb": round(viewer.state_buffer_bytes / 1024, 1),
           "kernel_rss_mb": rss, "kernel_uss_mb": uss, "kernel_cpu_s": cpu, "numpy": numpy,
           **_model_counts(viewer.states)}
    await viewer.close()
    await wait_for_kernels(server, base)
    out["wall_s"] = round(time.perf_counter() - t0, 2)
    return out


# --- Chromium's arrival --------------------------------------------------------------------------


def _frame_bytes(payload) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode()


def chromium_arrival(browser, server: Server, page_name: str) -> dict:
    """The page in a fresh browser context: first widget, the state frame, kernel memory."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    received: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived",
                                          lambda p: received.append(_frame_bytes(p))))
    t0 = time.perf_counter()
    page.goto(f"{server.url}/voila/render/{page_name}", wait_until="commit", timeout=180_000)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=180_000)
    rendered_s = time.perf_counter() - t0
    first_s = rendered_s
    if page_name != EMPTY:
        page.wait_for_selector(".kx-footer", state="visible", timeout=180_000)
        first_s = time.perf_counter() - t0
    kernel_id = json.loads(page.evaluate(
        "document.getElementById('jupyter-config-data').textContent"))["kernelId"]
    page.wait_for_timeout(SETTLE_S * 1000)
    rss, uss = kernel_memory_mb(server, kernel_id)
    cpu, numpy = kernel_work(server, kernel_id)
    state_bytes = buffer_bytes = 0
    for raw in received:
        try:
            channel, frames = deserialize_msg_from_ws_v1(raw)
            content = json.loads(frames[3])
        except (ValueError, IndexError, TypeError):
            continue
        if content.get("data", {}).get("method") == "update_states":
            state_bytes += len(raw)
            buffer_bytes += sum(len(b) for b in frames[4:])
    heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
    widget_views = page.evaluate("document.querySelectorAll('.jupyter-widgets').length")
    page.close(run_before_unload=True)  # the shutdown beacon, as a closing tab sends
    context.close()
    return {"rendered_s": round(rendered_s, 2), "first_widget_s": round(first_s, 2),
            "state_kb": round(state_bytes / 1024, 1),
            "state_buffer_kb": round(buffer_bytes / 1024, 1),
            "frames_received": len(received),
            "kernel_rss_mb": rss, "kernel_uss_mb": uss, "kernel_cpu_s": cpu, "numpy": numpy,
            "js_heap_mb": round(heap / 2**20, 1), "widget_views": widget_views}


# --- the run -------------------------------------------------------------------------------------


def run(pages: list[str], runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    nbdir = notebook_dir()
    os.environ[CACHE_ENV_VAR] = str(nbdir.parent / "backgrounds")
    results: dict = {"imports": {}, "arrivals": [], "runs": runs}
    for page in pages:
        if page in PAGES:
            results["imports"][page] = [import_profile(PAGES[page]) for _ in range(runs)]
    server = Server(notebook_dir=nbdir, log_path=Path(tempfile.gettempdir()) / "kx-arrival.log")
    try:
        for page in [EMPTY, *pages]:  # warm the background cache, as a server that has shown
            asyncio.run(harness_arrival(server, page))  # each page once has it
        with sync_playwright() as pw:
            browser = launch(pw)
            for rep in range(runs):
                for page in [EMPTY, *pages]:
                    print(f"[{time.strftime('%H:%M:%S')}] {page} run {rep + 1} of {runs}",
                          file=sys.stderr, flush=True)
                    harness = own_loop.run(harness_arrival(server, page))
                    chromium = chromium_arrival(browser, server, page)
                    own_loop.run(wait_for_kernels(server, 0))
                    results["arrivals"].append({"page": page, "run": rep, "harness": harness,
                                                "chromium": chromium})
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(nbdir.parent, ignore_errors=True)
    results["cpu_count"] = psutil.cpu_count()
    results["when"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    return results


def _spread(values: list[float]) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:g}"
    return f"{med:g} ({min(values):g}–{max(values):g})"


def summarise(results: dict) -> str:
    lines = ["", "Imports (python -X importtime, ms): median (range); heaviest of the last run"]
    for page, runs in results["imports"].items():
        lines.append(f"  {page:26s} {_spread([r['total_ms'] for r in runs]):>24s}  "
                     + ", ".join(f"{k} {v:g}" for k, v in runs[-1]["heaviest_ms"].items()))
    rows: dict[str, list[dict]] = {}
    for a in results["arrivals"]:
        rows.setdefault(a["page"], []).append(a)
    fields = [("harness", "ready_s", "page + states, harness (s)"),
              ("chromium", "first_widget_s", "page to first widget, Chromium (s)"),
              ("harness", "models", "widget models"),
              ("harness", "layouts", "  of which Layouts"),
              ("harness", "styles", "  of which Styles"),
              ("harness", "state_kb", "state message, harness (KB)"),
              ("chromium", "state_kb", "state message, Chromium (KB)"),
              ("harness", "state_buffer_kb", "  of which buffers (KB)"),
              ("harness", "kernel_rss_mb", "kernel resident, harness (MB)"),
              ("chromium", "kernel_rss_mb", "kernel resident, Chromium (MB)"),
              ("harness", "kernel_uss_mb", "kernel unique, harness (MB)"),
              ("chromium", "kernel_uss_mb", "kernel unique, Chromium (MB)"),
              ("harness", "kernel_cpu_s", "kernel CPU, harness (s)"),
              ("chromium", "kernel_cpu_s", "kernel CPU, Chromium (s)"),
              ("chromium", "js_heap_mb", "page's JS heap, Chromium (MB)")]
    lines += ["", "One arrival per page: median (range) of the runs"]
    lines.append(f"  {'':36s}" + "".join(f"{p[:24]:>26s}" for p in rows))
    for side, key, label in fields:
        lines.append(f"  {label:36s}" + "".join(
            f"{_spread([a[side][key] for a in runs]):>26s}" for runs in rows.values()))
    lines += ["", "Kernels with numpy loaded once the page settled (Chromium, harness)"]
    for page, runs in rows.items():
        counts = [sum(bool(a[side].get("numpy")) for a in runs) for side in ("chromium", "harness")]
        lines.append(f"  {page:26s} {counts[0]} and {counts[1]} of {len(runs)}")
    lines += ["", "Chromium's kernel resident minus the harness's, same run (MB)"]
    for page, runs in rows.items():
        gaps = [a["chromium"]["kernel_rss_mb"] - a["harness"]["kernel_rss_mb"] for a in runs
                if a["chromium"]["kernel_rss_mb"] and a["harness"]["kernel_rss_mb"]]
        lines.append(f"  {page:26s} {_spread([round(g, 1) for g in gaps]):>24s}")
    lines.append(f"\n({results['cpu_count']} cores, {results['when']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    results = run(args.pages.split(","), args.runs)
    out = args.out or RESULTS / "arrival.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(summarise(results))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
