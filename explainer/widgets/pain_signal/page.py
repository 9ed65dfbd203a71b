"""The pain-signal notebook page, and the benchmark's hook.

    page()                         # header, intro, switch, widget, note, footer
    switch, widget, note, links = page_widgets("trainee")
"""

from __future__ import annotations

from explainer import pages
from explainer.widgets.audience import PATIENT, link_mode, mode_switch
from explainer.widgets.pain_signal.model_note import ModelNote
from explainer.widgets.pain_signal.widget import PainSignalWidget
from explainer.widgets.scaffold import show_page
from explainer.widgets.shared_models import shared_models


def page_widgets(mode: str = PATIENT):
    """The mode switch, the widget and the note, with their modes linked to the switch."""
    switch = mode_switch(mode)
    widget = PainSignalWidget(mode=mode)
    note = ModelNote(mode=mode)
    links = link_mode(switch, widget, note)
    return switch, widget, note, links


def page(mode: str = PATIENT) -> None:
    """The whole pain-signal page: header, intro, switch, widget, note, footer."""
    pages.choose_locale()
    with shared_models():  # one Layout and one Style of each kind for the page's widgets
        switch, widget, note, links = page_widgets(mode)
        show_page("diagram", pages.body_html("pain-signal"), [switch, widget, note], links=links)


def demo_widget(mode: str = PATIENT) -> PainSignalWidget:
    """A widget for the benchmark harness. Move `level_buttons.value` (patient: 'none',
    'relief', 'floaty', 'anaesthetic') or `level_slider.value` (trainee: a value of
    `SLIDER_GRID_NG_ML`); each move is one state update and one overlay message."""
    return PainSignalWidget(mode=mode)
