"""Receptor block: ng/mL to µM, the share of channels ketamine blocks, and the Mg2+ block."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from explainer.models.bands import MOLAR_MASS_G_PER_MOL
from explainer.models.nmda._checks import (
    _check_array,
    _check_conc,
    _check_enantiomer,
    _check_mg,
    _check_scalar,
    _is_real_scalar,
)
from explainer.models.nmda.constants import (
    _V_RANGE_MV,
    KI_R_KETAMINE_UM,
    KI_S_KETAMINE_UM,
    MG_HALF_MM,
    MG_PHYSIOLOGICAL_MM,
    MG_SLOPE_PER_MV,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

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
    import numpy as np
    mg = _check_mg(mg_mM)
    allowed = "a finite number between -200 and 200 (mV), or an array of them"
    if _is_real_scalar(v_mV):
        return _mg_unblocked_scalar(_check_scalar(v_mV, "v_mV", allowed, *_V_RANGE_MV), mg)
    v = _check_array(v_mV, "v_mV", allowed, *_V_RANGE_MV)
    b = 1.0 / (1.0 + mg / MG_HALF_MM * np.exp(-MG_SLOPE_PER_MV * v))
    return float(b) if b.ndim == 0 else b
