"""The walkthrough in real headless Chromium: every step by keyboard alone (patient, then
trainee), a mode switch mid-way, larger text, deep links good and bad, and pictures.

Screenshots: tests/artifacts/walkthrough-{mode}-step{n}-{size}.png, the whole walkthrough at
desktop (1280 wide) and tablet (768 wide) width. One page per mode: the walkthrough updates
in place, so the page is never reloaded while walking.
"""

from __future__ import annotations

import pytest

from explainer import content
from harness.browser import VIEWPORTS, full_page_shot, open_sized

pytestmark = pytest.mark.browser

URL = "/voila/render/walkthrough.ipynb"
READY = ".kx-walkthrough .kx-footer"
COUNTER = ".kx-wt-counter"
TIMEOUT = 30_000
NOTE = ".kx-wt-link-note"
FONT_SIZE = "p => parseFloat(getComputedStyle(p).fontSize)"
STEPS = content.STEPS
LAST = STEPS[-1]


def _open(browser, server, query: str = "", size: str = "desktop"):
    return open_sized(browser, server, URL + query, COUNTER, size)


def _wait_step(page, n: int) -> None:
    page.wait_for_function(
        "text => { const e = document.querySelector('.kx-wt-counter');"
        " return e && e.textContent.trim() === text; }",
        arg=f"Step {n} of {LAST}", timeout=TIMEOUT)
    page.wait_for_function(
        "t => { const e = document.querySelector('.kx-wt-title');"
        " return e && e.textContent === t; }",
        arg=content.step_title(n), timeout=TIMEOUT)


IS_TITLE = "el.classList.contains('kx-wt-title')"


def _landed(page) -> None:
    """After Back or Next, focus is on the new step's title (the page moves it there)."""
    page.wait_for_function(f"() => {{ const el = document.activeElement; return !!el && "
                           f"({IS_TITLE}); }}", timeout=TIMEOUT)


def _focused(page, js_test: str) -> bool:
    return page.evaluate(
        f"() => {{ const el = document.activeElement; return !!el && ({js_test}); }}")


def _tab_to(page, js_test: str, reverse: bool = False, limit: int = 150) -> int:
    """Press Tab (or Shift+Tab) until the focused element passes `js_test` (uses `el`)."""
    key = "Shift+Tab" if reverse else "Tab"
    for presses in range(limit):
        if _focused(page, js_test):
            return presses
        page.keyboard.press(key)
    raise AssertionError(f"could not reach {js_test!r} with {key} in {limit} presses")


IS_NEXT = "el.classList.contains('kx-wt-next')"
IS_BACK = "el.classList.contains('kx-wt-back')"
IS_CHOICE = "el.classList.contains('kx-wt-choice')"
IS_SKIP = "el.classList.contains('kx-wt-skip')"
IS_STEPS = "el.tagName === 'SELECT' && !!el.closest('.kx-wt-steps')"


def _is_button(label: str) -> str:
    return f"el.tagName === 'BUTTON' && el.textContent.trim() === {label!r}"


def _check_page(w, page) -> None:
    w.assert_clean()
    assert w.dialogs == []


def _check_step(page, n: int, mode: str) -> None:
    assert page.locator(".kx-footer").count() == 1
    assert page.locator(".kx-footer").inner_text().startswith("Education, not medical advice")
    trainee_passages = page.locator(".kx-passage-trainee").count()
    if mode == "patient":
        assert trainee_passages == 0
        assert page.locator(".kx-wt-sources:visible").count() == 0
    else:
        assert trainee_passages > 0 and page.locator(".kx-wt-sources").count() > 0
    pressed = page.locator(".kx-mode-switch button[aria-pressed=true]").inner_text().strip()
    assert pressed == ("Patient view" if mode == "patient" else "Trainee view")
    assert page.eval_on_selector(".kx-wt-steps select", "s => s.selectedIndex") == n - 1
    # Back and Next are updated by their own messages after the step's: wait for them too.
    page.wait_for_function("([first, last]) => document.querySelector('.kx-wt-back').disabled"
                           " === first && document.querySelector('.kx-wt-next').disabled"
                           " === last", arg=[n == 1, n == LAST], timeout=TIMEOUT)
    assert page.locator(".kx-wt-back").is_disabled() == (n == 1)
    assert page.locator(".kx-wt-next").is_disabled() == (n == LAST)


def _guess_by_keyboard(page) -> None:
    """From Next, go back to the first guess's buttons, pick one, see the answer and picture."""
    _tab_to(page, IS_CHOICE, reverse=True)
    page.keyboard.press("Space")
    page.wait_for_selector(".kx-wt-feedback-body", timeout=TIMEOUT)
    text = page.locator(".kx-wt-feedback-body").first.inner_text()
    assert "Yes, that's right." in text or "Not quite." in text


def _walk_forward(page, artifacts, mode: str) -> None:
    """Every step, first to last, by keyboard alone, a picture of each at desktop width."""
    _tab_to(page, IS_NEXT)
    keys = ["Enter", "Space"]
    for n in STEPS:
        _wait_step(page, n)
        if n > 1:
            _landed(page)
        if 1 < n < 9:
            _tab_to(page, IS_NEXT, limit=400)  # from the title, past the step's controls
        if n == 3:
            assert page.locator(".kx-wt-embed .kx-pain-signal").is_hidden()
            if mode == "patient":
                _guess_by_keyboard(page)
            else:
                _tab_to(page, IS_SKIP, reverse=True)
                page.keyboard.press("Enter")
            page.wait_for_selector(".kx-wt-embed .kx-pain-signal .kx-figure-overlay svg",
                                   state="visible", timeout=TIMEOUT)
            if mode == "trainee":
                page.wait_for_selector(".kx-pain-chart", state="visible", timeout=TIMEOUT)
        if n == 5 and page.locator(".kx-wt-step-5 .kx-wt-choice").count():
            _guess_by_keyboard(page)
        _check_step(page, n, mode)
        full_page_shot(page, artifacts / f"walkthrough-{mode}-step{n}-desktop.png", "desktop",
                       settle_ms=350)
        if n < LAST:
            if not _focused(page, IS_NEXT):
                _tab_to(page, IS_NEXT)
            page.keyboard.press(keys[n % 2])


def _walk_back(page, artifacts, mode: str) -> None:
    """At tablet width, the last step back to the first with Back, by keyboard; a picture of
    each step."""
    page.set_viewport_size({"width": VIEWPORTS["tablet"][0], "height": VIEWPORTS["tablet"][1]})
    page.keyboard.press("Shift+Tab")  # wherever focus is after Next was disabled
    _tab_to(page, IS_BACK, reverse=True)
    for n in reversed(STEPS):
        _wait_step(page, n)
        if n < 9:
            _landed(page)
        if 1 < n < 9:
            _tab_to(page, IS_BACK, limit=400)
        _check_step(page, n, mode)
        full_page_shot(page, artifacts / f"walkthrough-{mode}-step{n}-tablet.png", "tablet",
                       settle_ms=350)
        if n > 1:
            if not _focused(page, IS_BACK):
                _tab_to(page, IS_BACK)
            page.keyboard.press("Enter")


def test_patient_walk_by_keyboard(browser, server, artifacts):
    context, w, page = _open(browser, server)
    url = page.url
    _wait_step(page, 1)
    _walk_forward(page, artifacts, "patient")
    assert page.locator(".kx-wt-next").is_disabled()
    assert "Questions you may want to ask your care team" in page.inner_text(".kx-wt-step")
    assert "The main points" in page.inner_text(".kx-wt-step")
    _walk_back(page, artifacts, "patient")
    assert page.url == url, "the walkthrough moved in place, without reloading"
    # The answered guess and the revealed picture are still there on the way back.
    page.select_option(".kx-wt-steps select", index=2)  # jump with the step list
    _wait_step(page, 3)
    assert page.locator(".kx-wt-embed .kx-pain-signal").is_visible()
    _check_page(w, page)
    context.close()


def test_trainee_walk_by_keyboard_with_a_mode_switch_mid_way(browser, server, artifacts):
    context, w, page = _open(browser, server)
    _tab_to(page, IS_NEXT)
    for n in (2, 3, 4):
        page.keyboard.press("Enter")
        _wait_step(page, n)
        _landed(page)
        _tab_to(page, IS_NEXT)
    _check_step(page, 4, "patient")
    patient_text = page.inner_text(".kx-wt-step")
    # Switch to the trainee view by keyboard: the step stays, the content grows.
    _tab_to(page, _is_button("Trainee view"), reverse=True)
    page.keyboard.press("Space")
    page.wait_for_selector(".kx-passage-trainee", timeout=TIMEOUT)
    _wait_step(page, 4)
    _check_step(page, 4, "trainee")
    assert len(page.inner_text(".kx-wt-step")) > len(patient_text)
    # Back to step 1 with the step list, by keyboard (arrow keys on the closed list).
    _tab_to(page, IS_STEPS, reverse=True)
    for _ in range(3):
        page.keyboard.press("ArrowUp")
    _wait_step(page, 1)
    _walk_forward(page, artifacts, "trainee")
    _walk_back(page, artifacts, "trainee")
    # Larger text, by keyboard: the class goes on the walkthrough and the words grow.
    before = page.eval_on_selector(".kx-wt-passages p", FONT_SIZE)
    _tab_to(page, _is_button("Larger text"), reverse=True)
    page.keyboard.press("Space")
    page.wait_for_selector(".kx-walkthrough.kx-large-text", timeout=TIMEOUT)
    page.wait_for_timeout(200)
    after = page.eval_on_selector(".kx-wt-passages p", FONT_SIZE)
    assert (before, after) == (18, 22)
    assert page.locator(".kx-wt-large-toggle").get_attribute("aria-pressed") == "true"
    full_page_shot(page, artifacts / "walkthrough-trainee-step1-tablet-large-text.png", "tablet",
                   settle_ms=350)
    _check_page(w, page)
    context.close()


GOOD = "?step=5&mode=trainee"
BAD_LINKS = {
    "abc": "?step=abc",
    "script": "?step=99&mode=<script>alert(1)</script>",
    "long": "?step=" + "7" * 5000,
    "unicode": "?step=５&mode=trainée&x=😀",
    "repeated": "?step=2&step=6&mode=patient",
}


def test_deep_link_opens_that_step_in_that_mode(browser, server, artifacts):
    context, w, page = _open(browser, server, GOOD)
    _wait_step(page, 5)
    _check_step(page, 5, "trainee")
    assert page.locator(NOTE).count() == 0
    page.get_by_role("button", name="Next").click()
    _wait_step(page, 6)
    _check_page(w, page)
    context.close()


@pytest.mark.parametrize("name", list(BAD_LINKS))
def test_bad_deep_link_gives_a_working_page_and_a_gentle_note(browser, server, artifacts, name):
    context, w, page = _open(browser, server, BAD_LINKS[name], size="tablet")
    _wait_step(page, 1)
    note = page.locator(NOTE)
    note.wait_for(state="visible", timeout=TIMEOUT)
    text = note.inner_text()
    assert text.startswith("We could not")
    for leaked in ("script", "alert", "99", "777", "５", "trainée", "😀"):
        assert leaked not in text
    assert page.locator("script:has-text('alert(1)')").count() == 0
    if name == "long":
        page.screenshot(path=str(artifacts / "walkthrough-bad-link-tablet.png"))
    page.get_by_role("button", name="Next").click()  # the page works, and the note goes
    _wait_step(page, 2)
    note.wait_for(state="hidden", timeout=TIMEOUT)
    _check_page(w, page)
    context.close()


def test_deep_link_with_preheated_kernels(browser, make_server):
    """A preheated kernel starts before the request, so it asks Voilà for the query string."""
    import time

    srv = make_server("--preheat", "1", name="walkthrough-preheat")
    deadline = time.monotonic() + 90
    while "Kernel pool of walkthrough.ipynb is filled" not in srv.log():
        assert time.monotonic() < deadline, "the preheated pool did not fill"
        time.sleep(0.5)
    context, w, page = _open(browser, srv, GOOD)
    _wait_step(page, 5)
    # The link's mode is its own message after the page's first state (the kernel follows
    # the link once the viewer arrives): wait for it as for the step (a CI run under load
    # checked the switch between the two).
    page.wait_for_function("() => { const b = document.querySelector("
                           "'.kx-mode-switch button[aria-pressed=true]');"
                           " return b && b.textContent.trim() === 'Trainee view'; }",
                           timeout=TIMEOUT)
    _check_step(page, 5, "trainee")
    assert page.locator(NOTE).count() == 0
    _check_page(w, page)
    context.close()
