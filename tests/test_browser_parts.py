"""Steps 6 and 7 in parts (issue 21, plain language): in real headless Chromium, at phone and
tablet width, each part is closed at first, opens from the keyboard, and one open part fits a
phone screen; the step counter still says "of 9".

Screenshots: tests/artifacts/parts-step{n}-{size}-{closed|one-open}.png.
"""

from __future__ import annotations

import pytest

from tests.test_browser_walkthrough import _open, _wait_step

pytestmark = pytest.mark.browser

PART = "details.kx-passage-part"
PHONE_HEIGHT = 844


@pytest.mark.parametrize(("step", "size"), [(6, "tablet"), (7, "phone")])
def test_a_part_opens_from_the_keyboard_and_fits_one_screen(browser, server, artifacts, step,
                                                            size):
    context, w, page = _open(browser, server, f"?step={step}&mode=patient", size=size)
    _wait_step(page, step)
    page.wait_for_selector(PART, state="attached", timeout=30_000)
    parts = page.locator(PART)
    assert parts.count() >= 6
    assert page.evaluate(f"[...document.querySelectorAll('{PART}')].every(d => !d.open)")
    page.screenshot(path=str(artifacts / f"parts-step{step}-{size}-closed.png"), full_page=True)

    summary = parts.nth(1).locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('{PART}')[1].open")
    height = parts.nth(1).evaluate("d => d.getBoundingClientRect().height")
    parts.nth(1).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"parts-step{step}-{size}-one-open.png"))
    assert height <= PHONE_HEIGHT * 1.1 if size == "phone" else height <= 1024, height
    page.keyboard.press("Enter")  # the same key closes it again
    page.wait_for_function(f"() => !document.querySelectorAll('{PART}')[1].open")
    w.assert_clean()
    context.close()
