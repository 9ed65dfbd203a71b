"""The page in the reader's language (issue 25), as a person uses it: the US example clinic
offers US English and Spanish; `?lang=es` opens the walkthrough in Spanish with `<html
lang="es">`, the header's switch names each language in itself, and following the switch to
English by keyboard keeps the reader's step. Screenshots in Spanish at tablet and phone width
(tests/artifacts/locale-es-*.png)."""

from __future__ import annotations

import pytest

from harness.browser import VIEWPORTS, PageWatch, full_page_shot
from harness.server import REPO

pytestmark = pytest.mark.browser

CLINIC = REPO / "examples" / "clinic-us.toml"
TIMEOUT = 90_000


@pytest.fixture(scope="module")
def us_server(make_server, tmp_path_factory):
    cache = tmp_path_factory.mktemp("locale-server-cache")
    return make_server("--clinic", str(CLINIC), name="locales",
                       env={"KETAMINE_EXPLAINER_CACHE": str(cache)})


def _open(browser, server, path: str, size: str = "desktop"):
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    watch = PageWatch(context.new_page(), server.url)
    watch.open(path, ready=".kx-wt-heading")
    return context, watch, watch.page


def test_spanish_link_switch_and_keeping_the_step(browser, us_server, artifacts):
    context, watch, page = _open(browser, us_server,
                                 "/voila/render/walkthrough.ipynb?lang=es&step=2")
    try:
        page.wait_for_function("document.documentElement.lang === 'es'", timeout=TIMEOUT)
        switch = page.locator(".kx-lang")
        assert switch.get_attribute("aria-label") == "Idioma"
        current = switch.locator("[aria-current]")
        assert current.inner_text() == "Español" and current.get_attribute("lang") == "es"
        english = switch.locator("a[hreflang='en-US']")
        assert english.inner_text() == "English (US)" and english.get_attribute("lang") == "en-US"
        assert switch.locator("a[hreflang='en-GB']").count() == 0, "only what the clinic offers"
        assert page.locator(".kx-wt-heading").get_attribute("data-kx-step") == "2"

        page.locator(".kx-wt-next").click()
        page.wait_for_selector(".kx-wt-heading[data-kx-step='3']", timeout=TIMEOUT)
        english.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.documentElement.lang === 'en-US'", timeout=TIMEOUT)
        page.wait_for_selector(".kx-wt-heading[data-kx-step='3']", timeout=TIMEOUT)
        assert "lang=en-US" in page.url and "step=3" in page.url
        back = page.locator(".kx-lang a[hreflang='es']")
        assert back.inner_text() == "Español" and back.get_attribute("lang") == "es"
        watch.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_spanish_walkthrough_screenshots(browser, us_server, artifacts, size):
    context, watch, page = _open(browser, us_server,
                                 "/voila/render/walkthrough.ipynb?lang=es&step=8", size)
    try:
        page.wait_for_function("document.documentElement.lang === 'es'", timeout=TIMEOUT)
        full_page_shot(page, artifacts / f"locale-es-walkthrough-{size}.png", size)
        watch.assert_clean()
    finally:
        context.close()


def test_a_language_the_clinic_does_not_offer_falls_back_quietly(browser, us_server):
    context, watch, page = _open(browser, us_server,
                                 "/voila/render/walkthrough.ipynb?lang=fr&step=4")
    try:
        page.wait_for_function("document.documentElement.lang === 'en-US'", timeout=TIMEOUT)
        assert page.locator(".kx-lang [aria-current]").inner_text() == "English (US)"
        assert page.locator(".kx-wt-heading").get_attribute("data-kx-step") == "4"
        note = page.locator(".kx-wt-link-note").inner_text()
        assert "not offered in the language named in the link" in note and "fr" not in note
        watch.assert_clean()
    finally:
        context.close()


def test_the_timelines_diagram_built_on_scroll_is_in_the_pages_language(browser, us_server):
    """The NMDA diagram under the Spanish timeline is built as the reader scrolls to it
    (`Deferred`): its stand-in and the diagram itself are in Spanish too."""
    from harness.browser import come_near

    context = browser.new_context(viewport={"width": 390, "height": 844})
    watch = PageWatch(context.new_page(), us_server.url)
    page = watch.open("/voila/render/treatment-timeline.ipynb?lang=es",
                      ready=".kx-timeline .kx-browser-ready svg")
    assert page.locator(".kx-deferred-show").inner_text() == "Mostrar el dibujo del receptor"
    come_near(page, ".kx-timeline-pain-box", ".kx-timeline-pain .kx-figure-overlay svg")
    assert "médula espinal" in page.locator(".kx-timeline-pain .kx-figure-overlay svg").first \
        .get_attribute("aria-label")
    watch.assert_clean()
    context.close()
