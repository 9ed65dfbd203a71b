"""The pain-signal widget: one state, the controls that write to it, the diagram that shows it.

    state = PainSignalState(conc_ng_ml=115.0)          # the model of the widget (traits)
    w = PainSignalWidget(state)                          # controls + diagram (+ trainee numbers)
    traitlets.dlink((timeline, "conc_ng_ml"), (w.state, "conc_ng_ml"))   # drive it from elsewhere
    page()                                               # the whole notebook page

An update never touches matplotlib: it reruns `nmda.simulate` (tens of µs, cached), builds the
overlay SVG as a string (a few KB) and sets it once; texts and numbers are sent only when they
change. One state change gives one overlay update (duplicates are dropped by a state key).
Every callback is wrapped in `one `CallbackGuard``, so a failure shows a short message in place.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from functools import lru_cache
from html import escape

import ipywidgets as widgets
import traitlets

from explainer import pages
from explainer.content import references
from explainer.figures import pain_signal as fig
from explainer.models import nmda
from explainer.models.bands import BANDS, MOLAR_MASS_G_PER_MOL, bands_at
from explainer.serving.paths import REPO_DIR
from explainer.widgets.audience import PATIENT, TRAINEE, Mode, link_mode, mode_switch
from explainer.widgets.figure_view import FigureView
from explainer.widgets.safety import CallbackGuard, error_message
from explainer.widgets.syncing import syncing

__all__ = [
    "N_IMPULSES",
    "PATTERNS",
    "SLIDER_GRID_NG_ML",
    "ModelNote",
    "PainSignalState",
    "PainSignalWidget",
    "demo_widget",
    "describe",
    "level_concs",
    "level_key",
    "page",
    "page_widgets",
    "strings",
]

strings = fig.strings
"""Every visible string: `assets/content/pain_signal.yaml` (loaded once, cached)."""

N_IMPULSES = nmda.DEFAULT_N_IMPULSES
"""Impulses in a 'repeated' train (16)."""
PATTERNS = nmda.PATTERNS
SLIDER_GRID_NG_ML: tuple[float, ...] = (
    0, 5, 10, 20, 35, 50, 70, 85, 100, 115, 130, 145, 160, 175, 200, 250, 350, 500, 700, 1000,
    1200, 1500, 1800, 2100, 2400, 3000,
)
"""The trainee slider's steps (ng/mL): roughly logarithmic, through every band edge (Zanos
2018) and every named level, so the keyboard lands on the same points as the named buttons."""


# --- Levels --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def level_concs() -> Mapping[str, float]:
    """Named level key -> ng/mL: 0 for 'none', else the midpoint of its band (bands.py)."""
    out = {}
    for lv in strings()["levels"]:
        out[lv["key"]] = 0.0 if lv["band"] is None else BANDS[lv["band"]].middle_ng_ml
    return out


def level_key(conc_ng_ml: float) -> str | None:
    """The named level at exactly this concentration, or None (e.g. a level set by a timeline)."""
    for key, conc in level_concs().items():
        if math.isclose(conc, conc_ng_ml, rel_tol=1e-9, abs_tol=1e-9):
            return key
    return None


def _level(key: str) -> Mapping:
    return next(lv for lv in strings()["levels"] if lv["key"] == key)


def _band_phrase(conc: float) -> str:
    phrases = strings()["band_phrases"]
    inside = bands_at(conc)
    if inside:
        return phrases["+".join(inside)]
    if conc < BANDS["relief"].low_ng_ml:
        return phrases["below_relief"]
    if conc > BANDS["anaesthesia"].high_ng_ml:
        return phrases["above"]
    return phrases["between"]


def level_phrase(conc: float, mode: str = PATIENT) -> str:
    """How the describer names a level: 'the pain-relief level', 'a level in the …' …"""
    key = level_key(conc)
    name = _level(key)["in_sentence"] if key else _band_phrase(conc)
    if mode == TRAINEE and conc > 0:
        name = strings()["describer"]["trainee"]["level"].format(name=name,
                                                                 conc=fig.format_conc(conc))
    return name


def _nearest_grid(conc: float) -> float:
    return min(SLIDER_GRID_NG_ML, key=lambda g: abs(g - conc))


# --- The model, cached ---------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _simulate(conc: float, pattern: str) -> nmda.SynapseResult:
    return nmda.simulate(conc, pattern)


# --- State ---------------------------------------------------------------------------------------


class Concentration(traitlets.Float):
    """A plasma level in ng/mL: a finite real number >= 0 (not a bool, not NaN)."""

    info_text = "a finite number >= 0 (ng/mL)"

    def validate(self, obj, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            self.error(obj, value)
        value = float(value)
        if not (math.isfinite(value) and value >= 0):
            self.error(obj, value)
        return value


class PainSignalState(traitlets.HasTraits):
    """What the diagram shows. Controls write here; the view observes it.

    conc_ng_ml: plasma ketamine (ng/mL, >= 0) — link another widget's level to it;
    pattern: 'single' or 'repeated'; impulse: impulses arrived so far (0 … n_impulses;
    defaults to all of them, and returns to all when the pattern changes); mode: audience.
    """

    conc_ng_ml = Concentration(0.0, help="Plasma ketamine, ng/mL (>= 0)")
    pattern = traitlets.Enum(PATTERNS, default_value="repeated", help="'single' or 'repeated'")
    impulse = traitlets.Int(N_IMPULSES, help="Impulses arrived so far (0 = none yet)")
    mode = Mode(PATIENT)

    @property
    def n_impulses(self) -> int:
        return 1 if self.pattern == "single" else N_IMPULSES

    @traitlets.validate("impulse")
    def _check_impulse(self, proposal):
        value = proposal["value"]
        if isinstance(value, bool) or not 0 <= value <= self.n_impulses:
            raise traitlets.TraitError(
                f"impulse must be a whole number from 0 to {self.n_impulses}; got {value!r}")
        return value

    @traitlets.observe("pattern")
    def _all_impulses(self, change):
        self.impulse = self.n_impulses

    def result(self) -> nmda.SynapseResult:
        """The model at this level and pattern (cached)."""
        return _simulate(self.conc_ng_ml, self.pattern)

    def baseline(self) -> nmda.SynapseResult:
        """The same pattern with no ketamine."""
        return _simulate(0.0, self.pattern)


# --- Words ---------------------------------------------------------------------------------------


def _strength_word(response: float) -> str:
    return strings()["strength"]["words"][fig.strength_index(response)]


def describe_sentences(conc: float, pattern: str, impulse: int, mode: str = PATIENT) -> list[str]:
    """The plain sentences that put the picture into words (same for both audiences)."""
    t = strings()["describer"]["patient"]
    r = _simulate(conc, pattern)
    n = r.n_impulses
    k = min(max(int(impulse), 0), n)
    ketamine = conc > 0
    words = {
        "level": level_phrase(conc, mode),
        "share": fig.share_phrase(r.fraction_blocked),
        "k": k,
        "n": n,
        "strength": _strength_word(float(r.response[k - 1])) if k else "",
    }
    if k == 0:
        keys = ["no_pinch"] + (["ketamine_only"] if ketamine else [])
    elif pattern == "single":
        keys = ["single_with_ketamine", "ketamine_only"] if ketamine else ["single", "single_none"]
    elif k < n:
        keys = ["playing", "playing_ketamine" if ketamine else "playing_none"]
    elif not ketamine:
        keys = ["repeated_none", "repeated_none_end"]
    elif r.wind_up_ratio < strings()["strength"]["flat_wind_up"]:
        keys = ["repeated_flat", "ketamine_flat"]
    else:
        keys = ["repeated_ketamine", "ketamine_build_up"]
    out = []
    for key in keys:
        sentence = t[key].format(**words)
        out.append(sentence[0].upper() + sentence[1:])
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.0f}"


def numbers_sentence(conc: float, pattern: str, impulse: int) -> str:
    """The trainee's extra sentence: the model's numbers for this state."""
    t = strings()["describer"]["trainee"]
    r, r0 = _simulate(conc, pattern), _simulate(0.0, pattern)
    k = min(max(int(impulse), 0), r.n_impulses)
    common = {"conc": fig.format_conc(conc), "um": f"{r.conc_um:.2f}",
              "blocked": _pct(r.fraction_blocked)}
    if k == 0:
        return t["numbers_no_pinch"].format(unblocked=_pct(float(r.mg_unblocked[0])), **common)
    return t["numbers"].format(
        k=k, vm=f"{r.membrane_mv[k - 1]:.0f}".replace("-", "−"),
        unblocked=_pct(float(r.mg_unblocked[k - 1])),
        response=f"{r.response[k - 1]:.2f}", response0=f"{r0.response[k - 1]:.2f}",
        wind_up=f"{r.wind_up_ratio:.2f}", wind_up0=f"{r0.wind_up_ratio:.2f}", **common)


def describe(conc: float, pattern: str, impulse: int, mode: str = PATIENT) -> str:
    """The describer as plain text: one or two sentences; trainee mode adds the numbers."""
    text = " ".join(describe_sentences(conc, pattern, impulse, mode))
    if mode == TRAINEE:
        text += " " + numbers_sentence(conc, pattern, impulse)
    return text


def _describer_html(conc: float, pattern: str, impulse: int, mode: str) -> str:
    html = f"<p>{escape(' '.join(describe_sentences(conc, pattern, impulse, mode)))}</p>"
    if mode == TRAINEE:
        html += f'<p class="kx-numbers-line">{escape(numbers_sentence(conc, pattern, impulse))}</p>'
    return html


def numbers_html(conc: float, pattern: str, impulse: int) -> str:
    """The trainee's table: level, µM, % blocked, Mg2+ unblock, responses, wind-up, sources."""
    s = strings()["numbers"]
    rows = s["rows"]
    r, r0 = _simulate(conc, pattern), _simulate(0.0, pattern)
    k = min(max(int(impulse), 0), r.n_impulses)
    i = max(k - 1, 0)
    inside = bands_at(conc)
    bands = "; ".join(
        f"{s['band_names'][b]} {BANDS[b].low_ng_ml:,.0f}–{BANDS[b].high_ng_ml:,.0f} ng/mL"
        for b in inside) or s["no_band"]
    pinch = max(k, 1)
    table = [
        (rows["level"], f"{fig.format_conc(conc)} ng/mL"),
        (rows["molar"].format(molar_mass=MOLAR_MASS_G_PER_MOL), f"{r.conc_um:.2f} µM"),
        (rows["blocked"], f"{_pct(r.fraction_blocked)}%"),
        (rows["membrane"].format(k=pinch), f"{r.membrane_mv[i]:.0f} mV".replace("-", "−")),
        (rows["unblocked"].format(k=pinch), f"{_pct(float(r.mg_unblocked[i]))}%"),
        (rows["response"].format(k=pinch),
         f"{r.response[i]:.2f} ({s['no_ketamine']}: {r0.response[i]:.2f})"),
        (rows["first_last"], f"{r.first_response:.2f} → {r.last_response:.2f}"),
        (rows["wind_up"], f"{r.wind_up_ratio:.2f}× ({s['no_ketamine']}: {r0.wind_up_ratio:.2f}×)"),
        (rows["bands"], bands),
    ]
    body = "".join(f'<tr><th scope="row">{escape(a)}</th><td>{escape(b)}</td></tr>'
                   for a, b in table)
    registry = references()
    items = "".join(
        f"<li>{escape(registry[key].citation)} — "
        f"{escape(what.format(ki_s=nmda.KI_S_KETAMINE_UM, ki_r=nmda.KI_R_KETAMINE_UM))}</li>"
        for key, what in s["sources"])
    return (
        f'<div class="kx-numbers"><table><caption>{escape(s["title"])}</caption>{body}</table>'
        f'<p class="kx-sources-title">{escape(s["sources_title"])}</p><ul>{items}</ul>'
        f'<p>{escape(s["illustrative"])}</p></div>'
    )


# --- The widget ----------------------------------------------------------------------------------


def _stacked(control: widgets.Widget) -> widgets.Widget:
    control.add_class("kx-stacked")
    return control


class PainSignalWidget(widgets.VBox):
    """Controls + the diagram (+ in trainee mode a chart of every impulse and the numbers).

    `state` holds what is shown; `mode` is linked to `state.mode`. Named controls, for tests and
    benchmarks: level_buttons, level_slider, pattern_buttons, play, play_button, reset_button,
    view (the diagram's FigureView), chart (created on first trainee view), numbers.
    """

    mode = Mode(PATIENT)

    def __init__(self, state: PainSignalState | None = None, mode: str | None = None, **kwargs):
        self.state = state if state is not None else PainSignalState()
        if mode is not None:
            self.state.mode = mode
        s = strings()
        c = s["controls"]
        self.error = error_message()
        safe = CallbackGuard(self.error)
        self._syncing = False
        self._last_key: tuple | None = None

        levels = s["levels"]
        self.level_buttons = _stacked(widgets.ToggleButtons(
            options=[(lv["label"], lv["key"]) for lv in levels],
            value=level_key(self.state.conc_ng_ml),
            description=c["level"],
            tooltips=[lv["tooltip"] for lv in levels],
            style={"description_width": "initial", "button_width": "auto"},
        ))
        self.level_slider = widgets.SelectionSlider(
            options=[(c["level_readout"].format(conc=fig.format_conc(v)), float(v))
                     for v in SLIDER_GRID_NG_ML],
            value=float(_nearest_grid(self.state.conc_ng_ml)),
            description=c["level_trainee"],
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(display="none"),
        )
        self.level_slider.add_class("kx-level-slider")
        self.pattern_buttons = _stacked(widgets.ToggleButtons(
            options=[(c["patterns"][p], p) for p in ("single", "repeated")],
            value=self.state.pattern,
            description=c["pattern"],
            tooltips=[c["pattern_tooltips"][p] for p in ("single", "repeated")],
            style={"description_width": "initial", "button_width": "auto"},
        ))
        n = self.state.n_impulses
        # The Play widget is the clock (its loop runs in the browser, one value per 400 ms);
        # its own icon-only buttons are hidden and replaced by a labelled toggle.
        self.play = widgets.Play(value=self.state.impulse, min=0, max=n, step=1, interval=400,
                                 show_repeat=False, description=c["play"],
                                 layout=widgets.Layout(display="none"))
        self.play_button = widgets.ToggleButton(value=False, description=c["play"],
                                                tooltip=c["play_tooltip"])
        self.play_button.add_class("kx-play")
        self.reset_button = widgets.Button(description=c["reset"], tooltip=c["reset_tooltip"])
        self.reset_button.add_class("kx-reset")

        buttons = widgets.HBox([self.play_button, self.reset_button, self.play])
        buttons.add_class("kx-play-buttons")
        level_group = widgets.VBox([self.level_buttons, self.level_slider])
        level_group.add_class("kx-control-group")
        input_group = widgets.VBox([self.pattern_buttons, buttons])
        input_group.add_class("kx-control-group")
        controls = widgets.Box([level_group, input_group])
        controls.add_class("kx-controls")

        self.view = FigureView(fig.diagram_scene(), s["figure"]["label"])
        self.chart: FigureView | None = None
        self.numbers = widgets.HTML("")
        self.numbers.add_class("kx-pain-numbers")
        self.trainee_box = widgets.Box([], layout=widgets.Layout(display="none"))
        self.trainee_box.add_class("kx-pain-trainee")

        super().__init__([self.view, self.error, controls, self.trainee_box], **kwargs)
        self.add_class("kx-pain-signal")

        self.mode = self.state.mode
        self._mode_link = traitlets.link((self, "mode"), (self.state, "mode"))
        self.level_buttons.observe(safe(self._on_level_button), names="value")
        self.level_slider.observe(safe(self._on_level_slider), names="value")
        self.pattern_buttons.observe(safe(self._on_pattern), names="value")
        self.play.observe(safe(self._on_play_value), names="value")
        self.play.observe(safe(self._on_playing), names="playing")
        self.play_button.observe(safe(self._on_play_button), names="value")
        self.reset_button.on_click(safe(self._on_reset))
        self.state.observe(safe(self._on_state),
                           names=["conc_ng_ml", "pattern", "impulse", "mode"])
        self._render()
        # issue 15: the moving parts drawn in the page, linked to the controls there.
        from explainer.widgets.browser.attach import BrowserDiagram  # (it imports this module)

        self.browser = BrowserDiagram(self)

    # controls -> state
    def _on_level_button(self, change):
        if not self._syncing and change["new"] is not None:
            self.state.conc_ng_ml = level_concs()[change["new"]]

    def _on_level_slider(self, change):
        if not self._syncing:
            self.state.conc_ng_ml = float(change["new"])

    def _on_pattern(self, change):
        if not self._syncing:
            self.play.playing = False
            self.state.pattern = change["new"]

    def _on_play_value(self, change):
        if not self._syncing and change["new"] <= self.state.n_impulses:
            self.state.impulse = int(change["new"])

    def _on_play_button(self, change):
        if not self._syncing and not self.browser.plays:  # else the page plays (issue 15)
            self.play.playing = bool(change["new"])

    def _on_playing(self, change):
        c = strings()["controls"]
        with syncing(self):
            self.play_button.value = bool(change["new"])
            self.play_button.description = c["pause"] if change["new"] else c["play"]

    def _on_reset(self, _button=None):
        self.play.playing = False
        self.state.impulse = 0

    # state -> view
    def _on_state(self, change):
        self._render()

    def _sync_controls(self) -> None:
        st = self.state
        with syncing(self):
            key = level_key(st.conc_ng_ml)
            if self.level_buttons.value != key:
                self.level_buttons.value = key
            grid = float(_nearest_grid(st.conc_ng_ml))
            if self.level_slider.value != grid:
                self.level_slider.value = grid
            if self.pattern_buttons.value != st.pattern:
                self.pattern_buttons.value = st.pattern
            n = st.n_impulses
            if (self.play.max, self.play.value) != (n, st.impulse):
                with self.play.hold_sync():
                    if n >= self.play.max:
                        self.play.max = n
                        self.play.value = st.impulse
                    else:
                        self.play.value = st.impulse
                        self.play.max = n
            trainee = st.mode == TRAINEE
            self.level_slider.layout.display = None if trainee else "none"
            self.trainee_box.layout.display = None if trainee else "none"

    def _render(self) -> None:
        st = self.state
        key = (st.conc_ng_ml, st.pattern, st.impulse, st.mode)
        if key == self._last_key:
            return
        prev, self._last_key = self._last_key, key
        animate = prev is not None and prev[:2] == key[:2] and key[2] == prev[2] + 1
        result = st.result()
        frame = fig.diagram_frame(result, st.impulse, st.mode, animate=animate)
        self.view.show(fig.diagram_overlay(frame),
                       _describer_html(st.conc_ng_ml, st.pattern, st.impulse, st.mode))
        self._sync_controls()
        if st.mode == TRAINEE:
            self._render_trainee(result)

    def _render_trainee(self, result: nmda.SynapseResult) -> None:
        st = self.state
        if self.chart is None:
            scene, self._chart_geo = fig.chart_scene()
            self.chart = FigureView(scene, strings()["chart"]["label"])
            self.chart.add_class("kx-pain-chart")
            self.trainee_box.children = (self.chart, self.numbers)
        conc_text = fig.format_conc(st.conc_ng_ml)
        frame = fig.chart_frame(st.baseline(), result, st.impulse, conc_text)
        c = strings()["chart"]
        r0 = st.baseline()
        words = {"first0": f"{r0.first_response:.2f}", "last0": f"{r0.last_response:.2f}",
                 "wind_up0": f"{r0.wind_up_ratio:.2f}", "first": f"{result.first_response:.2f}",
                 "last": f"{result.last_response:.2f}", "wind_up": f"{result.wind_up_ratio:.2f}",
                 "conc": conc_text, "k": max(st.impulse, 1)}
        template = c["describer_single"] if st.pattern == "single" else c["describer"]
        self.chart.show(fig.chart_overlay(frame, self._chart_geo),
                        f"<p>{escape(template.format(**words))}</p>")
        html = numbers_html(st.conc_ng_ml, st.pattern, st.impulse)
        if html != self.numbers.value:
            self.numbers.value = html


# --- The simplified-picture note -----------------------------------------------------------------

MODEL_NOTES = REPO_DIR / "docs" / "model-nmda.md"


@lru_cache(maxsize=1)
def model_notes_html() -> str:
    """The sections of docs/model-nmda.md named in the strings file, as safe HTML."""
    text = MODEL_NOTES.read_text(encoding="utf-8")
    wanted = set(strings()["note"]["model_sections"])
    kept, keep = [], False
    for line in text.splitlines():
        if line.startswith("## "):
            keep = line[3:].strip() in wanted
        elif line.startswith("# "):
            keep = False
        if keep:
            kept.append(line)
    return pages.markdown_html("\n".join(kept))


class ModelNote(widgets.HTML):
    """'This is a simplified picture' (kx-note); in trainee mode it also holds the model notes."""

    mode = Mode(PATIENT)

    def __init__(self, mode: str = PATIENT, **kwargs):
        super().__init__(**kwargs)
        self.add_class("kx-model-note")
        self.observe(lambda change: self._update(), names="mode")
        self.mode = mode
        self._update()

    def _update(self) -> None:
        n = strings()["note"]
        html = f'<div class="kx-note"><p>{escape(n["patient"])}</p>'
        if self.mode == TRAINEE:
            html += (f'<details open><summary>{escape(n["trainee_summary"])}</summary>'
                     f"{model_notes_html()}</details>")
        self.value = html + "</div>"


# --- Page and benchmark hooks --------------------------------------------------------------------


def page_widgets(mode: str = PATIENT):
    """The mode switch, the widget and the note, with their modes linked to the switch."""
    switch = mode_switch(mode)
    widget = PainSignalWidget(mode=mode)
    note = ModelNote(mode=mode)
    links = link_mode(switch, widget, note)
    return switch, widget, note, links


def page(mode: str = PATIENT) -> None:
    """The whole pain-signal page: header, intro, switch, widget, note, footer."""
    from IPython.display import display

    pages.show(pages.header_html("diagram"), pages.body_html("pain-signal"))
    switch, widget, note, links = page_widgets(mode)
    box = widgets.VBox([switch, widget, note])
    box._kx_links = links  # keep the links alive with the page
    display(box)
    pages.show(pages.footer_html())


def demo_widget(mode: str = PATIENT) -> PainSignalWidget:
    """A widget for the benchmark harness. Move `level_buttons.value` (patient: 'none',
    'relief', 'floaty', 'anaesthetic') or `level_slider.value` (trainee: a value of
    `SLIDER_GRID_NG_ML`); each move is one state update and one overlay message."""
    return PainSignalWidget(mode=mode)
