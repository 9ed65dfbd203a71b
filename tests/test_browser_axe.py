"""axe-core on every walkthrough step, in both modes, at desktop and phone width; every page's
own load at those widths runs axe in tests/test_browser_pages.py (one load checks both).

Fails on any serious or critical violation (axe-core's own impact levels; axe.js ships inside
axe-playwright-python and is injected into the page, so nothing is fetched). Every rule axe
runs by default is on, including "scrollable-region-focusable": a table that scrolls sideways
at phone width must take keyboard focus (`a11y.js` makes it so).
"""

from __future__ import annotations

import pytest

from explainer import content
from harness.browser import blocking_violations, open_sized

pytestmark = pytest.mark.browser

SIZES = ("desktop", "phone")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", ["patient", "trainee"])
def test_every_walkthrough_step_has_no_serious_violation(browser, server, mode, size):
    context, w, page = open_sized(browser, server,
                                  f"/voila/render/walkthrough.ipynb?mode={mode}",
                                  ".kx-wt-counter", size)
    found = {}
    try:
        for step in content.STEPS:
            if step > content.STEPS[0]:
                page.click(".kx-wt-next")
            page.wait_for_function(
                "t => document.querySelector('.kx-wt-counter').textContent.trim() === t",
                arg=f"Step {step} of {len(content.STEPS)}", timeout=30_000)
            page.wait_for_timeout(400)
            problems = blocking_violations(page)
            if problems:
                found[step] = problems
        assert found == {}, found
    finally:
        context.close()
