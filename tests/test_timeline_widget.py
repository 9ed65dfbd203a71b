"""The treatment timeline without a browser: state, overlays, describers, words, links, speed."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pytest
import textstat
import traitlets

from explainer import content
from explainer.content import strings
from explainer.content.clinic.env import shown_protocols
from explainer.figures import course as course_fig
from explainer.figures import routes as routes_fig
from explainer.figures import session as fig
from explainer.figures.course_layout import COURSE_W
from explainer.figures.geometry import PLOT, AxisMap
from explainer.models import pk
from explainer.models.bands import BANDS
from explainer.widgets import timeline as tl
from explainer.widgets.audience import (
    PATIENT,
    TRAINEE,
    link_mode,
    mode_switch,
    shown_in_mode,
)
from explainer.widgets.safety import FRIENDLY_ERROR

PROTOCOLS = list(shown_protocols())


@pytest.fixture
def widget():
    return tl.TimelineWidget()


def overlay(view) -> str:
    return view.overlay.value


def session_svg(w) -> str:
    """The session chart's overlay: the cursor layer and the still overlay."""
    return w.cursor_layer.value + w.session_view.overlay.value


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def svg_text(svg_doc: str) -> str:
    """The words drawn by an overlay (its <text> elements and <title>)."""
    return " ".join(re.findall(r"<(?:text|title)[^>]*>([^<]*)</(?:text|title)>", svg_doc))


def cursor_values(w) -> list[int]:
    return [v for _, v in w.cursor.options]


# --- Strings and sources -------------------------------------------------------------------------


def _ref_lists(node, where="timeline.yaml"):
    if isinstance(node, Mapping):
        for k, v in node.items():
            if k.endswith("refs") and isinstance(v, (list, tuple)):
                yield f"{where}.{k}", v
            else:
                yield from _ref_lists(v, f"{where}.{k}")
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _ref_lists(v, f"{where}[{i}]")


def test_every_reference_key_in_the_strings_resolves():
    registry = content.references()
    found = list(_ref_lists(strings.table("timeline")))
    assert len(found) > 20
    for where, keys in found:
        assert keys, f"{where}: empty refs"
        for key in keys:
            assert key in registry, f"{where}: unknown reference key {key!r}"
    assert content.format_refs(["goldberg2010"])  # and they format


def test_every_phase_and_check_cites_and_examples_are_marked():
    for name, pattern in strings.table("timeline")["patterns"].items():
        for item in (*pattern["phases"], pattern["checks"]):
            assert item["refs"], f"{name}.{item.get('key', 'checks')} has no refs"
            assert isinstance(item["example"], bool)
            if "clinic-practice" in item["refs"]:
                assert item["example"], f"{name}: clinic practice must be marked as an example"
        assert pattern["example"] is True, f"{name}: day-of practice varies: mark it example"


def test_course_rows_carry_their_sources():
    rows = {r["key"]: r for r in strings.table("timeline")["course"]["rows"]}
    assert set(rows["onset"]["refs"]) == {"goldberg2010", "sigtermans2009"}
    assert set(rows["crps"]["refs"]) == {"cohen2018", "sigtermans2009", "niesters2014"}
    assert "week 12" in rows["crps"]["text"] and "no longer clear" in rows["crps"]["text"]
    assert rows["pooled"]["refs"] == ("orhurhu2019",) and "All 7 trials" in rows["pooled"]["text"]
    assert rows["none"]["refs"] == ("goldberg2010",) and "6 had little" in rows["none"]["text"]
    assert rows["none"]["people"] == (6, 16) and "16 people" in rows["none"]["text"]
    assert "nice-ng193" in rows["nice"]["refs"] and "fibromyalgia" in rows["nice"]["text"]
    for row in rows.values():
        assert row["source"], row["key"]


# --- The model behind the views ------------------------------------------------------------------


def test_session_curve_is_computed_once_and_read_only():
    a = fig.session_curve("schwartzman-2009", 70.0)
    assert fig.session_curve("schwartzman-2009", 70.0) is a
    assert not a.conc.flags.writeable
    t = np.arange(0.0, 421.0)
    regimen = shown_protocols()["schwartzman-2009"].regimen(70.0)
    np.testing.assert_allclose(a.conc, pk.simulate("domino", 70.0, regimen, t))
    assert a.level_at(-30) == 0.0
    assert a.level_at(90) == pytest.approx(float(a.conc[90]))


def test_end_of_infusion_matches_the_fact_sheet_check():
    # clinical-facts.md: Domino, 70 kg, 0.35 mg/kg/h for 4 h ends at about 180 ng/mL.
    curve = fig.session_curve("schwartzman-2009", 70.0)
    assert curve.level_at(240) == pytest.approx(180, rel=0.05)
    # It falls below the floaty band soon after the drip stops (computed, not typed in).
    after = curve.below_floaty_after_min
    assert 0 < after < 30
    i = int(curve.end_min + after)
    assert curve.conc[i] < BANDS["dissociation"].low_ng_ml <= curve.conc[i - 1]


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_every_protocol_has_a_layout_a_pattern_and_phases(pid):
    curve = fig.session_curve(pid, 70.0)
    p = shown_protocols()[pid]
    assert curve.layout.hi_min >= min(p.session_length_min, fig.LAYOUTS["days"].hi_min) or (
        curve.layout.key == "hours" and p.session_length_min <= 420)
    assert curve.phases and curve.checks.now
    assert curve.layout.default_cursor_min in curve.layout.cursor_positions


def test_axis_map_matches_the_background_axes():
    for key, layout in fig.LAYOUTS.items():
        scene, amap = fig.session_scene(key)
        ax = next(a for a in scene.fig.axes if a.get_yscale() == "log")
        xs, ys = scene.px(ax, [layout.lo_min / layout.unit_min, layout.hi_min / layout.unit_min,
                               0], [1, 3000, 100])
        np.testing.assert_allclose(xs, amap.x([layout.lo_min, layout.hi_min, 0]), atol=0.6)
        np.testing.assert_allclose(ys, amap.y([1, 3000, 100]), atol=0.6)
    scene, amap = routes_fig.routes_scene()
    ax = next(a for a in scene.fig.axes if a.get_yscale() == "log")
    xs, ys = scene.px(ax, [0, 6], [10, 1000])
    np.testing.assert_allclose(xs, amap.x([0, 360]), atol=0.6)
    np.testing.assert_allclose(ys, amap.y([10, 1000]), atol=0.6)


def test_route_curves_use_the_domino_model_and_route_constants():
    curves = routes_fig.route_curves(70.0)
    assert list(curves) == ["iv", "intranasal", "sublingual", "oral"]
    peaks = [curves[k].c_peak for k in curves]
    assert peaks == sorted(peaks, reverse=True)  # IV highest, oral lowest
    nasal = curves["intranasal"]
    assert nasal.f_low == pk.ROUTES["intranasal"].f_low == 0.11
    assert np.all(nasal.low <= nasal.conc + 1e-9)
    for key in ("intranasal", "sublingual", "oral"):
        assert curves[key].t_peak_min == pytest.approx(pk.ROUTES[key].tmax_min, abs=2)


# --- The state -----------------------------------------------------------------------------------


def test_state_defaults_and_output_trait():
    st = tl.TimelineState()
    assert st.protocol == PROTOCOLS[0] and st.view == "session" and st.mode == PATIENT
    assert st.cursor_min == st.layout.default_cursor_min
    assert st.level_ng_ml == pytest.approx(st.curve().level_at(st.cursor_min))
    with pytest.raises(traitlets.TraitError):
        st.level_ng_ml = 5.0  # an output
    with pytest.raises(traitlets.TraitError):
        st.protocol = "no-such-protocol"
    with pytest.raises(traitlets.TraitError):
        st.weight_kg = 12.0
    st.cursor_min = 10_000  # kept on the axis
    assert st.cursor_min == st.layout.hi_min


def test_patient_mode_draws_70_kg_and_trainee_the_chosen_weight():
    st = tl.TimelineState(weight_kg=100.0)
    assert st.weight_used == 70.0
    st.mode = TRAINEE
    assert st.weight_used == 100.0
    assert st.curve().weight_kg == 100.0


def test_a_new_layout_moves_the_cursor_to_its_default_and_the_route_follows():
    st = tl.TimelineState(protocol="schwartzman-2009", cursor_min=200)
    st.protocol = "cohen-2018-test"          # same layout: the cursor stays
    assert st.cursor_min == 200
    st.protocol = "sigtermans-2009"           # days: the cursor goes to its default
    assert st.cursor_min == fig.LAYOUTS["days"].default_cursor_min
    st.protocol = "intranasal-example"
    assert st.route == "intranasal"


# --- The widget: updates in place ----------------------------------------------------------------


def test_cursor_moves_the_overlay_and_describer(widget):
    before_svg, before_text = session_svg(widget), widget.session_view.describer.value
    still = widget.session_view.overlay.value
    widget.cursor.value = 30
    assert session_svg(widget) != before_svg
    assert widget.session_view.describer.value != before_text
    assert widget.session_view.overlay.value == still  # the curve and strip are not resent
    assert widget.state.cursor_min == 30
    x = float(re.search(r'x1="([0-9.]+)"[^>]*class="kx-tl-cursor"',
                        widget.cursor_layer.value).group(1))
    assert x == pytest.approx(float(AxisMap(PLOT, -60, 420).x(30)), abs=0.1)
    assert 'aria-hidden="true"' in widget.cursor_layer.value
    assert len(widget.cursor_layer.value) < 2500


def test_one_cursor_move_is_one_overlay_update(widget):
    values, still = [], []
    widget.cursor_layer.observe(lambda c: values.append(c["new"]), names="value")
    widget.session_view.overlay.observe(lambda c: still.append(c["new"]), names="value")
    widget.cursor.value = 120
    assert len(values) == 1 and still == []
    widget.state.cursor_min = 120  # no change, no message
    assert len(values) == 1


def test_protocol_change_updates_the_overlay_and_swaps_background_only_on_a_new_layout(widget):
    png = widget.session_view.background.value
    before = overlay(widget.session_view)
    widget.protocol_select.value = "cohen-2018-test"  # same layout
    assert overlay(widget.session_view) != before
    assert widget.session_view.background.value is png
    slider = widget.cursor
    widget.protocol_select.value = "sigtermans-2009"  # days layout
    assert widget.session_view.background.value != png
    assert widget.cursor is not slider and slider.comm is None  # a new slider for a new axis
    assert widget.session_view.children[1] is widget.cursor
    assert cursor_values(widget) == list(fig.LAYOUTS["days"].cursor_positions)
    assert widget.cursor.value == 1440
    widget.cursor.value = 1500  # and the new slider drives the state
    assert widget.state.cursor_min == 1500


def test_weight_change_updates_trainee_views(widget):
    widget.mode = TRAINEE
    before = overlay(widget.session_view)
    widget.weight_input.value = 100.0
    assert widget.state.weight_kg == 100.0
    assert overlay(widget.session_view) != before
    assert "100 kg" in widget.session_view.describer.value
    widget.view_buttons.value = "routes"
    routes_before = overlay(widget.routes_view)
    widget.weight_input.value = 55.0
    assert overlay(widget.routes_view) != routes_before
    assert "(55 kg" in svg_text(overlay(widget.routes_view))


def test_route_change_updates_the_comparison(widget):
    widget.view_buttons.value = "routes"
    assert widget.routes_view is not None
    before = overlay(widget.routes_view)
    widget.route_buttons.value = "oral"
    after = overlay(widget.routes_view)
    assert after != before and "kx-routes-chosen" in after
    assert re.search(r'class="kx-routes-curve kx-routes-oral kx-routes-chosen"', after)
    assert "swallowed" in widget.routes_view.describer.value


def test_views_show_one_at_a_time(widget):
    for view in tl.VIEWS:
        widget.view_buttons.value = view
        shown = [k for k, box in widget.boxes.items() if box.layout.display != "none"]
        assert shown == [view]
    assert widget.course_view is not None and widget.routes_view is not None


def test_updates_create_no_figures(widget, figure_spy):
    # build every background once (lazily, as the views are first shown)
    for view in tl.VIEWS:
        widget.view_buttons.value = view
    for pid in PROTOCOLS:
        widget.protocol_select.value = pid
    widget.view_buttons.value = "session"
    before = plt.get_fignums()
    made = figure_spy()
    widget.mode = TRAINEE
    for i in range(50):
        if i % 10 == 0:
            widget.protocol_select.value = PROTOCOLS[(i // 10) % len(PROTOCOLS)]
        values = cursor_values(widget)
        widget.cursor.value = values[(i * 7) % len(values)]
        if i % 5 == 0:
            widget.weight_input.value = 60.0 + i
        if i % 12 == 0:
            widget.view_buttons.value = tl.VIEWS[(i // 12) % 3]
            widget.route_buttons.value = routes_fig.ROUTE_KEYS[i % 4]
        if i % 17 == 0:
            widget.mode = PATIENT if widget.mode == TRAINEE else TRAINEE
    assert made == []
    assert plt.get_fignums() == before


def test_cursor_update_is_fast(widget):
    values = cursor_values(widget)
    times = []
    for i in range(200):
        v = values[(i * 7) % len(values)]
        if v == widget.cursor.value:
            v = values[(i * 7 + 1) % len(values)]
        t0 = time.perf_counter()
        widget.cursor.value = v
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.005  # 5 ms; measured well under 1 ms


# --- Words ---------------------------------------------------------------------------------------


def test_describer_names_the_band_at_the_cursor(widget):
    curve = widget.state.curve()
    inside = next(t for t in widget.state.layout.cursor_positions
                  if t >= 0 and 70 <= curve.level_at(t) < 100)
    widget.cursor.value = inside
    text = words(widget.session_view.describer.value)
    assert "linked with pain relief in studies" in text
    assert "“floaty”" not in text.split(".")[0]
    assert "linked with relief" in svg_text(session_svg(widget))
    widget.cursor.value = -30
    assert "Before the start" in words(widget.session_view.describer.value)
    widget.cursor.value = 60 * 4 + 30
    text = words(widget.session_view.describer.value)
    assert "rest" in text and "falls below the “floaty” range about 10 minutes" in text


def test_describer_says_the_moment_in_clock_time_when_the_chart_does():
    """The pure describer: with a clock (the chart shows clock times) every moment it names is
    that clock's time, the same words otherwise; without one, the time from the start."""
    curve = fig.session_curve("schwartzman-2009", 70.0)

    def clock(minutes):
        return f"clock {minutes:g}"

    patient = tl.describe_session(curve, 90.0, PATIENT, clock)
    from_start = tl.describe_session(curve, 90.0, PATIENT)
    at = strings.table("timeline")["session"]["describer"]["at"]
    level = tl.level_words(curve.level_at(90.0))
    assert patient.startswith(at.format(time="clock 90", level=level))
    assert from_start.startswith(at.format(time=fig.short_time(90.0, curve.layout), level=level))
    assert patient.replace("clock 90", fig.short_time(90.0, curve.layout)) == from_start
    trainee = tl.describe_session(curve, 90.0, TRAINEE, clock)
    assert trainee.startswith(patient)
    assert f"clock {curve.t_peak_min:g}" in trainee          # the peak's moment, too
    assert "clock 0" in tl.describe_session(curve, 0.0, PATIENT, clock)   # the start
    html = tl.session_html(curve, 90.0, TRAINEE, clock)
    assert "clock 90" in html and "clock 90" in words(html).split(".")[0]


def test_trainee_describer_adds_numbers(widget):
    widget.cursor.value = 90
    assert "ng/mL" not in widget.session_view.describer.value
    widget.mode = TRAINEE
    text = words(widget.session_view.describer.value)
    level = widget.state.level_ng_ml
    assert f"{level:.0f} ng/mL" in text and "Domino model, 70 kg" in text
    assert "24.5 mg/h for 4 h" in text
    assert "ng/mL" in svg_text(session_svg(widget))
    assert f"{level:.0f} ng/mL" in svg_text(widget.cursor_layer.value)
    assert widget.trainee_box.layout.display != "none"
    assert shown_in_mode(widget, widget.trainee_box)
    assert "Schwartzman" in widget.trainee_box.value


def test_bad_weight_shows_a_friendly_message_and_keeps_the_picture(widget):
    widget.mode = TRAINEE
    widget.weight_input.value = 80.0
    svg_before = overlay(widget.session_view)
    for bad in (12.0, 400.0, -5.0):
        widget.weight_input.value = bad
        assert widget.state.weight_kg == 80.0
        assert widget.weight_message.layout.display != "none"
        message = words(widget.weight_message.value)
        assert "between 40 and 150 kg" in message and "still shows 80 kg" in message
        assert "Traceback" not in message and "Error" not in message
        assert overlay(widget.session_view) == svg_before
        assert widget.error.layout.display == "none"
    widget.weight_input.value = 90.0
    assert widget.state.weight_kg == 90.0
    assert widget.weight_message.layout.display == "none"


def test_course_view_says_it_is_not_a_prediction(widget):
    widget.view_buttons.value = "course"
    drawn = svg_text(overlay(widget.course_view))
    assert "not a prediction for you" in drawn
    assert "not a prediction" in widget.course_view.describer.value
    widget.mode = TRAINEE
    assert "not a prediction for this patient" in svg_text(overlay(widget.course_view))
    assert "illustration of published averages" in svg_text(overlay(widget.course_view))


def test_course_marks_the_closest_finding_and_the_non_iv_caveat(widget):
    widget.view_buttons.value = "course"
    assert "kx-course-closest" in overlay(widget.course_view)   # Schwartzman: CRPS row
    assert overlay(widget.course_view).count('class="kx-course-session"') == 10
    widget.protocol_select.value = "oral-example"
    assert "kx-course-closest" not in overlay(widget.course_view)
    assert "come from drips" in svg_text(overlay(widget.course_view))
    assert "come from drips" in widget.course_view.describer.value


def test_example_protocols_are_labelled(widget):
    labels = dict((v, k) for k, v in widget.protocol_select.options)
    for pid, p in shown_protocols().items():
        assert labels[pid].endswith("(example)") == p.example
    widget.protocol_select.value = "intranasal-example"
    assert "Example — your clinic may differ" in widget.example_tag.value
    assert "Example — your clinic may differ" in svg_text(overlay(widget.session_view))


def _patient_states():
    """Every patient-facing text of every view: describers, overlay words, notes."""
    w = tl.TimelineWidget()
    for pid in PROTOCOLS:
        w.protocol_select.value = pid
        w.view_buttons.value = "session"
        for t in cursor_values(w)[::4]:
            w.cursor.value = t
            yield (f"{pid}@{t}", words(w.session_view.describer.value),
                   svg_text(session_svg(w)) + " " + words(w.about.value))
        w.view_buttons.value = "course"
        yield (f"{pid} course", words(w.course_view.describer.value),
               svg_text(overlay(w.course_view)))
    w.view_buttons.value = "routes"
    for r in routes_fig.ROUTE_KEYS:
        w.route_buttons.value = r
        yield (f"routes {r}", words(w.routes_view.describer.value),
               svg_text(overlay(w.routes_view)))


@pytest.fixture(scope="module")
def patient_texts():
    return list(_patient_states())


def test_patient_mode_shows_no_units_of_dose_or_level(patient_texts):
    for where, describer, drawn in patient_texts:
        for text in (describer, drawn):
            for unit in ("ng/mL", "mg/kg", " mg", "µg", "µM"):
                assert unit not in text, f"{where}: {unit!r} in patient text: {text[:200]}"


def test_patient_describers_are_plain(patient_texts):
    grades = {}
    for where, describer, _ in patient_texts:
        grades[where] = textstat.flesch_kincaid_grade(describer)
    worst = max(grades, key=grades.get)
    assert grades[worst] <= 8.0, f"{worst}: grade {grades[worst]}"
    assert statistics.mean(grades.values()) <= 6.0


def test_patient_strings_in_the_file_are_plain():
    s = strings.table("timeline")
    texts = [s["weight_note"], s["model_note"]["patient"], s["education_note"],
             s["controls"]["pain_signal_intro"], *s["level_words"].values(),
             s["routes"]["describer"]["patient"], *s["routes"]["describer"]["highlight"].values(),
             s["course"]["not_prediction"]["patient"], s["course"]["non_iv_note"]["text"],
             *(r["text"] for r in s["course"]["rows"]),
             *(v for k, v in s["session"]["eases"].items() if isinstance(v, str)
               and not k.startswith("label"))]
    for pattern in s["patterns"].values():
        texts += [p["now"] for p in pattern["phases"]] + [pattern["checks"]["now"]]
    texts = [t for t in texts if isinstance(t, str) and " " in t]
    grades = [textstat.flesch_kincaid_grade(t.replace("{after}", "ten minutes")
                                            .replace("{gap}", "four hours")) for t in texts]
    assert max(grades) <= 8.0, max(zip(grades, texts, strict=True))
    assert statistics.mean(grades) <= 6.0


# --- Linking to the NMDA diagram -----------------------------------------------------------------


def test_level_drives_a_pain_signal_state():
    ps = pytest.importorskip("explainer.widgets.pain_signal")
    timeline = tl.TimelineWidget()
    pain = ps.PainSignalState()
    link = tl.link_to_pain_signal(timeline, pain)
    timeline.cursor.value = 90
    assert pain.conc_ng_ml == pytest.approx(timeline.state.level_ng_ml)
    assert pain.conc_ng_ml == pytest.approx(timeline.state.curve().level_at(90))
    timeline.cursor.value = -30
    assert pain.conc_ng_ml == 0.0
    link.unlink()
    timeline.cursor.value = 120
    assert pain.conc_ng_ml == 0.0


def test_link_works_with_any_state_with_the_trait():
    class Follower(traitlets.HasTraits):
        conc_ng_ml = traitlets.Float(0.0)

    st = tl.TimelineState()
    follower = Follower()
    tl.link_to_pain_signal(st, follower)
    assert follower.conc_ng_ml == st.level_ng_ml
    st.cursor_min = 200
    assert follower.conc_ng_ml == pytest.approx(st.curve().level_at(200))


def test_page_widgets_link_modes_and_the_diagram():
    switch, timeline, pain_box, note, links = tl.page_widgets()
    assert "not give dosing advice" in note.value
    switch.value = TRAINEE
    assert timeline.mode == TRAINEE
    if pain_box is not None:
        pain = pain_box.section.build()
        assert pain.mode == TRAINEE
        timeline.cursor.value = 150
        assert pain.state.conc_ng_ml == pytest.approx(timeline.state.level_ng_ml)
        timeline.view_buttons.value = "course"
        assert pain_box.layout.display == "none"


def test_page_still_works_without_the_pain_signal(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "explainer.widgets.pain_signal":
            raise ImportError("simulated")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    switch, timeline, pain_box, note, links = tl.page_widgets()
    assert pain_box is None and timeline.session_view.overlay.value


def test_mode_switch_links(widget):
    switch = mode_switch()
    link_mode(switch, widget)
    switch.value = TRAINEE
    assert widget.state.mode == TRAINEE and shown_in_mode(widget, widget.weight_box)
    switch.value = PATIENT
    for part in (widget.weight_box, widget.trainee_box, widget.routes_table):
        assert not shown_in_mode(widget, part)


# --- Failures ------------------------------------------------------------------------------------


def test_a_failing_update_shows_a_message_and_recovers(widget, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(fig, "session_cursor", broken)
    widget.cursor.value = 60
    assert FRIENDLY_ERROR in widget.error.value and "boom" not in widget.error.value
    monkeypatch.undo()
    widget.cursor.value = 65
    assert widget.error.layout.display == "none"


# --- The page ------------------------------------------------------------------------------------


def test_cursor_slider_has_the_benchmark_class(widget):
    assert "kx-cursor-slider" in widget.cursor._dom_classes
    # the first `.kx-figure-overlay` on the page is the layer a cursor move changes
    stack = widget.session_view.children[0]
    assert stack.children[1] is widget.cursor_layer
    assert "kx-figure-overlay" in widget.cursor_layer._dom_classes
    assert widget.session_view.children[1] is widget.cursor
    assert course_fig.course_scene().width_px == COURSE_W
