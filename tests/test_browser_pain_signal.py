"""The pain-signal page in real headless Chromium: keyboard, Play, Reset, trainee slider, pictures.

Screenshots land in tests/artifacts/pain-signal-*.png (desktop 1280×800 and tablet 768×1024,
patient and trainee views; `-widget` files hold the whole widget, whatever its height).
"""

from __future__ import annotations

import pytest

from harness.browser import open_sized, shoot, wait_for_change, wait_for_text

pytestmark = pytest.mark.browser

URL = "/voila/render/pain-signal.ipynb"
DIAGRAM = ".kx-pain-signal > .kx-figure-view"
OVERLAY = f"{DIAGRAM} .kx-figure-overlay svg"
DESCRIBER = f"{DIAGRAM} .kx-describer"
TIMEOUT = 30_000


def _open(browser, server, size: str):
    return open_sized(browser, server, URL, OVERLAY, size)


def _overlay(page) -> str:
    return page.inner_html(f"{DIAGRAM} .kx-figure-overlay")


def _describer(page) -> str:
    return page.inner_text(DESCRIBER)


def _shoot(page, artifacts, name: str) -> None:
    shoot(page, artifacts / f"pain-signal-{name}.png", DIAGRAM, widget=DIAGRAM,
          until=".kx-model-note", settle_ms=400, tall=4000)


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_patient_keyboard_play_and_reset(browser, server, artifacts, size):
    context, w, page = _open(browser, server, size)
    # The background and overlay are one picture: same box, same size.
    img = page.locator(f"{DIAGRAM} .kx-figure img").bounding_box()
    svg = page.locator(OVERLAY).bounding_box()
    for key in ("x", "y", "width", "height"):
        assert abs(img[key] - svg[key]) <= 1.5, (key, img, svg)
    assert img["width"] >= (700 if size == "tablet" else 950)

    before_svg, before_text = _overlay(page), _describer(page)
    assert "stronger than the last" in before_text
    # Keyboard only: focus the first level button, Tab to the next, press Space.
    page.get_by_role("button", name="None", exact=True).focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Linked with relief"
    page.keyboard.press("Space")
    wait_for_text(page, DESCRIBER, "level linked with pain relief")
    # the words come with the page's picture; the kernel's own layer follows
    wait_for_text(page, f"{DIAGRAM} .kx-figure-overlay", "gates blocked")
    assert _overlay(page) != before_svg
    page.get_by_role("button", name="Linked with relief").press("Tab")
    page.keyboard.press("Enter")  # the next level, with Enter this time
    wait_for_text(page, DESCRIBER, "“floaty” level")
    page.get_by_role("button", name="Linked with relief").click()
    wait_for_text(page, DESCRIBER, "level linked with pain relief")
    _shoot(page, artifacts, size)

    # Play: the counter runs from the first pinch to the last, one by one.
    play = page.locator(".kx-play")
    play.focus()
    page.keyboard.press("Space")
    wait_for_text(page, OVERLAY, "3 of 16")
    assert "Pause" in play.inner_text()
    wait_for_text(page, OVERLAY, "16 of 16")
    page.wait_for_function("!document.querySelector('.kx-play').textContent.includes('Pause')",
                           timeout=TIMEOUT)
    wait_for_text(page, DESCRIBER, "build-up is smaller")

    # Reset: back to before the first pinch.
    page.locator(".kx-reset").click()
    wait_for_text(page, OVERLAY, "no pinch")
    wait_for_text(page, DESCRIBER, "No pinch yet")

    # One pinch.
    page.get_by_role("button", name="One pinch").click()
    wait_for_text(page, OVERLAY, "1 of 1")
    wait_for_text(page, DESCRIBER, "One pinch sends")
    w.assert_clean()
    context.close()


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_trainee_slider_chart_and_notes(browser, server, artifacts, size):
    context, w, page = _open(browser, server, size)
    page.get_by_role("button", name="Trainee view").click()
    handle = page.locator(".kx-level-slider .noUi-handle")
    handle.wait_for(state="visible", timeout=TIMEOUT)
    page.wait_for_selector(".kx-pain-chart .kx-figure-overlay svg", timeout=TIMEOUT)
    wait_for_text(page, DESCRIBER, "Model:")
    wait_for_text(page, ".kx-model-note", "Simplifications, stated plainly")

    before_svg, before_text = _overlay(page), _describer(page)
    chart_before = page.inner_html(".kx-pain-chart .kx-figure-overlay")
    readout = page.locator(".kx-level-slider .widget-readout")
    assert readout.inner_text() == "0 ng/mL"
    handle.focus()
    for _ in range(9):  # 0 -> 5 -> … -> 115 ng/mL, one keyboard step at a time
        page.keyboard.press("ArrowRight")
    wait_for_text(page, DESCRIBER, "115 ng/mL")
    # the words come with the page's picture; the kernel's own layer follows
    wait_for_text(page, f"{DIAGRAM} .kx-figure-overlay", "49% of channels blocked")
    assert _overlay(page) != before_svg and _describer(page) != before_text
    # Messages arrive in order but render asynchronously: wait for each part.
    wait_for_text(page, ".kx-level-slider .widget-readout", "115 ng/mL")
    wait_for_change(page, ".kx-pain-chart .kx-figure-overlay", chart_before)
    wait_for_text(page, ".kx-pain-chart .kx-figure-overlay", "at 115 ng/mL")
    wait_for_text(page, ".kx-pain-numbers", "0.48 µM")
    # the named buttons follow the slider
    wait_for_text(page, ".kx-pain-signal .widget-toggle-button.mod-active",
                   "Linked with relief")
    _shoot(page, artifacts, f"trainee-{size}")

    page.get_by_role("button", name="Patient view").click()
    handle.wait_for(state="hidden", timeout=TIMEOUT)
    page.wait_for_function(
        f"!document.querySelector('{DESCRIBER}').textContent.includes('Model:')",
        timeout=TIMEOUT)
    assert "ng/mL" not in _describer(page)
    w.assert_clean()
    context.close()
