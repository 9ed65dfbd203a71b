"""The treatment-timeline page in real headless Chromium: protocol, keyboard cursor, routes, course,
trainee weight, the NMDA diagram following the cursor, and pictures.

Screenshots land in tests/artifacts/timeline-*.png (desktop 1280×800 and tablet 768×1024):
`timeline-session-<size>.png` (the window, scrolled to the chart), `-widget` files hold the whole
timeline widget whatever its height, plus the course, routes and trainee views.
"""

from __future__ import annotations

import pytest

from harness.browser import (
    VIEWPORTS,
    come_near,
    open_sized,
    shoot,
    wait_for_change,
    wait_for_text,
)

pytestmark = pytest.mark.browser

URL = "/voila/render/treatment-timeline.ipynb"
SESSION = ".kx-timeline-session"
CURSOR = f"{SESSION} .kx-figure-cursor"
OVERLAY = f"{SESSION} .kx-figure-overlay:not(.kx-figure-cursor)"
DESCRIBER = f"{SESSION} .kx-describer"
HANDLE = ".kx-cursor-slider .noUi-handle"
TIMEOUT = 30_000


def _open(browser, server, size: str):
    return open_sized(browser, server, URL, f"{OVERLAY} svg", size)


def _html(page, selector: str) -> str:
    return page.inner_html(selector)


def _text(page, selector: str) -> str:
    return page.inner_text(selector)


def _shoot(page, artifacts, name: str, target: str = SESSION) -> None:
    shoot(page, artifacts / f"timeline-{name}.png", target, widget=".kx-timeline")


_BOXES = """root => {
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.x, r.y, r.width, r.height]; };
  const img = document.querySelector(root + ' .kx-figure img');
  return img && {img: box(img), svgs: [...document.querySelectorAll(
    root + ' .kx-figure-overlay svg')].map(box)};
}"""


def _aligned(page, root: str) -> None:
    """Every overlay layer lies exactly on the picture. Measured in one go, in one frame (the
    text above the chart may change height as a protocol changes: two separate measurements
    could straddle that), and waited for, as the page settles."""
    check = f"root => {{ const b = ({_BOXES})(root); return b && b.svgs.length > 0 && " \
            "b.svgs.every(s => s.every((v, i) => Math.abs(v - b.img[i]) <= 1.5)); }"
    try:
        page.wait_for_function(check, arg=root, timeout=10_000)
    except Exception:
        raise AssertionError(("overlays off the picture", page.evaluate(_BOXES, root))) from None


def _handle_under_cursor(page) -> None:
    """The slider's handle sits under the chart's cursor line (the track spans the time axis)."""
    handle = page.locator(HANDLE).bounding_box()
    line = page.evaluate("() => document.querySelector('.kx-tl-cursor')"
                         ".getBoundingClientRect().left")
    assert abs(handle["x"] + handle["width"] / 2 - line) <= 3, (handle, line)


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_session_keyboard_cursor_and_protocol(browser, server, artifacts, size):
    context, w, page = _open(browser, server, size)
    _aligned(page, SESSION)
    assert page.locator(f"{SESSION} .kx-figure img").bounding_box()["width"] >= (
        700 if size == "tablet" else 950)
    assert "linked with pain relief in studies" in _text(page, DESCRIBER)
    readout = page.locator(".kx-cursor-slider .widget-readout")
    assert readout.inner_text() == "1 h 30 min"

    # keyboard only: focus the cursor's handle and step it along
    before_svg, before_text = _html(page, CURSOR), _text(page, DESCRIBER)
    still = _html(page, OVERLAY)
    # the NMDA diagram below is built as the reader comes near it, not on arrival
    assert page.locator(".kx-timeline-pain").count() == 0
    come_near(page, ".kx-timeline-pain-box", ".kx-timeline-pain .kx-figure-overlay svg")
    pain_before = _html(page, ".kx-timeline-pain .kx-figure-overlay")
    page.locator(HANDLE).focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    wait_for_text(page, DESCRIBER, "At 2 h,")   # the words come with the page's picture
    assert readout.inner_text() == "2 h"
    wait_for_text(page, CURSOR, "2 h ·")         # and the kernel's own layer follows
    assert _html(page, CURSOR) != before_svg and _text(page, DESCRIBER) != before_text
    _handle_under_cursor(page)
    assert _html(page, OVERLAY) == still  # only the cursor layer and the words change
    # the NMDA diagram below follows the level at the cursor
    wait_for_change(page, ".kx-timeline-pain .kx-figure-overlay", pain_before)
    assert "ng/mL" not in _text(page, DESCRIBER)
    _shoot(page, artifacts, f"session-{size}")
    page.set_viewport_size({"width": VIEWPORTS[size][0], "height": 3000})
    page.locator(".kx-timeline-pain-box").screenshot(path=str(artifacts /
                                                               f"timeline-pain-{size}.png"))
    page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[size], strict=True)))

    # another protocol (same layout): the curve and title change in place
    old = _html(page, OVERLAY)
    page.select_option(".kx-timeline-protocol select", label="A single 2-hour test drip")
    wait_for_text(page, OVERLAY, "A single 2-hour test drip")
    assert _html(page, OVERLAY) != old
    # a protocol on another layout (days): a new background, a new cursor scale
    page.select_option(".kx-timeline-protocol select",
                       label="A drip that runs day and night for about 4 days")
    wait_for_text(page, OVERLAY, "day and night")
    wait_for_text(page, ".kx-cursor-slider .widget-readout", "1 day")
    _aligned(page, SESSION)
    page.locator(HANDLE).focus()
    page.keyboard.press("ArrowRight")
    wait_for_text(page, ".kx-cursor-slider .widget-readout", "1 day 1 h")
    wait_for_text(page, CURSOR, "1 day 1 h ·")  # the readout is local; the chart follows
    _handle_under_cursor(page)
    _shoot(page, artifacts, f"session-days-{size}")
    w.assert_clean()
    context.close()


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_routes_course_and_trainee(browser, server, artifacts, size):
    context, w, page = _open(browser, server, size)

    # comparing routes: highlight the nasal spray
    page.get_by_role("button", name="Comparing routes").click()
    routes = ".kx-timeline-routes-view"
    page.wait_for_selector(f"{routes} .kx-figure-overlay svg", timeout=TIMEOUT)
    _aligned(page, routes)
    before = _html(page, f"{routes} .kx-figure-overlay")
    page.get_by_role("button", name="Nasal spray").click()
    wait_for_change(page, f"{routes} .kx-figure-overlay", before)
    assert "kx-routes-intranasal kx-routes-chosen" in _html(page, f"{routes} .kx-figure-overlay")
    wait_for_text(page, f"{routes} .kx-describer", "shaded area")
    assert page.locator(".kx-timeline-pain-box").is_hidden()
    _shoot(page, artifacts, f"routes-{size}", routes)

    # the course view says it is not a prediction
    page.get_by_role("button", name="A course of treatment").click()
    course = ".kx-timeline-course"
    page.wait_for_selector(f"{course} .kx-figure-overlay svg", timeout=TIMEOUT)
    _aligned(page, course)
    assert "not a prediction for you" in _text(page, f"{course} .kx-figure-overlay")
    assert "not a prediction" in _text(page, f"{course} .kx-describer")
    _shoot(page, artifacts, f"course-{size}", course)

    # trainee: numbers, a weight, and a friendly message for a weight out of range
    page.get_by_role("button", name="A treatment day").click()
    page.get_by_role("button", name="Trainee view").click()
    wait_for_text(page, DESCRIBER, "ng/mL")
    weight = page.locator(".kx-timeline-weight input")
    weight.fill("95")
    weight.press("Enter")
    wait_for_text(page, DESCRIBER, "95 kg")
    svg_before = _html(page, OVERLAY)
    weight.fill("300")
    weight.press("Enter")
    wait_for_text(page, ".kx-timeline-weight-message", "between 40 and 150 kg")
    assert "still shows 95 kg" in _text(page, ".kx-timeline-weight-message")
    assert _html(page, OVERLAY) == svg_before
    assert page.locator(".kx-error-slot .kx-error").count() == 0
    _shoot(page, artifacts, f"trainee-{size}")
    page.get_by_role("button", name="Comparing routes").click()
    page.wait_for_selector(".kx-routes-table table", timeout=TIMEOUT)
    assert "Bioavailability used" in _text(page, ".kx-routes-table")
    _shoot(page, artifacts, f"routes-trainee-{size}", ".kx-timeline-routes-view")
    w.assert_clean()
    context.close()


def test_the_diagram_below_is_built_as_a_keyboard_reaches_it_and_keeps_the_focus(browser, server):
    """A keyboard user tabbing down reaches the diagram's stand-in button: it is built in its
    place, and the focus stays in the section (not lost to the top of the page), so the next
    Tab goes into the diagram."""
    context, w, page = _open(browser, server, "desktop")
    assert page.locator(".kx-timeline-pain").count() == 0      # not built on arrival
    page.locator(".kx-deferred-show").focus()                  # scrolls it near
    page.wait_for_selector(".kx-timeline-pain .kx-figure-overlay svg", timeout=TIMEOUT)
    page.wait_for_function("() => document.activeElement !== document.body"
                           " && document.activeElement.closest('.kx-timeline-pain-box')",
                           timeout=TIMEOUT)
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('.kx-timeline-pain')")
    w.assert_clean()
    context.close()


def test_without_the_browser_module_the_button_builds_the_diagram(browser, server):
    """A page whose browser modules did not load cannot tell the kernel it scrolled near: the
    stand-in button builds the diagram, which the kernel then draws."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route("**/labextensions/anywidget/**", lambda route: route.abort())
    page.goto(server.url + URL, wait_until="domcontentloaded")
    page.wait_for_selector(f"{OVERLAY} svg", timeout=90_000)
    button = page.get_by_role("button", name="Show the picture of the receptor")
    button.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert page.locator(".kx-timeline-pain").count() == 0      # nothing said it was near
    button.click()
    page.wait_for_selector(".kx-timeline-pain .kx-kernel-drawn svg", timeout=TIMEOUT)
    assert "gates blocked" in _text(page, ".kx-timeline-pain .kx-kernel-drawn")
    context.close()
