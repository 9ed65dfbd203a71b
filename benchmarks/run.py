"""Measure the served explainer in one run, with one server and one browser.

(a) page load to first visible content for each page, against an empty notebook;
(b) a control move to the updated figure, against a bare label round trip;
(c) a fast run of 20 key presses: does the last value show without a backlog?
(d) kernel memory (resident) per viewer.

Prints a table of medians and ratios and writes benchmarks/results/latest.json.
`python -m benchmarks.run --quick` runs each measurement once (used by the test suite).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pages import INTERACTIONS, LABEL, Interaction, notebook_dir
from explainer.pages import pages
from harness.browser import launch
from harness.server import REPO, Server

RESULTS = REPO / "benchmarks" / "results"

_ARM = """(target) => {
  const el = document.querySelector(target);
  window.__kxDone = new Promise((resolve) => {
    setTimeout(() => resolve(NaN), 10000);
    let t0 = null;
    const onKey = () => { t0 = performance.now(); };
    document.addEventListener("keydown", onKey, {capture: true, once: true});
    const obs = new MutationObserver(() => {
      if (t0 === null) return;
      obs.disconnect();
      resolve(performance.now() - t0);
    });
    obs.observe(el, {childList: true, subtree: true, characterData: true, attributes: true});
  });
}"""

_SETTLE = """([target, quietMs]) => new Promise((resolve) => {
  const el = document.querySelector(target);
  let last = performance.now(), count = 0;
  const t0 = performance.now();
  const obs = new MutationObserver(() => { last = performance.now(); count += 1; });
  obs.observe(el, {childList: true, subtree: true, characterData: true, attributes: true});
  const check = () => {
    if (performance.now() - last > quietMs) { obs.disconnect(); resolve([last - t0, count]); }
    else setTimeout(check, 20);
  };
  setTimeout(check, 20);
})"""


def measure_load(browser, server: Server, notebook: str) -> tuple[float, float]:
    """Seconds from navigation to the rendered page, and to the first visible widget."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(f"{server.url}/voila/render/{notebook}", wait_until="commit", timeout=120_000)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
    t_render = time.perf_counter() - t0
    try:
        page.wait_for_selector(".jupyter-widgets, .kx-footer", state="visible", timeout=5_000)
        t_first = time.perf_counter() - t0
    except Exception:  # a page with nothing visible (the empty notebook)
        t_first = t_render
    page.close(run_before_unload=True)  # frees the kernel, as a real viewer's closing tab does
    context.close()
    return t_render, t_first


def _open(browser, server: Server, it: Interaction):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{server.url}/voila/render/{it.page}{it.query}", timeout=120_000)
    for selector in it.setup:
        page.click(selector, timeout=120_000)
    page.wait_for_selector(it.focus, state="visible", timeout=120_000)
    page.wait_for_timeout(300)
    page.focus(it.focus)
    return context, page


def measure_roundtrips(browser, server: Server, it: Interaction, presses: int) -> list[float]:
    """Milliseconds from a key press on the control to the target's first change."""
    context, page = _open(browser, server, it)
    times = []
    for i in range(presses):
        page.evaluate(_ARM, it.target)
        page.keyboard.press(it.key if i % 2 == 0 else it.back_key)
        elapsed = page.evaluate("window.__kxDone")
        if elapsed == elapsed:  # NaN when nothing changed within 10 s
            times.append(elapsed)
        page.wait_for_timeout(60)
    context.close()
    return times


def measure_burst(browser, server: Server, it: Interaction, steps: int = 20) -> dict:
    """Press the key `steps` times without waiting; how long until the page is quiet?"""
    context, page = _open(browser, server, it)
    t0 = time.perf_counter()
    for _ in range(steps):
        page.keyboard.press(it.key)
    pressed = (time.perf_counter() - t0) * 1000
    settle_ms, mutations = page.evaluate(_SETTLE, [it.target, 400])
    context.close()
    return {"steps": steps, "typing_ms": round(pressed, 1),
            "settle_after_last_key_ms": round(settle_ms, 1), "updates_seen": mutations}


def kernel_memory_mb(server: Server, kernel_ids: dict[str, str]) -> dict[str, float]:
    """Resident memory of each page's kernel (page name -> MB)."""
    import psutil

    running = server.kernels()
    return {name: round(psutil.Process(running[kid]).memory_info().rss / 2**20, 1)
            for name, kid in kernel_ids.items() if kid in running}


def run(quick: bool, preheat: int = 0, only_load: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    rounds, presses = (1, 3) if quick else (5, 15)
    nbdir = notebook_dir()
    results: dict = {"quick": quick, "preheat": preheat, "load_s": {}, "roundtrip_ms": {},
                     "burst": {}}
    server = Server("--preheat", str(preheat), notebook_dir=nbdir,
                    log_path=Path(tempfile.gettempdir()) / "kx-bench.log")
    if preheat:
        time.sleep(20)  # let the pools fill before the first viewer arrives
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            names = ["bench-empty.ipynb", *[p.notebook for p in pages()]]
            for name in names:
                print(f"load {name}", file=sys.stderr, flush=True)
                samples = [measure_load(browser, server, name) for _ in range(rounds)]
                results["load_s"][name] = {
                    "render": statistics.median(s[0] for s in samples),
                    "first_content": statistics.median(s[1] for s in samples),
                }
            for it in [LABEL, *INTERACTIONS]:
                if only_load or not (nbdir / it.page).exists():
                    continue
                print(f"interact {it.page}", file=sys.stderr, flush=True)
                results["roundtrip_ms"][it.page] = measure_roundtrips(browser, server, it,
                                                                      presses)
                results["burst"][it.page] = measure_burst(browser, server, it)
            # Memory: open one viewer of each page and read every kernel's resident size.
            contexts, kernel_ids = [], {}
            for p in pages():
                ctx = browser.new_context()
                pg = ctx.new_page()
                pg.goto(f"{server.url}/voila/render/{p.notebook}", timeout=120_000)
                pg.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
                config = pg.evaluate(
                    "document.getElementById('jupyter-config-data').textContent")
                kernel_ids[p.notebook] = json.loads(config)["kernelId"]
                contexts.append(ctx)
            time.sleep(1)
            results["kernel_rss_mb"] = kernel_memory_mb(server, kernel_ids)
            for ctx in contexts:
                ctx.close()
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(nbdir.parent, ignore_errors=True)
    return results


def summarise(results: dict) -> str:
    lines = ["", "Page load (median s)          render   first    ratio to empty"]
    empty = results["load_s"]["bench-empty.ipynb"]["render"]
    for name, v in results["load_s"].items():
        lines.append(f"  {name:28s} {v['render']:6.2f}  {v['first_content']:6.2f}    "
                     f"{v['first_content'] / empty:5.2f}x")
    rt = results["roundtrip_ms"]
    if LABEL.page in rt:
        base = statistics.median(rt[LABEL.page])
        lines.append("")
        lines.append("Control move -> updated page (median ms)   ratio to bare label")
        for name, samples in rt.items():
            med = statistics.median(samples)
            lines.append(f"  {name:28s} {med:8.1f}      {med / base:5.2f}x")
        lines.append("")
        lines.append("Burst of 20 key presses: settle after last key (ms), updates seen")
        for name, b in results["burst"].items():
            lines.append(f"  {name:28s} {b['settle_after_last_key_ms']:8.1f}  "
                         f"{b['updates_seen']:4d}")
    lines.append("")
    lines.append("Kernel resident memory per viewer (MB)")
    for name, mb in results.get("kernel_rss_mb", {}).items():
        lines.append(f"  {name:28s} {mb:8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of each measurement")
    parser.add_argument("--preheat", type=int, default=0, help="serve with N preheated kernels")
    parser.add_argument("--load-only", action="store_true", help="measure page loads only")
    parser.add_argument("--out", type=Path, help="write the JSON here instead")
    args = parser.parse_args(argv)
    results = run(args.quick, args.preheat, args.load_only)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "quick" if args.quick else "latest"
    out = args.out or RESULTS / (f"{name}-preheat{args.preheat}.json" if args.preheat
                                 else f"{name}.json")
    out.write_text(json.dumps(results, indent=2))
    print(summarise(results))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
