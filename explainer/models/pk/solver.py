"""The exact solution: `simulate` sums each dose's closed-form response; `single_dose_tmax` and
`derive_ka` relate an absorption rate constant to a time to peak."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from explainer.models.pk._checks import _number, _times
from explainer.models.pk.doses import Bolus, Dose, Infusion, _regimen
from explainer.models.pk.parameters import DEFAULT_MODEL, MODELS, PKModel

if TYPE_CHECKING:
    import numpy as np

_NG_ML_PER_MG_L = 1000.0  # 1 mg/L = 1 µg/mL = 1000 ng/mL

def _resolve_model(model: str | PKModel) -> PKModel:
    if isinstance(model, PKModel):
        return model
    if isinstance(model, str) and model in MODELS:
        return MODELS[model]
    raise ValueError(f"model must be one of {', '.join(map(repr, MODELS))} (or a pk.PKModel); "
                     f"got {model!r}")


def _bolus_response(tau: np.ndarray, coef: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """mg/L per mg at ``tau >= 0`` minutes after an IV bolus."""
    import numpy as np
    return coef @ np.exp(-np.outer(rates, tau))


def _infusion_response(tau: np.ndarray, dur: float, coef: np.ndarray,
                       rates: np.ndarray) -> np.ndarray:
    """mg/L per (mg/min) at ``tau >= 0`` minutes after the start of an infusion of length dur."""
    import numpy as np
    during = np.minimum(tau, dur)
    after = tau - during
    # sum_i c_i/λ_i (1 - e^{-λ_i min(τ,T)}) e^{-λ_i max(τ-T, 0)}: exact both during and after.
    rise = -np.expm1(-np.outer(rates, during))
    fall = np.exp(-np.outer(rates, after))
    return (coef / rates) @ (rise * fall)


def _absorbed_response(tau: np.ndarray, ka: float, coef: np.ndarray,
                       rates: np.ndarray) -> np.ndarray:
    """mg/L per absorbed mg at ``tau >= 0`` minutes after a first-order depot dose.

    Each phase contributes ``c_i ka (e^{-λ_i τ} - e^{-ka τ}) / (ka - λ_i)`` (the Bateman
    function). Where ka is within a relative 1e-6 of a disposition rate the quotient is replaced by
    its exact equivalent ``τ e^{-mτ} g((M-m)τ)``, m and M the smaller and larger of (λ_i, ka) and
    ``g(x) = (1 - e^{-x})/x`` (g(0) = 1), so there is never a 0/0.
    """
    import numpy as np
    near = np.abs(rates - ka) <= 1e-6 * np.maximum(rates, ka)
    e_ka = np.exp(-ka * tau)
    out = np.zeros_like(tau)
    if np.any(~near):
        far_rates = rates[~near]
        weights = coef[~near] * ka / (ka - far_rates)
        out += weights @ (np.exp(-np.outer(far_rates, tau)) - e_ka)
    for c, lam in zip(coef[near], rates[near], strict=True):
        lo, gap = min(lam, ka), abs(lam - ka)
        x = gap * tau
        small = x < 1e-8
        g = np.where(small, 1.0 - 0.5 * x, -np.expm1(-x) / np.where(small, 1.0, x))
        out += c * ka * tau * np.exp(-lo * tau) * g
    return out


def simulate(model: str | PKModel = DEFAULT_MODEL, weight_kg: float = 70.0,
             regimen: Sequence[Dose] = (), times_min: Sequence[float] | np.ndarray = ()
             ) -> np.ndarray:
    """Plasma concentration (ng/mL) at each of ``times_min`` for a dosing ``regimen``.

    Parameters
    ----------
    model : str or PKModel
        A key of :data:`MODELS` (``"domino"``, ``"hijazi"``, ``"kamp"``) or a :class:`PKModel`.
    weight_kg : float
        Body weight in kg, within :data:`WEIGHT_RANGE_KG` (40–150).
    regimen : list of Bolus, Infusion or Absorbed
        A non-empty list of doses; their times are minutes on the same clock as ``times_min``.
    times_min : array_like
        1-D, strictly increasing, non-negative times in minutes (any spacing).

    Returns
    -------
    numpy.ndarray
        Concentration in ng/mL, same shape as ``times_min``; exact for the linear model (sum of
        closed-form responses), zero before the first dose.

    Examples
    --------
    A 2 mg/kg bolus at 70 kg, 5 minutes later, and a 4-hour infusion of 0.35 mg/kg/h at its end
    (the arithmetic checks in ``docs/model-pk.md``):

    >>> round(float(simulate("domino", 70, [Bolus(0, 140)], [5.0])[0]))
    1110
    >>> round(float(simulate("domino", 70, [Infusion(0, 240, 0.35 * 70)], [240.0])[0]))
    182
    """
    import numpy as np
    m = _resolve_model(model)
    coef, rates = m.exponentials(weight_kg)
    doses = _regimen(regimen)
    t = _times(times_min)
    out = np.zeros_like(t)
    for d in doses:
        start = d.start_min if isinstance(d, Infusion) else d.at_min
        i0 = int(np.searchsorted(t, start, side="left"))
        if i0 == t.size:
            continue
        tau = t[i0:] - start
        if isinstance(d, Bolus):
            out[i0:] += d.mg * _bolus_response(tau, coef, rates)
        elif isinstance(d, Infusion):
            out[i0:] += (d.mg_per_h / 60.0) * _infusion_response(tau, d.duration_min, coef, rates)
        else:
            out[i0:] += d.fraction * d.mg * _absorbed_response(tau, d.ka_per_min, coef, rates)
    return out * _NG_ML_PER_MG_L
# --------------------------------------------------------------------------------------------
# time to peak after one absorbed dose, and the ka search used to set ROUTES
# --------------------------------------------------------------------------------------------


def single_dose_tmax(ka_per_min: float, model: str | PKModel = DEFAULT_MODEL) -> float:
    """Exact time to peak (minutes) after one first-order-absorbed dose with rate ``ka_per_min``.

    Independent of dose, bioavailability and (for these weight-proportional models) weight. Found
    by locating the maximum on a grid of 20,001 points and refining the root of the derivative by
    bisection.

    Parameters
    ----------
    ka_per_min : float
        Absorption rate constant in 1/min (> 0).
    model : str or PKModel
        A key of :data:`MODELS` or a :class:`PKModel` (default Domino).

    Returns
    -------
    float
        Time to peak in minutes.

    Examples
    --------
    >>> from explainer.models.pk import ROUTES
    >>> round(single_dose_tmax(ROUTES["intranasal"].ka_per_min))
    20
    """
    import numpy as np
    ka = _number(ka_per_min, "ka_per_min", strict_low=True)
    coef, rates = _resolve_model(model).exponentials(70.0)

    def slope(tau: float) -> float:
        # d/dτ of sum_i c_i ka (e^{-λ_i τ} - e^{-ka τ})/(ka - λ_i), written without the quotient
        # blowing up when ka ≈ λ_i (the quotient is replaced by its limit τ e^{-ka τ}).
        total = 0.0
        for c, lam in zip(coef, rates, strict=True):
            if abs(ka - lam) < 1e-12:
                total += c * ka * math.exp(-ka * tau) * (1.0 - ka * tau)
            else:
                total += c * ka * (ka * math.exp(-ka * tau) - lam * math.exp(-lam * tau)) / (
                    ka - lam)
        return total

    horizon = 20.0 / min(ka, float(rates.min())) + 10.0
    grid = np.linspace(0.0, horizon, 20001)
    curve = _absorbed_response(grid, ka, coef, rates)
    i = int(np.argmax(curve))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if slope(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def derive_ka(target_tmax_min: float, model: str | PKModel = DEFAULT_MODEL) -> float:
    """The absorption rate constant (per min) whose single-dose time to peak is the target.

    Time to peak falls monotonically as ka rises, so a bisection on log(ka) over 1e-4 to 10 per
    minute finds it. This is the search used to set :data:`ROUTES` (values stored rounded).

    Parameters
    ----------
    target_tmax_min : float
        The wanted time to peak in minutes (> 0).
    model : str or PKModel
        A key of :data:`MODELS` or a :class:`PKModel` (default Domino).

    Returns
    -------
    float
        Absorption rate constant in 1/min.

    Examples
    --------
    >>> round(derive_ka(20.0), 4)
    0.0115
    """
    target = _number(target_tmax_min, "target_tmax_min", strict_low=True)
    lo, hi = math.log(1e-4), math.log(10.0)
    if not single_dose_tmax(math.exp(hi), model) < target < single_dose_tmax(math.exp(lo), model):
        raise ValueError("target_tmax_min is outside what ka in [1e-4, 10] per min can reach")
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if single_dose_tmax(math.exp(mid), model) > target:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))
