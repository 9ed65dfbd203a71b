"""`TimelineWidget`: the controls that write to a `TimelineState` and its three views.

Wiring only: the state is `state.py`, the words `describe_*.py`, the trainee tables
`trainee_notes.py`, the pictures `explainer.figures.session`, `.course` and `.routes`. A
cursor move only indexes into the session's cached arrays, picks words and rebuilds a small SVG
string: no simulation and no matplotlib on the update path. Backgrounds are drawn once per
process and layout. A weight outside the model's range shows a friendly message and keeps the
last good picture.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
import traitlets

from explainer import formatting as fmt
from explainer.content import strings
from explainer.content.clinic.env import shown_protocols
from explainer.figures import course as course_fig
from explainer.figures import routes as routes_fig
from explainer.figures import session as timeline_fig
from explainer.models import pk
from explainer.widgets.audience import TRAINEE, trainee_only
from explainer.widgets.base import StateWidget
from explainer.widgets.figure_view import FigureView, overlay_layer
from explainer.widgets.syncing import syncing
from explainer.widgets.timeline.describe_course import describe_course
from explainer.widgets.timeline.describe_routes import describe_routes
from explainer.widgets.timeline.describe_session import cursor_label, session_html
from explainer.widgets.timeline.readout import ChartReadout
from explainer.widgets.timeline.state import VIEWS, TimelineState
from explainer.widgets.timeline.trainee_notes import routes_table_html, trainee_html

_INITIAL = {"description_width": "initial"}
_BUTTONS = {"description_width": "initial", "button_width": "auto"}


def _with_classes(control: widgets.Widget, *classes: str) -> widgets.Widget:
    for name in classes:
        control.add_class(name)
    return control


def _shown(on: bool) -> str | None:
    return None if on else "none"


class TimelineWidget(ChartReadout, StateWidget):
    """Controls + the three views. `state` holds what is shown; `mode` is linked to `state.mode`.

    Named parts, for tests and benchmarks: view_buttons, protocol_select, example_tag,
    weight_input, weight_message, cursor (the time slider, class kx-cursor-slider; a new one
    for each time axis), cursor_layer (the session chart's cursor, an overlay layer above the
    curve), route_buttons, session_view / course_view / routes_view (FigureViews; the last two
    are built the first time they are shown), routes_table, trainee_box, plan, error.
    `shape` and `clock_plan` (the chart's layout and its readout) and their setters come from
    `ChartReadout`.
    """

    state_class = TimelineState
    watched = ("protocol", "weight_kg", "route", "view", "cursor_min", "mode", "model",
               "personal_weight_kg")
    css_class = "kx-timeline"

    def __init__(self, state: TimelineState | None = None, mode: str | None = None, **kwargs):
        super().__init__(state, mode, **kwargs)
        # issue 12: the personal plan (clock times, the clinic's rules, the handout) under the
        # session view; shown with it.
        from explainer.widgets.plan import PlanWidget

        self.plan = PlanWidget(self)
        at = self.children.index(self.session_view) + 1
        self.children = (*self.children[:at], self.plan, *self.children[at:])
        # issue 15: the time cursor drawn in the page, linked to the time slider there.
        from explainer.widgets.browser.attach import BrowserCursor

        self.browser = BrowserCursor(self)

    def _build(self) -> list[widgets.Widget]:
        all_strings = strings.table("timeline")
        labels = all_strings["controls"]
        state = self.state
        self._shown: dict[str, tuple | None] = dict.fromkeys(VIEWS)
        self._static_key: tuple | None = None

        self.view_buttons = _with_classes(widgets.ToggleButtons(
            options=[(labels["views"][v], v) for v in VIEWS], value=state.view,
            description=labels["views_label"],
            tooltips=[labels["views_tooltips"][v] for v in VIEWS], style=_BUTTONS),
            "kx-stacked", "kx-timeline-views")
        self.protocol_select = _with_classes(widgets.Dropdown(
            options=[(p.name + (labels["example_suffix"] if p.example else ""), pid)
                     for pid, p in shown_protocols().items()],
            value=state.protocol, description=labels["protocol"], style=_INITIAL),
            "kx-timeline-protocol")
        self.example_tag = _with_classes(widgets.HTML(""), "kx-timeline-example")
        self.about = _with_classes(widgets.HTML(""), "kx-timeline-about")
        self.weight_input = _with_classes(widgets.FloatText(
            value=state.weight_kg, description=labels["weight"], continuous_update=False,
            step=1.0, style=_INITIAL), "kx-timeline-weight")
        self.weight_message = _with_classes(
            widgets.HTML("", layout=widgets.Layout(display="none")),
            "kx-timeline-weight-message")
        self.weight_box = widgets.VBox([self.weight_input, self.weight_message])
        self._cursor_callback = self.guard(self._on_cursor)
        self.route_buttons = _with_classes(widgets.ToggleButtons(
            options=[(all_strings["routes"]["buttons"][k], k) for k in routes_fig.ROUTE_KEYS],
            value=state.route, description=labels["route"], style=_BUTTONS),
            "kx-stacked", "kx-timeline-routes")

        curve = state.curve()
        # The parts shown and hidden (by view, mode or content) have Layouts of their own; the
        # others share one (`shared_models`).
        self.session_view = FigureView(timeline_fig.session_scene(curve.layout.key)[0],
                                       all_strings["session"]["label"], layout=widgets.Layout())
        self.session_view.add_class("kx-timeline-session")
        # The time cursor is its own overlay layer, on top of the curve and strip, so a cursor
        # move replaces only it (and the words), not the whole picture.
        self.cursor_layer = overlay_layer("kx-figure-cursor")
        self.session_view.add_layer(self.cursor_layer, under_overlay=True)
        self._set_cursor(state.layout)
        self.course_view: FigureView | None = None
        self.routes_view: FigureView | None = None
        self.routes_table = widgets.HTML("", layout=widgets.Layout())
        self.trainee_box = widgets.HTML("", layout=widgets.Layout())
        self.course_box = widgets.VBox([], layout=widgets.Layout())
        self.routes_box = widgets.VBox([self.route_buttons], layout=widgets.Layout())
        self.boxes = {"session": self.session_view, "course": self.course_box,
                      "routes": self.routes_box}
        trainee_only(self.weight_box, self.routes_table, self.trainee_box)
        self.protocol_box = _with_classes(
            widgets.VBox([self.protocol_select, self.example_tag, self.about, self.weight_box],
                         layout=widgets.Layout()),
            "kx-timeline-controls")
        return [self.view_buttons, self.protocol_box, self.session_view, self.course_box,
                self.routes_box, self.error, self.trainee_box]

    def _set_cursor(self, layout: timeline_fig.Layout) -> None:
        """A new time slider for `layout` under the session chart: the browser's slider does
        not always take a new number of steps once it has been used (its range stays)."""
        slider = widgets.SelectionSlider(
            options=[(self._time_text(t, layout), t) for t in layout.cursor_positions],
            value=int(layout.clamp(self.state.cursor_min)),
            description=strings.text("timeline", "controls.cursor"), continuous_update=True,
            style=_INITIAL, layout=widgets.Layout(width="100%"))
        slider.add_class("kx-cursor-slider")
        slider.observe(self._cursor_callback, names="value")
        self.cursor = slider
        self._cursor_layout = layout.key
        old = self.session_view.set_control(slider)
        if old is not None:
            old.close()

    # controls -> state
    def _wire(self, guard) -> None:
        state = self.state
        self._control_links = [
            traitlets.link((state, "view"), (self.view_buttons, "value")),
            traitlets.link((state, "protocol"), (self.protocol_select, "value")),
            traitlets.link((state, "route"), (self.route_buttons, "value")),
        ]
        self.weight_input.observe(guard(self._on_weight_input), names="value")

    def _on_cursor(self, change):
        if not self._syncing and change["new"] is not None:
            t = float(change["new"])
            if self.state.view == "session":
                # Send the chart first: the state change below also moves whatever follows
                # `level_ng_ml` (the NMDA diagram), whose messages then queue behind it.
                self._render_session(self.state.curve(), t)
            self.state.cursor_min = t

    def _on_weight_input(self, change):
        if self._syncing:
            return
        try:
            weight = pk.validate_weight(change["new"])
        except ValueError:
            low, high = pk.WEIGHT_RANGE_KG
            message = strings.text("timeline", "controls.weight_bad").format(
                low=fmt.plain(low), high=fmt.plain(high),
                current=fmt.plain(self.state.weight_kg))
            self.weight_message.value = f'<p class="kx-note" role="alert">{escape(message)}</p>'
            self.weight_message.layout.display = None
            return
        self.weight_message.value = ""
        self.weight_message.layout.display = "none"
        self.state.weight_kg = weight

    # state -> views
    def _sync_controls(self, curve: timeline_fig.SessionCurve) -> None:
        state = self.state
        all_strings = strings.table("timeline")
        trainee = state.mode == TRAINEE
        with syncing(self):
            layout = curve.layout
            if self._cursor_layout != layout.key:
                self._set_cursor(layout)
            target = int(layout.clamp(state.cursor_min))
            if self.cursor.value != target:
                self.cursor.value = target
            if not trainee and self.weight_input.value != state.weight_kg:
                self.weight_input.value = state.weight_kg
            protocol = curve.protocol
            tag = (f'<p class="kx-tag">{escape(all_strings["example_tag"])}</p>'
                   if protocol.example else "")
            if self.example_tag.value != tag:
                self.example_tag.value = tag
            about = f"<p>{escape(protocol.audience['patient'])}</p>"
            if not trainee and state.personal_weight_kg is None:  # issue 12: else the plan says
                about += f'<p class="kx-muted">{escape(all_strings["weight_note"])}</p>'
            if self.about.value != about:
                self.about.value = about
            self.protocol_box.layout.display = _shown(state.view != "routes")
            for key, box in self.boxes.items():
                box.layout.display = _shown(key == state.view)
            self.trainee_box.layout.display = _shown(state.view != "routes")
            html = trainee_html(state.protocol) if trainee else ""
            if self.trainee_box.value != html:
                self.trainee_box.value = html

    def _render(self) -> None:
        """The view on screen, then the controls and which box shows. In that order: a box
        that becomes visible already holds its view's picture for the current mode, so the
        page never shows a hidden box's old picture (another mode's) while the new one is on
        its way (the messages reach the page in the order they are set)."""
        state = self.state
        curve = state.curve()
        if state.view == "session":
            self._render_session(curve, state.cursor_min)
        elif state.view == "course":
            self._render_course()
        else:
            self._render_routes()
        self._sync_controls(curve)

    def _render_session(self, curve: timeline_fig.SessionCurve, t: float) -> None:
        state = self.state
        key = (curve, state.mode, t)
        if key == self._shown["session"]:
            return
        view = self.session_view
        scene = timeline_fig.session_scene(curve.layout.key, self.shape)[0]
        view.set_scene(scene)
        if (curve, state.mode) != self._static_key:
            view.show_overlay(scene.svg(
                list(timeline_fig.session_static(curve, state.mode, self.shape)), view.label))
            self._static_key = (curve, state.mode)
        when = None if self.clock_plan is None else self._time_text(t, curve.layout)
        layer = timeline_fig.layer_document(timeline_fig.session_cursor(
            curve, t, state.mode, cursor_label(curve, t, state.mode), self.shape, when),
            scene.width_px, scene.height_px)
        if layer != self.cursor_layer.value:
            self.cursor_layer.value = layer
        clock = None if self.clock_plan is None else (
            lambda minutes: self._time_text(minutes, curve.layout))
        browser = getattr(self, "browser", None)   # (built last)
        view.show_description(session_html(curve, t, state.mode, clock),
                              in_page=browser is not None and browser.words_in_page(curve, t))
        self._shown["session"] = key

    def _render_course(self) -> None:
        state = self.state
        key = (state.protocol, state.mode, self.shape)
        if key == self._shown["course"]:
            return
        scene = course_fig.course_scene(self.shape)
        if self.course_view is None:
            self.course_view = FigureView(scene, strings.text("timeline", "course.label"))
            self.course_view.add_class("kx-timeline-course")
            self.course_box.children = (self.course_view,)
        self.course_view.set_scene(scene)
        frame = course_fig.course_frame(state.protocol, state.mode)
        html = f"<p>{escape(describe_course(state.protocol, state.mode))}</p>"
        self.course_view.show(course_fig.course_overlay(frame, self.shape), html)
        self._shown["course"] = key

    def _render_routes(self) -> None:
        state = self.state
        weight = state.weight_used
        key = (weight, state.route, state.mode, state.model, self.shape)
        if key == self._shown["routes"]:
            return
        scene = routes_fig.routes_scene(self.shape)[0]
        if self.routes_view is None:
            self.routes_view = FigureView(scene, strings.text("timeline", "routes.label"))
            self.routes_view.add_class("kx-timeline-routes-view")
            self.routes_box.children = (self.route_buttons, self.routes_view, self.routes_table)
        self.routes_view.set_scene(scene)
        curves = routes_fig.route_curves(weight, state.model)
        html = f"<p>{escape(describe_routes(curves, state.route, state.mode, weight))}</p>"
        self.routes_view.show(routes_fig.routes_overlay(curves, state.route, state.mode, weight,
                                                        self.shape), html)
        table = routes_table_html(curves) if state.mode == TRAINEE else ""
        if self.routes_table.value != table:
            self.routes_table.value = table
        self.routes_table.layout.display = _shown(bool(table))
        self._shown["routes"] = key
