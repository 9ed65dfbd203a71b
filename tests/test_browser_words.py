"""Words drawn with the picture (issue 26), in real headless Chromium.

A key press changes the live region's text to the packed words (the kernel's describer's, for
that state) in the same animation frame as the picture, before the kernel could answer; the
kernel learns the value afterwards and does not send the words again, so a screen reader hears
each change once, even after a fast drag through a slow network.
"""

from __future__ import annotations

import pytest

from explainer.content import strings
from explainer.widgets import pain_signal as pain
from explainer.widgets.pain_signal.describe import describer_html
from explainer.widgets.timeline.describe_session import session_html
from explainer.widgets.timeline.state import TimelineState
from harness.browser import PageWatch, arm_key_to_words, as_page_html, key_to_words, open_sized
from harness.delay_proxy import DelayProxy

pytestmark = pytest.mark.browser

PAIN_URL = "/voila/render/pain-signal.ipynb"
TIMELINE_URL = "/voila/render/treatment-timeline.ipynb"
DIAGRAM = ".kx-pain-signal > .kx-figure-view"
DIAGRAM_DRAWN = f"{DIAGRAM} .kx-browser-overlay .kx-browser-svg"
ANNOUNCER = ".kx-pain-signal > .kx-pain-announcer .widget-html-content"
DIAGRAM_WORDS = f"{DIAGRAM} > .kx-describer .widget-html-content"
SESSION = ".kx-timeline-session"
CURSOR_DRAWN = f"{SESSION} .kx-browser-overlay .kx-browser-svg"
SESSION_WORDS = f"{SESSION} > .kx-describer .widget-html-content"
SLIDER = ".kx-level-slider .noUi-handle"
CURSOR = ".kx-cursor-slider .noUi-handle"
TIMEOUT = 30_000


def level_of(label: str) -> float:
    key = next(lv["key"] for lv in strings.text("pain_signal", "levels") if lv["label"] == label)
    return pain.level_concs()[key]


def wait_html(page, selector: str, html: str, timeout: float = TIMEOUT) -> None:
    page.wait_for_function("([sel, want]) => { const e = document.querySelector(sel);"
                           " return !!e && e.innerHTML === want; }",
                           arg=[selector, as_page_html(page, html)], timeout=timeout)


_SPY = """(sel) => {
  const el = document.querySelector(sel);
  window.__kxSaid = [];
  new MutationObserver(() => window.__kxSaid.push(el.textContent.trim()))
    .observe(el, {childList: true, subtree: true, characterData: true});
}"""
"""Every change of one live region's text, as a screen reader would be told of it."""


def _text(page, html: str) -> str:
    return page.evaluate("(h) => { const d = document.createElement('div'); d.innerHTML = h;"
                         " return d.textContent.trim(); }", html)


def _press_level(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).focus()
    page.keyboard.press("Enter")


def test_a_key_writes_the_packed_words_in_the_pictures_frame(browser, server):
    context, w, page = open_sized(browser, server, PAIN_URL, DIAGRAM_DRAWN)
    assert page.get_attribute(ANNOUNCER, "aria-live") == "polite"
    # patient: a level button, pressed with the keyboard
    label = "Linked with relief"
    want = describer_html(level_of(label), "repeated", pain.N_IMPULSES, "patient")
    arm_key_to_words(page, DIAGRAM_DRAWN, ANNOUNCER)
    _press_level(page, label)
    seen = key_to_words(page)
    assert seen["picture"]["frame"] == seen["words"]["frame"], seen
    assert seen["picture"]["words"] == as_page_html(page, want), seen   # already, as drawn
    wait_html(page, DIAGRAM_WORDS, want)                                # the visible copy too

    # trainee: the level slider's arrow keys
    page.get_by_role("button", name="Trainee view").click()
    handle = page.locator(SLIDER)
    handle.wait_for(state="visible", timeout=TIMEOUT)
    handle.focus()
    page.keyboard.press("Home")
    grid = [float(c) for c in pain.SLIDER_GRID_NG_ML]
    wait_html(page, ANNOUNCER, describer_html(grid[0], "repeated", pain.N_IMPULSES, "trainee"))
    for i in (1, 2, 3):
        arm_key_to_words(page, DIAGRAM_DRAWN, ANNOUNCER)
        page.keyboard.press("ArrowRight")
        seen = key_to_words(page)
        want = describer_html(grid[i], "repeated", pain.N_IMPULSES, "trainee")
        assert seen["picture"]["frame"] == seen["words"]["frame"], (i, seen)
        assert seen["picture"]["words"] == as_page_html(page, want), (i, seen)
    w.assert_clean()
    context.close()


def test_a_cursor_key_writes_the_sessions_words_in_the_pictures_frame(browser, server):
    context, w, page = open_sized(browser, server, TIMELINE_URL, CURSOR_DRAWN)
    assert page.get_attribute(SESSION_WORDS, "aria-live") == "polite"
    state = TimelineState()
    curve = state.curve()
    positions = curve.layout.cursor_positions
    at = positions.index(int(curve.layout.clamp(state.cursor_min)))   # where the page opens
    wait_html(page, SESSION_WORDS, session_html(curve, positions[at], "patient"))
    page.locator(CURSOR).focus()
    for i in (at + 1, at + 2, at + 3):
        arm_key_to_words(page, CURSOR_DRAWN, SESSION_WORDS)
        page.keyboard.press("ArrowRight")
        seen = key_to_words(page)
        assert seen["picture"]["frame"] == seen["words"]["frame"], (i, seen)
        assert seen["picture"]["words"] == as_page_html(
            page, session_html(curve, positions[i], "patient")), (i, seen)
    w.assert_clean()
    context.close()


def test_the_words_come_before_the_kernel_could_answer_and_are_said_once(browser, server):
    """Through a proxy holding every message a second each way: the live region says the new
    words at once, and nothing the kernel sends afterwards says them again."""
    with DelayProxy(server.port, delay_ms=1000) as proxy:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        w = PageWatch(context.new_page(), proxy.url)
        page = w.open(PAIN_URL, ready=DIAGRAM_DRAWN, timeout=120_000)
        kernel_layer = page.inner_html(f"{DIAGRAM} .kx-kernel-drawn")
        page.evaluate(_SPY, ANNOUNCER)
        said = []
        for label in ("Linked with relief", "Higher: more “floaty”"):
            want = describer_html(level_of(label), "repeated", pain.N_IMPULSES, "patient")
            _press_level(page, label)
            page.wait_for_timeout(150)   # a frame or two; a message there and back takes 2 s
            assert page.inner_html(ANNOUNCER) == as_page_html(page, want)
            said.append(_text(page, want))
        page.wait_for_timeout(4500)      # both round trips, and then some
        assert page.inner_html(f"{DIAGRAM} .kx-kernel-drawn") != kernel_layer   # it learned
        assert page.evaluate("window.__kxSaid") == said
        w.assert_clean()
        context.close()


def test_a_fast_drag_far_away_says_each_step_once_and_ends_on_the_last(browser, server):
    """20 cursor keys at once through 100 ms each way: one change of the live region for each
    step whose words differ from the last (the minutes before the start read alike), each the
    packed words of its step, and no stale words from the kernel afterwards."""
    state = TimelineState()
    curve = state.curve()
    positions = curve.layout.cursor_positions
    at = positions.index(int(curve.layout.clamp(state.cursor_min)))   # where the page opens
    with DelayProxy(server.port, delay_ms=100) as proxy:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        w = PageWatch(context.new_page(), proxy.url)
        page = w.open(TIMELINE_URL, ready=CURSOR_DRAWN, timeout=120_000)
        wait_html(page, SESSION_WORDS, session_html(curve, positions[at], "patient"))
        page.locator(CURSOR).focus()
        page.evaluate(_SPY, SESSION_WORDS)
        for _ in range(20):
            page.keyboard.press("ArrowRight")
        page.wait_for_timeout(2500)      # every message there and back, and then some
        words = [_text(page, session_html(curve, t, "patient"))
                 for t in positions[at:at + 21]]
        changes = [b for a, b in zip(words, words[1:], strict=False) if b != a]
        assert len(changes) >= 15
        assert page.evaluate("window.__kxSaid") == changes
        w.assert_clean()
        context.close()
