"""Tests for explainer.models.nmda: hand-computed values, properties, bad input, references."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.models import nmda
from explainer.models.bands import MOLAR_MASS_G_PER_MOL

REFERENCES = Path(__file__).resolve().parents[1] / "assets" / "references.yaml"

concs = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
clinical_concs = st.floats(min_value=1.0, max_value=1e5, allow_nan=False, allow_infinity=False)
enantiomers = st.sampled_from(nmda.ENANTIOMERS)


# --- Hand-computed values ----------------------------------------------------------------------


def test_molar_mass_conversion():
    assert nmda.ng_per_ml_to_um(237.7) == pytest.approx(1.0)
    assert nmda.ng_per_ml_to_um(0) == 0.0
    assert isinstance(nmda.ng_per_ml_to_um(115), float)
    np.testing.assert_allclose(nmda.ng_per_ml_to_um([0.0, 118.85, 475.4]), [0.0, 0.5, 2.0])


def test_half_block_at_s_ki():
    # 0.3 µM × 237.7 g/mol = 71.31 ng/mL
    assert nmda.fraction_blocked(71.31, "S") == pytest.approx(0.5)
    assert nmda.half_block_ng_ml("S") == pytest.approx(71.31)


def test_half_block_at_r_ki():
    # 1.4 µM × 237.7 = 332.78 ng/mL
    assert nmda.fraction_blocked(332.78, "R") == pytest.approx(0.5)
    assert nmda.half_block_ng_ml("R") == pytest.approx(332.78)


def test_racemic_effective_constant():
    # 50:50 competition: half block when c/2 × (1/0.3 + 1/1.4) = 1, i.e. c = 2 / (1/0.3 + 1/1.4)
    # = 2 × 0.42 / 1.7 = 0.494118 µM = 117.452 ng/mL (total ketamine)
    k_um = 2 * 0.3 * 1.4 / (0.3 + 1.4)
    assert k_um == pytest.approx(0.494118, rel=1e-5)
    assert nmda.half_block_ng_ml("racemic") == pytest.approx(117.452, rel=1e-5)
    assert nmda.fraction_blocked(k_um * 237.7) == pytest.approx(0.5)


def test_racemic_by_hand_at_1800():
    # 1800 / 237.7 = 7.5726 µM; each enantiomer 3.7863 µM
    # 3.7863/0.3 + 3.7863/1.4 = 12.6210 + 2.7045 = 15.3255; f = 15.3255 / 16.3255 = 0.93875
    assert nmda.fraction_blocked(1800.0) == pytest.approx(0.93875, abs=1e-4)


def test_hill_coefficient_one():
    # at 3 × Ki, one-site occupancy is 3/4; at Ki/3 it is 1/4
    assert nmda.fraction_blocked(3 * 71.31, "S") == pytest.approx(0.75)
    assert nmda.fraction_blocked(71.31 / 3, "S") == pytest.approx(0.25)


def test_no_drug_no_block():
    assert nmda.fraction_blocked(0.0) == 0.0
    assert nmda.fraction_blocked(0) == 0.0


@pytest.mark.parametrize(
    ("v", "expected"),
    [
        # 1 / (1 + 1/3.57 × exp(0.062 × 70)) = 1 / (1 + 0.280112 × 76.7075) = 1 / 22.4867
        (-70.0, 0.044471),
        # 1 / (1 + 0.280112 × exp(2.48)) = 1 / (1 + 0.280112 × 11.9413) = 1 / 4.34489
        (-40.0, 0.230155),
        # 1 / (1 + 0.280112) = 0.781182
        (0.0, 0.781182),
    ],
)
def test_mg_unblocked_by_hand(v, expected):
    assert nmda.mg_unblocked(v) == pytest.approx(expected, abs=2e-6)
    assert nmda.mg_unblocked(v, mg_mM=1.0) == pytest.approx(expected, abs=2e-6)


def test_mg_unblocked_no_magnesium_and_array():
    assert nmda.mg_unblocked(-70.0, mg_mM=0.0) == 1.0
    out = nmda.mg_unblocked(np.array([-70.0, -40.0, 0.0]))
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [0.044471, 0.230155, 0.781182], atol=2e-6)


def test_scalar_in_float_out_array_in_array_out():
    assert type(nmda.fraction_blocked(100.0)) is float
    assert type(nmda.fraction_blocked(np.float64(100.0))) is float
    assert type(nmda.fraction_blocked(np.int64(100))) is float
    out = nmda.fraction_blocked([0.0, 71.31, 1e9], "S")
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    np.testing.assert_allclose(out[:2], [0.0, 0.5])


# --- The synapse: tuned behaviour ----------------------------------------------------------------


def test_reference_is_first_response_without_ketamine():
    r = nmda.simulate(0.0)
    assert r.first_response == pytest.approx(1.0)
    assert r.fraction_blocked == 0.0
    assert r.depolarisation_mv[0] == 0.0
    assert r.membrane_mv[0] == nmda.V_REST_MV
    np.testing.assert_allclose(r.response, r.ampa + r.nmda)


def test_wind_up_targets():
    none, relief, floaty, anaes = (nmda.simulate(c) for c in (0.0, 115.0, 175.0, 1800.0))
    assert none.n_impulses == 16
    assert 2.5 <= none.wind_up_ratio <= 4.0
    assert relief.wind_up_ratio < none.wind_up_ratio - 0.8  # clearly smaller
    assert floaty.wind_up_ratio < relief.wind_up_ratio
    assert anaes.wind_up_ratio < 1.15  # nearly flat
    assert anaes.last_response < relief.last_response < none.last_response


def test_single_pattern_is_one_impulse():
    s = nmda.simulate(115.0, pattern="single")
    assert s.n_impulses == 1 and s.wind_up_ratio == 1.0
    assert s.first_response == nmda.simulate(115.0).first_response
    assert nmda.simulate(115.0, "single", 40).n_impulses == 1


def test_depolarisation_bounded_below_zero():
    r = nmda.simulate(0.0, n_impulses=1000, mg_mM=0.0)
    assert r.membrane_mv.max() < nmda.V_CEILING_MV < 0.0
    assert np.all(r.mg_unblocked <= 1.0)


def test_result_is_frozen_and_read_only():
    r = nmda.simulate(50.0)
    with pytest.raises(AttributeError):
        r.first_response = 2.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        r.response[0] = 5.0


def test_s_ketamine_more_potent_than_r():
    assert (
        nmda.fraction_blocked(100, "S")
        > nmda.fraction_blocked(100)
        > nmda.fraction_blocked(100, "R")
    )
    assert nmda.simulate(100, enantiomer="S").wind_up_ratio < nmda.simulate(100).wind_up_ratio


def test_no_magnesium_no_wind_up():
    r = nmda.simulate(0.0, mg_mM=0.0)
    assert r.wind_up_ratio == pytest.approx(1.0)


def test_fast_enough():
    nmda.simulate(115.0)
    n = 500
    t0 = time.perf_counter()
    for _ in range(n):
        nmda.simulate(115.0)
    assert (time.perf_counter() - t0) / n < 1e-3


# --- Properties --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(a=concs, b=concs, enantiomer=enantiomers)
def test_block_monotonic_and_bounded(a, b, enantiomer):
    lo, hi = sorted((a, b))
    f_lo = nmda.fraction_blocked(lo, enantiomer)
    f_hi = nmda.fraction_blocked(hi, enantiomer)
    assert 0.0 <= f_lo <= f_hi <= 1.0


@settings(max_examples=50, deadline=None)
@given(st.lists(concs, min_size=1, max_size=50), enantiomers)
def test_block_vectorised_monotonic(values, enantiomer):
    c = np.sort(np.array(values))
    f = nmda.fraction_blocked(c, enantiomer)
    assert np.all((f >= 0.0) & (f <= 1.0))
    assert np.all(np.diff(f) >= 0.0)
    np.testing.assert_allclose(f, [nmda.fraction_blocked(x, enantiomer) for x in c])


@settings(max_examples=50, deadline=None)
@given(n=st.integers(min_value=2, max_value=64))
def test_wind_up_grows_without_ketamine(n):
    r = nmda.simulate(0.0, n_impulses=n)
    assert np.all(np.diff(r.response[:16]) > 0.0)
    assert np.all(np.diff(r.response) >= 0.0)
    assert np.all(np.diff(r.mg_unblocked) >= 0.0)


@settings(max_examples=150, deadline=None)
@given(c=clinical_concs, enantiomer=enantiomers)
def test_ketamine_reduces_wind_up(c, enantiomer):
    none = nmda.simulate(0.0)
    drug = nmda.simulate(c, enantiomer=enantiomer)
    assert drug.wind_up_ratio < none.wind_up_ratio
    assert drug.last_response < none.last_response
    assert drug.wind_up_ratio >= 1.0 - 1e-12  # never reverses into a decline


@settings(max_examples=100, deadline=None)
@given(a=clinical_concs, b=clinical_concs)
def test_more_ketamine_less_wind_up(a, b):
    lo, hi = sorted((a, b))
    assert nmda.simulate(hi).wind_up_ratio <= nmda.simulate(lo).wind_up_ratio + 1e-12


@settings(max_examples=150, deadline=None)
@given(c=st.floats(min_value=0.5, max_value=1e5), enantiomer=enantiomers)
def test_single_changes_less_than_wind_up(c, enantiomer):
    # Arendt-Nielsen 1995: ketamine reduced pain from repeated more than from single stimuli.
    single0 = nmda.simulate(0.0, "single").first_response
    single = nmda.simulate(c, "single", enantiomer=enantiomer).first_response
    train0 = nmda.simulate(0.0)
    train = nmda.simulate(c, enantiomer=enantiomer)
    single_drop = 1.0 - single / single0
    assert 0.0 < single_drop < 1.0 - train.last_response / train0.last_response
    assert single_drop < 1.0 - train.wind_up_ratio / train0.wind_up_ratio


# --- Bad input ---------------------------------------------------------------------------------

BAD_NUMBERS = [-1.0, -1e-9, math.nan, math.inf, -math.inf, "100", None, True, False, [1, "a"]]


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_bad_concentration(bad):
    with pytest.raises(ValueError, match="must be"):
        nmda.fraction_blocked(bad)
    with pytest.raises(ValueError, match="must be"):
        nmda.ng_per_ml_to_um(bad)


@pytest.mark.parametrize("bad", [*BAD_NUMBERS, [1.0, 2.0], np.array([1.0])])
def test_bad_concentration_simulate(bad):
    with pytest.raises(ValueError, match="conc_ng_ml must be"):
        nmda.simulate(bad)


@pytest.mark.parametrize("bad", [[1.0, -1.0], np.array([1.0, np.nan]), np.array([True, False])])
def test_bad_concentration_array(bad):
    with pytest.raises(ValueError, match="conc_ng_ml must be"):
        nmda.fraction_blocked(bad)


@pytest.mark.parametrize("bad", ["s", "r", "esketamine", "", None, 1, ("S",)])
def test_bad_enantiomer(bad):
    with pytest.raises(ValueError, match="enantiomer must be one of"):
        nmda.fraction_blocked(100.0, bad)
    with pytest.raises(ValueError, match="enantiomer must be one of"):
        nmda.simulate(100.0, enantiomer=bad)
    with pytest.raises(ValueError, match="enantiomer must be one of"):
        nmda.half_block_ng_ml(bad)


@pytest.mark.parametrize("bad", ["Single", "train", "", None, 1, True])
def test_bad_pattern(bad):
    with pytest.raises(ValueError, match="pattern must be 'single' or 'repeated'"):
        nmda.simulate(100.0, pattern=bad)


@pytest.mark.parametrize("bad", [0, -3, 1001, 10**9, 16.0, 2.5, "16", None, True, math.nan])
def test_bad_n_impulses(bad):
    with pytest.raises(ValueError, match="n_impulses must be a whole number from 1 to 1000"):
        nmda.simulate(0.0, n_impulses=bad)


@pytest.mark.parametrize("bad", [-201.0, 1e6, math.nan, math.inf, "0", None, False, [0, None]])
def test_bad_voltage(bad):
    with pytest.raises(ValueError, match="v_mV must be"):
        nmda.mg_unblocked(bad)


@pytest.mark.parametrize("bad", [-0.5, math.nan, math.inf, "1", None, True, [1.0]])
def test_bad_magnesium(bad):
    with pytest.raises(ValueError, match="mg_mM must be"):
        nmda.mg_unblocked(-70.0, mg_mM=bad)
    with pytest.raises(ValueError, match="mg_mM must be"):
        nmda.simulate(0.0, mg_mM=bad)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"carry_over": 1.5},
        {"carry_over": -0.1},
        {"v_ceiling_mv": 5.0},
        {"v_ceiling_mv": -80.0},
        {"nmda_max": math.nan},
        {"ampa_size": 0.0, "nmda_max": 0.0},
        {"depolarisation_step": "0.1"},
    ],
)
def test_bad_params(kwargs):
    with pytest.raises(ValueError, match="must"):
        nmda.SynapseParams(**kwargs)


def test_bad_params_type():
    with pytest.raises(ValueError, match="params must be a SynapseParams"):
        nmda.simulate(0.0, params={"carry_over": 0.5})  # type: ignore[arg-type]


# --- References --------------------------------------------------------------------------------


def test_every_source_key_resolves():
    registry = yaml.safe_load(REFERENCES.read_text(encoding="utf-8"))
    keys = [k for refs in nmda.SOURCES.values() for k in refs]
    assert keys
    missing = sorted(set(keys) - set(registry))
    assert not missing, f"unknown reference keys: {missing}"


def test_every_constant_is_sourced_or_illustrative():
    imported = {"MOLAR_MASS_G_PER_MOL"}  # from explainer.models.bands
    numeric = {
        name
        for name, value in vars(nmda).items()
        if name.isupper() and isinstance(value, (int, float)) and name not in imported
    }
    sourced = {n for n in nmda.SOURCES if n.isupper()}
    illustrative = set(nmda.ILLUSTRATIVE)
    assert not sourced & illustrative
    assert numeric == sourced | illustrative


def test_doc_names_every_constant():
    doc = (REFERENCES.parents[1] / "docs" / "model-nmda.md").read_text(encoding="utf-8")
    for name in [*nmda.SOURCES, *nmda.ILLUSTRATIVE]:
        assert f"`{name}`" in doc, name


def test_published_constants_match_fact_sheet():
    assert nmda.KI_S_KETAMINE_UM == 0.3
    assert nmda.KI_R_KETAMINE_UM == 1.4
    assert nmda.MG_HALF_MM == 3.57
    assert nmda.MG_SLOPE_PER_MV == 0.062
    assert MOLAR_MASS_G_PER_MOL == 237.7
