"""`PainSignalWidget`: the controls that write to a `PainSignalState` and the views of it.

Wiring only: the state is `state.py`, the words `describe.py`, the numbers table
`trainee_notes.py`, the pictures `explainer.figures.pain_signal`. An update never touches
matplotlib: it looks up the cached model, builds the overlay SVG as a string and sets it once;
texts and numbers are sent only when they change. One state change gives one overlay update
(duplicates are dropped by a state key).

What a screen reader hears is one polite live region, `announcer` (the figures' own
descriptions are quiet): each change a person makes, and during Play only its start and the
state it ends in, not every pinch. Where the page draws the diagram itself, it also writes these
words, from the overlay's pack, in the same frame as the picture (issue 26); the kernel then
records them without sending them again.
"""

from __future__ import annotations

import ipywidgets as widgets
import traitlets

from explainer import formatting as fmt
from explainer.content import strings
from explainer.figures import pain_signal as pain_fig
from explainer.widgets.audience import TRAINEE, trainee_only
from explainer.widgets.base import StateWidget
from explainer.widgets.figure_view import FigureView
from explainer.widgets.pain_signal.describe import (
    chart_description,
    describer_html,
    play_start_html,
)
from explainer.widgets.pain_signal.state import (
    SLIDER_GRID_NG_ML,
    PainSignalState,
    SynapseNumbers,
    level_concs,
    level_key,
    nearest_grid,
)
from explainer.widgets.pain_signal.trainee_notes import numbers_html
from explainer.widgets.syncing import already_shown, syncing


def _stacked(control: widgets.Widget) -> widgets.Widget:
    control.add_class("kx-stacked")
    return control


def _group(*children: widgets.Widget, cls: str, box=widgets.VBox) -> widgets.Widget:
    group = box(list(children))
    group.add_class(cls)
    return group


class PainSignalWidget(StateWidget):
    """Controls + the diagram (+ in trainee mode a chart of every impulse and the numbers).

    `state` holds what is shown; `mode` is linked to `state.mode`. Named controls, for tests and
    benchmarks: level_buttons, level_slider, pattern_buttons, play, play_button, reset_button,
    view (the diagram's FigureView), chart (created on first trainee view), numbers,
    announcer (the live region), error. `shape` is the diagram's layout ("landscape", or
    "portrait" once the page says it is narrow: `set_shape`).
    """

    state_class = PainSignalState
    watched = ("conc_ng_ml", "pattern", "impulse", "mode")
    css_class = "kx-pain-signal"

    def __init__(self, state: PainSignalState | None = None, mode: str | None = None, **kwargs):
        super().__init__(state, mode, **kwargs)
        # issue 15: the moving parts drawn in the page, linked to the controls there (after
        # the first render, so the kernel's messages of a change go before the overlay's).
        from explainer.widgets.browser.attach import BrowserDiagram  # (imported when first used)

        self.browser = BrowserDiagram(self)
        # Play runs in the page (the overlay's `playing`) or, as a fallback, in the kernel's
        # Play widget: either way, its start and end are announced, not each pinch.
        for clock in (self.browser.overlay, self.play):
            clock.observe(self.guard(self._on_clock), names="playing")

    @property
    def playing(self) -> bool:
        """Whether Play is running (in the page or in the kernel)."""
        overlay = getattr(getattr(self, "browser", None), "overlay", None)  # (built last)
        return bool(self.play.playing or (overlay is not None and overlay.playing))

    def _on_clock(self, change) -> None:
        if change["new"]:
            self._announce(play_start_html(self.state.n_impulses))
        else:
            self._announce(self.view.describer.value)

    def _announce(self, html: str) -> None:
        if self._words_in_page():
            already_shown(self.announcer, "value", html)
        elif html != self.announcer.value:
            self.announcer.value = html

    def _words_in_page(self) -> bool:
        """Whether the page has written this state's words itself, from the overlay's pack
        (issue 26): then the kernel records them and does not send them again."""
        browser = getattr(self, "browser", None)   # (built last)
        return browser is not None and browser.words_in_page()

    def _build(self) -> list[widgets.Widget]:
        all_strings = strings.table("pain_signal")
        labels = all_strings["controls"]
        state = self.state
        self._last_key: tuple | None = None
        levels = all_strings["levels"]
        self.level_buttons = _stacked(widgets.ToggleButtons(
            options=[(level["label"], level["key"]) for level in levels],
            value=level_key(state.conc_ng_ml),
            description=labels["level"],
            tooltips=[level["tooltip"] for level in levels],
            style={"description_width": "initial", "button_width": "auto"},
        ))
        self.level_slider = widgets.SelectionSlider(
            options=[(labels["level_readout"].format(conc=fmt.conc_text(v)), float(v))
                     for v in SLIDER_GRID_NG_ML],
            value=float(nearest_grid(state.conc_ng_ml)),
            description=labels["level_trainee"],
            continuous_update=True,
            style={"description_width": "initial"},
        )
        self.level_slider.add_class("kx-level-slider")
        self.pattern_buttons = _stacked(widgets.ToggleButtons(
            options=[(labels["patterns"][p], p) for p in ("single", "repeated")],
            value=state.pattern,
            description=labels["pattern"],
            tooltips=[labels["pattern_tooltips"][p] for p in ("single", "repeated")],
            style={"description_width": "initial", "button_width": "auto"},
        ))
        # The Play widget is the clock (its loop runs in the browser, one value per 400 ms);
        # its own icon-only buttons are hidden and replaced by a labelled toggle.
        self.play = widgets.Play(value=state.impulse, min=0, max=state.n_impulses, step=1,
                                 interval=400, show_repeat=False, description=labels["play"],
                                 layout=widgets.Layout(display="none"))
        self.play_button = widgets.ToggleButton(value=False, description=labels["play"],
                                                tooltip=labels["play_tooltip"])
        self.play_button.add_class("kx-play")
        self.reset_button = widgets.Button(description=labels["reset"],
                                           tooltip=labels["reset_tooltip"])
        self.reset_button.add_class("kx-reset")

        buttons = _group(self.play_button, self.reset_button, self.play,
                         cls="kx-play-buttons", box=widgets.HBox)
        controls = _group(
            _group(self.level_buttons, self.level_slider, cls="kx-control-group"),
            _group(self.pattern_buttons, buttons, cls="kx-control-group"),
            cls="kx-controls", box=widgets.Box)

        self.shape = "landscape"
        self.view = FigureView(pain_fig.diagram_scene(), all_strings["figure"]["label"],
                               live=False)
        self.announcer = widgets.HTML("")
        for name in ("kx-describer", "kx-visually-hidden", "kx-pain-announcer"):
            self.announcer.add_class(name)
        self.chart: FigureView | None = None
        self.numbers = widgets.HTML("")
        self.numbers.add_class("kx-pain-numbers")
        self.trainee_box = widgets.Box([])
        self.trainee_box.add_class("kx-pain-trainee")
        trainee_only(self.level_slider, self.trainee_box)
        return [self.view, self.announcer, self.error, controls, self.trainee_box]

    # controls -> state
    def _wire(self, guard) -> None:
        self.pattern_buttons.observe(guard(self._stop_playing), names="value")
        self._pattern_link = traitlets.link((self.state, "pattern"),
                                            (self.pattern_buttons, "value"))
        self.level_buttons.observe(guard(self._on_level_button), names="value")
        self.level_slider.observe(guard(self._on_level_slider), names="value")
        self.play.observe(guard(self._on_play_value), names="value")
        self.play.observe(guard(self._on_playing), names="playing")
        self.play_button.observe(guard(self._on_play_button), names="value")
        self.reset_button.on_click(guard(self._on_reset))

    def _stop_playing(self, change=None):
        self.play.playing = False

    def _on_level_button(self, change):
        if not self._syncing and change["new"] is not None:
            self.state.conc_ng_ml = level_concs()[change["new"]]

    def _on_level_slider(self, change):
        if not self._syncing:
            self.state.conc_ng_ml = float(change["new"])

    def _on_play_value(self, change):
        if not self._syncing and change["new"] <= self.state.n_impulses:
            self.state.impulse = int(change["new"])

    def _on_play_button(self, change):
        if not self._syncing and not self.browser.plays:  # else the page plays (issue 15)
            self.play.playing = bool(change["new"])

    def _on_playing(self, change):
        labels = strings.text("pain_signal", "controls")
        with syncing(self):
            self.play_button.value = bool(change["new"])
            self.play_button.description = labels["pause"] if change["new"] else labels["play"]

    def _on_reset(self, _button=None):
        self.play.playing = False
        self.state.impulse = 0

    def set_shape(self, shape: str) -> None:
        """Show the diagram (and the trainee's chart) in the layout `shape` (the page chose it
        from its width)."""
        if shape == self.shape:
            return
        self.shape = shape
        self.view.set_scene(pain_fig.diagram_scene(shape))
        self._last_key = None
        self._render()

    # state -> view
    def _sync_controls(self) -> None:
        state = self.state
        with syncing(self):
            key = level_key(state.conc_ng_ml)
            if self.level_buttons.value != key:
                self.level_buttons.value = key
            grid = float(nearest_grid(state.conc_ng_ml))
            if self.level_slider.value != grid:
                self.level_slider.value = grid
            self._sync_play(state.n_impulses, state.impulse)

    def _sync_play(self, n: int, impulse: int) -> None:
        """Move the clock to `impulse` of `n` (the order keeps value <= max at every step)."""
        if (self.play.max, self.play.value) == (n, impulse):
            return
        with self.play.hold_sync():
            if n >= self.play.max:
                self.play.max = n
                self.play.value = impulse
            else:
                self.play.value = impulse
                self.play.max = n

    def _render(self) -> None:
        state = self.state
        key = (state.conc_ng_ml, state.pattern, state.impulse, state.mode)
        if key == self._last_key:
            return
        previous, self._last_key = self._last_key, key
        animate = (previous is not None and previous[:2] == key[:2]
                   and key[2] == previous[2] + 1)
        result = state.result()
        frame = pain_fig.diagram_frame(result, state.impulse, state.mode, animate=animate)
        self.view.show(pain_fig.diagram_overlay(frame, pain_fig.GEOMETRIES[self.shape]),
                       describer_html(state.conc_ng_ml, state.pattern, state.impulse, state.mode),
                       in_page=self._words_in_page())
        if not self.playing:
            self._announce(self.view.describer.value)
        self._sync_controls()
        if state.mode == TRAINEE:
            self._render_trainee(result)

    def _render_trainee(self, result: SynapseNumbers) -> None:
        state = self.state
        scene, geo = pain_fig.chart_scene(self.shape)
        if self.chart is None:
            self.chart = FigureView(scene, strings.text("pain_signal", "chart.label"), live=False)
            self.chart.add_class("kx-pain-chart")
            self.trainee_box.children = (self.chart, self.numbers)
        self.chart.set_scene(scene)
        frame = pain_fig.chart_frame(state.baseline(), result, state.impulse,
                                     fmt.conc_text(state.conc_ng_ml))
        self.chart.show(pain_fig.chart_overlay(frame, geo, self.shape), chart_description(state))
        html = numbers_html(state.conc_ng_ml, state.pattern, state.impulse)
        if html != self.numbers.value:
            self.numbers.value = html
