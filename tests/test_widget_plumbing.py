"""The shared widget plumbing: number formats, the StateWidget prologue, FigureView's layers
and control slot, the page scaffold."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
import traitlets

from explainer import formatting as fmt
from explainer.widgets.audience import PATIENT, TRAINEE, Mode
from explainer.widgets.base import StateWidget
from explainer.widgets.figure_view import FigureView, overlay_layer
from explainer.widgets.safety import FRIENDLY_ERROR

WORDS = {"minute": "minute", "minutes": "minutes", "hour": "hour", "hours": "hours",
         "and": "and"}


@pytest.mark.parametrize(("value", "text"), [
    (0.0, "0"), (5.3, "5.3"), (12.5, "12.5"), (115.0, "115"), (1800.0, "1,800")])
def test_conc_text(value, text):
    assert fmt.conc_text(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (0.0, "0.0"), (5.3, "5.3"), (12.5, "12"), (1800.0, "1,800")])
def test_level_text_is_the_timeline_reading(value, text):
    assert fmt.level_text(value) == text


def test_small_formats():
    assert (fmt.percent(0.456), fmt.ratio(1.234), fmt.millivolts(-70.2)) == ("46", "1.23", "−70")
    assert (fmt.plain(70.0), fmt.plain(2.5), fmt.fixed(89.6), fmt.fixed(24.54, 1)) == (
        "70", "2.5", "90", "24.5")
    assert fmt.grouped(1234.5) == "1,234"


@pytest.mark.parametrize(("minutes", "words", "short"), [
    (0, "1 minute", "1 min"), (9.4, "9 minutes", "9 min"), (24, "25 minutes", "25 min"),
    (75, "1 hour and 15 minutes", "1 h 15 min"), (120, "2 hours", "2 h")])
def test_durations(minutes, words, short):
    assert fmt.duration_words(minutes, WORDS) == words
    assert fmt.duration_short(minutes) == short


def test_durations_agree_with_the_figures_helpers():
    from explainer.figures import session as timeline_fig

    long_words = timeline_fig.strings()["time"]["long"]
    for minutes in range(0, 400, 7):
        assert fmt.duration_words(minutes, long_words) == timeline_fig.duration_words(minutes)
        assert fmt.duration_short(minutes) == timeline_fig.duration_short(minutes)


class _State(traitlets.HasTraits):
    level = traitlets.Int(0)
    mode = Mode(PATIENT)


class _Widget(StateWidget):
    state_class = _State
    watched = ("level",)
    css_class = "kx-test-widget"

    def _build(self):
        self.shown = widgets.HTML("")
        return [self.shown, self.error]

    def _render(self):
        if self.state.level < 0:
            raise RuntimeError("boom")
        self.shown.value = str(self.state.level)


def test_state_widget_prologue():
    w = _Widget(mode=TRAINEE)
    assert isinstance(w.state, _State) and w.state.mode == TRAINEE and w.mode == TRAINEE
    assert "kx-test-widget" in w._dom_classes and w.shown.value == "0"
    w.mode = PATIENT
    assert w.state.mode == PATIENT
    w.state.level = 3
    assert w.shown.value == "3"


def test_state_widget_renders_under_its_guard():
    w = _Widget()
    w.state.level = -1
    assert FRIENDLY_ERROR in w.error.value and w.error.layout.display is None
    w.state.level = 2
    assert w.shown.value == "2" and w.error.layout.display == "none"


def test_figure_view_layers_and_control_slot():
    from explainer.figures import pain_signal as pain_fig

    view = FigureView(pain_fig.diagram_scene(), "label")
    under, over = overlay_layer("kx-under"), overlay_layer("kx-over")
    view.add_layer(over)
    view.add_layer(under, under_overlay=True)
    assert view.stack.children == (view.background, under, view.overlay, over)
    assert "kx-figure-overlay" in under._dom_classes and "kx-under" in under._dom_classes
    first, second = widgets.IntSlider(), widgets.IntSlider()
    assert view.set_control(first) is None
    assert view.children == (view.stack, first, view.describer)
    assert view.set_control(second) is first
    assert view.children == (view.stack, second, view.describer)
    view.set_control(None)
    assert view.children == (view.stack, view.describer)


def test_page_scaffold_shows_header_widgets_footer(monkeypatch):
    import IPython.display

    from explainer.widgets.scaffold import show_page

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    part = widgets.HTML("x")
    link = object()
    box = show_page("diagram", "<p>intro</p>", [part], links=[link])
    assert box.children == (part,) and box._kx_links == [link]
    html = [getattr(o, "data", "") for o in shown]
    assert "<p>intro</p>" in html[0] and box in shown and "kx-footer" in html[-1]
