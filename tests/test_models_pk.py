"""Tests for explainer.models.pk: closed forms, properties, fact-sheet figures, bad input."""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.models import pk

REFERENCES = Path(__file__).resolve().parents[1] / "assets" / "references.yaml"

KAMP = pk.MODELS["kamp"]
W = 70.0


def kamp_v_l(weight_kg: float = W) -> float:
    return 252.0 * weight_kg / 70.0


def kamp_k() -> float:
    return 79.0 / 60.0 / 252.0  # per min; independent of weight under linear scaling


def clearance_l_min(model: str, weight_kg: float = W) -> float:
    return pk.MODELS[model].clearance_l_per_min_per_kg * weight_kg


# --- the call from the brief -----------------------------------------------------------------


def test_documented_call():
    times = np.linspace(0, 600, 601)
    conc = pk.simulate(model="domino", weight_kg=70,
                       regimen=[pk.Bolus(at_min=0, mg=20),
                                pk.Infusion(start_min=0, duration_min=240, mg_per_h=24.5),
                                pk.Absorbed(at_min=300, mg=50, route="intranasal")],
                       times_min=times)
    assert conc.shape == times.shape
    assert np.all(np.isfinite(conc)) and np.all(conc >= 0)
    assert conc[0] == pytest.approx(20 / (0.063 * 70) * 1000)  # bolus mixed in V1 at t = 0
    assert conc[310] > conc[300]  # the nasal dose raises the level again


def test_defaults_are_domino_70kg():
    t = np.arange(0, 60.0)
    reg = [pk.Bolus(0, 10)]
    np.testing.assert_array_equal(pk.simulate(regimen=reg, times_min=t),
                                  pk.simulate("domino", 70, reg, t))


def test_accepts_a_model_object_and_lists():
    reg = [pk.Bolus(0, 10)]
    a = pk.simulate(pk.MODELS["hijazi"], 80, reg, [0, 1, 2])
    b = pk.simulate("hijazi", 80, reg, np.array([0.0, 1.0, 2.0]))
    np.testing.assert_allclose(a, b)


# --- closed forms (one compartment) ------------------------------------------------------------


def test_one_compartment_bolus_matches_formula():
    t = np.linspace(0, 1000, 201)
    dose = 35.0
    got = pk.simulate("kamp", W, [pk.Bolus(0, dose)], t)
    expected = dose / kamp_v_l() * np.exp(-kamp_k() * t) * 1000
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("weight", [45.0, 70.0, 140.0])
def test_one_compartment_infusion_matches_formula(weight):
    t = np.linspace(0, 900, 451)
    rate_mg_h, start, dur = 30.0, 60.0, 240.0
    got = pk.simulate("kamp", weight, [pk.Infusion(start, dur, rate_mg_h)], t)
    k, v, r = kamp_k(), kamp_v_l(weight), rate_mg_h / 60.0
    during = r / (k * v) * (1 - np.exp(-k * (t - start)))
    after = r / (k * v) * (1 - np.exp(-k * dur)) * np.exp(-k * (t - start - dur))
    expected = np.where(t < start, 0.0, np.where(t <= start + dur, during, after)) * 1000
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("route", list(pk.ROUTES))
def test_one_compartment_absorption_matches_bateman(route):
    t = np.linspace(0, 1500, 301)
    dose, at = 50.0, 30.0
    got = pk.simulate("kamp", W, [pk.Absorbed(at, dose, route)], t)
    k, v = kamp_k(), kamp_v_l()
    ka, f = pk.ROUTES[route].ka_per_min, pk.ROUTES[route].f
    tau = np.clip(t - at, 0, None)
    expected = f * dose * ka / (v * (ka - k)) * (np.exp(-k * tau) - np.exp(-ka * tau)) * 1000
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_absorption_when_ka_equals_elimination_rate():
    """ka == k is the 0/0 case of the Bateman function; the limit is F·D·k·t·e^{-kt}/V."""
    model = dataclasses.replace(KAMP, name="kamp-test")
    coef, rates = model.exponentials(W)
    k = float(rates[0])
    t = np.array([0.0, 1.0, 100.0, 1000.0])
    got = pk._absorbed_response(t, k, coef, rates)
    np.testing.assert_allclose(got, coef[0] * k * t * np.exp(-k * t), rtol=1e-12)
    near = pk._absorbed_response(t, k * (1 + 1e-3), coef, rates)
    np.testing.assert_allclose(near, got, rtol=2e-3)


@pytest.mark.parametrize("model", list(pk.MODELS))
def test_steady_state_is_rate_over_clearance(model):
    rate_mg_h = 20.0
    t = np.array([60_000.0])
    got = pk.simulate(model, W, [pk.Infusion(0, 60_000, rate_mg_h)], t)[0]
    expected = rate_mg_h / 60.0 / clearance_l_min(model) * 1000
    assert got == pytest.approx(expected, rel=1e-9)


def test_superposition_of_doses():
    t = np.linspace(0, 720, 721)
    doses = [pk.Bolus(10, 15), pk.Infusion(30, 120, 20), pk.Absorbed(200, 40, "oral"),
             pk.Absorbed(400, 25, "intranasal", bioavailability=0.2)]
    together = pk.simulate("domino", 82, doses, t)
    apart = sum(pk.simulate("domino", 82, [d], t) for d in doses)
    np.testing.assert_allclose(together, apart, rtol=1e-12)


@pytest.mark.parametrize("model", list(pk.MODELS))
def test_unit_bolus_coefficients(model):
    m = pk.MODELS[model]
    coef, rates = m.exponentials(W)
    assert len(coef) == len(rates) == m.compartments
    assert np.all(rates > 0) and np.all(coef > 0)
    assert coef.sum() == pytest.approx(1 / (m.v1_l_per_kg * W))
    # area under the unit-bolus response = 1 / CL
    assert np.sum(coef / rates) == pytest.approx(1 / clearance_l_min(model))


# --- AUC = F × dose / CL for every route ------------------------------------------------------

AUC_TIMES = np.unique(np.concatenate([np.linspace(0, 20, 20_001),
                                      np.linspace(20, 30_000, 29_981)]))


@pytest.mark.parametrize("model", list(pk.MODELS))
@pytest.mark.parametrize("route", ["iv-bolus", "iv-infusion", *pk.ROUTES])
def test_auc_is_bioavailable_dose_over_clearance(model, route):
    dose = 100.0
    if route == "iv-bolus":
        reg, f = [pk.Bolus(0, dose)], 1.0
    elif route == "iv-infusion":
        reg, f = [pk.Infusion(0, 120, dose / 2)], 1.0
    else:
        reg, f = [pk.Absorbed(0, dose, route)], pk.ROUTES[route].f
    conc = pk.simulate(model, W, reg, AUC_TIMES)
    expected = f * dose / clearance_l_min(model) * 1000  # ng·min/mL
    assert pk.auc(AUC_TIMES, conc) == pytest.approx(expected, rel=0.01)


# --- properties ---------------------------------------------------------------------------------

# dose times on a quarter-minute grid, so shifting them by whole minutes is exact in floating point
times_st = st.integers(0, 8000).map(lambda q: q / 4)
mg_st = st.floats(0.1, 500, allow_nan=False, allow_infinity=False)
bolus_st = st.builds(pk.Bolus, at_min=times_st, mg=mg_st)
infusion_st = st.builds(pk.Infusion, start_min=times_st,
                        duration_min=st.floats(0.5, 6000, allow_nan=False),
                        mg_per_h=st.floats(0.1, 100, allow_nan=False))
absorbed_st = st.builds(pk.Absorbed, at_min=times_st, mg=mg_st,
                        route=st.sampled_from(list(pk.ROUTES)),
                        bioavailability=st.one_of(st.none(), st.floats(0.01, 1.0)))
regimen_st = st.lists(st.one_of(bolus_st, infusion_st, absorbed_st), min_size=1, max_size=6)
model_st = st.sampled_from(list(pk.MODELS))
weight_st = st.floats(40, 150, allow_nan=False)
GRID = np.linspace(0, 3000, 601)


@settings(max_examples=60, deadline=None)
@given(model=model_st, weight=weight_st, regimen=regimen_st)
def test_never_negative(model, weight, regimen):
    conc = pk.simulate(model, weight, regimen, GRID)
    assert np.all(np.isfinite(conc))
    assert np.all(conc >= 0)


@settings(max_examples=60, deadline=None)
@given(model=model_st, weight=weight_st, regimen=regimen_st,
       factor=st.floats(0.01, 100, allow_nan=False))
def test_linear_in_dose(model, weight, regimen, factor):
    def scaled(d):
        if isinstance(d, pk.Infusion):
            return dataclasses.replace(d, mg_per_h=d.mg_per_h * factor)
        return dataclasses.replace(d, mg=d.mg * factor)

    base = pk.simulate(model, weight, regimen, GRID)
    more = pk.simulate(model, weight, [scaled(d) for d in regimen], GRID)
    np.testing.assert_allclose(more, factor * base, rtol=1e-9, atol=1e-9 * max(base.max(), 1))


@settings(max_examples=60, deadline=None)
@given(model=model_st, weight=weight_st, regimen=regimen_st,
       shift=st.integers(1, 500))
def test_shifting_all_doses_shifts_the_curve(model, weight, regimen, shift):
    def moved(d):
        if isinstance(d, pk.Infusion):
            return dataclasses.replace(d, start_min=d.start_min + shift)
        return dataclasses.replace(d, at_min=d.at_min + shift)

    grid = np.arange(0, 3000.0, 5.0)
    base = pk.simulate(model, weight, regimen, grid)
    later = pk.simulate(model, weight, [moved(d) for d in regimen], grid + shift)
    np.testing.assert_allclose(later, base, rtol=1e-9, atol=1e-9 * max(base.max(), 1))
    early = pk.simulate(model, weight, [moved(d) for d in regimen], np.arange(0, shift, 0.5))
    first = min(d.start_min if isinstance(d, pk.Infusion) else d.at_min for d in regimen)
    assert np.all(early[np.arange(0, shift, 0.5) < first + shift] == 0)


@settings(max_examples=40, deadline=None)
@given(a=st.lists(st.floats(0.5, 10), min_size=2, max_size=50))
def test_result_does_not_depend_on_time_grid(a):
    """Exact solution: the value at a time is the same whatever other times are asked for."""
    t = np.cumsum(a)
    reg = [pk.Bolus(0, 20), pk.Infusion(5, 60, 30), pk.Absorbed(3, 40, "sublingual")]
    full = pk.simulate("domino", 70, reg, t)
    single = np.array([pk.simulate("domino", 70, reg, [x])[0] for x in t[::7]])
    np.testing.assert_allclose(full[::7], single, rtol=1e-12)


# --- the fact sheet's numbers ------------------------------------------------------------------


def test_domino_bolus_sanity_figure():
    """70 kg, 2 mg/kg IV bolus: about 1.1 µg/mL at 5 min (clinical-facts.md)."""
    c5 = pk.simulate("domino", 70, [pk.Bolus(0, 2 * 70)], [5.0])[0]
    assert c5 == pytest.approx(1100, rel=0.05)


def test_domino_infusion_sanity_figure():
    """70 kg, 0.35 mg/kg/h for 4 h: about 180 ng/mL at the end of the infusion."""
    c_end = pk.simulate("domino", 70, [pk.Infusion(0, 240, 0.35 * 70)], [240.0])[0]
    assert c_end == pytest.approx(180, rel=0.05)


def test_domino_derived_parameters():
    m = pk.MODELS["domino"]
    v1, v2, v3 = m.volumes_l_per_kg
    assert v1 == 0.063
    assert v2 == pytest.approx(0.151, abs=0.001)
    assert v3 == pytest.approx(2.55, abs=0.01)
    assert m.clearance_l_per_min_per_kg * 1000 == pytest.approx(27.6, abs=0.05)
    for got, want in zip(m.half_lives_min, (0.4, 4.6, 115), strict=True):
        assert got == pytest.approx(want, rel=0.03)


def test_hijazi_and_kamp_derived_parameters():
    assert pk.MODELS["hijazi"].clearance_l_per_min_per_kg * 1000 == pytest.approx(36.0, rel=0.01)
    assert pk.MODELS["hijazi"].compartments == 2
    kamp = pk.MODELS["kamp"]
    assert kamp.compartments == 1
    assert kamp.v1_l_per_kg * 70 == pytest.approx(252)
    assert kamp.clearance_l_per_min_per_kg * 70 * 60 == pytest.approx(79)
    assert kamp.half_lives_min[0] / 60 == pytest.approx(2.2, abs=0.05)


def test_model_registry_contents():
    assert set(pk.MODELS) == {"domino", "hijazi", "kamp"}
    assert pk.DEFAULT_MODEL == "domino"
    assert "adult ICU (n = 12)" in pk.MODELS["hijazi"].population.replace(" patients", "")
    assert "18 studies" in pk.MODELS["kamp"].population
    assert "uncertain" in pk.MODELS["domino"].notes
    assert "linearly" in pk.MODELS["kamp"].notes
    with pytest.raises(TypeError):
        pk.MODELS["herd"] = pk.MODELS["kamp"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        pk.MODELS["domino"].k10 = 1.0  # type: ignore[misc]


def test_route_bioavailability_figures():
    r = pk.ROUTES
    assert set(r) == {"intramuscular", "intranasal", "oral", "sublingual"}
    assert r["intramuscular"].f == 0.93
    assert (r["intranasal"].f, r["intranasal"].f_low, r["intranasal"].f_high) == (0.45, 0.11, 0.45)
    assert r["oral"].f == 0.20
    assert r["sublingual"].f == 0.29
    for route in r.values():
        assert 0 < route.f_low <= route.f <= route.f_high <= 1
        if route.tmax_range_min:
            lo, hi = route.tmax_range_min
            assert lo <= route.tmax_min <= hi


@pytest.mark.parametrize("route", list(pk.ROUTES))
def test_domino_time_to_peak_matches_fact_sheet(route):
    target = pk.ROUTES[route].tmax_min
    assert pk.single_dose_tmax(pk.ROUTES[route].ka_per_min) == pytest.approx(target, rel=0.15)
    t = np.arange(0, 600, 0.1)
    conc = pk.simulate("domino", 70, [pk.Absorbed(0, 50, route)], t)
    t_peak, _ = pk.peak(t, conc)
    assert t_peak == pytest.approx(target, rel=0.15)
    # the documented search reproduces the stored (rounded) constant
    assert pk.derive_ka(target) == pytest.approx(pk.ROUTES[route].ka_per_min, rel=0.01)


def test_tmax_is_independent_of_weight_and_dose():
    t = np.arange(0, 300, 0.1)
    peaks = {pk.peak(t, pk.simulate("domino", w, [pk.Absorbed(0, mg, "intranasal")], t))[0]
             for w in (45, 70, 130) for mg in (10, 50)}
    assert len(peaks) == 1


def test_every_reference_key_resolves():
    keys = set(yaml.safe_load(REFERENCES.read_text(encoding="utf-8")))
    used = {k for m in pk.MODELS.values() for k in m.refs}
    used |= {k for r in pk.ROUTES.values() for k in r.refs}
    assert used <= keys, used - keys
    assert all(m.refs for m in pk.MODELS.values()) and all(r.refs for r in pk.ROUTES.values())


# --- helpers -----------------------------------------------------------------------------------


def test_peak_auc_time_above_on_a_triangle():
    t = np.array([0.0, 10.0, 20.0])
    c = np.array([0.0, 100.0, 0.0])
    assert pk.peak(t, c) == (10.0, 100.0)
    assert pk.auc(t, c) == pytest.approx(1000.0)
    assert pk.time_above(t, c, 50.0) == pytest.approx(10.0)
    assert pk.time_above(t, c, 0.0) == pytest.approx(20.0)
    assert pk.time_above(t, c, 150.0) == 0.0
    assert pk.time_above([0, 10, 20, 30], [0, 0, 10, 10], 0) == pytest.approx(20.0)
    s = pk.summary(t, c, level_ng_ml=50)
    assert (s.t_peak_min, s.c_peak_ng_ml, s.auc_ng_min_per_ml, s.time_above_min, s.c_end_ng_ml) \
        == (10.0, 100.0, 1000.0, pytest.approx(10.0), 0.0)
    assert pk.summary(t, c).time_above_min is None


def test_the_peak_of_a_plateau_is_where_it_is_reached_whatever_the_last_bits():
    """A four-day drip is flat to the last bits of a float for days; which of those samples is
    highest changed with a NumPy upgrade, and with it the peak's time (by an hour)."""
    t = np.arange(0.0, 10.0)
    flat = 191.50930554067503
    c = np.array([0.0, 100.0, 190.0, flat, flat, flat, flat, flat, 50.0, 0.0])
    for noisy in range(3, 8):  # one plateau sample a few ulps above the others
        bumped = c.copy()
        bumped[noisy] = np.nextafter(np.nextafter(flat, 1e9), 1e9)
        assert pk.peak(t, bumped) == (3.0, bumped[noisy])
    assert pk.peak(t, np.array([0, 1, 2, 3, 3 - 1e-6, 0, 0, 0, 0, 0.0]))[0] == 3.0
    assert pk.peak(t, np.array([0, 1, 2, 3 - 1e-6, 3, 0, 0, 0, 0, 0.0]))[0] == 4.0
    assert pk.peak(t, np.zeros(10)) == (0.0, 0.0)


def test_time_above_one_compartment_bolus_matches_formula():
    t = np.linspace(0, 1000, 100_001)
    conc = pk.simulate("kamp", W, [pk.Bolus(0, 100)], t)
    c0 = 100 / kamp_v_l() * 1000
    expected = math.log(c0 / 200) / kamp_k()
    assert pk.time_above(t, conc, 200) == pytest.approx(expected, abs=0.02)


def test_regimen_total_mg():
    reg = [pk.Bolus(0, 20), pk.Infusion(0, 240, 24.5), pk.Absorbed(300, 50, "intranasal")]
    assert pk.regimen_total_mg(reg) == pytest.approx(20 + 98 + 50)
    assert pk.regimen_total_mg(reg, bioavailable=True) == pytest.approx(20 + 98 + 0.45 * 50)
    assert pk.Infusion(0, 240, 24.5).end_min == 240


# --- speed -------------------------------------------------------------------------------------


def test_four_day_and_course_are_fast():
    four_day = [pk.Infusion(0, 6048, 22.2)]
    t4 = np.arange(0, 6049.0)
    course = [pk.Infusion(day * 1440, 240, 24.5) for day in range(10)]
    t10 = np.arange(0, 10 * 1440.0)
    pk.simulate("domino", 70, four_day, t4)  # warm the eigen cache
    start = time.perf_counter()
    for _ in range(10):
        pk.simulate("domino", 70, four_day, t4)
        pk.simulate("domino", 70, course, t10)
    assert (time.perf_counter() - start) / 10 < 1.0


# --- validation --------------------------------------------------------------------------------

BAD_NUMBERS = [-1.0, float("nan"), float("inf"), True, "10", None]


@pytest.mark.parametrize("weight", [39.9, 150.1, 0, -70, float("nan"), float("inf"), True, "70",
                                    None])
def test_bad_weight(weight):
    with pytest.raises(ValueError, match="between 40 and 150"):
        pk.simulate("domino", weight, [pk.Bolus(0, 10)], [0.0])


@pytest.mark.parametrize("bad", BAD_NUMBERS)
@pytest.mark.parametrize("make", [
    lambda x: pk.Bolus(at_min=x, mg=10),
    lambda x: pk.Bolus(at_min=0, mg=x),
    lambda x: pk.Infusion(start_min=x, duration_min=60, mg_per_h=10),
    lambda x: pk.Infusion(start_min=0, duration_min=x, mg_per_h=10),
    lambda x: pk.Infusion(start_min=0, duration_min=60, mg_per_h=x),
    lambda x: pk.Absorbed(at_min=x, mg=10, route="oral"),
    lambda x: pk.Absorbed(at_min=0, mg=x, route="oral"),
])
def test_bad_dose_numbers(make, bad):
    with pytest.raises(ValueError, match="must be a finite number"):
        make(bad)


@pytest.mark.parametrize("make", [
    lambda: pk.Bolus(0, 0),
    lambda: pk.Infusion(0, 0, 10),
    lambda: pk.Infusion(0, 60, 0),
    lambda: pk.Absorbed(0, 0, "oral"),
])
def test_zero_amounts_and_durations(make):
    with pytest.raises(ValueError, match="> 0"):
        make()


@pytest.mark.parametrize("route", ["iv", "intravenous", "rectal", "Oral", "", None, 3])
def test_bad_route(route):
    with pytest.raises(ValueError, match="intramuscular.*intranasal.*oral.*sublingual"):
        pk.Absorbed(0, 10, route)


@pytest.mark.parametrize("f", [0, -0.1, 1.01, float("nan"), float("inf"), True, "0.5"])
def test_bad_bioavailability(f):
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        pk.Absorbed(0, 10, "oral", bioavailability=f)


@pytest.mark.parametrize("model", ["Domino", "herd", "clements", "", None, 1])
def test_bad_model(model):
    with pytest.raises(ValueError, match="'domino', 'hijazi', 'kamp'"):
        pk.simulate(model, 70, [pk.Bolus(0, 10)], [0.0])


@pytest.mark.parametrize("times", [
    [], [[0.0, 1.0]], [1.0, 0.5], [0.0, 0.0, 1.0], [0.0, float("nan")], [0.0, float("inf")],
    [-1.0, 0.0], "0,1,2", ["a", "b"], [True, False], 5.0, None,
])
def test_bad_times(times):
    with pytest.raises(ValueError, match="strictly increasing"):
        pk.simulate("domino", 70, [pk.Bolus(0, 10)], times)


@pytest.mark.parametrize("regimen", [
    [], None, "bolus", pk.Bolus(0, 10), {"at_min": 0, "mg": 10}, [pk.Bolus(0, 10), 5],
    [("bolus", 0, 10)], 3,
])
def test_bad_regimen(regimen):
    with pytest.raises(ValueError, match="Bolus.*Infusion.*Absorbed"):
        pk.simulate("domino", 70, regimen, [0.0, 1.0])


def test_bad_helper_input():
    with pytest.raises(ValueError, match="same length"):
        pk.peak([0, 1, 2], [1, 2])
    with pytest.raises(ValueError, match="strictly increasing"):
        pk.auc([0, 2, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="level_ng_ml"):
        pk.time_above([0, 1], [1, 2], -5)
    with pytest.raises(ValueError, match="Bolus.*Infusion.*Absorbed"):
        pk.regimen_total_mg([1, 2])


def test_bad_custom_model():
    with pytest.raises(ValueError, match="k12 and k21"):
        pk.PKModel("x", "x", "adult", v1_l_per_kg=1, k10=0.1, k12=0.1, refs=("kamp2020",))
    with pytest.raises(ValueError, match="reference"):
        pk.PKModel("x", "x", "adult", v1_l_per_kg=1, k10=0.1)
