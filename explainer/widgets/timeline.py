"""The treatment timeline: one state, the controls that write to it, three views that show it.

    state = TimelineState(protocol="schwartzman-2009", cursor_min=90)   # the model (traits)
    w = TimelineWidget(state)                     # controls + "A treatment day" / "A course of
                                                  # treatment" / "Comparing routes"
    state.level_ng_ml                             # the level at the cursor (an output trait)
    link_to_pain_signal(w, pain_signal_widget)    # the NMDA diagram follows the cursor
    page()                                        # the whole notebook page

Each protocol's session is simulated once per weight (`explainer.figures.timeline.session_curve`,
cached), so a cursor move only indexes into arrays, picks words and rebuilds a small SVG string:
no simulation and no matplotlib on the update path. Backgrounds are drawn once per process and
layout. Every callback is wrapped in a `CallbackGuard`, so a failure shows a short message in place;
a weight outside the model's range shows a friendly message and keeps the last good picture.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from functools import lru_cache
from html import escape

import ipywidgets as widgets
import traitlets

from explainer import pages
from explainer.content import format_refs
from explainer.figures import course as course_fig
from explainer.figures import routes as routes_fig
from explainer.figures import timeline as fig
from explainer.models import pk
from explainer.widgets.audience import PATIENT, TRAINEE, Mode, link_mode, mode_switch
from explainer.widgets.figure_view import FigureView
from explainer.widgets.safety import CallbackGuard, error_message
from explainer.widgets.syncing import syncing

__all__ = [
    "PATIENT_WEIGHT_KG",
    "VIEWS",
    "TimelineState",
    "TimelineWidget",
    "demo_widget",
    "describe_course",
    "describe_routes",
    "describe_session",
    "link_to_pain_signal",
    "page",
    "page_widgets",
    "strings",
]

strings = fig.strings
"""Every visible string: `assets/content/timeline.yaml` (loaded once, cached)."""

PATIENT_WEIGHT_KG = 70.0
"""Patient mode always draws a 70 kg adult, and says so."""
VIEWS = ("session", "course", "routes")
ROUTE_OF = {"intravenous": "iv"}


def _protocol_ids() -> tuple[str, ...]:
    return tuple(fig.protocols())


def _route_for(protocol_id: str) -> str | None:
    route = fig.protocols()[protocol_id].route
    route = ROUTE_OF.get(route, route)
    return route if route in routes_fig.ROUTE_KEYS else None


# --- State ---------------------------------------------------------------------------------------


class TimelineState(traitlets.HasTraits):
    """What the timeline shows. Controls write here; the views observe it.

    protocol: a protocol id (assets/protocols.yaml); weight_kg: body weight used in trainee mode
    (40–150 kg, else TraitError; patient mode always uses 70 kg); route: the route highlighted in
    the comparison; view: 'session', 'course' or 'routes'; cursor_min: the time cursor, minutes
    from the start of the session (kept inside the protocol's time axis); mode: audience;
    model: the PK parameter set. Output: level_ng_ml, the plasma level at the cursor — link the
    NMDA diagram's `conc_ng_ml` to it (`link_to_pain_signal`).
    """

    protocol = traitlets.Unicode(help="A protocol id from assets/protocols.yaml")
    weight_kg = traitlets.Float(70.0, help="Body weight in kg (trainee mode)")
    route = traitlets.Enum(routes_fig.ROUTE_KEYS, default_value="iv",
                           help="The route highlighted in the comparison")
    view = traitlets.Enum(VIEWS, default_value="session")
    cursor_min = traitlets.Float(90.0, help="Minutes from the start of the session")
    mode = Mode(PATIENT)
    model = traitlets.Enum(tuple(pk.MODELS), default_value=pk.DEFAULT_MODEL)
    level_ng_ml = traitlets.Float(0.0, read_only=True,
                                  help="Plasma level (ng/mL) at the cursor (output)")
    # issue 12: a weight typed into the personal plan draws the curve in patient mode too.
    personal_weight_kg = traitlets.Float(None, allow_none=True,
                                         help="The plan's weight (kg), or None for 70 kg")

    def __init__(self, **kwargs):
        # The protocol first: it sets the time axis (and the cursor's default) and the route.
        super().__init__(protocol=kwargs.pop("protocol", _protocol_ids()[0]))
        for name in ("mode", "model", "weight_kg", "route", "view", "cursor_min"):
            if name in kwargs:
                setattr(self, name, kwargs.pop(name))
        if kwargs:
            raise TypeError(f"unknown TimelineState argument(s): {', '.join(kwargs)}")
        self._update_level()

    @traitlets.validate("protocol")
    def _check_protocol(self, proposal):
        value = proposal["value"]
        if value not in fig.protocols():
            raise traitlets.TraitError(
                f"protocol must be one of {', '.join(fig.protocols())}; got {value!r}")
        return value

    @traitlets.validate("personal_weight_kg")
    def _check_personal_weight(self, proposal):
        value = proposal["value"]
        if value is None:
            return None
        try:
            return pk.validate_weight(value)
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.validate("weight_kg")
    def _check_weight(self, proposal):
        try:
            return pk.validate_weight(proposal["value"])
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.validate("cursor_min")
    def _check_cursor(self, proposal):
        value = float(proposal["value"])
        if not math.isfinite(value):
            raise traitlets.TraitError("cursor_min must be a finite number of minutes")
        layout = self.layout
        return min(max(value, layout.lo_min), layout.hi_min)

    @traitlets.observe("protocol")
    def _new_protocol(self, change):
        old = fig.layout_for(fig.protocols()[change["old"]]) if change["old"] else None
        if old is not self.layout:
            self.cursor_min = self.layout.default_cursor_min
        else:
            self.cursor_min = self.cursor_min  # re-clamp
        route = _route_for(change["new"])
        if route is not None:
            self.route = route

    @traitlets.observe("protocol", "weight_kg", "cursor_min", "mode", "model",
                       "personal_weight_kg")
    def _on_inputs(self, change):
        self._update_level()

    def _update_level(self) -> None:
        self.set_trait("level_ng_ml", self.curve().level_at(self.cursor_min))

    @property
    def weight_used(self) -> float:
        """The weight the pictures are drawn for: 70 kg in patient mode, unless the personal
        plan gave one (issue 12)."""
        if self.mode == PATIENT:
            return self.personal_weight_kg or PATIENT_WEIGHT_KG
        return self.weight_kg

    @property
    def layout(self) -> fig.Layout:
        return fig.layout_for(fig.protocols()[self.protocol])

    def curve(self) -> fig.SessionCurve:
        """One session of the protocol at the weight used (cached: never re-simulated)."""
        return fig.session_curve(self.protocol, self.weight_used, self.model)


# --- Words ---------------------------------------------------------------------------------------


def _level_words(conc: float, short: bool = False) -> str:
    return strings()["level_short" if short else "level_words"][fig.band_key(conc)]


def _conc(conc: float) -> str:
    if conc >= 100:
        return f"{conc:,.0f}"
    if conc >= 10:
        return f"{conc:.0f}"
    return f"{conc:.1f}"


def cursor_label(curve: fig.SessionCurve, t_min: float, mode: str) -> str:
    """The level beside the time cursor: words (patient) or ng/mL (trainee)."""
    level = curve.level_at(t_min)
    if mode == TRAINEE:
        return f"{_conc(level)} ng/mL"
    return _level_words(level, short=True)


def session_sentences(curve: fig.SessionCurve, t_min: float) -> list[str]:
    """The patient sentences (also the first part of the trainee describer)."""
    s = strings()
    ss = s["session"]
    level = curve.level_at(t_min)
    out: list[str] = []
    if t_min < 0:
        out.append(ss["describer"]["before"])
    elif level <= 0:
        out.append(ss["describer"]["none_yet"].format(time=fig.short_time(t_min, curve.layout)))
    else:
        out.append(ss["describer"]["at"].format(time=fig.short_time(t_min, curve.layout),
                                                level=_level_words(level)))
    phase = curve.phase_at(t_min)
    if phase is not None:
        out.append(phase.now)
    if curve.in_checks(t_min) and (phase is None or phase.key not in ("arrive",)):
        out.append(curve.checks.now)
    if curve.feeling(t_min):
        feel = ss["feel"]
        out.append(feel["now_drip"] if curve.protocol.route == "intravenous" else feel["now_dose"])
    out += _eases_sentences(curve)
    return out


def _eases_sentences(curve: fig.SessionCurve) -> list[str]:
    e = strings()["session"]["eases"]
    iv = curve.protocol.route == "intravenous"
    out: list[str] = []
    if curve.below_floaty_after_min is not None:
        after = fig.duration_words(curve.below_floaty_after_min)
        out.append((e["drip"] if iv else e["dose"]).format(after=after))
    elif not curve.feel_spans:
        out.append(e["never_floaty"] if curve.c_peak >= fig.RELIEF else e["never_relief"])
    if not iv and curve.protocol.route in ("oral", "sublingual"):
        out.append(e["norketamine"])
    return out


def _regimen_text(curve: fig.SessionCurve) -> str:
    t = strings()["session"]["trainee"]
    p = curve.protocol
    parts = []
    for d in p.regimen(curve.weight_kg):
        if isinstance(d, pk.Infusion):
            parts.append(t["infusion"].format(
                rate=f"{d.mg_per_h:.1f}",
                duration=fig.short_time(d.duration_min, fig.LAYOUTS["days"]
                                        if d.duration_min >= 1440 else fig.LAYOUTS["hours"])))
        elif isinstance(d, pk.Bolus):
            parts.append(t["bolus"].format(mg=f"{d.mg:g}", at=f"{d.at_min:g} min"))
        else:
            parts.append(t["absorbed"].format(mg=f"{d.mg:g}", route=d.route,
                                              at=fig.short_time(d.at_min, fig.LAYOUTS["hours"]),
                                              f=f"{d.fraction:.2f}"))
    text = "; ".join(parts)
    if p.is_capped(curve.weight_kg):
        text += " (capped)"
    return text


def session_numbers(curve: fig.SessionCurve, t_min: float) -> str:
    """The trainee's extra sentences: the model's numbers at the cursor."""
    t = strings()["session"]["trainee"]
    text = t["numbers"].format(
        time=fig.short_time(t_min, curve.layout), conc=_conc(curve.level_at(t_min)),
        weight=f"{curve.weight_kg:g}", regimen=_regimen_text(curve), peak=_conc(curve.c_peak),
        t_peak=fig.short_time(curve.t_peak_min, curve.layout))
    if curve.below_floaty_after_min is None and curve.c_peak < fig.FLOATY:
        return f"{text} {t['fall_never']}"
    t100 = curve.below_floaty_after_min
    t70 = curve.below_relief_after_min
    return text + " " + t["fall"].format(
        t100="—" if t100 is None else f"{t100:.0f} min",
        t70="—" if t70 is None else f"{t70:.0f} min")


def describe_session(curve: fig.SessionCurve, t_min: float, mode: str = PATIENT) -> str:
    """The session describer as plain text; trainee mode adds the numbers."""
    text = " ".join(session_sentences(curve, t_min))
    if mode == TRAINEE:
        text += " " + session_numbers(curve, t_min)
    return text


def _session_html(curve: fig.SessionCurve, t_min: float, mode: str) -> str:
    html = f"<p>{escape(' '.join(session_sentences(curve, t_min)))}</p>"
    if mode == TRAINEE:
        html += f'<p class="kx-numbers-line">{escape(session_numbers(curve, t_min))}</p>'
    return html


def _plan_sentence(protocol_id: str) -> str:
    c = strings()["course"]["plan"]
    p = fig.protocols()[protocol_id]
    n = len(p.session_days)
    if p.route == "intravenous":
        if p.session_length_min > 1440:
            return c["iv_continuous"].format(days=f"{p.session_length_min / 1440:.0f}")
        hours = fig.duration_words(p.session_length_min)
        return (c["iv_single"] if n == 1 else c["iv_daily"]).format(hours=hours, n=n)
    if len(p.doses) == 1 and n == 1:
        return c["dose_single"]
    return c["doses_daily"].format(k=len(p.doses), n=n)


def course_sentences(protocol_id: str, mode: str = PATIENT) -> list[str]:
    c = strings()["course"]
    rows = {r["key"]: " ".join(r["text"].split()) for r in c["rows"]}  # drawn on two lines
    sources = {r["key"]: r["source"] for r in c["rows"]}
    frame = course_fig.course_frame(protocol_id, mode)
    out = [_plan_sentence(protocol_id), rows["onset"]]
    if mode == TRAINEE:
        out += [f"{rows[k].rstrip('.')} ({sources[k]})." for k in rows if k != "onset"]
    else:
        out += [rows[k] for k in frame.closest]
        out += [rows["none"], rows["nice"]]
    if frame.closest:
        out.append(c["describer_closest"])
    if not frame.iv:
        out.append(c["non_iv_note"]["text"])
    out.append(c["not_prediction"][mode])
    return out


def describe_course(protocol_id: str, mode: str = PATIENT) -> str:
    """The course describer as plain text (always says it is not a prediction)."""
    return " ".join(course_sentences(protocol_id, mode))


def describe_routes(curves: Mapping[str, routes_fig.RouteCurve], highlight: str,
                    mode: str = PATIENT, weight_kg: float = PATIENT_WEIGHT_KG) -> str:
    """The route comparison's describer; trainee mode adds the model's terms."""
    r = strings()["routes"]
    d = r["describer"]
    text = f"{d['patient']} {d['highlight'][highlight]}"
    if mode == TRAINEE:
        text += " " + d["trainee"].format(mg=r["dose_mg"], weight=f"{weight_kg:g}",
                                          iv_minutes=r["iv_minutes"])
    return text


def routes_table_html(curves: Mapping[str, routes_fig.RouteCurve]) -> str:
    """Trainee table: peak, time to peak, AUC and the bioavailability used, with sources."""
    r = strings()["routes"]
    t = r["table"]
    rows = []
    for key in routes_fig.ROUTE_KEYS:
        c = curves[key]
        if key == "iv":
            f = t["iv_f"]
        else:
            f = f"{100 * c.f:.0f}% ({100 * c.f_low:.0f}–{100 * c.f_high:.0f}%)"
        rows.append(
            f"<tr><th scope=\"row\">{escape(r['buttons'][key])}</th><td>{escape(f)}</td>"
            f"<td>{_conc(c.c_peak)}</td><td>{c.t_peak_min:.0f} min</td>"
            f"<td>{c.auc_ng_h_ml:,.0f}</td></tr>")
    head = "".join(f"<th scope=\"col\">{escape(t[k])}</th>"
                   for k in ("route", "f", "peak", "t_peak", "auc"))
    refs = sorted({k for c in curves.values() for k in c.refs} | {"domino1982"}
                  | set(r["dose_refs"]))
    items = "".join(f"<li>{escape(x)}</li>" for x in format_refs(refs))
    return (f'<div class="kx-numbers kx-routes-table"><table><caption>{escape(t["caption"])}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f'<p class="kx-sources-title">{escape(t["sources"])}</p><ul>{items}</ul></div>')


@lru_cache(maxsize=64)
def trainee_html(protocol_id: str) -> str:
    """The protocol's trainee notes and sources (shown under the views in trainee mode)."""
    s = strings()
    p = fig.protocols()[protocol_id]
    pattern = fig.pattern_for(p)
    spec = s["patterns"][pattern]
    refs = [*p.refs, *s["session"]["trainee"]["refs"], *spec.get("refs", ())]
    for item in (*spec["phases"], spec["checks"]):
        refs += item["refs"]
    notes = "".join(f"<li>{escape(n)}</li>" for n in p.notes)
    sources = "".join(f"<li>{escape(x)}</li>" for x in format_refs(refs, confidence=True))
    return (f'<div class="kx-card kx-timeline-trainee"><p>{escape(p.audience["trainee"])}</p>'
            f"<ul>{notes}</ul><p>{escape(s['session']['trainee']['bands'])}</p>"
            f'<details><summary>{escape(s["session"]["trainee"]["sources"])}</summary>'
            f"<ul>{sources}</ul></details></div>")


# --- The widget ----------------------------------------------------------------------------------


class TimelineWidget(widgets.VBox):
    """Controls + the three views. `state` holds what is shown; `mode` is linked to `state.mode`.

    Named parts, for tests and benchmarks: view_buttons, protocol_select, example_tag,
    weight_input, weight_message, cursor (the time slider, class kx-cursor-slider; a new one
    for each time axis),
    cursor_layer (the session chart's cursor, an overlay layer above the curve),
    route_buttons, session_view / course_view / routes_view (FigureViews; the last two are built
    the first time they are shown), routes_table, trainee_box, error.
    """

    mode = Mode(PATIENT)

    def __init__(self, state: TimelineState | None = None, mode: str | None = None, **kwargs):
        self.state = state if state is not None else TimelineState()
        if mode is not None:
            self.state.mode = mode
        s = strings()
        c = s["controls"]
        self.error = error_message()
        self._syncing = False
        self._shown: dict[str, tuple | None] = dict.fromkeys(VIEWS)
        safe = CallbackGuard(self.error)

        self.view_buttons = widgets.ToggleButtons(
            options=[(c["views"][v], v) for v in VIEWS], value=self.state.view,
            description=c["views_label"], tooltips=[c["views_tooltips"][v] for v in VIEWS],
            style={"description_width": "initial", "button_width": "auto"})
        self.view_buttons.add_class("kx-stacked")
        self.view_buttons.add_class("kx-timeline-views")
        protocols = fig.protocols()
        self.protocol_select = widgets.Dropdown(
            options=[(p.name + (c["example_suffix"] if p.example else ""), pid)
                     for pid, p in protocols.items()],
            value=self.state.protocol, description=c["protocol"],
            style={"description_width": "initial"})
        self.protocol_select.add_class("kx-timeline-protocol")
        self.example_tag = widgets.HTML("")
        self.example_tag.add_class("kx-timeline-example")
        self.about = widgets.HTML("")
        self.about.add_class("kx-timeline-about")
        self.weight_input = widgets.FloatText(
            value=self.state.weight_kg, description=c["weight"], continuous_update=False,
            step=1.0, style={"description_width": "initial"})
        self.weight_input.add_class("kx-timeline-weight")
        self.weight_message = widgets.HTML("", layout=widgets.Layout(display="none"))
        self.weight_message.add_class("kx-timeline-weight-message")
        self.weight_box = widgets.VBox([self.weight_input, self.weight_message])
        self._cursor_callback = safe(self._on_cursor)
        layout = self.state.layout
        self.cursor = self._make_cursor(layout, self.state.cursor_min)
        self._cursor_layout = layout.key
        self.route_buttons = widgets.ToggleButtons(
            options=[(s["routes"]["buttons"][k], k) for k in routes_fig.ROUTE_KEYS],
            value=self.state.route, description=c["route"],
            style={"description_width": "initial", "button_width": "auto"})
        self.route_buttons.add_class("kx-stacked")
        self.route_buttons.add_class("kx-timeline-routes")

        curve = self.state.curve()
        self.session_view = FigureView(fig.session_scene(curve.layout.key)[0],
                                       s["session"]["label"])
        self.session_view.add_class("kx-timeline-session")
        # The time cursor is its own overlay layer, on top of the curve and strip, so a cursor
        # move replaces only it (and the words), not the whole picture.
        self.cursor_layer = widgets.HTML("")
        self.cursor_layer.add_class("kx-figure-overlay")
        self.cursor_layer.add_class("kx-figure-cursor")
        stack, describer = self.session_view.children
        background, static = stack.children
        stack.children = (background, self.cursor_layer, static)
        self.session_view.children = (stack, self.cursor, describer)
        self._static_key: tuple | None = None
        self.course_view: FigureView | None = None
        self.routes_view: FigureView | None = None
        self.routes_table = widgets.HTML("")
        self.trainee_box = widgets.HTML("")
        self.course_box = widgets.VBox([])
        self.routes_box = widgets.VBox([self.route_buttons])
        self.boxes = {"session": self.session_view, "course": self.course_box,
                      "routes": self.routes_box}

        top = widgets.VBox([self.protocol_select, self.example_tag, self.about, self.weight_box])
        top.add_class("kx-timeline-controls")
        self.protocol_box = top
        super().__init__([self.view_buttons, top, self.session_view, self.course_box,
                          self.routes_box, self.error, self.trainee_box], **kwargs)
        self.add_class("kx-timeline")

        self.mode = self.state.mode
        self._mode_link = traitlets.link((self, "mode"), (self.state, "mode"))
        self.view_buttons.observe(safe(self._on_view_button), names="value")
        self.protocol_select.observe(safe(self._on_protocol_select), names="value")
        self.weight_input.observe(safe(self._on_weight_input), names="value")
        self.route_buttons.observe(safe(self._on_route_button), names="value")
        self.state.observe(safe(self._on_state),
                           names=["protocol", "weight_kg", "route", "view", "cursor_min", "mode",
                                  "model", "personal_weight_kg"])
        self._render()
        # issue 12: the personal plan (clock times, the clinic's rules, the handout) under the
        # session view; shown with it.
        from explainer.widgets.plan import PlanWidget

        self.plan = PlanWidget(self)
        at = self.children.index(self.session_view) + 1
        self.children = (*self.children[:at], self.plan, *self.children[at:])
        # issue 15: the time cursor drawn in the page, linked to the time slider there.
        from explainer.widgets.browser.attach import BrowserCursor

        self.browser = BrowserCursor(self)

    def _make_cursor(self, layout: fig.Layout, t_min: float) -> widgets.SelectionSlider:
        """The time slider for one layout: one step per `layout.step_min`, labelled in words."""
        slider = widgets.SelectionSlider(
            options=[(fig.short_time(t, layout), t) for t in layout.cursor_positions],
            value=int(layout.clamp(t_min)), description=strings()["controls"]["cursor"],
            continuous_update=True, style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"))
        slider.add_class("kx-cursor-slider")
        slider.observe(self._cursor_callback, names="value")
        return slider

    # controls -> state
    def _on_view_button(self, change):
        if not self._syncing:
            self.state.view = change["new"]

    def _on_protocol_select(self, change):
        if not self._syncing and change["new"] is not None:
            self.state.protocol = change["new"]

    def _on_cursor(self, change):
        if not self._syncing and change["new"] is not None:
            t = float(change["new"])
            if self.state.view == "session":
                # Send the chart first: the state change below also moves whatever follows
                # `level_ng_ml` (the NMDA diagram), whose messages then queue behind it.
                self._render_session(self.state.curve(), t)
            self.state.cursor_min = t

    def _on_route_button(self, change):
        if not self._syncing and change["new"] is not None:
            self.state.route = change["new"]

    def _on_weight_input(self, change):
        if self._syncing:
            return
        value = change["new"]
        lo, hi = pk.WEIGHT_RANGE_KG
        try:
            weight = pk.validate_weight(value)
        except ValueError:
            message = strings()["controls"]["weight_bad"].format(
                low=f"{lo:g}", high=f"{hi:g}", current=f"{self.state.weight_kg:g}")
            self.weight_message.value = f'<p class="kx-note" role="alert">{escape(message)}</p>'
            self.weight_message.layout.display = None
            return
        self.weight_message.value = ""
        self.weight_message.layout.display = "none"
        self.state.weight_kg = weight

    # state -> views
    def _on_state(self, change):
        self._render()

    def _sync_controls(self, curve: fig.SessionCurve) -> None:
        st = self.state
        s = strings()
        trainee = st.mode == TRAINEE
        with syncing(self):
            if self.view_buttons.value != st.view:
                self.view_buttons.value = st.view
            if self.protocol_select.value != st.protocol:
                self.protocol_select.value = st.protocol
            if self.route_buttons.value != st.route:
                self.route_buttons.value = st.route
            layout = curve.layout
            if self._cursor_layout != layout.key:
                # A new time axis gets a new slider: the browser's slider does not always take
                # a new number of steps once it has been used (its range stays the old one).
                old = self.cursor
                self.cursor = self._make_cursor(layout, st.cursor_min)
                stack, _, describer = self.session_view.children
                self.session_view.children = (stack, self.cursor, describer)
                old.close()
                self._cursor_layout = layout.key
            target = int(layout.clamp(st.cursor_min))
            if self.cursor.value != target:
                self.cursor.value = target
            if not trainee and self.weight_input.value != st.weight_kg:
                self.weight_input.value = st.weight_kg
            p = curve.protocol
            tag = (f'<p class="kx-tag">{escape(s["example_tag"])}</p>' if p.example else "")
            if self.example_tag.value != tag:
                self.example_tag.value = tag
            about = f"<p>{escape(p.audience['patient'])}</p>"
            if not trainee and st.personal_weight_kg is None:  # issue 12: else the plan says
                about += f'<p class="kx-muted">{escape(s["weight_note"])}</p>'
            if self.about.value != about:
                self.about.value = about
            self.weight_box.layout.display = None if trainee else "none"
            self.protocol_box.layout.display = None if st.view != "routes" else "none"
            for key, box in self.boxes.items():
                box.layout.display = None if key == st.view else "none"
            self.trainee_box.layout.display = (None if trainee and st.view != "routes"
                                               else "none")
            html = trainee_html(st.protocol) if trainee else ""
            if self.trainee_box.value != html:
                self.trainee_box.value = html

    def _render(self) -> None:
        st = self.state
        curve = st.curve()
        self._sync_controls(curve)
        if st.view == "session":
            self._render_session(curve, st.cursor_min)
        elif st.view == "course":
            self._render_course()
        else:
            self._render_routes()

    def _render_session(self, curve: fig.SessionCurve, t: float) -> None:
        st = self.state
        key = (curve, st.mode, t)
        if key == self._shown["session"]:
            return
        view = self.session_view
        scene = fig.session_scene(curve.layout.key)[0]
        view.set_scene(scene)
        if (curve, st.mode) != self._static_key:
            view.overlay.value = scene.svg(list(fig.session_static(curve, st.mode)), view.label)
            self._static_key = (curve, st.mode)
        layer = fig.layer_document(fig.session_cursor(curve, t, st.mode,
                                                      cursor_label(curve, t, st.mode)))
        if layer != self.cursor_layer.value:
            self.cursor_layer.value = layer
        html = _session_html(curve, t, st.mode)
        if html != view.describer.value:
            view.describer.value = html
        self._shown["session"] = key

    def _render_course(self) -> None:
        st = self.state
        key = (st.protocol, st.mode)
        if key == self._shown["course"]:
            return
        if self.course_view is None:
            self.course_view = FigureView(course_fig.course_scene(), strings()["course"]["label"])
            self.course_view.add_class("kx-timeline-course")
            self.course_box.children = (self.course_view,)
        frame = course_fig.course_frame(st.protocol, st.mode)
        html = f"<p>{escape(describe_course(st.protocol, st.mode))}</p>"
        self.course_view.show(course_fig.course_overlay(frame), html)
        self._shown["course"] = key

    def _render_routes(self) -> None:
        st = self.state
        weight = st.weight_used
        key = (weight, st.route, st.mode, st.model)
        if key == self._shown["routes"]:
            return
        if self.routes_view is None:
            self.routes_view = FigureView(routes_fig.routes_scene()[0],
                                          strings()["routes"]["label"])
            self.routes_view.add_class("kx-timeline-routes-view")
            self.routes_box.children = (self.route_buttons, self.routes_view, self.routes_table)
        curves = routes_fig.route_curves(weight, st.model)
        html = f"<p>{escape(describe_routes(curves, st.route, st.mode, weight))}</p>"
        self.routes_view.show(routes_fig.routes_overlay(curves, st.route, st.mode, weight), html)
        table = routes_table_html(curves) if st.mode == TRAINEE else ""
        if self.routes_table.value != table:
            self.routes_table.value = table
        self.routes_table.layout.display = None if table else "none"
        self._shown["routes"] = key


# --- Linking to the NMDA diagram -----------------------------------------------------------------


def link_to_pain_signal(timeline, pain_signal) -> traitlets.dlink:
    """Drive the NMDA diagram from the time cursor: `TimelineState.level_ng_ml` ->
    `PainSignalState.conc_ng_ml`. Either argument may be the widget or its state. Keep the
    returned link (`.unlink()` stops it)."""
    source = getattr(timeline, "state", timeline)
    target = getattr(pain_signal, "state", pain_signal)
    return traitlets.dlink((source, "level_ng_ml"), (target, "conc_ng_ml"))


def _pain_signal_section(timeline: TimelineWidget, mode: str):
    """A compact NMDA diagram under the session view, driven by the cursor; None if the
    pain-signal widget cannot be imported or built (the timeline works without it)."""
    try:
        from explainer.widgets.pain_signal import PainSignalWidget

        pain = PainSignalWidget(mode=mode)
    except Exception:  # noqa: BLE001  (a sibling's module may be missing or half-written)
        logging.getLogger("explainer").exception("the pain-signal diagram is not available")
        return None
    c = strings()["controls"]
    pain.add_class("kx-timeline-pain")
    intro = widgets.HTML(f'<h2 class="kx-timeline-pain-title">{escape(c["pain_signal_title"])}'
                         f"</h2><p>{escape(c['pain_signal_intro'])}</p>")
    box = widgets.VBox([intro, pain])
    box.add_class("kx-timeline-pain-box")
    link = link_to_pain_signal(timeline, pain)

    def follow_view(change=None):
        box.layout.display = None if timeline.state.view == "session" else "none"

    timeline.state.observe(CallbackGuard(timeline.error)(follow_view), names="view")
    follow_view()
    return box, pain, link


# --- Page and benchmark hooks --------------------------------------------------------------------


def page_widgets(mode: str = PATIENT, with_pain_signal: bool = True):
    """The mode switch, the timeline, the NMDA section (or None) and the education note, with
    their modes linked to the switch. Returns (switch, timeline, pain_box, note, links)."""
    switch = mode_switch(mode)
    timeline = TimelineWidget(mode=mode)
    links = link_mode(switch, timeline)
    pain_box = None
    section = _pain_signal_section(timeline, mode) if with_pain_signal else None
    if section is not None:
        pain_box, pain, link = section
        links += [link, *link_mode(switch, pain)]
    note = widgets.HTML(f'<p class="kx-note">{escape(strings()["education_note"])}</p>')
    return switch, timeline, pain_box, note, links


def page(mode: str = PATIENT) -> None:
    """The whole timeline page: header, intro, switch, timeline, NMDA diagram, note, footer."""
    from IPython.display import display

    pages.show(pages.header_html("timeline"), pages.body_html("treatment-timeline"))
    switch, timeline, pain_box, note, links = page_widgets(mode)
    parts = [switch, timeline] + ([pain_box] if pain_box is not None else []) + [note]
    box = widgets.VBox(parts)
    box._kx_links = links  # keep the links alive with the page
    display(box)
    pages.show(pages.footer_html())


def demo_widget(mode: str = PATIENT) -> TimelineWidget:
    """A widget for the benchmark harness: move `cursor.value` (a value of
    `cursor.options`); each move is one state update and one overlay message."""
    return TimelineWidget(mode=mode)

