"""The words drawn with the picture (issue 26): one source of truth.

The page writes the describer's words from the overlay's pack in the same frame as the picture
(overlay.js). Those words must be the kernel's: for a grid of states, in every locale the string
accessor offers, the packed words (unpacked as the page unpacks them) equal what the describer
functions write and what the widgets themselves put in their describer and live region. And
the kernel does not send the page words it has already written (no double speech)."""

from __future__ import annotations

import json
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from explainer.content import strings
from explainer.content.clinic.env import shown_protocols
from explainer.figures import session as timeline_fig
from explainer.figures.frames import FramePack, document, split_clauses
from explainer.models.plan import PlanRules, clock_label, make_plan
from explainer.widgets import pain_signal as pain
from explainer.widgets import timeline as timeline
from explainer.widgets.browser import packs
from explainer.widgets.pain_signal.describe import describer_html, play_start_html
from explainer.widgets.pain_signal.state import simulate
from explainer.widgets.syncing import already_shown
from explainer.widgets.timeline.describe_session import session_html

MODES = ("patient", "trainee")


def offered_locales(table: str) -> list[str]:
    """The locales the string accessor offers (every one falls back to the base, so each can
    load `table`)."""
    return list(strings.locales())


@pytest.fixture
def in_locale():
    """Switch the kernel's locale (as a page does from its link's ``?lang=``) for one test;
    the packs' caches are keyed by locale."""
    yield strings.use
    strings.use(None)


def packed_words(pack: dict, *index: int) -> str:
    """The words the page writes for the state at `index` along the pack's axes."""
    words = pack["words"]
    node = words["table"]
    for i in index:
        node = node[i]
    return document(words, node)


def test_clauses_give_the_html_back_and_a_shared_sentence_is_stored_once():
    html = ('<p>Pinch 3 of 16: the signal is weak. At a low level, it grows less.</p>'
            '<p class="kx-numbers-line">Model: 5 ng/mL; 4% blocked.</p>')
    pieces = split_clauses(html)
    assert "".join(pieces) == html
    assert pieces[1] == "At a low level, it grows less.</p>"
    pack = FramePack(split=split_clauses)
    a = pack.add(html)
    b = pack.add(html.replace("Pinch 3", "Pinch 4"))
    data = pack.to_json()
    assert document(data, a) == html and document(data, b) != html
    assert len(data["parts"]) == len(pieces) + 1   # only the changed clause is new


@pytest.mark.parametrize("mode", MODES)
def test_every_diagram_state_packs_the_kernels_words(in_locale, mode):
    for locale in offered_locales("pain_signal"):
        in_locale(locale)
        label = strings.text("pain_signal", "figure.label")
        pack = packs.diagram_pack(mode, label)
        for p, pattern in enumerate(packs.PATTERN_ORDER):
            for i, conc in enumerate(pack["levels"]):
                for k in range(simulate(conc, pattern).n_impulses + 1):
                    assert packed_words(pack, p, i, k) == describer_html(conc, pattern, k,
                                                                         mode), (locale, conc)
            # Play's start names the pattern's number of pinches, the same at every level
            assert len({simulate(c, pattern).n_impulses for c in pack["levels"]}) == 1
            start = pack["words"]["play_start"][p]
            assert document(pack["words"], start) == play_start_html(
                simulate(pack["levels"][0], pattern).n_impulses)


@pytest.mark.parametrize("mode", MODES)
def test_the_widget_writes_the_words_the_pack_holds(in_locale, mode):
    """The widget's own describer and live region, for a grid of states, against the pack."""
    for locale in offered_locales("pain_signal"):
        in_locale(locale)
        w = pain.PainSignalWidget(mode=mode)
        pack = packs.diagram_pack(mode, w.view.label)
        levels = pack["levels"]
        for p, pattern in enumerate(packs.PATTERN_ORDER):
            w.state.pattern = pattern
            for i in range(0, len(levels), 7):
                w.state.conc_ng_ml = levels[i]
                for k in (0, 1, w.state.n_impulses):
                    w.state.impulse = k
                    want = packed_words(pack, p, i, k)
                    assert w.view.describer.value == want, (locale, pattern, levels[i], k)
                    assert w.announcer.value == want


def _plan():
    rules = PlanRules(food_hours=6, clear_fluids_hours=2, arrive_minutes_before=30,
                      observe_minutes=60, no_driving_hours=24)
    return make_plan(date(2026, 3, 2), time(9, 30), ZoneInfo("Europe/London"), rules,
                     treatment_from_min=0, treatment_to_min=240, session_days=(0,))


@pytest.mark.parametrize("mode", MODES)
def test_every_cursor_position_packs_the_kernels_words(in_locale, mode):
    plan = _plan()
    for locale in offered_locales("timeline"):
        in_locale(locale)
        for pid in shown_protocols():
            curve = timeline_fig.session_curve(pid, timeline.PATIENT_WEIGHT_KG)
            days = curve.layout.key == "days"
            for clock_plan in (None, plan):
                pack = packs.cursor_pack(curve, mode, "landscape", clock_plan)
                clock = None if clock_plan is None else (
                    lambda t, p=clock_plan, d=days: clock_label(p, t, d))
                for i, t in enumerate(pack["positions"]):
                    assert packed_words(pack, i) == session_html(curve, t, mode, clock), (
                        locale, pid, t, clock_plan is not None)


@pytest.mark.parametrize("mode", MODES)
def test_the_timeline_writes_the_words_the_pack_holds(mode):
    w = timeline.TimelineWidget(mode=mode)
    for pid in list(shown_protocols())[:3]:
        w.state.protocol = pid
        for clock_plan in (None, _plan()):
            w.set_clock(clock_plan)
            curve = w.state.curve()
            pack = packs.cursor_pack(curve, mode, w.shape, w.clock_plan)
            for i in range(0, len(pack["positions"]), 9):
                w.state.cursor_min = pack["positions"][i]
                assert w.session_view.describer.value == packed_words(pack, i), (pid, i)


def test_packed_words_cost_little_in_the_state_message():
    """The added bytes (also in docs/benchmarks.md): clauses many states share are sent once."""
    label = strings.text("pain_signal", "figure.label")
    for mode, budget in (("patient", 14_000), ("trainee", 40_000)):
        words = packs.diagram_pack(mode, label)["words"]
        assert len(json.dumps(words, separators=(",", ":"))) < budget, mode
    for pid in shown_protocols():
        curve = timeline_fig.session_curve(pid, timeline.PATIENT_WEIGHT_KG)
        words = packs.cursor_pack(curve, "patient")["words"]
        assert len(json.dumps(words, separators=(",", ":"))) < 10_000, pid


class _Comm:
    """A comm that keeps what the kernel would send to the page."""

    comm_id = "test"
    kernel = True

    def __init__(self):
        self.sent: list[dict] = []

    def on_msg(self, callback) -> None:
        pass

    def send(self, data=None, buffers=None, **kwargs) -> None:
        self.sent.append(data)

    def close(self, *args, **kwargs) -> None:
        pass


def _sent_values(comm: _Comm) -> list[str]:
    return [m["state"]["value"] for m in comm.sent
            if m.get("method") == "update" and "value" in m.get("state", {})]


def test_a_value_the_page_already_shows_is_recorded_not_sent():
    import ipywidgets as widgets

    html = widgets.HTML("<p>old</p>")
    html.comm = comm = _Comm()
    already_shown(html, "value", "<p>new</p>")
    assert html.value == "<p>new</p>" and _sent_values(comm) == []
    html.value = "<p>from the kernel</p>"                  # an ordinary change is still sent
    assert _sent_values(comm) == ["<p>from the kernel</p>"]


def test_the_kernel_sends_no_words_the_page_has_written_and_sends_those_it_has_not():
    w = pain.PainSignalWidget()
    w.view.describer.comm = describer = _Comm()
    w.announcer.comm = announcer = _Comm()
    w.browser.overlay.live = True                          # the page draws
    levels = w.browser.overlay.pack["levels"]
    w.state.conc_ng_ml = levels[10]                        # a key press on the grid
    w.state.impulse = 3
    assert _sent_values(describer) == [] and _sent_values(announcer) == []
    assert w.announcer.value == describer_html(levels[10], w.state.pattern, 3, "patient")
    before = w.announcer.value
    w.state.conc_ng_ml = levels[-1] - 1.0                 # off the grid (a timeline's cursor)
    assert w.state.conc_ng_ml not in levels and w.announcer.value != before
    assert _sent_values(describer) == [w.view.describer.value]
    assert _sent_values(announcer) == [w.announcer.value]

    t = timeline.TimelineWidget()
    t.session_view.describer.comm = session = _Comm()
    t.browser.overlay.live = True
    positions = t.browser.overlay.pack["positions"]
    t.cursor.value = positions[5]                          # the slider, moved in the page
    assert t.state.cursor_min == positions[5] and _sent_values(session) == []
    t.state.weight_kg = 90.0                               # a new curve: a new pack, its
    assert _sent_values(session) == []                     # words written by the page too


def test_before_the_page_draws_the_kernel_sends_its_words():
    w = pain.PainSignalWidget()
    w.announcer.comm = announcer = _Comm()
    w.state.conc_ng_ml = w.browser.overlay.pack["levels"][10]
    assert _sent_values(announcer) == [w.announcer.value]


def test_the_page_may_not_name_other_widgets_to_write_into():
    from explainer.widgets.inbound import allowed_update

    w = pain.PainSignalWidget()
    forged = {"words_to": {"describer": "IPY_MODEL_0"}, "pack": {"words": {}}}
    assert allowed_update(w.browser.overlay, forged) == {}
    assert set(w.browser.overlay.words_to) == {"describer", "announcer"}
