"""Widgets: one state object per widget, controls that write to it, views that observe it.

    pain_signal/   the NMDA diagram: state, describe, trainee_notes, model_note, widget, page
    timeline/      the treatment timeline: state, describe_session / _course / _routes,
                   trainee_notes, widget, page (and the link that drives the NMDA diagram)
    walkthrough/   the step-by-step walkthrough: state, text, step_view, prediction, deeplink,
                   widget (and the page)
    plan, plan_state, clinic_panel, handout   the personal plan, the clinic panel, the PDF
    quiz           the study pages' self-check
    base           StateWidget: a state, a linked mode, a guard and its message slot
    figure_view    FigureView: background + SVG overlay + live description, layers, a control
    scaffold       show_page: header, intro, widgets, footer for every widget page
    audience, safety, syncing, inbound   modes, CallbackGuard, the sync flag, the message gate

Numbers are formatted by `explainer.formatting`. Importing this package puts `inbound`'s gate
in front of every widget of the kernel, so no message from a page can set what its control
could not.
"""

from explainer.widgets import inbound as _inbound
from explainer.widgets import safety as _safety  # noqa: F401  (sets up the server-side log)

_inbound.install()
