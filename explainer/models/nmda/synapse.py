"""The simplified dorsal-horn synapse: a train of impulses, AMPA and NMDA currents, wind-up."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from explainer.models.bands import MOLAR_MASS_G_PER_MOL
from explainer.models.nmda._checks import _check_enantiomer, _check_mg, _check_scalar, _describe
from explainer.models.nmda.block import _mg_unblocked_scalar, _occupancy_ratio
from explainer.models.nmda.constants import (
    AMPA_SIZE,
    CARRY_OVER,
    DEFAULT_N_IMPULSES,
    DEPOLARISATION_STEP,
    MAX_IMPULSES,
    MG_PHYSIOLOGICAL_MM,
    NMDA_MAX,
    PATTERNS,
    V_CEILING_MV,
    V_REST_MV,
)

if TYPE_CHECKING:
    import numpy as np

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
    import numpy as np
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
    import numpy as np
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
