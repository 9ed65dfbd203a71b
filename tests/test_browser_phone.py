"""A patient on a phone at home (issue 23), in real headless Chromium at 390, 768 and 1280 px.

- Mode is one state: on every page with a view switch, Trainee -> Patient leaves nothing
  trainee-only on screen (and Patient -> Trainee shows it), in each of the timeline's views.
- Forms and controls: the plan form's boxes and the treatment list sit inside the window, fill
  the column on a phone and are 44 px tall; every control shows a 2 px (or wider) focus ring;
  the slider handle, box edges and focus rings reach 3:1 against the page; placeholders read as
  examples (italic, words first).
- Steps land: Next and Back bring the new step's heading to the top and focus its title.
- Play announces its start and its end, not every pinch; a slider's readout is not a tab stop.
- Study pages: no sideways page scroll, tables reflowed into stacked rows on a phone (checked
  with the rest of each study page's load in tests/test_browser_study.py).

Screenshots of each page at 390 px: tests/artifacts/phone-*.png.
"""

from __future__ import annotations

import re

import pytest

from explainer import content
from explainer.content import strings
from explainer.pages import pages
from harness.browser import VIEWPORTS, come_near, full_page_shot, open_sized

pytestmark = pytest.mark.browser

SIZES = ["phone", "tablet", "desktop"]
TIMEOUT = 60_000  # the kernel of a loaded machine: patience, not a weaker check
WHITE = (255, 255, 255)

# What only a trainee sees: parts marked trainee-only, the trainee passages and sources, and
# the model's units (the patient view names levels in words).
TRAINEE_PARTS = (".kx-trainee-only, .kx-passage-trainee, .kx-wt-sources, .kx-numbers-line, "
                 ".kx-pain-chart, .kx-pain-numbers, .kx-timeline-trainee, .kx-routes-table")
TRAINEE_WORDS = ("ng/mL", "µM", " mV", "Model:")

SHOWN = """([parts, words]) => {
  const seen = (el) => el.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && el.getBoundingClientRect().width > 0 && !el.closest('.kx-visually-hidden, select');
  const shownParts = [...document.querySelectorAll(parts)].filter(seen)
    .map(e => e.className.toString().slice(0, 60) + ' in ' + (e.parentElement.closest(
      '.kx-timeline-session, .kx-timeline-course, .kx-timeline-routes-view, .kx-pain-signal, '
      + '.kx-wt-step-view') || {className: 'the page'}).className.toString().slice(-40));
  const texts = [];
  const walk = document.createTreeWalker(document.querySelector('#rendered_cells'),
                                         NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const el = walk.currentNode.parentElement;
    const words = walk.currentNode.textContent;
    if (el && words.trim() && seen(el)) texts.push(words);
  }
  const text = texts.join(' ');
  return {parts: shownParts, words: words.filter(w => text.includes(w))};
}"""


def _shown(page) -> dict:
    return page.evaluate(SHOWN, [TRAINEE_PARTS, list(TRAINEE_WORDS)])


def _wait_patient_clean(page, where: str) -> None:
    """Wait until nothing trainee-only is on screen (then say what was, if it never clears)."""
    try:
        page.wait_for_function(f"a => {{ const r = ({SHOWN})(a); "
                               "return r.parts.length === 0 && r.words.length === 0; }",
                               arg=[TRAINEE_PARTS, list(TRAINEE_WORDS)], timeout=TIMEOUT)
    except Exception:  # noqa: BLE001 (the assertion below says what is left)
        pass
    assert _shown(page) == {"parts": [], "words": []}, f"trainee content in patient view: {where}"


def _wait_trainee_shown(page, where: str) -> None:
    page.wait_for_function(f"a => {{ const r = ({SHOWN})(a); "
                           "return r.parts.length > 0 && r.words.length > 0; }",
                           arg=[TRAINEE_PARTS, list(TRAINEE_WORDS)], timeout=TIMEOUT)
    assert _shown(page)["parts"], where


def _resize(page, size: str) -> None:
    """The same page at another of `VIEWPORTS` (one page load serves every width)."""
    width, height = VIEWPORTS[size]
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(300)


def _switch(page, mode: str) -> None:
    page.get_by_role("button", name=f"{mode.capitalize()} view", exact=True).click()


# --- colours -------------------------------------------------------------------------------------


def _rgb(css: str) -> tuple[int, int, int]:
    numbers = [float(x) for x in re.findall(r"[\d.]+", css)[:3]]
    return tuple(round(x) for x in numbers)


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper():
    assert round(contrast((0, 90, 140), WHITE), 1) == 7.4
    assert round(contrast((217, 217, 217), WHITE), 1) == 1.4  # the old handle's border


FOCUS = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  return {tag: el.tagName, cls: el.className.toString(), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth), color: s.outlineColor}; }"""


def _assert_focus_ring(page, what: str) -> None:
    ring = page.evaluate(FOCUS)
    assert ring["style"] not in ("none", "hidden") and ring["width"] >= 2, (what, ring)
    assert contrast(_rgb(ring["color"]), WHITE) >= 3, (what, ring)


# --- pages ---------------------------------------------------------------------------------------


LIVE_SPY = """() => {
  window.kxSaid = [];
  if (window.kxSpy) return;
  const last = new Map();
  for (const r of document.querySelectorAll('[aria-live]')) last.set(r, r.textContent.trim());
  window.kxSpy = new MutationObserver((changes) => {
    for (const c of changes) {
      const node = c.target.nodeType === 1 ? c.target : c.target.parentElement;
      const region = node && node.closest('[aria-live]');
      if (!region || region.getAttribute('aria-live') === 'off') continue;
      const text = region.textContent.trim();
      if (text && last.get(region) !== text) {
        last.set(region, text);
        window.kxSaid.push(text);
      }
    }
  });
  window.kxSpy.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


LEVELS = {"phone": ("Linked with relief", "pain relief"),   # a new level at each width
          "tablet": ("Higher: more “floaty”", "floaty"),
          "desktop": ("Linked with relief", "pain relief")}


def test_pain_signal_mode_both_ways_and_play_announces_start_and_end(browser, server, artifacts):
    context, w, page = open_sized(browser, server, "/voila/render/pain-signal.ipynb",
                                  ".kx-pain-signal .kx-figure-overlay svg", "phone")
    _wait_patient_clean(page, "pain-signal, first view")
    for size in SIZES:
        _resize(page, size)
        _switch(page, "trainee")
        _wait_trainee_shown(page, f"pain-signal, trainee view, {size}")
        page.wait_for_selector(".kx-pain-chart .kx-figure-overlay svg", state="visible",
                               timeout=TIMEOUT)
        if size == "phone":
            full_page_shot(page, artifacts / "phone-pain-signal-trainee.png", size,
                           settle_ms=600)
        _switch(page, "patient")
        _wait_patient_clean(page, f"pain-signal, back to patient, {size}")

        # Play: what the live regions say while 16 pinches arrive, 400 ms apart.
        level, said_as = LEVELS[size]
        page.get_by_role("button", name=level, exact=True).click()
        page.wait_for_function("w => document.querySelector('.kx-pain-announcer')"
                               ".textContent.includes(w)", arg=said_as, timeout=TIMEOUT)
        page.evaluate(LIVE_SPY)
        page.locator(".kx-play").click()
        page.wait_for_function("() => document.querySelector('.kx-pain-signal "
                               ".kx-browser-overlay').textContent.includes('16 of 16')",
                               timeout=TIMEOUT)
        page.wait_for_function("!document.querySelector('.kx-play').textContent"
                               ".includes('Pause')", timeout=TIMEOUT)
        page.wait_for_timeout(1500)  # anything still on its way
        said = page.evaluate("window.kxSaid")
        assert len(said) == 2, (size, said)
        assert said[0].startswith("Playing 16 pinches") and "build-up" in said[1], (size, said)
        if size == "phone":
            full_page_shot(page, artifacts / "phone-pain-signal-patient.png", size)
    w.assert_clean()
    context.close()


VIEW_BOXES = {"session": ".kx-timeline-session", "course": ".kx-timeline-course",
              "routes": ".kx-timeline-routes-view"}


def _view(page, key: str) -> None:
    """Choose a view, and wait until the kernel has shown its box (the checks that follow are
    of that view, not of the one before it)."""
    name = strings.text("timeline", f"controls.views.{key}")
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_function("s => { const e = document.querySelector(s);"
                           " return e && e.checkVisibility(); }", arg=VIEW_BOXES[key],
                           timeout=TIMEOUT)


def test_timeline_mode_both_ways_in_every_view(browser, server, artifacts):
    context, w, page = open_sized(browser, server, "/voila/render/treatment-timeline.ipynb",
                                  ".kx-timeline-session .kx-figure-overlay svg", "phone")
    _wait_patient_clean(page, "timeline, first view")
    for size in SIZES:
        _resize(page, size)
        _timeline_round_trip(page, size)
        if size == "phone":
            come_near(page, ".kx-timeline-pain-box", ".kx-timeline-pain .kx-figure-overlay svg")
            full_page_shot(page, artifacts / "phone-timeline-patient.png", size, settle_ms=600)
    w.assert_clean()
    context.close()


def _timeline_round_trip(page, size: str) -> None:
    _switch(page, "trainee")
    _wait_trainee_shown(page, "timeline session, trainee")
    _view(page, "routes")
    page.wait_for_selector(".kx-routes-table table", state="visible", timeout=TIMEOUT)
    _switch(page, "patient")
    _wait_patient_clean(page, "timeline routes, back to patient")
    _view(page, "course")
    _wait_patient_clean(page, "timeline course, patient")
    _switch(page, "trainee")
    page.wait_for_function("() => { const t = document.querySelector('.kx-timeline-trainee');"
                           " return t && t.checkVisibility(); }", timeout=TIMEOUT)
    _switch(page, "patient")
    _wait_patient_clean(page, "timeline course, back to patient")
    _view(page, "session")
    _wait_patient_clean(page, f"timeline session, patient, {size}")


BOXES = """() => [...document.querySelectorAll('.kx-timeline input, .kx-timeline select')]
  .filter(e => e.checkVisibility() && e.type !== 'checkbox')
  .map(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    const p = getComputedStyle(e, '::placeholder');
    let clipped = false;   // cut off by a box that hides what overflows it
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const box = a.getBoundingClientRect();
      if (getComputedStyle(a).overflowX !== 'visible'
          && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) clipped = true;
    }
    return {name: e.getAttribute('aria-label'), left: r.left, right: r.right, width: r.width,
            height: r.height, border: s.borderTopColor, borderWidth: parseFloat(s.borderTopWidth),
            placeholder: e.placeholder || '', placeholderStyle: p.fontStyle,
            placeholderColor: p.color, clipped}; })"""


def test_plan_form_and_controls_for_fingers_and_eyes(browser, server, artifacts):
    context, w, page = open_sized(browser, server, "/voila/render/treatment-timeline.ipynb",
                                  ".kx-plan-date input", "phone")
    _switch(page, "trainee")          # the body-weight box too
    page.wait_for_selector(".kx-timeline-weight input", state="visible", timeout=TIMEOUT)
    for size in SIZES:
        _resize(page, size)
        _check_controls(page, size)
        if size == "phone":
            page.locator(".kx-plan").scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "phone-plan-form.png"))
    w.assert_clean()
    context.close()


def _check_controls(page, size: str) -> None:
    width = VIEWPORTS[size][0]
    boxes = page.evaluate(BOXES)
    names = {b["name"] for b in boxes}
    for label in ("Treatment", "First session date", "Start time", "Name on the handout"):
        assert any(n and n.startswith(label) for n in names), (label, names)
    for box in boxes:
        assert 0 <= box["left"] and box["right"] <= width, ("outside the window", box)
        assert not box["clipped"], ("cut off by its box", box)
        assert box["height"] >= 44, ("too small to tap", box)
        if size == "phone":
            assert box["width"] >= 0.8 * (width - 40), ("not the column's width", box)
        assert box["borderWidth"] >= 1 and contrast(_rgb(box["border"]), WHITE) >= 3, box
        if box["placeholder"]:
            assert box["placeholderStyle"] == "italic", box
            assert re.match(r"[A-Za-z]", box["placeholder"]), ("reads like a value", box)
            assert contrast(_rgb(box["placeholderColor"]), WHITE) >= 4.5, box
        page.locator(f"[aria-label='{box['name']}']").focus()
        _assert_focus_ring(page, box["name"])

    # The time slider: a handle that stands out, a focus ring, a readout that is not a stop.
    handle = page.locator(".kx-cursor-slider .noUi-handle")
    colours = handle.evaluate("h => { const s = getComputedStyle(h); return "
                              "[s.borderTopColor, parseFloat(s.borderTopWidth)]; }")
    assert colours[1] >= 2 and contrast(_rgb(colours[0]), WHITE) >= 3, colours
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")            # back to the handle by keyboard: focus-visible
    assert page.evaluate("document.activeElement.classList.contains('noUi-handle')")
    _assert_focus_ring(page, "time slider handle")
    readout = page.locator(".kx-cursor-slider .widget-readout")
    page.wait_for_function("() => document.querySelector('.kx-cursor-slider .noUi-handle')"
                           ".getAttribute('aria-valuetext') === document.querySelector("
                           "'.kx-cursor-slider .widget-readout').textContent.trim()",
                           timeout=TIMEOUT)
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.classList.contains('widget-readout')")
    assert readout.evaluate("r => r.isContentEditable") is False
    # A button reached by keyboard shows its ring too.
    page.locator(".kx-plan-show button, button.kx-plan-show").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    _assert_focus_ring(page, "Show the times")


def _landed(page, step: int) -> dict:
    page.wait_for_function(
        "t => { const el = document.activeElement; return el && el.classList.contains("
        "'kx-wt-title') && el.textContent === t; }", arg=content.step_title(step),
        timeout=TIMEOUT)
    page.wait_for_timeout(1700)  # the page holds the heading in place while the step arrives
    return page.evaluate("""() => ({
      heading: document.querySelector('.kx-wt-heading').getBoundingClientRect().top,
      prompt: (document.querySelector('.kx-wt-step-view:not([style*=none]) .kx-wt-prediction')
               || document.querySelector('.kx-wt-title')).getBoundingClientRect().top,
      height: window.innerHeight})""")


def test_next_and_back_land_on_the_new_steps_heading(browser, server, artifacts):
    context, w, page = open_sized(browser, server, "/voila/render/walkthrough.ipynb?step=4",
                                  ".kx-wt-counter", "phone")
    for size in SIZES:
        _resize(page, size)
        page.select_option(".kx-wt-steps select", index=3)
        page.wait_for_function("t => document.querySelector('.kx-wt-title').textContent === t",
                               arg=content.step_title(4), timeout=TIMEOUT)
        page.locator(".kx-wt-next").scroll_into_view_if_needed()   # at the bottom of step 4
        page.locator(".kx-wt-next").click()
        where = _landed(page, 5)
        assert -2 <= where["heading"] <= 2, (size, where)
        assert where["prompt"] < where["height"], ("guess-first box below the screen", size, where)
        # Back, by keyboard from the bottom of the step.
        page.locator(".kx-wt-back").focus()
        page.keyboard.press("Enter")
        where = _landed(page, 4)
        assert -2 <= where["heading"] <= 2, (size, where)
        _walkthrough_modes(page, artifacts, size)
    w.assert_clean()
    context.close()


def _walkthrough_modes(page, artifacts, size: str) -> None:
    """The view switch: nothing trainee-only stays behind, with the pictures shown (3, 5)."""
    for step in (3, 5):
        page.select_option(".kx-wt-steps select", index=step - 1)
        page.wait_for_function("t => document.querySelector('.kx-wt-title').textContent === t",
                               arg=content.step_title(step), timeout=TIMEOUT)
        skip = page.locator(f".kx-wt-step-{step} .kx-wt-skip")
        if skip.is_visible():
            skip.click()
        page.wait_for_selector(f".kx-wt-step-{step} .kx-wt-embed .kx-figure-overlay svg",
                               state="visible", timeout=TIMEOUT)
        _wait_patient_clean(page, f"walkthrough step {step}, patient")
        _switch(page, "trainee")
        _wait_trainee_shown(page, f"walkthrough step {step}, trainee")
        _switch(page, "patient")
        _wait_patient_clean(page, f"walkthrough step {step}, back to patient")
        if size == "phone":
            full_page_shot(page, artifacts / f"phone-walkthrough-step{step}.png", size,
                           settle_ms=600)


@pytest.mark.parametrize("page_id", [p.id for p in pages()
                                     if p.notebook in ("start.ipynb", "about.ipynb")])
def test_patient_pages_at_phone_width_show_no_command_or_trainee_words(browser, server,
                                                                       artifacts, page_id):
    notebook = next(p.notebook for p in pages() if p.id == page_id)
    context, w, page = open_sized(browser, server, f"/voila/render/{notebook}", ".kx-footer",
                                  "phone")
    if page_id != "about":   # (the About page's source list names units in its titles)
        assert _shown(page)["words"] == []
    text = page.inner_text("#rendered_cells")
    assert "ketamine-explainer" not in text and page.locator("#rendered_cells code").count() == 0
    full_page_shot(page, artifacts / f"phone-{page_id}.png", "phone")
    w.assert_clean()
    context.close()
