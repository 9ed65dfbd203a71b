"""The pain-signal widget: one state, the controls that write to it, the diagram that shows it.

    state = PainSignalState(conc_ng_ml=115.0)          # the model of the widget (traits)
    w = PainSignalWidget(state)                          # controls + diagram (+ trainee numbers)
    traitlets.dlink((timeline.state, "level_ng_ml"), (w.state, "conc_ng_ml"))  # drive it
    page()                                               # the whole notebook page

One module per idea: `state` (the traits and their checks, the cached model), `describe` (the
picture in words), `trainee_notes` (the numbers table), `model_note` (the simplified-picture
note), `widget` (wiring only), `page` (the notebook page). Every callback runs under one
`CallbackGuard`, so a failure shows a short message in place.
"""

from explainer.widgets.pain_signal.describe import (
    chart_description,
    describe,
    describe_sentences,
    describer_html,
    level_phrase,
    numbers_sentence,
)
from explainer.widgets.pain_signal.model_note import ModelNote, model_notes_html
from explainer.widgets.pain_signal.page import demo_widget, page, page_widgets
from explainer.widgets.pain_signal.state import (
    N_IMPULSES,
    PATTERNS,
    SLIDER_GRID_NG_ML,
    Concentration,
    PainSignalState,
    level_concs,
    level_key,
)
from explainer.widgets.pain_signal.trainee_notes import numbers_html
from explainer.widgets.pain_signal.widget import PainSignalWidget

__all__ = [
    "N_IMPULSES",
    "PATTERNS",
    "SLIDER_GRID_NG_ML",
    "Concentration",
    "ModelNote",
    "PainSignalState",
    "PainSignalWidget",
    "chart_description",
    "demo_widget",
    "describe",
    "describe_sentences",
    "describer_html",
    "level_concs",
    "level_key",
    "level_phrase",
    "model_notes_html",
    "numbers_html",
    "numbers_sentence",
    "page",
    "page_widgets",
]
