"""The personal plan under the treatment timeline.

    w = PlanWidget(timeline_widget)   # date / time / weight boxes, the times, clock times on the
                                      # session chart, the handout
    plan_html(plan, "schwartzman-2009")   # the plan's times as a table

The state is `plan_state.PlanState` (the arithmetic `explainer.models.plan`); the clinic's
rules are `clinic_panel`. Nothing typed here is stored on the server or logged: the values live
in this kernel's widgets until the page closes. Every value shown is escaped.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from explainer import formatting as fmt
from explainer.content import strings
from explainer.content.clinic import text as clinic_text
from explainer.content.clinic.env import current, shown_protocols
from explainer.figures import session as timeline_fig
from explainer.figures.clock_axis import clock_axis
from explainer.models.plan import Plan
from explainer.widgets.clinic_panel import ClinicPanel, clinic_panel_html
from explainer.widgets.figure_view import overlay_layer
from explainer.widgets.plan_state import PlanState, parse_weight
from explainer.widgets.safety import CallbackGuard, error_message

__all__ = ["ClinicPanel", "PlanState", "PlanWidget", "clinic_panel_html", "parse_weight",
           "plan_html"]


def plan_html(plan: Plan | None, protocol_id: str, invalid: bool = False) -> str:
    """The plan's times as an HTML table (rows from `handout.document.plan_rows`), the course's
    sessions and the plan's notes; without a plan, that there are no times (``invalid``: none
    until the boxes are fixed)."""
    from explainer.handout.document import plan_notes, plan_rows, session_lines

    words = strings.text("clinic", "plan")
    if plan is None:
        return f'<p class="kx-muted">{escape(words["invalid" if invalid else "empty"])}</p>'
    iv = shown_protocols()[protocol_id].route == "intravenous"
    rows = "".join(f"<tr><th scope=\"row\">{escape(a)}</th><td>{escape(b)}</td></tr>"
                   for a, b in plan_rows(plan, iv))
    hours = fmt.plain(clinic_text.plan_rules().no_driving_hours)
    sessions = session_lines(plan)
    html = (f'<table class="kx-plan-times"><caption>{escape(words["title"])}</caption>'
            f"<tbody>{rows}</tbody></table>"
            f'<p class="kx-plan-driving">'
            f'{escape(words["no_driving_note"].format(hours=hours))}</p>')
    if len(sessions) > 1:
        items = "".join(f"<li>{escape(x)}</li>" for x in sessions)
        html += f'<p><strong>{escape(words["sessions"])}</strong></p><ul>{items}</ul>'
    notes = plan_notes(plan)
    if notes:
        items = "".join(f"<li>{escape(x)}</li>" for x in notes)
        html += (f'<div class="kx-plan-notes" role="note"><p><strong>'
                 f'{escape(words["notes_title"])}</strong></p><ul>{items}</ul></div>')
    return html


# --- Clock times on the session chart ------------------------------------------------------------


def clock_axis_layer(plan: Plan | None, layout: timeline_fig.Layout,
                     shape: str = "landscape") -> str:
    """An overlay layer writing clock times over the session chart's hour ticks ('' if none),
    in the chart's layout `shape`."""
    if plan is None:
        return ""
    canvas = timeline_fig.CANVASES[shape]
    return timeline_fig.layer_document(clock_axis(plan, layout, clock_axis_word(layout), canvas),
                                       canvas.width, canvas.height)


def clock_axis_word(layout: timeline_fig.Layout) -> str:
    """The words under a clock-time axis: "clock time" or "day"."""
    words = strings.text("clinic", "handout")
    return words["chart_x_days" if layout.key == "days" else "chart_x_clock"]


# --- The widget ----------------------------------------------------------------------------------


class PlanWidget(widgets.VBox):
    """Date, start time and weight boxes; the plan's times; clock times on the chart; the
    handout. Follows `timeline.state.protocol`; a valid weight draws the curve for it.

    Named parts: date_input, time_input, weight_input, show_button, clock_toggle, message,
    times, panel, handout (a HandoutWidget), clock_layer. ``follow_view``: shown only with the
    timeline's session view (False: always shown, as in the walkthrough's last step)."""

    def __init__(self, timeline, follow_view: bool = True, **kwargs):
        from explainer.widgets.handout import HandoutWidget

        self.timeline = timeline
        tstate = timeline.state
        self.state = PlanState(protocol=tstate.protocol)
        words = strings.text("clinic", "plan")
        cfg = current()
        self.error = error_message()
        safe = CallbackGuard(self.error)
        style = {"description_width": "initial"}
        title = widgets.HTML(f'<h3 class="kx-plan-title">{escape(words["title"])}</h3><p>'
                             + escape(words["intro_clinic"].format(name=cfg.clinic.name) if cfg
                                      else words["intro_generic"])
                             + f' {escape(words["nothing_kept"])}</p>')
        self.date_input = widgets.Text(description=words["date"],
                                       placeholder=words["date_placeholder"],
                                       continuous_update=False, style=style)
        self.date_input.add_class("kx-plan-date")
        self.time_input = widgets.Text(description=words["time"],
                                       placeholder=words["time_placeholder"],
                                       continuous_update=False, style=style)
        self.time_input.add_class("kx-plan-time")
        self.weight_input = widgets.Text(description=words["weight"],
                                         placeholder=words["weight_placeholder"],
                                         continuous_update=False, style=style)
        self.weight_input.add_class("kx-plan-weight")
        self.show_button = widgets.Button(description=words["show"], button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.show_button.add_class("kx-plan-show")
        self.clock_toggle = widgets.Checkbox(value=True, description=words["clock_axis"],
                                             indent=False, layout=widgets.Layout())
        self.clock_toggle.add_class("kx-plan-clock")
        self.message = widgets.HTML("", layout=widgets.Layout(display="none"))
        self.message.add_class("kx-plan-message")
        self.times = widgets.HTML(plan_html(None, tstate.protocol))
        self.times.add_class("kx-plan-times-view")
        self.times.add_class("kx-describer")
        self.panel = widgets.HTML(clinic_panel_html(tstate.protocol))
        self.panel.add_class("kx-plan-panel")
        self.handout = HandoutWidget(timeline, self.state)
        inputs = widgets.VBox([self.date_input, self.time_input, self.weight_input,
                               widgets.Box([self.show_button, self.clock_toggle])])
        inputs.add_class("kx-plan-inputs")
        kwargs.setdefault("layout", widgets.Layout())  # shown and hidden: its own (not shared)
        super().__init__([title, inputs, self.message, self.times, self.error, self.handout,
                          self.panel], **kwargs)
        self.add_class("kx-plan")

        # The clock-time layer goes on top of the session chart's layers, over the hour ticks
        # (last, so the cursor layer stays the chart's first overlay). A timeline without a
        # chart (the walkthrough's last step) has none to draw on.
        self.clock_layer = overlay_layer("kx-plan-clock-layer")
        if getattr(timeline, "session_view", None) is not None:
            timeline.session_view.add_layer(self.clock_layer)
        else:
            self.clock_toggle.layout.display = "none"

        # A box sends its value on Enter or when it loses focus; the times follow each change
        # (once both date and time are typed). The button does the same for those who look
        # for one. (Text.on_submit is not used: its message can overtake the value's.)
        self.show_button.on_click(safe(lambda _b: self._submit()))
        for box in (self.date_input, self.time_input, self.weight_input):
            box.observe(safe(lambda _c: self._submit(quiet=True)), names="value")
        self.clock_toggle.observe(safe(lambda _c: self._render()), names="value")
        tstate.observe(safe(self._on_protocol), names="protocol")
        if follow_view:
            tstate.observe(safe(self._follow_view), names="view")
            self._follow_view()
        self.state.observe(safe(lambda _c: self._render()), names=["plan", "message", "status"])

    def _submit(self, quiet: bool = False) -> None:
        """Make the plan from the boxes (or clear it); ``quiet``: no message while the date or
        the time is simply not typed yet."""
        ok = self.state.submit(self.date_input.value, self.time_input.value,
                               self.weight_input.value, quiet=quiet)
        if ok or self.state.status == "empty":
            # None: the usual 70 kg adult
            self.timeline.state.personal_weight_kg = self.state.weight_kg
        self._render()

    def _follow_view(self, change=None) -> None:
        self.layout.display = None if self.timeline.state.view == "session" else "none"

    def _on_protocol(self, change) -> None:
        self.state.protocol = change["new"]
        self.panel.value = clinic_panel_html(change["new"])
        self._render()

    def _render(self) -> None:
        state = self.state
        if state.message:
            self.message.value = (f'<p class="kx-note" role="alert">{escape(state.message)}</p>')
            self.message.layout.display = None
        else:
            self.message.value, self.message.layout.display = "", "none"
        html = plan_html(state.plan, state.protocol, invalid=state.status == "invalid")
        if state.plan is not None and state.weight_kg is not None:
            used = strings.text("clinic", "plan.weight_used", weight=fmt.plain(state.weight_kg))
            html += f'<p class="kx-muted">{escape(used)}</p>'
        if html != self.times.value:
            self.times.value = html
        layer = (clock_axis_layer(state.plan, self.timeline.state.layout, self.timeline.shape)
                 if self.clock_toggle.value else "")
        if layer != self.clock_layer.value:
            self.clock_layer.value = layer
        self.timeline.set_clock(state.plan if self.clock_toggle.value else None)
