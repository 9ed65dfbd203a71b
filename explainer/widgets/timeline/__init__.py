"""The treatment timeline: one state, the controls that write to it, three views that show it.

    state = TimelineState(protocol="schwartzman-2009", cursor_min=90)   # the model (traits)
    w = TimelineWidget(state)                     # controls + "A treatment day" / "A course of
                                                  # treatment" / "Comparing routes"
    state.level_ng_ml                             # the level at the cursor (an output trait)
    link_to_pain_signal(w, pain_signal_widget)    # the NMDA diagram follows the cursor
    page()                                        # the whole notebook page

One module per idea: `state` (the traits and their checks), `describe_session`,
`describe_course`, `describe_routes` (one describer per view), `trainee_notes` (the route table
and the protocol notes), `widget` (wiring only), `page` (the page and the link to the NMDA
diagram). Each protocol's session is simulated once per weight
(`explainer.figures.session.session_curve`, cached; at patient mode's weight stored on disk).
Every callback runs under one `CallbackGuard`, so a failure shows a short message in place.
"""

from explainer.widgets.timeline.describe_course import (
    course_sentences,
    describe_course,
    plan_sentence,
)
from explainer.widgets.timeline.describe_routes import describe_routes
from explainer.widgets.timeline.describe_session import (
    cursor_label,
    describe_session,
    level_words,
    regimen_text,
    session_html,
    session_numbers,
    session_sentences,
)
from explainer.widgets.timeline.page import demo_widget, link_to_pain_signal, page, page_widgets
from explainer.widgets.timeline.state import (
    PATIENT_WEIGHT_KG,
    ROUTE_OF,
    VIEWS,
    TimelineState,
)
from explainer.widgets.timeline.trainee_notes import routes_table_html, trainee_html
from explainer.widgets.timeline.widget import TimelineWidget

__all__ = [
    "PATIENT_WEIGHT_KG",
    "ROUTE_OF",
    "VIEWS",
    "TimelineState",
    "TimelineWidget",
    "course_sentences",
    "cursor_label",
    "demo_widget",
    "describe_course",
    "describe_routes",
    "describe_session",
    "level_words",
    "link_to_pain_signal",
    "page",
    "page_widgets",
    "plan_sentence",
    "regimen_text",
    "routes_table_html",
    "session_html",
    "session_numbers",
    "session_sentences",
    "trainee_html",
]
