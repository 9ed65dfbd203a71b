"""The changed clinical steps in real headless Chromium, at tablet and phone width.

Opens the walkthrough at steps 6 to 9 by deep link and checks what a patient sees: the icon
arrays (filled and hollow people, the numbers in words, no sideways scrolling), the after-care
block, and the footer's link to "About this guide". Screenshots land in
tests/artifacts/clinical-step{n}-{size}.png, and the About page in clinical-about-{size}.png.
"""

from __future__ import annotations

import pytest

from explainer.content import icon_arrays
from harness.browser import VIEWPORTS, PageWatch, full_page_shot

pytestmark = pytest.mark.browser

URL = "/voila/render/walkthrough.ipynb"
TIMEOUT = 60_000
ARRAYS_BY_STEP = {6: ["ia-little-change"], 7: ["ia-floaty-feelings", "ia-liver"], 8: [], 9: []}


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_changed_steps_at_tablet_and_phone_width(browser, server, artifacts, size):
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    w = PageWatch(context.new_page(), server.url)
    try:
        for step, expected in ARRAYS_BY_STEP.items():
            page = w.open(URL + f"?step={step}")
            page.wait_for_selector(f".kx-wt-step-{step} .kx-wt-passages", timeout=TIMEOUT)
            for summary in page.locator("details.kx-passage-part > summary").all():
                summary.click()  # steps 6 and 7 come in parts (issue 21): open each one
            found = page.eval_on_selector_all(
                ".kx-icon-array", "els => els.map(e => e.dataset.iconArray)")
            assert found == expected
            for ident in expected:
                a = next(x for x in icon_arrays.arrays() if x.id == ident)
                fig = page.locator(f'[data-icon-array="{ident}"]')
                assert fig.locator(".kx-icon-array-text").inner_text() == icon_arrays.describe(a)
                box = fig.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
                for g, svg in zip(a.groups, fig.locator("svg.kx-icon-array-svg").all(),
                                  strict=True):
                    assert svg.get_attribute("aria-label").startswith(f"{g.label}: {g.count}")
                    shown = svg.bounding_box()
                    assert shown["width"] >= 120, shown  # icons stay big enough to count
                    assert shown["x"] + shown["width"] <= width + 1, shown
            if step in (8, 9):
                text = page.locator(".kx-wt-passages").inner_text()
                assert "For at least 24 hours after a drip" in text
                assert "Call an ambulance" in text
            w.assert_clean()  # no console error, no foreign request, nothing wider than the window
            full_page_shot(page, artifacts / f"clinical-step{step}-{size}.png", size)
        link = page.locator(".kx-footer a.kx-footer-about").first
        assert link.get_attribute("href").endswith("about.ipynb#about-this-guide")
        link.click()
        page.wait_for_selector("#about-this-guide", timeout=TIMEOUT)
        assert "No ketamine clinic, drug maker" in page.locator("body").inner_text()
        assert page.locator(".kx-ref-checked").count() > 40
        full_page_shot(page, artifacts / f"clinical-about-{size}.png", size)
        w.assert_clean()
    finally:
        context.close()
