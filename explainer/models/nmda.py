"""NMDA-receptor block by ketamine and a simplified dorsal-horn synapse that shows wind-up.

Pure functions (numpy only; no widgets, plotting or I/O). Concentrations are plasma levels in
ng/mL, taken as a stand-in for the level at the receptor. The synapse output is a relative,
dimensionless "signal to the brain": 1.0 is the first response to one impulse with no ketamine.

Usage::

    from explainer.models import nmda
    r = nmda.simulate(115.0)                    # 16 impulses at a pain-relief level (racemic)
    print(r.fraction_blocked, r.first_response, r.last_response, r.wind_up_ratio)

Published constants are listed in `SOURCES` (name -> reference keys in assets/references.yaml);
teaching choices that come from no paper are listed in `ILLUSTRATIVE`. See docs/model-nmda.md.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from explainer.models.bands import MOLAR_MASS_G_PER_MOL

__all__ = [
    "DEFAULT_PARAMS",
    "ENANTIOMERS",
    "ILLUSTRATIVE",
    "PATTERNS",
    "SOURCES",
    "SynapseParams",
    "SynapseResult",
    "fraction_blocked",
    "half_block_ng_ml",
    "mg_unblocked",
    "ng_per_ml_to_um",
    "simulate",
]

# --- Published constants --------------------------------------------------------------------

KI_S_KETAMINE_UM = 0.3
"""S-ketamine binding constant at the NMDA receptor (Ki, rat brain, [3H]MK-801), µM."""
KI_R_KETAMINE_UM = 1.4
"""R-ketamine binding constant at the NMDA receptor (Ki, rat brain, [3H]MK-801), µM."""
MG_HALF_MM = 3.57
"""Jahr & Stevens: Mg2+ concentration (mM) scaling the block at 0 mV."""
MG_SLOPE_PER_MV = 0.062
"""Jahr & Stevens: voltage dependence of the Mg2+ block, per mV."""
MG_PHYSIOLOGICAL_MM = 1.0
"""Physiological extracellular Mg2+, about 1 mM."""

# --- Illustrative teaching choices (no paper gives these numbers) ----------------------------

V_REST_MV = -70.0
"""Illustrative resting membrane potential of the spinal neuron, mV."""
V_CEILING_MV = -10.0
"""Illustrative ceiling: build-up of depolarisation saturates below this potential, mV."""
AMPA_SIZE = 1.0
"""Illustrative AMPA current per impulse (the unit of current; always passes)."""
NMDA_MAX = 8.0
"""Illustrative NMDA current per impulse if Mg2+ and ketamine were both absent (× AMPA_SIZE)."""
DEPOLARISATION_STEP = 0.14
"""Illustrative: one unit of current moves the membrane 1 − e^(−0.14) ≈ 13% of the way to the
ceiling."""
CARRY_OVER = 0.85
"""Illustrative fraction of the build-up of depolarisation still present at the next impulse."""
DEFAULT_N_IMPULSES = 16
"""Illustrative length of a 'repeated' train of impulses."""
MAX_IMPULSES = 1000
"""Largest train accepted (a guard against absurd input, not physiology)."""

SOURCES: dict[str, tuple[str, ...]] = {
    # constants (upper case: module attributes)
    "KI_S_KETAMINE_UM": ("ebert1997",),
    "KI_R_KETAMINE_UM": ("ebert1997",),
    "MG_HALF_MM": ("jahr1990",),
    "MG_SLOPE_PER_MV": ("jahr1990",),
    "MG_PHYSIOLOGICAL_MM": ("jahr1990",),
    # model features (lower case: what the structure of the model relies on)
    "s_more_potent_than_r": ("ebert1997", "oye1992"),
    "open_channel_block": ("orser1997",),
    "mg_removed_by_depolarisation": ("jahr1990", "kotermanski2009"),
    "wind_up": ("mendell1966",),
    "wind_up_through_nmda_model": ("britton1996",),
    "ketamine_reduces_repeated_more_than_single": ("arendtnielsen1995",),
}
"""Reference keys (assets/references.yaml) for each published constant and modelled claim.

The molar mass (237.7 g/mol) is imported from `explainer.models.bands`.
"""

ILLUSTRATIVE: tuple[str, ...] = (
    "V_REST_MV",
    "V_CEILING_MV",
    "AMPA_SIZE",
    "NMDA_MAX",
    "DEPOLARISATION_STEP",
    "CARRY_OVER",
    "DEFAULT_N_IMPULSES",
    "MAX_IMPULSES",
)
"""Names of parameters that are teaching choices, tuned so the picture is qualitatively right."""

ENANTIOMERS: tuple[str, ...] = ("racemic", "S", "R")
"""'racemic' = 50:50 S and R competing for the same site; 'S' (esketamine) or 'R' alone."""
PATTERNS: tuple[str, ...] = ("single", "repeated")
"""'single' = one impulse; 'repeated' = a train of `n_impulses` impulses."""

_V_RANGE_MV = (-200.0, 200.0)


# --- Input checks -----------------------------------------------------------------------------


def _describe(x: object) -> str:
    text = repr(x)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(x).__name__})"


def _is_real_scalar(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _check_scalar(x: object, name: str, allowed: str, low: float, high: float) -> float:
    """Return x as a float if it is a real number in [low, high]; else raise ValueError."""
    if not _is_real_scalar(x):
        raise ValueError(f"{name} must be {allowed}; got {_describe(x)}.")
    value = float(x)  # type: ignore[arg-type]
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} must be {allowed}; got {value!r}.")
    return value


def _check_array(x: object, name: str, allowed: str, low: float, high: float) -> np.ndarray:
    """Return x as a float array if every element is a real number in [low, high]."""
    if isinstance(x, (str, bytes)) or x is None:
        raise ValueError(f"{name} must be {allowed}; got {_describe(x)}.")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {allowed}; got {_describe(x)}.") from None
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be {allowed}; got an array of {arr.dtype}.")
    arr = arr.astype(float)
    if not bool(np.all(np.isfinite(arr) & (arr >= low) & (arr <= high))):
        raise ValueError(f"{name} must be {allowed}; got a value outside that.")
    return arr


_CONC_ALLOWED = "a finite number >= 0 (ng/mL), or an array of them"


def _check_conc(x: object, name: str = "conc_ng_ml") -> tuple[np.ndarray | float, bool]:
    if _is_real_scalar(x):
        return _check_scalar(x, name, _CONC_ALLOWED, 0.0, math.inf), True
    arr = _check_array(x, name, _CONC_ALLOWED, 0.0, math.inf)
    if arr.ndim == 0:
        return float(arr), True
    return arr, False


def _check_enantiomer(enantiomer: object) -> str:
    if not isinstance(enantiomer, str) or enantiomer not in ENANTIOMERS:
        raise ValueError(
            f"enantiomer must be one of 'racemic', 'S' or 'R'; got {_describe(enantiomer)}."
        )
    return enantiomer


def _check_mg(mg_mM: object) -> float:
    return _check_scalar(mg_mM, "mg_mM", "a finite number >= 0 (mM)", 0.0, math.inf)


# --- Concentration and receptor block -----------------------------------------------------------


def ng_per_ml_to_um(conc: ArrayLike) -> float | np.ndarray:
    """Convert a ketamine concentration from ng/mL to µM (237.7 g/mol; 1 µM ≈ 238 ng/mL).

    Parameters
    ----------
    conc : float or array_like
        Concentration in ng/mL (finite, >= 0).

    Returns
    -------
    float or numpy.ndarray
        Concentration in µM (a float for a number, an array for an array).

    Examples
    --------
    >>> ng_per_ml_to_um(237.7)
    1.0
    """
    c, scalar = _check_conc(conc, "conc")
    um = c / MOLAR_MASS_G_PER_MOL
    return float(um) if scalar else um


def _occupancy_ratio(c_um, enantiomer: str):
    """Sum of concentration / Ki over the species present (the Hill term, coefficient 1)."""
    if enantiomer == "S":
        return c_um / KI_S_KETAMINE_UM
    if enantiomer == "R":
        return c_um / KI_R_KETAMINE_UM
    half = c_um / 2.0
    return half / KI_S_KETAMINE_UM + half / KI_R_KETAMINE_UM


def fraction_blocked(conc_ng_ml: ArrayLike, enantiomer: str = "racemic") -> float | np.ndarray:
    """Fraction of NMDA receptors occupied (blocked) by ketamine, 0 to 1.

    One binding site, Hill coefficient 1, binding constants (Ki) from Ebert 1997: S 0.3 µM,
    R 1.4 µM. For 'racemic' the plasma level is split 50:50 and the two enantiomers compete:
    f = (cS/KS + cR/KR) / (1 + cS/KS + cR/KR). Occupancy is 0.5 at the binding constant.

    Parameters
    ----------
    conc_ng_ml : float or array_like
        Plasma ketamine in ng/mL (finite, >= 0), taken as the level at the receptor.
    enantiomer : str
        ``"racemic"`` (default), ``"S"`` or ``"R"``.

    Returns
    -------
    float or numpy.ndarray
        Fraction blocked, dimensionless, 0 to 1.

    Examples
    --------
    >>> round(fraction_blocked(115.0), 3)
    0.495
    >>> fraction_blocked([0.0, 71.31], "S").round(3)
    array([0. , 0.5])
    """
    enantiomer = _check_enantiomer(enantiomer)
    c, scalar = _check_conc(conc_ng_ml)
    x = _occupancy_ratio(c / MOLAR_MASS_G_PER_MOL, enantiomer)
    f = x / (1.0 + x)
    return float(f) if scalar else f


def half_block_ng_ml(enantiomer: str = "racemic") -> float:
    """Plasma level (ng/mL) at which half the receptors are blocked in this model.

    S: 0.3 µM ≈ 71.3 ng/mL; R: 1.4 µM ≈ 332.8 ng/mL; racemic: 2 / (1/KS + 1/KR) ≈ 0.494 µM
    ≈ 117.4 ng/mL (total ketamine).

    Parameters
    ----------
    enantiomer : str
        ``"racemic"`` (default), ``"S"`` or ``"R"``.

    Returns
    -------
    float
        Concentration in ng/mL.

    Examples
    --------
    >>> round(half_block_ng_ml("racemic"), 2), round(half_block_ng_ml("S"), 2)
    (117.45, 71.31)
    """
    enantiomer = _check_enantiomer(enantiomer)
    k_um = 1.0 / _occupancy_ratio(1.0, enantiomer)
    return k_um * MOLAR_MASS_G_PER_MOL


def _mg_unblocked_scalar(v_mv: float, mg_mm: float) -> float:
    return 1.0 / (1.0 + mg_mm / MG_HALF_MM * math.exp(-MG_SLOPE_PER_MV * v_mv))


def mg_unblocked(v_mV: ArrayLike, mg_mM: float = MG_PHYSIOLOGICAL_MM) -> float | np.ndarray:
    """Fraction of NMDA channels free of Mg2+ at membrane potential v_mV (Jahr & Stevens 1990).

    B(V) = 1 / (1 + [Mg2+] / 3.57 mM × exp(−0.062 V/mV)). About 0.04 at −70 mV, 0.23 at
    −40 mV and 0.78 at 0 mV with 1 mM Mg2+.

    Parameters
    ----------
    v_mV : float or array_like
        Membrane potential in millivolts (−200 to 200).
    mg_mM : float
        Extracellular Mg2+ in millimolar (>= 0; default 1 mM, physiological).

    Returns
    -------
    float or numpy.ndarray
        Fraction of channels free of Mg2+, dimensionless, 0 to 1.

    Examples
    --------
    >>> round(mg_unblocked(-70.0), 3), round(mg_unblocked(0.0), 3)
    (0.044, 0.781)
    """
    mg = _check_mg(mg_mM)
    allowed = "a finite number between -200 and 200 (mV), or an array of them"
    if _is_real_scalar(v_mV):
        return _mg_unblocked_scalar(_check_scalar(v_mV, "v_mV", allowed, *_V_RANGE_MV), mg)
    v = _check_array(v_mV, "v_mV", allowed, *_V_RANGE_MV)
    b = 1.0 / (1.0 + mg / MG_HALF_MM * np.exp(-MG_SLOPE_PER_MV * v))
    return float(b) if b.ndim == 0 else b


# --- The synapse ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynapseParams:
    """Illustrative parameters of the simplified dorsal-horn synapse (teaching choices).

    Parameters
    ----------
    v_rest_mv : float
        Resting potential in mV (−150 to 0; default −70).
    v_ceiling_mv : float
        The build-up of depolarisation saturates below this potential, in mV (above rest, < 0).
    ampa_size : float
        AMPA current per impulse, relative units (the unit of current; >= 0).
    nmda_max : float
        NMDA current with no Mg2+ and no ketamine, in AMPA units (>= 0).
    depolarisation_step : float
        How strongly one unit of current depolarises, per unit of current (>= 0).
    carry_over : float
        Fraction (0 to 1) of the depolarisation left when the next impulse arrives.

    Examples
    --------
    >>> round(simulate(0.0, params=SynapseParams(carry_over=0.0)).wind_up_ratio, 2)
    1.0
    """

    v_rest_mv: float = V_REST_MV
    v_ceiling_mv: float = V_CEILING_MV
    ampa_size: float = AMPA_SIZE
    nmda_max: float = NMDA_MAX
    depolarisation_step: float = DEPOLARISATION_STEP
    carry_over: float = CARRY_OVER

    def __post_init__(self) -> None:
        def num(name: str, low: float, high: float, allowed: str) -> None:
            _check_scalar(getattr(self, name), name, allowed, low, high)

        num("v_rest_mv", -150.0, 0.0, "a number between -150 and 0 (mV)")
        num("v_ceiling_mv", -150.0, 0.0, "a number between -150 and 0 (mV)")
        if not self.v_rest_mv < self.v_ceiling_mv < 0.0:
            raise ValueError("v_ceiling_mv must be above v_rest_mv and below 0 mV.")
        num("ampa_size", 0.0, math.inf, "a finite number >= 0")
        num("nmda_max", 0.0, math.inf, "a finite number >= 0")
        if self.ampa_size + self.nmda_max <= 0.0:
            raise ValueError("ampa_size and nmda_max must not both be 0.")
        num("depolarisation_step", 0.0, math.inf, "a finite number >= 0")
        num("carry_over", 0.0, 1.0, "a number from 0 to 1")


DEFAULT_PARAMS = SynapseParams()


def _readonly(values: list[float]) -> np.ndarray:
    arr = np.array(values, dtype=float)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class SynapseResult:
    """Outcome of `simulate`: per-impulse arrays (read-only) and summary numbers.

    Responses are relative: 1.0 = the first response with no ketamine at 1 mM Mg2+.
    response = ampa + nmda. depolarisation_mv is the build-up above rest (mV) when each impulse
    arrives; membrane_mv = rest + depolarisation (mV); mg_unblocked is B(membrane_mv) (0 to 1);
    conc_ng_ml (ng/mL) and conc_um (µM) are the ketamine level; fraction_blocked is 0 to 1.

    Examples
    --------
    >>> r = simulate(115.0)
    >>> r.n_impulses, round(r.fraction_blocked, 2), round(r.wind_up_ratio, 2)
    (16, 0.49, 1.87)
    """

    conc_ng_ml: float
    conc_um: float
    enantiomer: str
    pattern: str
    mg_mM: float
    fraction_blocked: float
    response: np.ndarray
    ampa: np.ndarray
    nmda: np.ndarray
    depolarisation_mv: np.ndarray
    membrane_mv: np.ndarray
    mg_unblocked: np.ndarray
    first_response: float = field(init=False)
    last_response: float = field(init=False)
    wind_up_ratio: float = field(init=False)
    total: float = field(init=False)

    def __post_init__(self) -> None:
        first = float(self.response[0])
        last = float(self.response[-1])
        object.__setattr__(self, "first_response", first)
        object.__setattr__(self, "last_response", last)
        object.__setattr__(self, "wind_up_ratio", last / first)
        object.__setattr__(self, "total", float(self.response.sum()))

    @property
    def n_impulses(self) -> int:
        """Number of impulses simulated."""
        return int(self.response.size)


def simulate(
    conc_ng_ml: float = 0.0,
    pattern: str = "repeated",
    n_impulses: int = DEFAULT_N_IMPULSES,
    enantiomer: str = "racemic",
    mg_mM: float = MG_PHYSIOLOGICAL_MM,
    params: SynapseParams = DEFAULT_PARAMS,
) -> SynapseResult:
    """Run the simplified dorsal-horn synapse for one impulse or a train, at a ketamine level.

    For impulse k, with depolarisation D_k: AMPA = a; NMDA = g × B(V_rest + D_k) × (1 − f);
    D_k+1 = c × (D_k + (D_max − D_k) × (1 − exp(−s × (AMPA + NMDA)))), D_1 = 0.

    Parameters
    ----------
    conc_ng_ml : float
        Plasma ketamine in ng/mL (>= 0).
    pattern : str
        ``"single"`` (one impulse; ``n_impulses`` is then checked but not used) or ``"repeated"``.
    n_impulses : int
        Length of a repeated train, 1 to 1000 impulses (default 16).
    enantiomer : str
        ``"racemic"`` (default), ``"S"`` or ``"R"``.
    mg_mM : float
        Extracellular Mg2+ in millimolar (default 1 mM).
    params : SynapseParams
        The illustrative synapse parameters (default `DEFAULT_PARAMS`).

    Returns
    -------
    SynapseResult
        Per-impulse responses (relative units) and summaries.

    Examples
    --------
    >>> round(simulate(0.0).wind_up_ratio, 2), round(simulate(115.0).wind_up_ratio, 2)
    (3.09, 1.87)
    >>> simulate(0.0, mg_mM=0).wind_up_ratio   # no Mg2+ block, no wind-up
    1.0
    """
    conc = _check_scalar(conc_ng_ml, "conc_ng_ml", "a finite number >= 0 (ng/mL)", 0.0, math.inf)
    if not isinstance(pattern, str) or pattern not in PATTERNS:
        raise ValueError(f"pattern must be 'single' or 'repeated'; got {_describe(pattern)}.")
    if not isinstance(n_impulses, numbers.Integral) or isinstance(n_impulses, (bool, np.bool_)):
        raise ValueError(
            f"n_impulses must be a whole number from 1 to {MAX_IMPULSES}; "
            f"got {_describe(n_impulses)}."
        )
    if not 1 <= int(n_impulses) <= MAX_IMPULSES:
        raise ValueError(
            f"n_impulses must be a whole number from 1 to {MAX_IMPULSES}; got {int(n_impulses)}."
        )
    enantiomer = _check_enantiomer(enantiomer)
    mg = _check_mg(mg_mM)
    if not isinstance(params, SynapseParams):
        raise ValueError(f"params must be a SynapseParams; got {_describe(params)}.")

    n = 1 if pattern == "single" else int(n_impulses)
    c_um = conc / MOLAR_MASS_G_PER_MOL
    x = _occupancy_ratio(c_um, enantiomer)
    blocked = x / (1.0 + x)
    open_share = 1.0 - blocked

    p = params
    d_max = p.v_ceiling_mv - p.v_rest_mv
    # 1.0 = the first response with no ketamine at physiological Mg2+.
    unit = p.ampa_size + p.nmda_max * _mg_unblocked_scalar(p.v_rest_mv, MG_PHYSIOLOGICAL_MM)

    ampa, nmda, depol, vm, unblk = [], [], [], [], []
    d = 0.0
    for _ in range(n):
        v = p.v_rest_mv + d
        b = _mg_unblocked_scalar(v, mg)
        i_nmda = p.nmda_max * b * open_share
        current = p.ampa_size + i_nmda
        ampa.append(p.ampa_size / unit)
        nmda.append(i_nmda / unit)
        depol.append(d)
        vm.append(v)
        unblk.append(b)
        d = p.carry_over * (d + (d_max - d) * -math.expm1(-p.depolarisation_step * current))

    ampa_arr = _readonly(ampa)
    nmda_arr = _readonly(nmda)
    response = ampa_arr + nmda_arr
    response.flags.writeable = False
    return SynapseResult(
        conc_ng_ml=conc,
        conc_um=c_um,
        enantiomer=enantiomer,
        pattern=pattern,
        mg_mM=mg,
        fraction_blocked=blocked,
        response=response,
        ampa=ampa_arr,
        nmda=nmda_arr,
        depolarisation_mv=_readonly(depol),
        membrane_mv=_readonly(vm),
        mg_unblocked=_readonly(unblk),
    )
