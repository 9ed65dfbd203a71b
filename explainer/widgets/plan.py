"""The personal plan under the treatment timeline, and the "this clinic" panel.

    state = PlanState(protocol="schwartzman-2009")
    state.submit("2026-03-02", "09:30", "")       # -> True; state.plan holds the clock times
    state.submit("2026-02-30", "09:30", "")       # -> False; state.message says why, plan kept
    w = PlanWidget(timeline_widget)                # date / time / weight boxes, the times,
                                                   # clock times on the session chart, handout
    ClinicPanel()                                  # the clinic's rules (or "examples") as HTML

The arithmetic is `explainer.models.plan` (pure, tested); the words are
`assets/content/clinic.yaml` through `explainer.content.clinic_text`. Nothing typed here is
stored on the server or logged: the values live in this kernel's widgets until the page closes.
Every value shown is escaped.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
import traitlets

from explainer.content import clinic_text
from explainer.content.clinic_env import current
from explainer.figures import svg
from explainer.figures import timeline as fig
from explainer.models import pk
from explainer.models.plan import Plan, PlanInputError, clock, make_plan
from explainer.widgets.safety import CallbackGuard, error_message

__all__ = ["ClinicPanel", "PlanState", "PlanWidget", "clinic_panel_html", "plan_html"]


def _s() -> dict:
    return clinic_text.strings()["plan"]


def _treatment_window(protocol_id: str) -> tuple[float, float]:
    p = fig.protocols()[protocol_id]
    return min(d.at_min for d in p.doses), max(d.end_min for d in p.doses)


def parse_weight(text: str) -> float | None:
    """An optional weight: '' -> None; a number in the model's range -> kg; else ValueError."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    return pk.validate_weight(value)


class PlanState(traitlets.HasTraits):
    """The plan's inputs and result. `submit` validates; bad input leaves the plan unchanged
    and sets `message` (a gentle sentence)."""

    protocol = traitlets.Unicode()
    date_text = traitlets.Unicode("")
    time_text = traitlets.Unicode("")
    weight_kg = traitlets.Float(None, allow_none=True)
    plan = traitlets.Instance(Plan, allow_none=True)
    message = traitlets.Unicode("")

    def __init__(self, protocol: str | None = None, **kwargs):
        super().__init__(protocol=protocol or next(iter(fig.protocols())), **kwargs)

    def _make(self, date_text: str, time_text: str, protocol: str) -> Plan:
        cfg = current()
        zone = cfg.clinic.zone if cfg else "Europe/London"
        start, end = _treatment_window(protocol)
        return make_plan(date_text, time_text, zone, clinic_text.plan_rules(cfg),
                         treatment_from_min=start, treatment_to_min=end,
                         session_days=fig.protocols()[protocol].session_days)

    def submit(self, date_text: str, time_text: str, weight_text: str = "") -> bool:
        """Make the plan from typed text; False (and a message) if anything is wrong."""
        try:
            plan = self._make(date_text, time_text, self.protocol)
        except PlanInputError as exc:
            self.message = str(exc)
            return False
        try:
            weight = parse_weight(weight_text)
        except ValueError:
            lo, hi = pk.WEIGHT_RANGE_KG
            self.message = _s()["weight_bad"].format(low=f"{lo:g}", high=f"{hi:g}")
            return False
        self.message = ""
        with self.hold_trait_notifications():
            self.date_text, self.time_text = date_text.strip(), time_text.strip()
            self.weight_kg = weight
            self.plan = plan
        return True

    @traitlets.observe("protocol")
    def _follow_protocol(self, change):
        if self.plan is not None:  # the same date and time, the new protocol's times
            self.plan = self._make(self.date_text, self.time_text, change["new"])


# --- Words ---------------------------------------------------------------------------------------


def plan_html(plan: Plan | None, protocol_id: str) -> str:
    """The plan's times as an HTML table (rows from `handout.document.plan_rows`)."""
    from explainer.handout.document import plan_rows, session_lines

    s = _s()
    if plan is None:
        return f'<p class="kx-muted">{escape(s["empty"])}</p>'
    iv = fig.protocols()[protocol_id].route == "intravenous"
    rows = "".join(f"<tr><th scope=\"row\">{escape(a)}</th><td>{escape(b)}</td></tr>"
                   for a, b in plan_rows(plan, iv))
    hours = f"{clinic_text.plan_rules().no_driving_hours:g}"
    sessions = session_lines(plan)
    html = (f'<table class="kx-plan-times"><caption>{escape(s["title"])}</caption>'
            f"<tbody>{rows}</tbody></table>"
            f'<p class="kx-plan-driving">{escape(s["no_driving_note"].format(hours=hours))}</p>')
    if len(sessions) > 1:
        items = "".join(f"<li>{escape(x)}</li>" for x in sessions)
        html += f'<p><strong>{escape(s["sessions"])}</strong></p><ul>{items}</ul>'
    return html


def clinic_panel_html() -> str:
    """'At <clinic>': its protocol, before / after rules, when to call, the regulator line; or
    the note that the pages are not set up for one clinic. All values escaped."""
    cfg = current()
    strings = clinic_text.strings()
    if cfg is None:
        return (f'<div class="kx-clinic-panel kx-clinic-generic"><p>'
                f'{escape(" ".join(strings["generic"]["note"].split()))}</p></div>')
    panel = strings["panel"]
    r = clinic_text.rules(cfg)

    def ul(items) -> str:
        return "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in items) + "</ul>"

    parts = [f'<h3>{escape(panel["title"].format(name=cfg.clinic.name))}</h3>',
             f'<p>{escape(panel["intro_clinic"].format(name=cfg.clinic.name))}</p>']
    if cfg.protocols:
        names = ", ".join(p.name for p in cfg.protocols.values())
        parts.append(f'<p>{escape(panel["protocol"].format(protocol=names))}</p>')
    parts += [f'<h4>{escape(panel["before"])}</h4>', ul(r.before)]
    if r.medicines:
        parts += [f'<p>{escape(panel["medicines"])}</p>', ul(r.medicines)]
    if r.bring:
        parts += [f'<p>{escape(panel["bring"])}</p>', ul(r.bring)]
    parts += [f'<h4>{escape(panel["after"])}</h4>', ul(r.after),
              f'<h4>{escape(panel["call_title"])}</h4>', f"<p>{escape(r.call_intro or '')}</p>",
              ul(r.call)]
    if r.call_is_default:
        parts.append(f'<p class="kx-muted">'
                     f'{escape(strings["default_when_to_call"]["note"])}</p>')
    parts.append(f'<p class="kx-clinic-emergency"><strong>{escape(r.emergency_sentence)}'
                 "</strong></p>")
    regulator = clinic_text.regulator(cfg)
    if regulator:
        statement = " ".join(regulator["text"].split())
        parts.append(f'<p class="kx-clinic-regulator">{escape(statement)}</p>')
    return f'<div class="kx-clinic-panel">{"".join(parts)}</div>'


class ClinicPanel(widgets.HTML):
    """The clinic's rules (walkthrough step 8 embeds it); `mode` is accepted and ignored."""

    mode = traitlets.Unicode("patient")

    def __init__(self, mode: str = "patient", **kwargs):
        super().__init__(clinic_panel_html(), **kwargs)
        self.mode = mode
        self.add_class("kx-clinic-panel-view")


# --- Clock times on the session chart ------------------------------------------------------------


def clock_axis_layer(plan: Plan | None, layout: fig.Layout) -> str:
    """An overlay layer writing clock times over the session chart's hour ticks ('' if none)."""
    if plan is None:
        return ""
    amap = fig.AxisMap(fig.PLOT, layout.lo_min, layout.hi_min)
    days = layout.key == "days"
    elements: list[str] = []
    for tick in layout.ticks:
        t_min = tick * layout.unit_min
        moment = plan.clock_at(t_min)
        label = f"{moment.strftime('%a')} {moment.day}" if days else clock(moment)
        elements += fig.boxed_text(float(amap.x(t_min)), fig.PLOT.bottom + 16, label,
                                   size=fig.TICK_PX - 2, anchor="middle", stroke="#ffffff")
    # the axis words under the ticks ("hours from the start") become "clock time" / "day"
    words = clinic_text.strings()["handout"]
    centre, y = (fig.PLOT.left + fig.PLOT.right) / 2, fig.PLOT.bottom + 43
    elements += [svg.rect(centre - 200, y - 15, 400, 30, fill="#ffffff"),
                 fig.overlay_text(centre, y, words["chart_x_days" if days else "chart_x_clock"],
                                  text_anchor="middle")]
    return fig.layer_document(elements)


# --- The widget ----------------------------------------------------------------------------------


class PlanWidget(widgets.VBox):
    """Date, start time and weight boxes; the plan's times; clock times on the chart; the
    handout. Follows `timeline.state.protocol`; a valid weight draws the curve for it.

    Named parts: date_input, time_input, weight_input, show_button, clock_toggle, message,
    times, panel, handout (a HandoutWidget), clock_layer."""

    def __init__(self, timeline, **kwargs):
        from explainer.widgets.handout import HandoutWidget

        self.timeline = timeline
        tstate = timeline.state
        self.state = PlanState(protocol=tstate.protocol)
        s = _s()
        cfg = current()
        self.error = error_message()
        safe = CallbackGuard(self.error)
        style = {"description_width": "initial"}
        title = widgets.HTML(f'<h3 class="kx-plan-title">{escape(s["title"])}</h3><p>'
                             + escape(s["intro_clinic"].format(name=cfg.clinic.name) if cfg
                                      else s["intro_generic"])
                             + f' {escape(s["nothing_kept"])}</p>')
        self.date_input = widgets.Text(description=s["date"], placeholder=s["date_placeholder"],
                                       continuous_update=False, style=style)
        self.date_input.add_class("kx-plan-date")
        self.time_input = widgets.Text(description=s["time"], placeholder=s["time_placeholder"],
                                       continuous_update=False, style=style)
        self.time_input.add_class("kx-plan-time")
        self.weight_input = widgets.Text(description=s["weight"],
                                         placeholder=s["weight_placeholder"],
                                         continuous_update=False, style=style)
        self.weight_input.add_class("kx-plan-weight")
        self.show_button = widgets.Button(description=s["show"], button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.show_button.add_class("kx-plan-show")
        self.clock_toggle = widgets.Checkbox(value=True, description=s["clock_axis"],
                                             indent=False)
        self.clock_toggle.add_class("kx-plan-clock")
        self.message = widgets.HTML("", layout=widgets.Layout(display="none"))
        self.message.add_class("kx-plan-message")
        self.times = widgets.HTML(plan_html(None, tstate.protocol))
        self.times.add_class("kx-plan-times-view")
        self.times.add_class("kx-describer")
        self.panel = widgets.HTML(clinic_panel_html())
        self.panel.add_class("kx-plan-panel")
        self.handout = HandoutWidget(timeline, self.state)
        inputs = widgets.VBox([self.date_input, self.time_input, self.weight_input,
                               widgets.Box([self.show_button, self.clock_toggle])])
        inputs.add_class("kx-plan-inputs")
        super().__init__([title, inputs, self.message, self.times, self.error, self.handout,
                          self.panel], **kwargs)
        self.add_class("kx-plan")

        # The clock-time layer goes on top of the session chart's layers, over the hour ticks
        # (last, so the cursor layer stays the chart's first overlay).
        self.clock_layer = widgets.HTML("")
        self.clock_layer.add_class("kx-figure-overlay")
        self.clock_layer.add_class("kx-plan-clock-layer")
        stack = timeline.session_view.children[0]
        stack.children = (*stack.children, self.clock_layer)

        # A box sends its value on Enter or when it loses focus; the times follow each change
        # (once both date and time are typed). The button does the same for those who look
        # for one. (Text.on_submit is not used: its message can overtake the value's.)
        self.show_button.on_click(safe(lambda _b: self._submit()))
        for box in (self.date_input, self.time_input, self.weight_input):
            box.observe(safe(lambda _c: self._submit(quiet=True)), names="value")
        self.clock_toggle.observe(safe(lambda _c: self._render()), names="value")
        tstate.observe(safe(self._on_protocol), names="protocol")
        tstate.observe(safe(self._follow_view), names="view")
        self._follow_view()
        self.state.observe(safe(lambda _c: self._render()), names=["plan", "message"])

    def _submit(self, quiet: bool = False) -> None:
        """Make the plan from the boxes; ``quiet``: say nothing while date or time is empty."""
        if quiet and not (self.date_input.value.strip() and self.time_input.value.strip()):
            return
        ok = self.state.submit(self.date_input.value, self.time_input.value,
                               self.weight_input.value)
        if ok:
            tstate = self.timeline.state
            weight = self.state.weight_kg
            tstate.personal_weight_kg = weight  # None: the usual 70 kg adult
        self._render()

    def _follow_view(self, change=None) -> None:
        self.layout.display = None if self.timeline.state.view == "session" else "none"

    def _on_protocol(self, change) -> None:
        self.state.protocol = change["new"]
        self._render()

    def _render(self) -> None:
        st = self.state
        if st.message:
            self.message.value = (f'<p class="kx-note" role="alert">{escape(st.message)}</p>')
            self.message.layout.display = None
        else:
            self.message.value, self.message.layout.display = "", "none"
        html = plan_html(st.plan, st.protocol)
        if st.plan is not None and st.weight_kg is not None:
            html += (f'<p class="kx-muted">'
                     f'{escape(_s()["weight_used"].format(weight=f"{st.weight_kg:g}"))}</p>')
        if html != self.times.value:
            self.times.value = html
        layer = (clock_axis_layer(st.plan, self.timeline.state.layout)
                 if self.clock_toggle.value else "")
        if layer != self.clock_layer.value:
            self.clock_layer.value = layer
