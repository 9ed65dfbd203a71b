"""Tests for the numbers the timeline figures show, as models: explainer.models.session (spans
above a band, the fall after the drip), .protocol (dose scaling and caps), .bands.band_key and
.route_comparison (peaks and areas through pk.summary)."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.content.clinic.env import shown_protocols
from explainer.figures import routes as routes_fig
from explainer.figures import session as tl
from explainer.models import pk
from explainer.models.bands import BANDS, LEVEL_KEYS, band_key
from explainer.models.protocol import DoseSpec
from explainer.models.route_comparison import ROUTE_KEYS, compare_routes
from explainer.models.session import (
    FLOATY_NG_ML,
    RELIEF_NG_ML,
    fall_after,
    session_levels,
    spans_above,
)

T = np.arange(8.0)


def test_spans_above_finds_each_stretch_including_the_edges():
    c = np.array([150, 90, 120, 130, 50, 40, 110, 200.0])
    assert spans_above(T, c, 100.0) == ((0.0, 0.0), (2.0, 3.0), (6.0, 7.0))
    assert spans_above(T, np.zeros(8), 100.0) == ()
    assert spans_above(T, np.full(8, 100.0), 100.0) == ((0.0, 7.0),)   # "at" counts as above


def test_fall_after_counts_from_the_reference_time():
    c = np.array([0, 150, 160, 140, 90, 80, 70, 60.0])
    assert fall_after(T, c, 2.0, 100.0) == 2.0
    assert fall_after(T, c, 0.0, 100.0) == 0.0          # below at the reference already
    assert fall_after(T, c, 2.0, 200.0) is None         # never rose to the level
    assert fall_after(T, np.full(8, 150.0), 2.0, 100.0) is None   # still above at the end


@pytest.mark.parametrize("pid", sorted(shown_protocols()))
def test_the_session_curve_carries_the_models_numbers(pid):
    protocol = shown_protocols()[pid]
    curve = tl.session_curve(pid, 70.0)
    levels = session_levels(protocol.doses, 70.0, curve.layout.hi_min,
                            intravenous=protocol.route == "intravenous")
    np.testing.assert_array_equal(levels.conc, curve.conc)
    for name in ("end_min", "dose_times_min", "t_peak_min", "c_peak", "fall_ref_min",
                 "below_floaty_after_min", "below_relief_after_min", "feel_spans"):
        assert getattr(levels, name) == getattr(curve, name), name
    assert curve.feel_spans == spans_above(curve.times_min, curve.conc, FLOATY_NG_ML)
    assert curve.below_relief_after_min == fall_after(curve.times_min, curve.conc,
                                                      curve.fall_ref_min, RELIEF_NG_ML)
    assert not levels.conc.flags.writeable


def test_session_levels_for_a_drip_fall_from_its_end():
    drip = DoseSpec("infusion", 0.0, "mg_per_kg_per_h", 0.35, duration_min=240.0)
    levels = session_levels([drip], 70.0, 420, intravenous=True)
    assert levels.fall_ref_min == levels.end_min == 240.0
    assert levels.level_at(-1) == 0.0 and levels.index(10_000) == levels.times_min.size - 1
    assert levels.feeling(120) and not levels.feeling(400)
    with pytest.raises(ValueError):
        session_levels([drip], 10.0, 420, intravenous=True)


@pytest.mark.parametrize(("spec", "weight", "amount", "capped"), [
    (DoseSpec("bolus", 0, "mg", 20.0), 90, 20.0, False),
    (DoseSpec("bolus", 0, "mg_per_kg", 0.5, cap=30.0), 80, 30.0, True),
    (DoseSpec("infusion", 0, "mg_per_kg_per_h", 0.35, duration_min=240, cap=25.0), 70, 24.5,
     False),
    (DoseSpec("infusion", 0, "mg_per_h_per_70kg", 14.0, duration_min=60), 105, 21.0, False),
])
def test_dose_specs_scale_and_cap(spec, weight, amount, capped):
    assert spec.is_capped(weight) is capped
    dose = spec.dose(weight)
    assert (dose.mg_per_h if isinstance(dose, pk.Infusion) else dose.mg) == pytest.approx(amount)


def test_dose_specs_shift_and_keep_their_route():
    dose = DoseSpec("absorbed", 30, "mg", 50.0, route="oral", bioavailability=0.2).dose(70, 1440)
    assert isinstance(dose, pk.Absorbed) and dose.at_min == 1470 and dose.route == "oral"
    assert DoseSpec("infusion", 10, "mg_per_h", 6.0, duration_min=50).end_min == 60


@pytest.mark.parametrize(("conc", "key"), [
    (0.0, "zero"), (-1.0, "zero"), (30.0, "below_relief"), (70.0, "relief"),
    (120.0, "relief+dissociation"), (200.0, "dissociation"), (600.0, "between"),
    (1500.0, "anaesthesia"), (2500.0, "above"),
])
def test_band_key(conc, key):
    assert band_key(conc) == key
    assert key in LEVEL_KEYS


def test_band_key_edges_belong_to_the_band():
    for band in BANDS.values():
        assert band.key in band_key(band.low_ng_ml).split("+")
        assert band.key in band_key(band.high_ng_ml).split("+")


def test_route_comparison_numbers_are_pk_summaries():
    curves = compare_routes(25.0, 10.0, 70.0)
    assert tuple(curves) == ROUTE_KEYS
    for curve in curves.values():
        numbers = pk.summary(curve.times_min, curve.conc)
        assert (curve.t_peak_min, curve.c_peak) == pk.peak(curve.times_min, curve.conc)
        assert curve.auc_ng_h_ml == pytest.approx(numbers.auc_ng_min_per_ml / 60)
    nasal = curves["intranasal"]
    assert nasal.low is not None and np.all(nasal.low <= nasal.conc) and np.all(
        nasal.conc <= nasal.high)
    assert curves["oral"].low is None


def test_the_routes_figure_uses_the_model():
    words = tl.strings()["routes"]
    model = compare_routes(float(words["dose_mg"]), float(words["iv_minutes"]), 70.0)
    shown = routes_fig.route_curves(70.0)
    for key in ROUTE_KEYS:
        assert shown[key].c_peak == model[key].c_peak
        np.testing.assert_array_equal(shown[key].conc, model[key].conc)
