"""The walkthrough without a browser: navigation, modes, larger text, prompts, embedded widgets,
the word list, and deep links (valid, invalid, hostile and arbitrary)."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import ipywidgets as widgets
import pytest
import traitlets
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer import content
from explainer.content import strings
from explainer.pages import preheated, read_query_string
from explainer.widgets.audience import AUDIENCES, PATIENT, TRAINEE, Mode
from explainer.widgets.safety import FRIENDLY_ERROR
from explainer.widgets.walkthrough import (
    StepView,
    Walkthrough,
    WalkthroughState,
    deeplink,
    from_link,
)
from explainer.widgets.walkthrough import widget as walkthrough
from explainer.widgets.walkthrough.deeplink import DeepLink, parse_deep_link
from explainer.widgets.walkthrough.prediction import PredictionPrompt
from explainer.widgets.walkthrough.text import note_html, step_html

REPO = Path(__file__).resolve().parents[1]
STEPS = list(content.STEPS)
LAST = STEPS[-1]
DISCLAIMER = strings.text("ui", "disclaimer")


def html_in(widget: widgets.Widget) -> str:
    """All HTML the widget tree shows right now (hidden parts left out)."""
    if getattr(widget.layout, "display", None) == "none":
        return ""
    if isinstance(widget, widgets.HTML):
        return widget.value
    return "".join(html_in(c) for c in getattr(widget, "children", ()))


def passage_ids(html: str) -> set[str]:
    return set(re.findall(r'data-passage="([^"]+)"', html))


def trainee_only_ids(step: int | None = None) -> set[str]:
    return {p.id for p in content.passages(TRAINEE, step) if p.audience == TRAINEE}


@pytest.fixture
def w():
    return Walkthrough()


class FakeEmbed(widgets.HTML):
    """Stands in for an embedded widget: counts how often it is built."""

    mode = Mode(PATIENT)
    built = 0

    def __init__(self, mode=PATIENT, **kwargs):
        type(self).built += 1
        super().__init__("<p>fake picture</p>", **kwargs)
        self.mode = mode


class BrokenEmbed(widgets.HTML):
    def __init__(self, **kwargs):
        raise RuntimeError("cannot draw")


@pytest.fixture
def fake_embeds(monkeypatch):
    FakeEmbed.built = 0
    monkeypatch.setattr(walkthrough, "EMBEDS", {3: ((__name__, "FakeEmbed"),),
                                                5: (("explainer.widgets.no_such", "X"),)})
    return FakeEmbed


# --- Navigation ----------------------------------------------------------------------------------


def test_next_and_back_move_and_stop_at_the_ends(w):
    assert w.state.step == 1 and w.back_button.disabled and not w.next_button.disabled
    w.back_button.click()
    assert w.state.step == 1
    for expected in STEPS[1:]:
        w.next_button.click()
        assert w.state.step == expected
        assert f"Step {expected} of {LAST}" in w.heading.value
        assert content.step_title(expected) in w.heading.value
        assert not w.back_button.disabled
    assert w.next_button.disabled
    w.next_button.click()
    w.state.next()
    assert w.state.step == LAST
    for expected in reversed(STEPS[:-1]):
        w.back_button.click()
        assert w.state.step == expected
    assert w.back_button.disabled and not w.next_button.disabled


def test_step_list_jumps_and_follows(w):
    labels = [label for label, _ in w.step_list.options]
    assert labels[2] == f"3. {content.step_title(3)}" and len(labels) == LAST
    assert w.step_list.description == "Steps"
    w.step_list.value = 7
    assert w.state.step == 7 and f"Step 7 of {LAST}" in w.heading.value
    assert not w.back_button.disabled and not w.next_button.disabled
    w.next_button.click()
    assert w.step_list.value == 8
    w.state.go(2)
    assert w.step_list.value == 2 and content.step_title(2) in w.heading.value


@pytest.mark.parametrize("bad", [0, LAST + 1, -1, True, 99])
def test_state_refuses_steps_outside_the_walkthrough(bad):
    state = WalkthroughState()
    with pytest.raises(traitlets.TraitError):
        state.step = bad
    assert state.step == 1
    with pytest.raises(traitlets.TraitError):
        WalkthroughState(mode="admin")


def test_screen_reader_hears_the_new_step(w):
    assert "kx-describer" in w.live._dom_classes and "kx-visually-hidden" in w.live._dom_classes
    w.next_button.click()
    assert f"Step 2 of {LAST}: {content.step_title(2)}" in w.live.value


# --- Modes and larger text -----------------------------------------------------------------------


def test_mode_switch_keeps_the_step_and_adds_trainee_content(w):
    w.state.go(4)
    patient = html_in(w.step_box)
    assert w.mode_buttons.options == (("Patient view", PATIENT), ("Trainee view", TRAINEE))
    w.mode_buttons.value = TRAINEE
    assert w.state.step == 4 and w.state.mode == TRAINEE and w.mode == TRAINEE
    trainee = html_in(w.step_box)
    assert len(passage_ids(trainee)) > len(passage_ids(patient))
    assert trainee_only_ids(4) <= passage_ids(trainee)
    assert "kx-wt-sources" in trainee and "Sources:" in trainee
    assert "kx-wt-sources" not in patient
    w.mode_buttons.value = PATIENT
    assert w.state.step == 4 and html_in(w.step_box) == patient


def test_setting_the_state_moves_the_controls(w):
    w.state.mode = TRAINEE
    assert w.mode_buttons.value == TRAINEE
    w.state.large_text = True
    assert w.large_text_button.value is True


def test_large_text_toggles_a_class_on_the_root(w):
    assert "kx-large-text" not in w._dom_classes
    w.large_text_button.value = True
    assert "kx-large-text" in w._dom_classes and w.state.large_text
    w.next_button.click()
    assert "kx-large-text" in w._dom_classes
    w.large_text_button.value = False
    assert "kx-large-text" not in w._dom_classes
    assert "kx-large-text" in Walkthrough(large_text=True)._dom_classes
    css = (REPO / "assets" / "styles" / "explainer.css").read_text()
    assert ".kx-walkthrough.kx-large-text" in css


@pytest.mark.parametrize("mode", AUDIENCES)
@pytest.mark.parametrize("step", STEPS)
def test_every_step_renders_in_both_modes(step, mode):
    w = Walkthrough(step=step, mode=mode)
    shown = html_in(w)
    assert w.error.layout.display == "none"
    assert content.step_title(step) in w.heading.value
    assert passage_ids(shown) == {p.id for p in content.passages(mode, step)}
    assert shown.count('class="kx-footer"') == 1 and DISCLAIMER in shown
    if mode == PATIENT:
        assert not passage_ids(shown) & trainee_only_ids()
        assert "kx-passage-trainee" not in shown and "Sources:" not in shown
    else:
        assert trainee_only_ids(step) <= passage_ids(shown)


def test_patient_mode_never_shows_a_trainee_only_passage(w):
    trainee_only = trainee_only_ids()
    assert trainee_only, "the content has trainee passages"
    for step in STEPS:
        assert not passage_ids(step_html(step, PATIENT)) & trainee_only
        w.state.go(step)
        assert not passage_ids(html_in(w)) & trainee_only
    w.state.mode = TRAINEE  # and after a visit to trainee view, patient view is clean again
    w.state.mode = PATIENT
    for step in STEPS:
        w.state.go(step)
        assert not passage_ids(html_in(w)) & trainee_only


def test_trainee_sources_are_the_registry_citations():
    html = step_html(3, TRAINEE)
    for p in content.passages(TRAINEE, 3):
        for citation in content.format_refs(p.refs):
            assert citation.replace("'", "&#x27;") in html


def test_footer_once_on_every_step(w):
    for step in STEPS:
        w.state.go(step)
        assert html_in(w).count('class="kx-footer"') == 1
        assert w.children[-1] is w.footer


def test_last_step_holds_questions_and_summary():
    shown = html_in(Walkthrough(step=LAST))
    assert "Questions you may want to ask your care team" in shown
    assert "The main points" in shown


# --- Prediction prompts and embedded widgets -----------------------------------------------------


def test_prompt_shows_feedback_only_after_a_choice():
    pred = content.predictions(3)[0]
    prompt = PredictionPrompt(pred)
    assert prompt.feedback.value == "" and not prompt.answered and prompt.correct is None
    assert [b.description for b in prompt.buttons] == [c.text for c in pred.choices]
    assert 2 <= len(prompt.buttons) <= 3
    wrong = next(c for c in pred.choices if c.id != pred.answer)
    prompt.buttons[pred.choices.index(wrong)].click()
    assert prompt.choice == wrong.id and prompt.correct is False
    incorrect = strings.text("ui", "prediction.incorrect")
    assert incorrect in prompt.feedback.value.replace("&#x27;", "'")
    assert pred.correct_choice.text in prompt.feedback.value
    assert "kx-wt-chosen" in prompt.buttons[pred.choices.index(wrong)]._dom_classes
    prompt.choose(pred.answer)
    assert prompt.correct is True
    assert strings.text("ui", "prediction.correct") in prompt.feedback.value.replace("&#x27;", "'")
    assert pred.explanation.replace("'", "&#x27;") in prompt.feedback.value
    assert "kx-wt-chosen" not in prompt.buttons[pred.choices.index(wrong)]._dom_classes
    assert "Sources" not in prompt.feedback.value
    prompt.mode = TRAINEE
    assert "kx-wt-sources" in prompt.feedback.value
    prompt.choose("no-such-choice")
    assert prompt.choice == pred.answer


def test_widget_revealed_after_the_first_guess(fake_embeds):
    w = Walkthrough(step=3)
    view = w.views[3]
    assert fake_embeds.built == 1 and view.embed_box.layout.display == "none"
    assert view.skip_button.layout.display is None and not view.revealed
    shown = [p.layout.display is None for p in view.prompts]
    assert shown == [True, False, False]  # patient: first prompt only; trainee one hidden
    view.prompts[0].buttons[0].click()
    assert view.revealed and view.embed_box.layout.display is None
    assert view.skip_button.layout.display == "none"
    assert [p.layout.display is None for p in view.prompts] == [True, True, False]
    view.prompts[1].choose("a")
    assert [p.layout.display is None for p in view.prompts] == [True, True, False]
    w.state.mode = TRAINEE
    assert [p.layout.display is None for p in view.prompts] == [True, True, True]
    assert view.embeds[0].mode == TRAINEE


def test_skip_reveals_the_widget_without_a_guess(fake_embeds):
    w = Walkthrough(step=3)
    view = w.views[3]
    view.skip_button.click()
    assert view.revealed and view.embed_box.layout.display is None
    assert not any(p.answered for p in view.prompts)
    assert view.prompts[0].layout.display is None


def test_embedded_widgets_are_built_lazily_once_and_follow_the_mode(fake_embeds):
    w = Walkthrough()
    assert list(w.views) == [1] and fake_embeds.built == 0
    w.state.go(2)
    assert fake_embeds.built == 0
    w.state.go(3)
    assert fake_embeds.built == 1
    w.state.go(4)
    w.state.mode = TRAINEE
    assert w.views[3].embeds[0].mode == TRAINEE
    w.state.go(3)
    assert fake_embeds.built == 1 and w.step_box.children == (w.views[3],)
    w.mode_buttons.value = PATIENT
    assert w.views[3].embeds[0].mode == PATIENT


def test_guess_first_then_text_then_picture():
    from explainer.widgets.pain_signal import ModelNote, PainSignalWidget

    view = Walkthrough(step=3).views[3]
    kinds = [type(c).__name__ for c in view.children]
    assert kinds == ["VBox", "Button", "HTML", "VBox"]
    assert view.children[0].children == tuple(view.prompts)
    assert view.children[1] is view.skip_button and view.children[2] is view.passages
    assert view.children[3] is view.embed_box
    diagram, note = view.embeds
    assert isinstance(diagram, PainSignalWidget) and isinstance(note, ModelNote)
    view.mode = TRAINEE
    assert diagram.mode == TRAINEE and note.mode == TRAINEE


def test_an_embed_may_stay_in_patient_mode(monkeypatch, fake_embeds):
    monkeypatch.setattr(walkthrough, "EMBEDS", {
        3: (walkthrough.Embed(__name__, "FakeEmbed", follows_mode=False),)})
    w = Walkthrough(step=3, mode=TRAINEE)
    assert w.views[3].embeds[0].mode == PATIENT
    w.state.mode = PATIENT
    w.state.mode = TRAINEE
    assert w.views[3].embeds[0].mode == PATIENT


def test_a_step_with_a_widget_but_no_prompt_shows_it_at_once(monkeypatch, fake_embeds):
    monkeypatch.setattr(walkthrough, "EMBEDS", {2: ((__name__, "FakeEmbed"),)})
    view = Walkthrough(step=2).views[2]
    assert view.revealed and view.embed_box.layout.display is None
    assert view.skip_button not in view.children


def test_step_with_a_missing_widget_shows_text_and_prompts_only(fake_embeds):
    w = Walkthrough(step=5)
    view = w.views[5]
    assert view.embeds == [] and w.error.layout.display == "none"
    assert view.skip_button not in view.children and view.embed_box not in view.children
    assert view.prompts and passage_ids(html_in(view))
    view.prompts[0].choose(view.prompts[0].prediction.answer)
    assert "kx-wt-right" in view.prompts[0].feedback.value


def test_a_widget_that_fails_to_build_is_left_out(monkeypatch):
    monkeypatch.setattr(walkthrough, "EMBEDS", {3: ((__name__, "BrokenEmbed"),)})
    w = Walkthrough(step=3)
    assert w.views[3].embeds == [] and w.error.layout.display == "none"


def test_the_real_diagram_is_embedded_in_step_three_in_sync():
    from explainer.widgets.pain_signal import PainSignalWidget

    w = Walkthrough(step=2)
    w.next_button.click()
    diagram = next(e for e in w.views[3].embeds if isinstance(e, PainSignalWidget))
    w.mode_buttons.value = TRAINEE
    assert diagram.mode == TRAINEE and diagram.state.mode == TRAINEE
    w.mode_buttons.value = PATIENT
    assert diagram.mode == PATIENT


def test_step_five_uses_the_timeline_when_it_exists():
    w = Walkthrough(step=5)
    try:
        from explainer.widgets.timeline import TimelineWidget
    except ImportError:
        assert w.views[5].embeds == []
        return
    assert any(isinstance(e, TimelineWidget) for e in w.views[5].embeds)


def test_a_failing_callback_shows_the_friendly_message(monkeypatch, w):
    real = walkthrough.StepView

    def flaky(step, **kwargs):
        if step == 2:
            raise RuntimeError("boom")
        return real(step, **kwargs)

    monkeypatch.setattr(walkthrough, "StepView", flaky)
    w.next_button.click()
    assert w.error.layout.display is None and FRIENDLY_ERROR in w.error.value
    w.state.go(4)
    assert w.error.layout.display == "none" and f"Step 4 of {LAST}" in w.heading.value


# --- Word list -----------------------------------------------------------------------------------


def test_explain_a_word(w):
    assert w.glossary_picker.description == "Explain a word"
    assert w.definition.value == ""
    term = content.glossary()[0]
    w.glossary_picker.value = term.id
    assert term.term in w.definition.value and term.html in w.definition.value
    assert "kx-wt-sources" not in w.definition.value
    w.state.mode = TRAINEE
    assert "kx-wt-sources" in w.definition.value
    w.next_button.click()
    assert w.glossary_picker.value == "" and w.definition.value == ""


# --- Start-up ------------------------------------------------------------------------------------


def test_start_up_builds_only_the_first_step(fake_embeds):
    Walkthrough()  # content loaded, imports done
    start = time.perf_counter()
    w = Walkthrough(step=3, mode=TRAINEE)
    elapsed = time.perf_counter() - start
    assert list(w.views) == [3]
    assert elapsed < 1.0, f"building the walkthrough took {elapsed:.2f} s"


# --- Deep links ----------------------------------------------------------------------------------

VALID = [
    ("", 1, PATIENT),
    ("?", 1, PATIENT),
    ("step=5&mode=trainee", 5, TRAINEE),
    ("?step=5&mode=trainee", 5, TRAINEE),
    (f"mode=trainee&step={LAST}", LAST, TRAINEE),
    ("step=1", 1, PATIENT),
    (f"step={LAST:02d}", LAST, PATIENT),
    ("step=+7+", 7, PATIENT),
    ("step=%206", 6, PATIENT),
    ("mode=TRAINEE", 1, TRAINEE),
    ("mode=Patient&step=2", 2, PATIENT),
    ("step=3&step=3", 3, PATIENT),
    ("step=4&utm_source=leaflet&voila-theme=dark", 4, PATIENT),
    ("step=&mode=", 1, PATIENT),
    ("step=2;mode=trainee", 1, PATIENT),  # ";" is not a separator: ignored, no harm
]


@pytest.mark.parametrize(("query", "step", "mode"), VALID)
def test_deep_link_valid(query, step, mode):
    link = parse_deep_link(query)
    assert (link.step, link.mode) == (step, mode)
    if query != "step=2;mode=trainee":
        assert link.notes == ()


def test_deep_link_unpacks_as_a_triple():
    step, mode, notes = parse_deep_link("step=5&mode=trainee")
    assert (step, mode, notes) == (5, TRAINEE, ())
    assert parse_deep_link("step=5") == DeepLink(5, PATIENT, ())


LONG = "step=" + "9" * 5000
SCRIPT = "<script>alert(1)</script>"
INVALID = [
    ("step=0", 1, PATIENT, ("step",)),
    ("step=10", 1, PATIENT, ("step",)),
    ("step=99&mode=trainee", 1, TRAINEE, ("step",)),
    ("step=abc", 1, PATIENT, ("step",)),
    ("step=-1", 1, PATIENT, ("step",)),
    ("step=1.5", 1, PATIENT, ("step",)),
    ("step=5e0", 1, PATIENT, ("step",)),
    ("step=0x5", 1, PATIENT, ("step",)),
    ("step=" + quote("５"), 1, PATIENT, ("step",)),   # a full-width digit
    ("step=" + quote("٥"), 1, PATIENT, ("step",)),    # an Arabic-Indic digit
    ("step=" + quote("⑤"), 1, PATIENT, ("step",)),
    ("step=3&step=4", 1, PATIENT, ("step",)),
    ("mode=admin", 1, PATIENT, ("mode",)),
    ("mode=trainees", 1, PATIENT, ("mode",)),
    ("mode=" + quote("trainée"), 1, PATIENT, ("mode",)),
    ("mode=" + quote("ＴＲＡＩＮＥＥ"), 1, PATIENT, ("mode",)),
    ("mode=patient&mode=trainee", 1, PATIENT, ("mode",)),
    ("step=5&mode=" + quote(SCRIPT), 5, PATIENT, ("mode",)),
    ("step=99&mode=" + quote(SCRIPT), 1, PATIENT, ("step", "mode")),
    ("step=99&mode=" + SCRIPT, 1, PATIENT, ("step", "mode")),
    ("step=%00&mode=%FF%FE", 1, PATIENT, ("step", "mode")),
    ("step=" + quote("5\u202e"), 1, PATIENT, ("step",)),
    (LONG, 1, PATIENT, ("query",)),
    ("step=5&mode=trainee&" + "&".join(f"k{i}=v" for i in range(100)), 1, PATIENT, ("query",)),
]


@pytest.mark.parametrize(("query", "step", "mode", "notes"), INVALID)
def test_deep_link_invalid_falls_back_with_a_note(query, step, mode, notes):
    link = parse_deep_link(query)
    assert link == DeepLink(step, mode, notes)
    html = note_html(link.notes)
    assert html and "kx-note" in html
    assert "<script" not in html and "alert" not in html and "99" not in html


@pytest.mark.parametrize("query", [None, b"step=5", 5, ["step=5"], object()])
def test_deep_link_of_a_non_string_never_raises(query):
    link = parse_deep_link(query)
    assert (link.step, link.mode) == (1, PATIENT)


def _check_link(link) -> None:
    assert isinstance(link, DeepLink)
    assert link.step in content.STEPS and link.mode in AUDIENCES
    assert set(link.notes) <= set(deeplink.NOTE_CODES)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_deep_link_never_raises_on_arbitrary_text(query):
    _check_link(parse_deep_link(query))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["step", "mode", "x", "STEP", ""]),
                       st.text(max_size=40), max_size=4))
def test_deep_link_never_raises_on_arbitrary_values(fields):
    link = parse_deep_link(urlencode(fields))
    _check_link(link)
    if "step" in fields and fields["step"].strip() in {str(n) for n in content.STEPS}:
        assert link.step == int(fields["step"])


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_note_never_echoes_the_link(value):
    link = parse_deep_link(urlencode({"step": value, "mode": value}))
    codes = deeplink.NOTE_CODES
    fixed = {note_html(combo) for n in range(len(codes) + 1)
             for combo in itertools.combinations(codes, n)}
    assert note_html(link.notes) in fixed  # fixed sentences only


def test_read_query_string_from_the_environment(monkeypatch):
    assert read_query_string({"QUERY_STRING": "step=4"}) == "step=4"
    assert read_query_string({}) == ""
    assert read_query_string({"QUERY_STRING": "step=4", "VOILA_PREHEAT": "False"}) == "step=4"
    import voila.utils

    monkeypatch.setattr(voila.utils, "get_query_string", lambda url=None: "step=6")
    assert read_query_string({"VOILA_PREHEAT": "True", "QUERY_STRING": ""}) == "step=6"

    def broken(url=None):
        raise OSError("no server")

    monkeypatch.setattr(voila.utils, "get_query_string", broken)
    assert read_query_string({"VOILA_PREHEAT": "True"}) == ""
    monkeypatch.setenv("QUERY_STRING", "step=8&mode=trainee")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert read_query_string() == "step=8&mode=trainee"


def test_walkthrough_opens_where_the_link_says(monkeypatch):
    w = from_link("step=5&mode=trainee")
    assert (w.state.step, w.state.mode) == (5, TRAINEE) and list(w.views) == [5]
    assert w.note.layout.display == "none" and w.step_list.value == 5
    assert w.mode_buttons.value == TRAINEE
    monkeypatch.setenv("QUERY_STRING", "step=7")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert from_link().state.step == 7


def test_a_shown_walkthrough_follows_a_link_that_arrives_later():
    """A preheated kernel builds step 1 first and learns the viewer's link when it arrives."""
    w = Walkthrough()
    w.follow(parse_deep_link("step=5&mode=trainee"))
    assert (w.state.step, w.state.mode) == (5, TRAINEE) and sorted(w.views) == [1, 5]
    assert w.step_list.value == 5 and w.mode_buttons.value == TRAINEE
    assert w.note.layout.display == "none"
    w.follow(parse_deep_link("step=99"))  # unusable: step 1 and the note, as at start-up
    assert w.state.step == 1 and "kx-wt-link-note" in w.note.value
    assert w.note.layout.display != "none"
    w.next_button.click()
    assert w.note.layout.display == "none"


def test_a_preheated_page_waits_for_its_link_in_the_background(monkeypatch):
    asked = []

    def query_string():
        asked.append(True)
        time.sleep(0.2)  # the viewer arrives later
        return "step=4"

    monkeypatch.setattr(walkthrough, "read_query_string", query_string)
    w = Walkthrough()
    thread = walkthrough.follow_request(w)
    assert w.state.step == 1  # the page is up before the link arrives
    thread.join(5)
    assert asked and not thread.is_alive() and w.state.step == 4
    monkeypatch.setattr(walkthrough, "read_query_string", lambda: 1 / 0)
    w = Walkthrough()
    walkthrough.follow_request(w).join(5)  # a failure leaves the page at step 1, and says so
    assert w.state.step == 1 and w.error.layout.display != "none"


def test_a_link_that_arrives_later_is_followed_on_the_kernels_loop(monkeypatch):
    """The waiting thread hands the step change to the kernel's main loop, so it never runs
    while the kernel answers the page's request for every widget's state."""
    from types import SimpleNamespace

    from ipykernel.kernelapp import IPKernelApp

    scheduled = []
    kernel = SimpleNamespace(io_loop=SimpleNamespace(add_callback=scheduled.append))
    monkeypatch.setattr(IPKernelApp, "initialized", classmethod(lambda cls: True))
    monkeypatch.setattr(IPKernelApp, "instance", classmethod(lambda cls: SimpleNamespace(
        kernel=kernel)))
    monkeypatch.setattr(walkthrough, "read_query_string", lambda: "step=6")
    w = Walkthrough()
    walkthrough.follow_request(w).join(5)
    assert len(scheduled) == 1 and w.state.step == 1  # not yet: the loop runs it
    scheduled[0]()
    assert w.state.step == 6


def test_page_in_a_preheated_kernel_builds_step_one_then_follows(monkeypatch):
    shown, followed = [], []
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(walkthrough, "show_page", lambda name, title, w, footer: shown.append(w))
    monkeypatch.setattr(walkthrough, "follow_request", followed.append)
    monkeypatch.setattr(walkthrough, "prefetch", lambda: None)
    walkthrough.page()
    assert followed == shown and shown[0].state.step == 1
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "step=3")
    walkthrough.page()
    assert len(followed) == 1 and shown[1].state.step == 3
    assert preheated({"VOILA_PREHEAT": "true"}) and not preheated({})


def test_a_bad_link_opens_step_one_with_a_gentle_note():
    w = from_link("step=99&mode=" + quote(SCRIPT))
    assert (w.state.step, w.state.mode) == (1, PATIENT)
    assert w.note.layout.display is None
    assert strings.text("ui", "walkthrough.notes.step") in w.note.value
    assert "script" not in w.note.value and "99" not in w.note.value
    w.next_button.click()  # once the viewer moves on, the note has done its job
    assert w.note.layout.display == "none"


def test_page_shows_the_header_and_the_walkthrough(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.setattr(walkthrough, "prefetch", lambda delay=2.0: None)
    walkthrough.page("step=2")
    assert isinstance(shown[-1], Walkthrough) and shown[-1].state.step == 2
    header = shown[0].data
    assert 'aria-current="page"' in header and "kx-header" in header


def test_prefetch_imports_without_building(fake_embeds):
    timer = walkthrough.prefetch(delay=0)
    timer.join(timeout=30)
    assert fake_embeds.built == 0


def test_step_view_alone():
    view = StepView(1)
    assert passage_ids(view.passages.value) == {p.id for p in content.passages(PATIENT, 1)}
    assert view.prompts == [] and view.embeds == []


def test_clear_cache_renders_afresh():
    from explainer.widgets.walkthrough import text as walkthrough_text

    before = step_html(2, TRAINEE)
    walkthrough_text.clear_cache()
    assert step_html.cache_info().currsize == 0
    assert step_html(2, TRAINEE) == before


def test_progress_counts_only_the_steps_a_clinic_shows(monkeypatch, tmp_path):
    """A clinic that hides step 4 (a clinic that gives only drips may leave out the routes; the
    evidence, risks, safety and summary steps cannot be hidden): the last step is "Step 8 of 8",
    the strip has 8 dots, the step list is numbered 1–8, and Next skips the hidden step."""
    from explainer.content.clinic import config as clinic
    from explainer.content.clinic import env as clinic_env

    shown = (1, 2, 3, 5, 6, 7, 8, 9)
    source = (Path(__file__).resolve().parents[1] / "examples/clinic-us.toml").read_text()
    path = tmp_path / "clinic-without-step-4.toml"
    path.write_text(source.replace("steps = [1, 2, 3, 4, 5, 6, 7, 8, 9]",
                                   "steps = [1, 2, 3, 5, 6, 7, 8, 9]"), encoding="utf-8")
    cfg = clinic.load_clinic(path)
    assert tuple(cfg.steps) == shown
    monkeypatch.setattr(clinic_env, "current", lambda: cfg)
    w = Walkthrough(step=3)
    assert "Step 3 of 8" in w.heading.value and 'tabindex="-1"' in w.heading.value
    w.next_button.click()
    assert w.state.step == 5 and "Step 4 of 8" in w.heading.value
    assert f"Step 4 of 8: {content.step_title(5)}" in w.live.value
    w.step_list.value = 9
    assert "Step 8 of 8" in w.heading.value and w.heading.value.count("<span") == 8
    labels = [label for label, _ in w.step_list.options]
    assert [v for _, v in w.step_list.options] == list(shown)
    assert labels[-1].startswith("8. ") and labels[3] == f"4. {content.step_title(5)}"


def test_the_walkthrough_carries_its_mode_as_a_class(w):
    assert "kx-mode-patient" in w._dom_classes
    w.state.mode = TRAINEE
    assert "kx-mode-trainee" in w._dom_classes and "kx-mode-patient" not in w._dom_classes
