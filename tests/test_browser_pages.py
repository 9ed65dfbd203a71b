"""Every page, in real headless Chromium against the real server, at desktop, tablet and phone
width: it loads, logs no errors, asks no other host for anything, shows no notebook source, has
no serious or critical axe-core violation (at desktop and phone width, as tests/test_browser_axe.py
checks the walkthrough's steps); screenshots kept as artifacts."""

from __future__ import annotations

import pytest

from explainer.pages import pages
from harness.browser import VIEWPORTS, PageWatch, blocking_violations

pytestmark = pytest.mark.browser

PAGE_IDS = [p.id for p in pages()]
SOURCE_MARKERS = ["from explainer", "import ", "pages.show(", "def ", "Traceback"]
AXE_SIZES = ("desktop", "phone")


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_page_loads_clean_and_has_no_serious_axe_violation(browser, server, artifacts, page_id):
    notebook = next(p.notebook for p in pages() if p.id == page_id)
    for size in ("desktop", "tablet", "phone"):
        width, height = VIEWPORTS[size]
        context = browser.new_context(viewport={"width": width, "height": height})
        w = PageWatch(context.new_page(), server.url)
        page = w.open(f"/voila/render/{notebook}")
        page.wait_for_timeout(500)
        text = page.inner_text("body")
        assert not [m for m in SOURCE_MARKERS if m in text], "notebook source is visible"
        assert page.locator(".jp-InputArea:visible").count() == 0
        assert page.locator(".kx-footer").inner_text().startswith("Education, not medical advice")
        smallest = page.evaluate(
            """() => Math.min(...[...document.querySelectorAll(
                   '#rendered_cells p, #rendered_cells li')]
                 .filter(e => e.offsetParent !== null && e.textContent.trim())
                 .map(e => parseFloat(getComputedStyle(e).fontSize)))"""
        )
        assert smallest >= 18, f"body text as small as {smallest}px"
        if size in AXE_SIZES:  # the page as loaded, before the full-page screenshot resizes it
            assert blocking_violations(page) == [], size
            # and with the parts built as a reader scrolls to them (the timeline's diagram)
            while page.locator(".kx-deferred-show").count():
                stand_in = page.locator(".kx-deferred-show").first
                stand_in.scroll_into_view_if_needed()
                stand_in.wait_for(state="detached", timeout=30_000)
                page.wait_for_timeout(500)
                assert blocking_violations(page) == [], (size, "after scrolling down")
        page.screenshot(path=str(artifacts / f"{page_id}-{size}.png"), full_page=True)
        w.assert_clean()  # no errors, no foreign requests, no sideways scrolling
        context.close()


def test_root_lands_on_the_start_page_which_links_to_every_other_page(watch):
    page = watch.open("/")
    assert page.url.endswith("/voila/render/start.ipynb")
    assert "Ketamine" in page.inner_text("h1")
    hrefs = page.eval_on_selector_all(".kx-links a", "els => els.map(e => e.getAttribute('href'))")
    assert sorted(hrefs) == sorted(f"/voila/render/{p.notebook}" for p in pages()
                                   if p.id != "start")
    for href in hrefs:
        page.click(f'.kx-links a[href="{href}"]')
        page.wait_for_url(f"**{href}", wait_until="commit", timeout=90_000)
        page.wait_for_selector(".kx-footer", timeout=90_000)
        page.go_back()
        page.wait_for_selector(".kx-links", timeout=90_000)
