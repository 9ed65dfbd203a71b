"""The pain-signal diagram and widget without a browser: overlay, describer, state, speed."""

from __future__ import annotations

import math
import re
import statistics
import time
from pathlib import Path

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import pytest
import textstat
import traitlets
import yaml

from explainer.content import strings
from explainer.figures import pain_signal as fig
from explainer.figures.geometry import PHONE_FIGURE_PX, PORTRAIT_BELOW_PX, SHAPES
from explainer.models import nmda
from explainer.models.bands import BANDS
from explainer.widgets import pain_signal as ps
from explainer.widgets.audience import (
    PATIENT,
    TRAINEE,
    link_mode,
    mode_switch,
    shown_in_mode,
)
from explainer.widgets.safety import FRIENDLY_ERROR

REPO = Path(__file__).resolve().parents[1]
LEVELS = ["none", "relief", "floaty", "anaesthetic"]


@pytest.fixture
def widget():
    return ps.PainSignalWidget()


def overlay(w) -> str:
    return w.view.overlay.value


def describer(w) -> str:
    return re.sub(r"<[^>]+>", " ", w.view.describer.value)


def mg_opacity(svg_text: str) -> float:
    return float(re.search(r'class="kx-mg" opacity="([0-9.]+)"', svg_text).group(1))


def mg_y(svg_text: str) -> float:
    group = re.search(r'<g class="kx-mg"[^>]*>(.*?)</g>', svg_text).group(1)
    return float(re.search(r'cy="([0-9.]+)"', group).group(1))


def ketamine_markers(svg_text: str) -> int:
    group = svg_text.split('class="kx-ketamine"', 1)[1].split('class="kx-blocked"', 1)[0]
    assert group.count("<rect") == group.count(">K</text>")
    return group.count(">K</text>")


# --- Levels and strings --------------------------------------------------------------------------


def test_named_levels_are_the_band_midpoints():
    assert ps.level_concs() == {
        "none": 0.0,
        "relief": BANDS["relief"].middle_ng_ml,
        "floaty": BANDS["dissociation"].middle_ng_ml,
        "anaesthetic": BANDS["anaesthesia"].middle_ng_ml,
    }
    assert ps.level_concs()["relief"] == 115 and ps.level_concs()["anaesthetic"] == 1800
    for conc in ps.level_concs().values():
        assert conc in ps.SLIDER_GRID_NG_ML
    for band in BANDS.values():
        assert band.low_ng_ml in ps.SLIDER_GRID_NG_ML and band.high_ng_ml in ps.SLIDER_GRID_NG_ML


def test_strings_carry_known_reference_keys():
    registry = yaml.safe_load((REPO / "assets" / "references.yaml").read_text(encoding="utf-8"))
    s = strings.table("pain_signal")
    keys = {k for refs in s["refs"].values() for k in refs}
    keys |= {k for lv in s["levels"] for k in lv.get("refs", [])}
    keys |= {key for key, _ in s["numbers"]["sources"]}
    assert {"zanos2018", "arendtnielsen1995", "ebert1997", "jahr1990"} <= keys
    assert keys <= registry.keys(), keys - registry.keys()
    for lv in s["levels"]:
        assert lv["band"] is None or lv["band"] in BANDS
        if lv["band"]:
            assert lv.get("refs"), f"level {lv['key']} makes a claim without a reference"


def test_strings_are_loaded_once():
    assert strings.table("pain_signal") is strings.table("pain_signal")


# --- The figure ----------------------------------------------------------------------------------


def test_background_is_drawn_once_per_process(monkeypatch):
    scene = fig.diagram_scene()
    chart = fig.chart_scene()
    calls = []
    monkeypatch.setattr(matplotlib.figure.Figure, "__init__",
                        lambda self, *a, **k: calls.append(1) or None)
    for _ in range(3):
        assert fig.diagram_scene() is scene and fig.chart_scene() is chart
        ps.PainSignalWidget(mode=TRAINEE)
    assert calls == []
    png = scene.background_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (scene.width_px, scene.height_px) == (fig.DIAGRAM_W, fig.DIAGRAM_H)


def _text_boxes(shape="landscape"):
    scene = fig.diagram_scene(shape)
    renderer = scene.fig.canvas.get_renderer()
    ax = scene.fig.axes[0]
    return [(t.get_text(), t.get_window_extent(renderer), t.get_fontsize())
            for t in ax.texts if t.get_text()]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_word_on_the_background_is_there_and_big_enough(shape):
    words = {text for text, _, _ in _text_boxes(shape)}
    for needed in ("pain nerve", "AMPA", "NMDA", "spinal cord nerve cell",
                   "to the brain", "BODY", "BRAIN", "glutamate"):
        assert needed in words
    # Each layout is shown no narrower than the width it is chosen for: the landscape from
    # PORTRAIT_BELOW_PX up, the portrait from a 390 px phone's figure (358 px) up. Every word,
    # the symbols' letters too, must be 12 CSS px or more there.
    g = fig.GEOMETRIES[shape]
    shown = (PORTRAIT_BELOW_PX if shape == "landscape" else PHONE_FIGURE_PX) / g.width
    for text, _, size_pt in _text_boxes(shape):
        assert size_pt * 100 / 72 * shown >= 12, text


@pytest.mark.parametrize("code", list(strings.locales()))
@pytest.mark.parametrize("shape", SHAPES)
def test_words_sit_inside_their_panels_without_overlapping(shape, code):
    """In every locale: a longer word ("CEREBRO" for "BRAIN") must still fit its panel."""
    strings.use(code)
    fig.diagram_scene.cache_clear()
    try:
        _words_inside_their_panels(shape)
    finally:
        strings.use(None)
        fig.diagram_scene.cache_clear()


def _words_inside_their_panels(shape):
    g = fig.GEOMETRIES[shape]
    panels = [g.body, g.key, g.spinal, g.brain]
    boxes = _text_boxes(shape)
    for text, bb, _ in boxes:
        assert any(x <= bb.x0 and bb.x1 <= x + w and y <= bb.y0 and bb.y1 <= y + h
                   for x, y, w, h in panels), f"{text!r} leaves its panel"
    for i, (a, ba, _) in enumerate(boxes):
        for b, bb, _ in boxes[i + 1:]:
            assert not ba.overlaps(bb), f"{a!r} overlaps {b!r}"


def test_overlay_is_small_and_follows_the_state():
    seen = set()
    for conc in ps.level_concs().values():
        for pattern in ("single", "repeated"):
            r = nmda.simulate(conc, pattern)
            for k in range(r.n_impulses + 1):
                svg_text = fig.diagram_scene().svg(fig.diagram_overlay(fig.diagram_frame(r, k)),
                                                   "x")
                assert len(svg_text) < 5000
                seen.add(svg_text)
    assert len(seen) == 4 * (2 + 17)


def test_overlay_changes_with_level_pattern_and_impulse(widget):
    first = overlay(widget)
    widget.level_buttons.value = "relief"
    by_level = overlay(widget)
    widget.pattern_buttons.value = "single"
    by_pattern = overlay(widget)
    widget.pattern_buttons.value = "repeated"
    widget.state.impulse = 5
    by_impulse = overlay(widget)
    assert len({first, by_level, by_pattern, by_impulse}) == 4
    assert "16 of 16" in first and "1 of 1" in by_pattern and "5 of 16" in by_impulse


def test_magnesium_plug_moves_out_and_fades_with_more_impulses(widget):
    opacities, ys = [], []
    for k in (1, 4, 8, 16):
        widget.state.impulse = k
        opacities.append(mg_opacity(overlay(widget)))
        ys.append(mg_y(overlay(widget)))
    assert opacities == sorted(opacities, reverse=True) and opacities[-1] < opacities[0] - 0.3
    assert ys == sorted(ys, reverse=True) and ys[-1] < ys[0] - 20   # up, out of the pore
    # ketamine slows the depolarisation, so the plug stays further in
    widget.state.conc_ng_ml = 1800.0
    assert mg_opacity(overlay(widget)) > opacities[-1]


def test_ketamine_markers_grow_with_the_level(widget):
    counts = []
    for key in LEVELS:
        widget.level_buttons.value = key
        counts.append(ketamine_markers(overlay(widget)))
    assert counts[0] == 0 and counts == sorted(counts) and counts[-1] > counts[1] > 0
    assert counts[1] == 3  # about 1 in 2 of the 6 channels at the pain-relief level
    assert "about 1 in 2 gates blocked" in overlay(ps.PainSignalWidget(
        ps.PainSignalState(conc_ng_ml=115.0)))


def test_share_phrase():
    assert fig.share_phrase(0.495) == "about 1 in 2"
    assert fig.share_phrase(0.94) == "about 9 in 10"
    assert fig.share_phrase(0.99) == "almost all"
    assert fig.share_phrase(0.01) == "very few"


def test_signal_bar_and_word_follow_the_response(widget):
    def bar_height(svg_text):
        return float(re.search(r'<rect [^>]*height="([0-9.]+)"[^>]*class="kx-signal"',
                               svg_text).group(1))

    def word(svg_text):
        return re.search(r'class="kx-strength"[^>]*>([^<]+)<', svg_text).group(1)

    widget.state.impulse = 1
    h1, w1 = bar_height(overlay(widget)), word(overlay(widget))
    widget.state.impulse = 16
    h16, w16 = bar_height(overlay(widget)), word(overlay(widget))
    assert (w1, w16) == ("weak", "very strong") and h16 > 2.5 * h1
    widget.level_buttons.value = "relief"
    assert word(overlay(widget)) == "medium" and bar_height(overlay(widget)) < h16
    widget.state.impulse = 0
    assert "kx-signal" not in overlay(widget) and "no pinch" in overlay(widget)


def test_pulse_animates_only_when_one_more_impulse_arrives(widget):
    widget.state.impulse = 3
    assert "kx-anim-pulse" not in overlay(widget)
    widget.play.value = 4
    assert widget.state.impulse == 4 and "kx-anim-pulse" in overlay(widget)
    widget.level_buttons.value = "relief"
    assert "kx-anim-pulse" not in overlay(widget)


# --- Speed: no matplotlib on the update path -----------------------------------------------------


def test_updates_create_no_figures(widget, figure_spy):
    widget.mode = TRAINEE  # the chart's background is drawn here, once
    before = plt.get_fignums()
    made = figure_spy()
    concs = list(ps.SLIDER_GRID_NG_ML)
    for i in range(50):
        widget.level_slider.value = float(concs[i % len(concs)])
        widget.state.impulse = i % 17
        if i % 10 == 0:
            widget.mode = PATIENT if widget.mode == TRAINEE else TRAINEE
    assert made == []
    assert plt.get_fignums() == before


def test_one_control_move_is_one_overlay_update(widget):
    values = []
    widget.view.overlay.observe(lambda c: values.append(c["new"]), names="value")
    widget.level_buttons.value = "relief"
    assert len(values) == 1
    widget.pattern_buttons.value = "single"   # pattern and impulse change together
    assert len(values) == 2
    widget.state.impulse = widget.state.impulse  # no change, no message
    assert len(values) == 2


def test_an_update_is_fast(widget):
    times = []
    concs = [0.0, 115.0, 175.0, 1800.0]
    for i in range(200):
        t = time.perf_counter()
        widget.state.conc_ng_ml = concs[i % 4] + (i // 4) * 0.5
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.005  # typically well under a millisecond


# --- The describer -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [PATIENT, TRAINEE])
@pytest.mark.parametrize("pattern", ["single", "repeated"])
@pytest.mark.parametrize("key", LEVELS)
def test_describer_matches_the_state(mode, pattern, key):
    w = ps.PainSignalWidget(mode=mode)
    w.level_buttons.value = key
    w.pattern_buttons.value = pattern
    text = describer(w)
    level = next(lv for lv in strings.text("pain_signal", "levels") if lv["key"] == key)
    assert level["in_sentence"].lower() in text.lower()
    if pattern == "repeated" and key == "none":
        assert "stronger than the last" in text
    if pattern == "repeated" and key != "none":
        assert "build-up" in text
    if pattern == "single":
        assert text.strip().startswith("One pinch")
    if key in ("relief", "floaty", "anaesthetic"):
        assert re.search(r"about \d+ in \d+ NMDA gates", text)
    conc = ps.level_concs()[key]
    if mode == TRAINEE:
        assert f"{fig.format_conc(conc)} ng/mL" in text and "% of NMDA receptors blocked" in text
        assert f"{100 * nmda.fraction_blocked(conc):.0f}%" in text
    else:
        assert "ng/mL" not in text and "%" not in text


def test_describer_follows_play_and_reset(widget):
    widget.reset_button.click()
    assert widget.state.impulse == 0 and "No pinch yet" in describer(widget)
    widget.play.value = 5
    assert "Pinch 5 of 16" in describer(widget)


def _patient_sentences():
    sentences = set()
    for conc in [*ps.level_concs().values(), 30.0, 85.0, 143.2, 220.0, 600.0, 3000.0]:
        for pattern in ("single", "repeated"):
            for k in range(0, 17):
                sentences.update(ps.describe_sentences(conc, pattern, k, PATIENT))
    return sentences


def test_patient_describer_is_easy_to_read():
    grades = {s: textstat.flesch_kincaid_grade(s) for s in _patient_sentences()}
    assert len(grades) > 20
    worst = max(grades, key=grades.get)
    assert grades[worst] <= 8, worst
    assert statistics.mean(grades.values()) <= 6


def test_page_intro_is_easy_to_read():
    text = (REPO / "assets" / "en-GB" / "pages" / "pain-signal.md").read_text(encoding="utf-8")
    text = re.sub(r"[#*]", "", text)
    assert textstat.flesch_kincaid_grade(text) <= 6


# --- Linking, modes and bad input ----------------------------------------------------------------


class Timeline(traitlets.HasTraits):
    conc_ng_ml = traitlets.Float(0.0)


def test_concentration_can_be_driven_by_another_widget(widget):
    timeline = Timeline()
    link = traitlets.link((timeline, "conc_ng_ml"), (widget.state, "conc_ng_ml"))
    before = overlay(widget)
    timeline.conc_ng_ml = 143.2
    assert widget.state.conc_ng_ml == 143.2 and overlay(widget) != before
    assert widget.level_buttons.value is None           # not a named step
    assert widget.level_slider.value == 145.0           # the nearest slider step
    assert widget.state.conc_ng_ml == 143.2              # ... which did not write back
    assert "relief-linked and “floaty” level" in describer(widget)
    widget.level_buttons.value = "anaesthetic"          # and the other way round
    assert timeline.conc_ng_ml == 1800.0
    link.unlink()


def test_mode_switches_in_place(widget):
    switch = mode_switch()
    link_mode(switch, widget)
    children = widget.children
    widget.level_buttons.value = "relief"
    assert not shown_in_mode(widget, widget.level_slider)
    assert not shown_in_mode(widget, widget.trainee_box)
    switch.value = TRAINEE
    assert widget.state.mode == TRAINEE and widget.children == children
    assert shown_in_mode(widget, widget.level_slider)
    assert shown_in_mode(widget, widget.trainee_box)
    assert widget.chart is not None and "<polyline" in widget.chart.overlay.value
    assert "µM" in widget.numbers.value and "Model:" in describer(widget)
    assert "% of channels blocked" in overlay(widget)
    switch.value = PATIENT
    assert not shown_in_mode(widget, widget.trainee_box)
    assert not shown_in_mode(widget, widget.level_slider)
    assert "Model:" not in describer(widget) and "gates blocked" in overlay(widget)


def test_trainee_chart_shows_both_curves_and_the_current_impulse():
    w = ps.PainSignalWidget(ps.PainSignalState(conc_ng_ml=115.0, mode=TRAINEE))
    chart = w.chart.overlay.value
    assert chart.count("<polyline") == 2 and 'stroke-dasharray="8,5"' in chart
    assert "no ketamine" in chart and "at 115 ng/mL" in chart and "pinch 16" in chart
    w.state.impulse = 7
    assert "pinch 7" in w.chart.overlay.value
    assert "1.63" in w.numbers.value and "1.87×" in w.numbers.value  # docs/model-nmda.md table
    for key in ("Ebert", "Jahr", "Zanos", "Arendt-Nielsen"):
        assert key in w.numbers.value


@pytest.mark.parametrize("name, value", [
    ("conc_ng_ml", -1.0), ("conc_ng_ml", math.nan), ("conc_ng_ml", math.inf),
    ("conc_ng_ml", "high"), ("conc_ng_ml", True), ("conc_ng_ml", None),
    ("pattern", "double"), ("pattern", None),
    ("impulse", 17), ("impulse", -1), ("impulse", True), ("impulse", 2.5),
    ("mode", "doctor"),
])
def test_bad_values_are_rejected_without_breaking_the_widget(widget, name, value):
    before = (overlay(widget), describer(widget), getattr(widget.state, name))
    with pytest.raises(traitlets.TraitError):
        setattr(widget.state, name, value)
    assert (overlay(widget), describer(widget), getattr(widget.state, name)) == before
    widget.level_buttons.value = "relief"
    assert "level linked with pain relief" in describer(widget)
    assert widget.error.layout.display == "none"


def test_impulse_is_limited_by_the_pattern():
    state = ps.PainSignalState(pattern="single")
    assert state.impulse == 1
    with pytest.raises(traitlets.TraitError):
        state.impulse = 2
    state.pattern = "repeated"
    assert state.impulse == 16


def test_a_failing_update_shows_a_message_and_recovers(widget, monkeypatch):
    def broken(frame):
        raise RuntimeError("boom")

    monkeypatch.setattr(fig, "diagram_overlay", broken)
    widget.level_buttons.value = "relief"
    assert FRIENDLY_ERROR in widget.error.value and widget.error.layout.display is None
    monkeypatch.undo()
    widget.level_buttons.value = "floaty"
    assert widget.error.layout.display == "none" and "floaty" in describer(widget)


def test_play_and_reset_controls(widget):
    assert (widget.play.min, widget.play.max, widget.play.value) == (0, 16, 16)
    assert widget.play.interval == 400
    widget.play_button.value = True
    assert widget.play.playing is True
    widget.play.playing = False  # the browser's loop ends
    assert widget.play_button.value is False and "Play" in widget.play_button.description
    widget.pattern_buttons.value = "single"
    assert (widget.play.max, widget.play.value) == (1, 1)
    widget.reset_button.click()
    assert widget.state.impulse == 0 and widget.play.value == 0
    widget.pattern_buttons.value = "repeated"
    assert (widget.play.max, widget.play.value, widget.state.impulse) == (16, 16, 16)


def test_every_control_has_a_visible_label(widget):
    for control in (widget.level_buttons, widget.level_slider, widget.pattern_buttons):
        assert control.description
    for button in (widget.play_button, widget.reset_button):
        assert re.search(r"[A-Za-z]", button.description)


# --- Page and notebook ---------------------------------------------------------------------------


def test_model_note_expands_in_trainee_mode():
    switch, widget, note, _ = ps.page_widgets()
    assert "simplified picture" in note.value and "<details" not in note.value
    switch.value = TRAINEE
    assert widget.mode == TRAINEE and "<details" in note.value
    assert "Simplifications, stated plainly" in note.value and "How to call it" not in note.value
    assert "<script" not in note.value


def test_demo_widget_for_benchmarks():
    w = ps.demo_widget(TRAINEE)
    before = overlay(w)
    w.level_slider.value = 115.0
    assert overlay(w) != before and w.state.conc_ng_ml == 115.0


def test_play_is_announced_at_its_start_and_end_not_at_each_pinch():
    """One live region speaks for the diagram: each change a person makes, and during Play only
    'Playing 16 pinches' and then the state it ends in (the figures' descriptions are quiet)."""
    w = ps.PainSignalWidget(ps.PainSignalState(conc_ng_ml=115.0))
    said = []
    w.announcer.observe(lambda change: said.append(change["new"]), names="value")
    assert "kx-describer" in w.announcer._dom_classes
    assert "kx-describer-quiet" in w.view.describer._dom_classes
    w.browser.overlay.playing = True          # the page's Play starts (jslink from the button)
    for k in range(0, 17):
        w.browser.overlay.impulse = k         # each pinch arrives from the page
    assert "Pinch" not in " ".join(said) and "Pinch 16 of 16" not in w.view.describer.value
    assert "Pinch 15 of 16" in " ".join([w.view.describer.value]) or w.state.impulse == 16
    w.browser.overlay.playing = False
    assert len(said) == 2 and said[0] == "<p>Playing 16 pinches, one by one.</p>"
    assert said[1] == w.view.describer.value and "build-up is smaller" in said[1]
    w.level_buttons.value = "floaty"          # a change a person makes is said at once
    assert len(said) == 3 and "floaty" in said[2]
    w.mode = TRAINEE
    assert "kx-describer-quiet" in w.chart.describer._dom_classes
