"""Key press -> picture, near and far (issue 15), in one run with one server and one browser.

For each added delay (0, and 50 ms each way through `DelayProxy`):
(a) a key press on a control -> the first change of its figure, timed in the page from the
    keydown event (a MutationObserver on the browser-drawn overlay), against the same press on
    a bare label page (the kernel round trip floor);
(b) a 20-step drag (20 key presses, no waiting): time from the last keydown to the figure's
    last change. Within one frame (16.7 ms at 60 Hz) means nothing queued behind the keys;
(c) a key press -> the live description's text (issue 26: the page writes the packed words)
    against the same press -> the picture, in ms from keydown and in animation frames after
    the picture's (0: the same frame; budget: at most 1).

Prints a table and writes benchmarks/results/latency.json (latency-quick.json with --quick).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.pages import LABEL, Interaction, notebook_dir
from benchmarks.run import RESULTS, measure_roundtrips
from harness.browser import arm_key_to_words, key_to_words, launch
from harness.delay_proxy import DelayProxy
from harness.server import Server

DELAYS_MS = (0, 50)
FRAME_MS = 1000 / 60

BROWSER_DRAWN = [
    Interaction("pain-signal.ipynb", "", ".kx-level-slider .noUi-handle",
                ".kx-pain-signal > .kx-figure-view .kx-browser-overlay",
                setup=("button:has-text('Trainee view')",)),
    Interaction("treatment-timeline.ipynb", "", ".kx-cursor-slider .noUi-handle",
                ".kx-timeline-session .kx-browser-overlay"),
]
"""The browser-drawn figures, measured against `LABEL`."""

LIVE_WORDS = {
    "pain-signal.ipynb": ".kx-pain-signal > .kx-pain-announcer .widget-html-content",
    "treatment-timeline.ipynb": ".kx-timeline-session > .kx-describer .widget-html-content",
}
"""Each browser-drawn figure's live region (what a screen reader is told), by page."""

_DRAG = """([target, steps]) => new Promise((resolve) => {
  const el = document.querySelector(target);
  let lastKey = null, lastChange = null, keys = 0, changes = 0;
  const onKey = () => { lastKey = performance.now(); keys += 1; };
  document.addEventListener("keydown", onKey, {capture: true});
  const obs = new MutationObserver(() => { lastChange = performance.now(); changes += 1; });
  obs.observe(el, {childList: true, subtree: true, characterData: true, attributes: true});
  window.__kxDragDone = () => new Promise((done) => {
    const check = () => {
      const quiet = performance.now() - Math.max(lastChange ?? 0, lastKey ?? 0);
      if (keys >= steps && quiet > 400) {
        obs.disconnect();
        document.removeEventListener("keydown", onKey, {capture: true});
        done([lastChange === null ? NaN : lastChange - lastKey, changes]);
      } else setTimeout(check, 20);
    };
    check();
  });
  resolve(true);
})"""


_QUIET = """([target, quietMs]) => new Promise((resolve) => {
  const el = document.querySelector(target);
  let last = performance.now();
  const obs = new MutationObserver(() => { last = performance.now(); });
  obs.observe(el, {childList: true, subtree: true, characterData: true, attributes: true});
  const check = () => {
    if (performance.now() - last > quietMs) { obs.disconnect(); resolve(true); }
    else setTimeout(check, 50);
  };
  setTimeout(check, 50);
})"""


class _At:
    """A base URL for `benchmarks.run`'s page helpers (the server, or the proxy in front)."""

    def __init__(self, url: str):
        self.url = url


def measure_drag(browser, base: _At, it: Interaction, steps: int = 20) -> dict:
    from benchmarks.run import _open

    context, page = _open(browser, base, it)
    page.evaluate(_QUIET, [it.target, 1000])  # e.g. the trainee frames, sent after the switch
    page.evaluate(_DRAG, [it.target, steps])
    for _ in range(steps):
        page.keyboard.press(it.key)
    settle, changes = page.evaluate("window.__kxDragDone()")
    context.close()
    return {"steps": steps, "settle_after_last_key_ms": round(settle, 1) if settle == settle
            else None, "changes_seen": changes}


def measure_words(browser, base: _At, it: Interaction, presses: int) -> list[dict]:
    """Per key press: ms from keydown to the picture's first change and to the live region's,
    and how many animation frames after the picture the words changed."""
    from benchmarks.run import _open

    context, page = _open(browser, base, it)
    page.evaluate(_QUIET, [it.target, 1000])  # e.g. the trainee frames, sent after the switch
    samples = []
    for i in range(presses):
        arm_key_to_words(page, it.target, LIVE_WORDS[it.page])
        page.keyboard.press(it.key if i % 2 == 0 else it.back_key)
        seen = key_to_words(page)
        if "picture" in seen and "words" in seen:
            samples.append({"picture_ms": round(seen["picture"]["ms"], 2),
                            "words_ms": round(seen["words"]["ms"], 2),
                            "frames_after_picture": seen["words"]["frame"]
                            - seen["picture"]["frame"]})
        page.wait_for_timeout(60)
    context.close()
    return samples


def run(quick: bool) -> dict:
    from playwright.sync_api import sync_playwright

    presses = 3 if quick else 15
    # Quick mode (make test's smoke run) proves the harness runs every measurement once, at
    # the first delay; the delay proxy path is the same code (and has its own tests).
    delays = DELAYS_MS[:1] if quick else DELAYS_MS
    nbdir = notebook_dir()
    results: dict = {"quick": quick, "delays_ms": list(delays), "key_to_picture_ms": {},
                     "drag": {}, "key_to_words": {}}
    server = Server(notebook_dir=nbdir, log_path=Path(tempfile.gettempdir()) / "kx-latency.log")
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            for delay in delays:
                with DelayProxy(server.port, delay) as proxy:
                    base = _At(proxy.url)
                    key = f"{delay}ms"
                    results["key_to_picture_ms"][key] = {}
                    results["drag"][key] = {}
                    results["key_to_words"][key] = {}
                    for it in [LABEL, *BROWSER_DRAWN]:
                        if not (nbdir / it.page).exists():
                            continue
                        print(f"{key} {it.page}", file=sys.stderr, flush=True)
                        results["key_to_picture_ms"][key][it.page] = measure_roundtrips(
                            browser, base, it, presses)
                        if it is not LABEL:
                            results["drag"][key][it.page] = measure_drag(browser, base, it)
                            results["key_to_words"][key][it.page] = measure_words(
                                browser, base, it, presses)
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(nbdir.parent, ignore_errors=True)
    return results


def summarise(results: dict) -> str:
    lines = ["", "Key -> first change of the picture, in-page from keydown (median ms)",
             f"  {'page':28s} " + "".join(f"{d:>10s} ratio" for d in results["key_to_picture_ms"])]
    pages = sorted({p for v in results["key_to_picture_ms"].values() for p in v},
                   key=lambda p: (p != LABEL.page, p))
    for page in pages:
        row = f"  {page:28s} "
        for by_page in results["key_to_picture_ms"].values():
            samples, base = by_page.get(page), by_page.get(LABEL.page)
            if not samples:
                row += f"{'-':>10s}      "
                continue
            med = statistics.median(samples)
            ratio = med / statistics.median(base) if base else float("nan")
            row += f"{med:10.1f} {ratio:4.2f}x"
        lines.append(row)
    lines += ["", f"20-step drag: last keydown -> last change of the picture (ms; one frame "
                  f"= {FRAME_MS:.1f})"]
    for delay, by_page in results["drag"].items():
        for page, d in by_page.items():
            settle = d["settle_after_last_key_ms"]
            lines.append(f"  {delay:>5s} {page:28s} {settle if settle is not None else '-':>8}"
                         f"  ({d['changes_seen']} changes)")
    lines += ["", "Key -> live description text vs key -> picture (median ms; frames after the "
                  "picture's change: max)"]
    for delay, by_page in results.get("key_to_words", {}).items():
        for page, samples in by_page.items():
            if samples:
                lines.append(
                    f"  {delay:>5s} {page:28s} words "
                    f"{statistics.median(s['words_ms'] for s in samples):7.1f}  picture "
                    f"{statistics.median(s['picture_ms'] for s in samples):7.1f}  frames after "
                    f"{max(s['frames_after_picture'] for s in samples)}  ({len(samples)} keys)")
    return "\n".join(lines)


def figures(result: dict) -> dict[str, float]:
    """One run's figures: medians (ms), ratios to that delay's label round trip, drag settles."""
    out = {}
    for delay, by_page in result["key_to_picture_ms"].items():
        base = statistics.median(by_page[LABEL.page]) if by_page.get(LABEL.page) else None
        for page, samples in by_page.items():
            if samples:
                out[f"{delay} key {page} ms"] = statistics.median(samples)
                if base and page != LABEL.page:
                    out[f"{delay} key {page} / label"] = statistics.median(samples) / base
    for delay, by_page in result["drag"].items():
        for page, d in by_page.items():
            if d["settle_after_last_key_ms"] is not None:
                out[f"{delay} drag settle {page} ms"] = d["settle_after_last_key_ms"]
    for delay, by_page in result.get("key_to_words", {}).items():
        for page, samples in by_page.items():
            if samples:
                out[f"{delay} words {page} ms"] = statistics.median(
                    s["words_ms"] for s in samples)
                out[f"{delay} words - picture {page} ms"] = statistics.median(
                    s["words_ms"] - s["picture_ms"] for s in samples)
                out[f"{delay} words frames after picture {page} (max)"] = max(
                    s["frames_after_picture"] for s in samples)
    return out


def summarise_runs(paths: list[Path]) -> str:
    """Median (min-max) of every figure over several runs (`make bench3`)."""
    runs = [figures(json.loads(Path(p).read_text())) for p in paths]
    names = [n for n in runs[0] if all(n in r for r in runs)]
    lines = [f"Over {len(runs)} runs: median (min-max)"]
    for name in names:
        values = [r[name] for r in runs]
        lines.append(f"  {name:60s} {statistics.median(values):8.2f} "
                     f"({min(values):.2f}-{max(values):.2f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 presses per control, no added delay")
    parser.add_argument("--out", type=Path, help="where to write the JSON")
    parser.add_argument("--summarise", nargs="+", type=Path, metavar="JSON",
                        help="summarise earlier runs instead of measuring")
    args = parser.parse_args(argv)
    if args.summarise:
        print(summarise_runs(args.summarise))
        return 0
    results = run(args.quick)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = args.out or RESULTS / ("latency-quick.json" if args.quick else "latency.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(summarise(results))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
