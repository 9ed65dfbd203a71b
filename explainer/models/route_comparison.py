"""The same dose by a short drip and by each non-IV route: each route's curve, the spread its
range of bioavailability allows (the nasal spray), its peak and its area under the curve.

>>> curves = compare_routes(25.0, 10.0, 70.0)
>>> list(ROUTE_KEYS), round(curves["iv"].c_peak) > round(curves["oral"].c_peak)
(['iv', 'intranasal', 'sublingual', 'oral'], True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from explainer.models import pk

if TYPE_CHECKING:
    import numpy as np

__all__ = ["HORIZON_MIN", "ROUTE_KEYS", "SPREAD_ROUTES", "RouteCurve", "compare_routes"]

ROUTE_KEYS: tuple[str, ...] = ("iv", "intranasal", "sublingual", "oral")
"""A short drip (``"iv"``) and the non-IV routes compared, in this order."""
HORIZON_MIN = 360
"""The comparison runs from the dose to 6 h after it."""
SPREAD_ROUTES: tuple[str, ...] = ("intranasal",)
"""Routes whose curves at the lowest and highest bioavailability are computed too."""


@dataclass(frozen=True, eq=False)
class RouteCurve:
    """One route's curve for the example dose, and its headline numbers.

    ``f``, ``f_low``, ``f_high`` are bioavailable fractions (1 for IV); ``times_min`` minutes;
    ``conc`` (and ``low`` / ``high`` at ``f_low`` / ``f_high``, for `SPREAD_ROUTES`) ng/mL;
    ``t_peak_min`` minutes, ``c_peak`` ng/mL and ``auc_ng_h_ml`` ng·h/mL (from `pk.summary`).

    Examples
    --------
    >>> compare_routes(25.0, 10.0, 70.0)["intranasal"].f_low
    0.11
    """

    route: str
    f: float
    f_low: float
    f_high: float
    times_min: np.ndarray = field(repr=False)
    conc: np.ndarray = field(repr=False)
    low: np.ndarray | None = field(default=None, repr=False)    # at f_low (intranasal)
    high: np.ndarray | None = field(default=None, repr=False)   # at f_high
    t_peak_min: float = 0.0
    c_peak: float = 0.0
    auc_ng_h_ml: float = 0.0
    refs: tuple[str, ...] = ()


def compare_routes(dose_mg: float, iv_minutes: float, weight_kg: float,
                   model: str = pk.DEFAULT_MODEL) -> Mapping[str, RouteCurve]:
    """`dose_mg` by each route of `ROUTE_KEYS`, 0 to `HORIZON_MIN` minutes in 1-minute steps.

    Parameters
    ----------
    dose_mg : float
        The dose in mg, the same by every route.
    iv_minutes : float
        How long the drip runs, in minutes (``"iv"``: the dose over this time).
    weight_kg : float
        Body weight in kg (within `pk.WEIGHT_RANGE_KG`).
    model : str
        A key of `pk.MODELS` (default Domino: the absorption rate constants were fitted to it).

    Returns
    -------
    Mapping of str to RouteCurve
        In the order of `ROUTE_KEYS`.

    Examples
    --------
    >>> curves = compare_routes(25.0, 10.0, 70.0)
    >>> curves["oral"].t_peak_min > curves["intranasal"].t_peak_min
    True
    """
    import numpy as np
    w = pk.validate_weight(weight_kg)
    mg = float(dose_mg)
    t = np.arange(0.0, HORIZON_MIN + 1.0)
    out: dict[str, RouteCurve] = {}
    for key in ROUTE_KEYS:
        low = high = None
        if key == "iv":
            minutes = float(iv_minutes)
            c = pk.simulate(model, w, [pk.Infusion(0, minutes, mg * 60 / minutes)], t)
            f = f_low = f_high = 1.0
            refs: tuple[str, ...] = ()
        else:
            route = pk.ROUTES[key]
            c = pk.simulate(model, w, [pk.Absorbed(0, mg, key)], t)
            f, f_low, f_high = route.f, route.f_low, route.f_high
            if key in SPREAD_ROUTES:
                low = pk.simulate(model, w, [pk.Absorbed(0, mg, key, f_low)], t)
                high = pk.simulate(model, w, [pk.Absorbed(0, mg, key, f_high)], t)
            refs = route.refs
        numbers = pk.summary(t, c)
        out[key] = RouteCurve(key, f, f_low, f_high, t, c, low, high, numbers.t_peak_min,
                              numbers.c_peak_ng_ml, numbers.auc_ng_min_per_ml / 60.0, refs)
    return out
