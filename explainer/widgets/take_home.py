"""The walkthrough's last step: make a handout there, where a clinician finishes with a patient.

    w = TakeHomeWidget()                 # treatment, the plan's boxes and times, the handout
    w.protocol_select.value = "riverside-day-case"
    w.plan.date_input.value = "2027-03-03"; w.plan.time_input.value = "09:30"
    w.plan.handout.button.click()

The same `PlanWidget` (its `PlanState`, rules, notes and handout button) as under the
timeline's session chart, over a `TimelineState` of its own that holds the chosen treatment: one
behaviour in both places. With no chart on this step, the handout's chart has no time cursor
and its pain-signal picture is drawn at the level of the session's peak.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
import traitlets

from explainer.content import strings
from explainer.content.clinic.env import shown_protocols
from explainer.widgets.plan import PlanWidget
from explainer.widgets.timeline.state import TimelineState

__all__ = ["TakeHomeWidget"]


class TakeHomeWidget(widgets.VBox):
    """A heading, the treatment to plan for, and the plan with its handout button.

    Named parts: protocol_select, plan (a PlanWidget), state (its TimelineState). `mode` is
    accepted for the walkthrough's embeds and stays "patient" (the handout is the patient's)."""

    mode = traitlets.Unicode("patient")

    def __init__(self, mode: str = "patient", **kwargs):
        words = strings.text("clinic", "take_home")
        labels = strings.text("timeline", "controls")
        self.state = TimelineState()
        self.session_view = None  # no chart here: the plan draws no clock layer
        self.protocol_select = widgets.Dropdown(
            options=[(p.name + (labels["example_suffix"] if p.example else ""), pid)
                     for pid, p in shown_protocols().items()],
            value=self.state.protocol, description=labels["protocol"],
            style={"description_width": "initial"})
        self.protocol_select.add_class("kx-take-home-protocol")
        self._link = traitlets.link((self.state, "protocol"), (self.protocol_select, "value"))
        self.plan = PlanWidget(self, follow_view=False)
        intro = widgets.HTML(f'<h3 class="kx-take-home-title">{escape(words["title"])}</h3>'
                             f'<p>{escape(words["intro"])}</p>')
        super().__init__([intro, self.protocol_select, self.plan], **kwargs)
        self.add_class("kx-take-home")
