"""The study path in real headless Chromium against the real server: every study page renders
with no source cells, no console error, no foreign request and no sideways scroll at phone,
tablet and desktop width, its tables reflowed on a phone (screenshots kept); citations link to
the reference list; answers open from the keyboard; links between pages work; the whole
self-check is walked with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from explainer.content import quiz
from harness.browser import VIEWPORTS, full_page_shot, open_sized

pytestmark = pytest.mark.browser

STUDY_PAGES = ["index", "receptor", "pharmacokinetics", "evidence", "safety", "self-check"]
TOPIC_PAGES = {"receptor", "pharmacokinetics", "evidence", "safety"}


def _path(name: str) -> str:
    return f"/voila/render/study/{name}.ipynb"


@pytest.mark.parametrize("name", STUDY_PAGES)
def test_study_page_renders_without_source_and_fits_every_width(browser, server, artifacts,
                                                                 name):
    """One load per page, at phone width (a patient or trainee at home), then looked at (and
    screenshot) at phone, tablet and desktop width: no source, no sideways page scroll, tables
    reflowed into stacked rows on a phone and a table again where it fits (issue 23)."""
    ready = ".kx-quiz-question" if name in TOPIC_PAGES | {"self-check"} else ".kx-footer"
    context, w, page = open_sized(browser, server, _path(name), ready, "phone")
    page.wait_for_selector(".kx-footer", timeout=90_000)
    assert page.locator(".jp-InputArea-editor, .jp-InputPrompt, .CodeMirror").count() == 0
    assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0
    assert page.locator(".kx-header nav a[aria-current=page]").inner_text() == "Study"
    if name in TOPIC_PAGES:
        figures = page.locator(".kx-study-figure img")
        assert figures.count() >= 1
        for i in range(figures.count()):
            assert len(figures.nth(i).get_attribute("alt") or "") > 40
        cites = page.locator("a.kx-cite")
        assert cites.count() >= 5
        targets = set(page.evaluate(
            "[...document.querySelectorAll('a.kx-cite')].map(a => a.getAttribute('href'))"))
        for href in targets:
            assert page.locator(href).count() == 1, f"citation {href} has no list entry"
        assert "[@" not in page.locator("#rendered_cells").inner_text()
        assert page.locator("details.kx-reveal").count() >= 2
        assert page.locator("details.kx-reveal[open]").count() == 0
    tables = page.locator("#rendered_cells table.kx-reflow")
    if name in TOPIC_PAGES:
        assert tables.count() >= 1, name
    if name != "index":
        crumb = page.locator(".jp-RenderedMarkdown p").filter(has_text="Study path").first
        assert crumb.inner_text().count("Study path") == 1, crumb.inner_text()
    for size in ("phone", "tablet", "desktop"):
        page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[size], strict=True)))
        page.wait_for_timeout(300)
        rows = page.evaluate("[...document.querySelectorAll('table.kx-reflow tbody tr')]"
                             ".map(r => getComputedStyle(r).display)")
        if size == "phone" and tables.count():
            assert set(rows) == {"block"}, rows   # stacked rows, one card each
            assert page.evaluate("document.querySelectorAll('table.kx-reflow "
                                 "td[data-kx-label]').length") > 0
        elif tables.count():
            assert set(rows) == {"table-row"}, (size, rows)   # a table again when it fits
        if size == "desktop":
            smallest = page.evaluate(
                "Math.min(...[...document.querySelectorAll('.jp-RenderedMarkdown p, "
                ".kx-study-table td')].map(e => parseFloat(getComputedStyle(e).fontSize)))")
            assert smallest >= 18, f"text as small as {smallest}px"
        w.assert_clean()  # no errors, no foreign requests, nothing wider than the window
        shot = f"phone-study-{name}.png" if size == "phone" else f"study-{name}-{size}.png"
        full_page_shot(page, artifacts / shot, size, resize_ms=250)
    context.close()


def test_answers_open_and_close_with_the_keyboard(browser, server, artifacts):
    context, w, page = open_sized(browser, server, _path("receptor"), ".kx-quiz-question")
    first = page.locator("details.kx-reveal").first
    answer = first.locator("p").first
    assert not answer.is_visible()
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        pytest.fail("no reveal button reachable with Tab")
    summary_text = page.evaluate("document.activeElement.textContent.trim()")
    assert summary_text == "Show the answer"
    role = page.evaluate("document.activeElement.closest('details') !== null")
    assert role
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.parentElement.open === true")
    assert page.evaluate("document.activeElement.closest('details') === "
                         "document.querySelector('details.kx-reveal')")
    assert answer.is_visible() and "117" in first.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.parentElement.open === false")
    page.keyboard.press("Space")
    page.wait_for_function("document.activeElement.parentElement.open === true")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.screenshot(path=str(artifacts / "study-reveal-open.png"))
    w.assert_clean()
    context.close()


def test_links_between_study_pages_and_the_start_page(browser, server):
    context, w, page = open_sized(browser, server, _path("receptor"), ".kx-footer")
    page.locator("#rendered_cells a", has_text="2 · Pharmacokinetics").first.click()
    page.wait_for_url(re.compile(r"/voila/render/study/pharmacokinetics\.ipynb$"),
                      wait_until="commit")
    page.wait_for_selector(".kx-footer", timeout=90_000)
    assert page.locator("h1", has_text="Pharmacokinetics").count() == 1
    page.locator(".kx-header nav a", has_text="Start").click()
    page.wait_for_url(re.compile(r"/voila/render/start\.ipynb$"),
                      wait_until="commit")
    page.wait_for_selector(".kx-footer", timeout=90_000)
    page.locator(".kx-links a", has_text="For trainees").click()
    page.wait_for_url(re.compile(r"/voila/render/study/index\.ipynb$"),
                      wait_until="commit")
    page.wait_for_selector(".kx-footer", timeout=90_000)
    page.locator("#rendered_cells a", has_text="whole self-check").click()
    page.wait_for_url(re.compile(r"/voila/render/study/self-check\.ipynb$"),
                      wait_until="commit")
    page.wait_for_selector(".kx-quiz-question", timeout=90_000)
    w.assert_clean()
    context.close()


def _active() -> str:
    return """(() => { const e = document.activeElement;
        const q = e.closest('.kx-quiz-question');
        return { tag: e.tagName, type: e.type || '', text: (e.textContent || '').trim(),
                 aria: e.getAttribute('aria-label') || '',
                 question: q ? [...document.querySelectorAll('.kx-quiz-question')].indexOf(q) : -1,
                 prompt: q ? q.querySelector('.kx-quiz-prompt').textContent.trim() : '' }; })()"""


def _tab_to(page, predicate, limit=12) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(_active())
        if predicate(state):
            return state
    pytest.fail(f"not reached with Tab; focus is on {page.evaluate(_active())}")


def test_the_whole_self_check_is_walked_with_the_keyboard(browser, server, artifacts):
    by_text = {re.sub(r"\s+", " ", q.text): q for q in quiz.questions()}
    context, w, page = open_sized(browser, server, _path("self-check"), ".kx-quiz-question")
    total = page.locator(".kx-quiz-question").count()
    assert total == len(by_text)
    assert page.locator(".kx-quiz-score .widget-html-content[aria-live=polite]").count() == 1
    state = _tab_to(page, lambda s: s["question"] == 0, limit=40)
    for n in range(total):
        assert state["question"] == n, state
        q = by_text[re.sub(r"\s+", " ", state["prompt"])]
        wrong_on_purpose = n == 0
        key = "Enter" if n % 2 else "Space"
        if q.kind == "choice":
            group = page.locator(".kx-quiz-question").nth(n).locator("[role=group]")
            assert group.get_attribute("aria-label") == state["prompt"]
            target = q.choices[q.correct_index]
            if wrong_on_purpose:
                target = next(c for c in q.choices if c != target)
            if not (state["tag"] == "BUTTON" and state["text"] == target):
                _tab_to(page, lambda s, t=target: s["tag"] == "BUTTON" and s["text"] == t,
                        limit=len(q.choices))
            page.keyboard.press(key)
        else:
            assert state["aria"] == f"Your answer ({q.unit})"
            page.keyboard.type("-12345" if wrong_on_purpose else f"{q.answer:g}")
            _tab_to(page, lambda s: s["tag"] == "BUTTON" and s["text"] == "Check answer", limit=2)
            page.keyboard.press(key)
        feedback = page.locator(".kx-quiz-question").nth(n).locator(".kx-quiz-feedback")
        expected = "Not quite." if wrong_on_purpose else "Correct."
        try:
            feedback.locator(f"text={expected}").wait_for(timeout=15_000)
        except PlaywrightTimeout:
            pytest.fail(f"question {n + 1} ({q.id}): wanted {expected!r}, "
                        f"got {feedback.inner_text()!r}")
        assert feedback.locator(".widget-html-content").get_attribute("aria-live") == "polite"
        if n + 1 < total:
            state = _tab_to(page, lambda s, n=n: s["question"] == n + 1, limit=6)
    score = page.locator(".kx-quiz-score")
    score.locator(f"text=Finished: {total - 1} of {total} correct.").wait_for(timeout=15_000)
    full_page_shot(page, artifacts / "study-self-check-walked-desktop.png", "desktop",
                   resize_ms=200)
    w.assert_clean()
    context.close()
