"""Headless Debian Chromium and the page helpers: open a page at a size, watch, wait, photograph.

    context, w, page = open_sized(browser, server, "/voila/render/start.ipynb", ".kx-footer",
                                  "phone")      # one of VIEWPORTS; the caller closes `context`
    w.assert_clean()                            # no console error, foreign request or overflow
    blocking_violations(page)                   # axe-core's serious and critical findings
    shoot(page, artifacts / "x.png", ".kx-figure", widget=".kx-timeline")
    come_near(page, ".kx-timeline-pain-box", ".kx-timeline-pain svg")  # a part built on scroll
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORTS = {"desktop": (1280, 800), "tablet": (768, 1024), "phone": (390, 844)}
SHOT_TIMEOUT_MS = 90_000
"""For screenshots of a tall window (Playwright's default is 30 s)."""


class PageWatch:
    """A page plus what it logged, requested and alerted (dismissed), for per-page assertions."""

    def __init__(self, page, server_url: str):
        self.page = page
        self.server_url = server_url
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.console_errors.append(f"pageerror: {err}"))
        page.on("request", lambda req: self.requests.append(req.url))

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def foreign_requests(self) -> list[str]:
        from urllib.parse import urlsplit

        own = urlsplit(self.server_url).netloc
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != own
        ]

    def assert_clean(self) -> None:
        """No console error, no request to another host, nothing wider than the window."""
        assert self.console_errors == [], self.console_errors
        assert self.foreign_requests() == [], self.foreign_requests()
        overflow = self.page.evaluate(
            "(() => { const r = document.querySelector('#rendered_cells');"
            " return Math.max(document.documentElement.scrollWidth - window.innerWidth,"
            " r ? r.scrollWidth - r.clientWidth : 0); })()")
        assert overflow <= 1, f"page is {overflow}px wider than the window"

    def open(self, path: str, ready: str = ".kx-footer", timeout: float = 90_000):
        self.page.goto(self.server_url + path, wait_until="domcontentloaded", timeout=timeout)
        self.page.wait_for_selector(ready, state="visible", timeout=timeout)
        return self.page


def open_sized(browser, server, path: str, ready: str, size: str = "desktop"):
    """A fresh context at one of `VIEWPORTS`, opened on `path`; waits for `ready`.

    Returns (context, watch, page); the caller closes the context."""
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    w = PageWatch(context.new_page(), server.url)
    page = w.open(path)
    page.wait_for_selector(ready, timeout=90_000)
    return context, w, page


def full_page_shot(page, path, size: str, settle_ms: int = 300, resize_ms: int = 150) -> None:
    """The whole page in one screenshot: the window is made as tall as Voilà's scrolling area
    (`#rendered_cells`; the page scrolls inside it), then set back to `VIEWPORTS[size]`."""
    width, height = VIEWPORTS[size]
    page.wait_for_timeout(settle_ms)  # let pictures and pulse animations settle
    tall = page.evaluate("document.querySelector('#rendered_cells').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, tall)})
    page.wait_for_timeout(resize_ms)
    # a window several thousand pixels tall takes a while to capture on a busy machine
    page.screenshot(path=str(path), timeout=SHOT_TIMEOUT_MS)
    page.set_viewport_size({"width": width, "height": height})


def wait_for_text(page, selector: str, text: str, timeout: float = 30_000) -> None:
    """Wait until the first element matching `selector` contains `text`."""
    page.wait_for_function(
        "([sel, text]) => { const e = document.querySelector(sel);"
        " return e && e.textContent.includes(text); }", arg=[selector, text], timeout=timeout)


def wait_for_change(page, selector: str, old: str, what: str = "innerHTML",
                    timeout: float = 30_000) -> None:
    """Wait until the first element matching `selector` has a `what` other than `old`."""
    page.wait_for_function(
        "([sel, old, what]) => { const e = document.querySelector(sel);"
        " return e && e[what] !== old; }", arg=[selector, old, what], timeout=timeout)


def come_near(page, stand_in: str, built: str, timeout: float = 30_000) -> None:
    """Scroll to a part built when the viewer comes near it (`explainer.widgets.deferred`),
    as a reader would: `stand_in` is where it stands in the page; waits for `built`."""
    page.locator(stand_in).scroll_into_view_if_needed()
    page.wait_for_selector(built, timeout=timeout)


def shoot(page, path, target: str, *, widget: str | None = None, until: str | None = None,
          settle_ms: int = 300, tall: int = 3000) -> None:
    """The window as the user sees it, scrolled to `target`, at `path`; then, with `widget`, the
    whole widget at `<path stem>-widget.png` in a window made `tall` (Voilà scrolls inside the
    page, which clips element screenshots): the element itself, or with `until`, the full-width
    band from `widget`'s top to `until`'s bottom."""
    path = Path(path)
    page.locator(target).scroll_into_view_if_needed()
    page.wait_for_timeout(settle_ms)  # let pictures and pulse animations settle
    page.screenshot(path=str(path))
    if widget is None:
        return
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": tall})
    page.wait_for_timeout(300)
    widget_path = str(path.with_name(f"{path.stem}-widget{path.suffix}"))
    if until is None:
        page.locator(widget).screenshot(path=widget_path, timeout=SHOT_TIMEOUT_MS)
    else:
        box = page.locator(until).bounding_box()
        top = page.locator(widget).bounding_box()["y"]
        page.screenshot(path=widget_path, timeout=SHOT_TIMEOUT_MS,
                        clip={"x": 0, "y": max(top - 8, 0), "width": size["width"],
                              "height": min(box["y"] + box["height"] - top + 16, tall - 100)})
    page.set_viewport_size(size)


BLOCKING = ("serious", "critical")
"""axe-core's impact levels that fail a test."""


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each (rule, impact,
    where). axe.js ships inside axe-playwright-python and is injected: nothing is fetched."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_timeout(300)  # a11y.js patches the page on the next animation frame
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:4]}"
            for v in found if v["impact"] in BLOCKING]


def launch(playwright):
    """Debian's Chromium, headless, with the project's flags (`CHROMIUM_ARGS`)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)



# --- a key press -> the picture and the words (issue 26) -----------------------------------------

_ARM_KEY_TO_WORDS = """([picture, words]) => {
  if (window.__kxFrame === undefined) {            // the animation frame we are in
    window.__kxFrame = 0;
    const tick = () => { window.__kxFrame += 1; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  }
  const pic = document.querySelector(picture), said = document.querySelector(words);
  window.__kxKeyWords = new Promise((resolve) => {
    let t0 = null, f0 = null;
    const seen = {};
    const onKey = () => { t0 = performance.now(); f0 = window.__kxFrame; };
    document.addEventListener("keydown", onKey, {capture: true, once: true});
    const done = () => { a.disconnect(); b.disconnect(); resolve(seen); };
    const mark = (what) => () => {
      if (t0 === null || seen[what]) return;
      seen[what] = {ms: performance.now() - t0, frame: window.__kxFrame - f0,
                    words: said.innerHTML};
      if (seen.picture && seen.words) done();
    };
    const a = new MutationObserver(mark("picture"));
    const b = new MutationObserver(mark("words"));
    const all = {childList: true, subtree: true, characterData: true};
    a.observe(pic, all);
    b.observe(said, all);
    setTimeout(done, 10000);
  });
}"""


def arm_key_to_words(page, picture: str, words: str) -> None:
    """Watch the next key press: the first change of `picture` (e.g. the browser-drawn layer)
    and of `words` (the live region), each in ms from keydown and in animation frames from
    it, with the words' HTML at that moment; read it with `key_to_words(page)`."""
    page.evaluate(_ARM_KEY_TO_WORDS, [picture, words])


def key_to_words(page) -> dict:
    """{"picture": {"ms", "frame", "words"}, "words": {…}} for the key press armed last (a part
    that did not change within 10 s is missing)."""
    return page.evaluate("window.__kxKeyWords")


def as_page_html(page, html: str) -> str:
    """`html` as the page serialises it once parsed (entities, quotes), to compare with an
    element's innerHTML."""
    return page.evaluate("(html) => { const d = document.createElement('div');"
                         " d.innerHTML = html; return d.innerHTML; }", html)
