"""The gate in front of every widget: forged front-end messages never reach a state object."""

from __future__ import annotations

import math

import ipywidgets as widgets
import pytest

from explainer.widgets import inbound
from explainer.widgets import pain_signal as ps
from explainer.widgets import timeline as tl
from explainer.widgets import walkthrough as wt
from explainer.widgets.audience import AUDIENCES

FORGED = [1e308, -1e308, float("nan"), "NaN", None, [1, 2, 3], {"a": 1}, "x" * 5000, 10**15, -1,
          True, 2.5, "<script>alert(1)</script>"]
KEYS = ["value", "index", "playing", "max", "min", "label", "description", "options",
        "layout", "_dom_classes", "disabled", "outputs"]


def update(widget, state, buffers=()):
    widget._handle_msg({"content": {"data": {"method": "update", "state": state,
                                             "buffer_paths": []}}, "buffers": list(buffers)})


def descendants(root):
    seen, stack = [], [root]
    while stack:
        w = stack.pop()
        if isinstance(w, widgets.Widget) and w not in seen:
            seen.append(w)
            stack.extend(getattr(w, "children", ()))
            for name in ("view", "chart", "background", "overlay", "describer"):
                child = getattr(w, name, None)
                if isinstance(child, widgets.Widget):
                    stack.append(child)
    return seen


def forge_all(root) -> int:
    refused = 0
    for w in descendants(root):
        for key in KEYS:
            for value in FORGED:
                try:
                    update(w, {key: value})
                except Exception:  # ipywidgets' own refusal: still nothing applied
                    refused += 1
        w._handle_msg({"content": {"data": {"method": "custom", "content": {"event": ["x"]}}},
                       "buffers": []})
        w._handle_msg({"content": {"data": {"method": "exec"}}, "buffers": []})
    return refused


def test_installed_once_in_front_of_every_widget():
    inbound.install()
    inbound.install()
    handler = widgets.Widget._handle_msg
    assert handler.__kx_gate__ and not getattr(handler.__wrapped__, "__kx_gate__", False)


def test_a_real_control_still_works_through_the_gate():
    buttons = widgets.ToggleButtons(options=["a", "b", "c"])
    update(buttons, {"index": 2})
    assert buttons.value == "c"
    play = widgets.Play(min=0, max=16)
    update(play, {"value": 5, "playing": True})
    assert (play.value, play.playing) == (5, True)
    clicks = []
    button = widgets.Button()
    button.on_click(lambda b: clicks.append(1))
    button._handle_msg({"content": {"data": {"method": "custom", "content": {"event": "click"}}},
                        "buffers": []})
    assert clicks == [1]


@pytest.mark.parametrize("state", [{"index": 3}, {"index": -1}, {"index": True}, {"index": None},
                                   {"index": 1.0}, {"label": "b"}, {"value": "b"},
                                   {"options": ["x"]}, {"description": "<b>x</b>"}])
def test_what_a_selection_control_cannot_send_is_refused(state):
    buttons = widgets.ToggleButtons(options=["a", "b", "c"], description="Level")
    update(buttons, state)
    assert (buttons.value, buttons.options, buttons.description) == ("a", ("a", "b", "c"), "Level")


def test_numbers_outside_a_controls_bounds_are_refused():
    play = widgets.Play(value=3, min=0, max=16)
    for value in (17, -1, 1e308, math.inf, "5", True, None):
        update(play, {"value": value})
        update(play, {"max": 10**9})
    assert (play.value, play.max) == (3, 16)
    text = widgets.Text("")
    update(text, {"value": "x" * (inbound.MAX_TEXT_CHARS + 1)})
    assert text.value == ""


def test_forged_messages_never_reach_the_pain_signal_state():
    widget = ps.PainSignalWidget()
    forge_all(widget)
    st = widget.state
    assert st.conc_ng_ml in ps.level_concs().values() or st.conc_ng_ml in ps.SLIDER_GRID_NG_ML
    assert st.pattern in ps.PATTERNS and 0 <= st.impulse <= st.n_impulses
    assert st.mode in AUDIENCES
    assert widget.play.max == st.n_impulses


def test_forged_messages_never_reach_the_timeline_state():
    widget = tl.TimelineWidget()
    forge_all(widget)
    st = widget.state
    layout = st.layout
    assert layout.lo_min <= st.cursor_min <= layout.hi_min and math.isfinite(st.cursor_min)
    assert 40 <= st.weight_kg <= 150 and st.mode in AUDIENCES


def test_forged_messages_never_reach_the_walkthrough_state():
    walk = wt.Walkthrough()
    forge_all(walk)
    assert walk.state.step in range(wt.FIRST_STEP, wt.LAST_STEP + 1)
    assert walk.state.mode in AUDIENCES and isinstance(walk.state.large_text, bool)


def test_a_deferred_part_is_built_once_by_the_page_or_its_button_and_nothing_else():
    """`Deferred` (a part built when the viewer comes near it): the page may only say `near`
    (true); a forged message sets nothing else and builds nothing; the part is built once."""
    from explainer.widgets.deferred import Deferred

    made = []

    def make():
        made.append(widgets.HTML("the part"))
        return made[-1]

    section = Deferred(make, "Show it")
    mark, button = section.mark, section.button
    for forged in ({"near": False}, {"near": 1}, {"near": "yes"}, {"_esm": "alert(1)"}):
        update(mark, forged)
    assert made == [] and section.part is None and not mark.near
    update(mark, {"near": True})              # the page: the mark is near the screen
    assert made and section.children == (made[0],) and section.part is made[0]
    button.click()                             # a late click (or a second message) builds nothing
    update(mark, {"near": True})
    assert len(made) == 1 and section.build() is made[0]

    by_button = Deferred(make, "Show it")
    by_button.button._handle_msg({"content": {"data": {"method": "custom",
                                                       "content": {"event": "click"}}}})
    assert len(made) == 2 and by_button.children == (made[1],)


def test_a_deferred_part_that_fails_to_build_says_so_and_can_be_tried_again():
    from explainer.widgets.deferred import Deferred
    from explainer.widgets.safety import FRIENDLY_ERROR

    tries = []

    def make():
        tries.append(1)
        if len(tries) == 1:
            raise RuntimeError("the first try fails")
        return widgets.HTML("the part")

    section = Deferred(make, "Show it")
    update(section.mark, {"near": True})
    assert FRIENDLY_ERROR in section.error.value and section.part is None
    assert section.button in section.children   # a person can try again
    section.button.click()
    assert section.part is not None and section.children == (section.part,)
