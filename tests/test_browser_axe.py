"""axe-core on every page and every walkthrough step, in both modes, at desktop and phone width.

Fails on any serious or critical violation (axe-core's own impact levels; axe.js ships inside
axe-playwright-python and is injected into the page, so nothing is fetched). Every rule axe
runs by default is on, including "scrollable-region-focusable": a table that scrolls sideways
at phone width must take keyboard focus (`a11y.js` makes it so).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from explainer import content
from explainer.pages import pages
from harness.browser import open_sized

pytestmark = pytest.mark.browser

SIZES = ("desktop", "phone")
BLOCKING = ("serious", "critical")
_axe = Axe()


def blocking_violations(page) -> list[str]:
    """Serious and critical violations on the page, one line each (rule, impact, where)."""
    page.wait_for_timeout(300)  # a11y.js patches the page on the next animation frame
    found = _axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:4]}"
            for v in found if v["impact"] in BLOCKING]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("notebook", [p.notebook for p in pages()])
def test_every_page_has_no_serious_violation(browser, server, notebook, size):
    context, w, page = open_sized(browser, server, f"/voila/render/{notebook}", ".kx-footer",
                                  size)
    page.wait_for_timeout(500)
    try:
        assert blocking_violations(page) == []
    finally:
        context.close()


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
