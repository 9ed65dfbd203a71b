"""Summaries of a curve: `peak`, `time_above` a level, `auc`, and all three as a `Summary`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explainer.models.pk._checks import _number, _times

if TYPE_CHECKING:
    import numpy as np


def _curve(times_min: object, conc_ng_ml: object) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np
    t = _times(times_min)
    c = np.asarray(conc_ng_ml, dtype=float) if not isinstance(conc_ng_ml, str) else None
    if c is None or c.shape != t.shape or not np.all(np.isfinite(c)):
        raise ValueError("conc_ng_ml must be a finite 1-D array of the same length as times_min")
    return t, c


PEAK_TIE = 1e-9
"""Samples within this fraction of the highest count as tied with it (see `peak`)."""


def peak(times_min: Sequence[float] | np.ndarray,
         conc_ng_ml: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """``(t_peak_min, c_peak_ng_ml)``: the highest sampled concentration and when (first if tied).

    The peak is read off the samples, so its accuracy is the spacing of ``times_min``. "Tied"
    means within `PEAK_TIE` (relative) of the highest: on a long drip's plateau the level is
    flat to the last bits of a float, and which sample is highest there differs between NumPy
    builds, so the peak is the first sample to reach the plateau (a fresh install once moved a
    four-day drip's peak by an hour).

    Parameters
    ----------
    times_min : array_like
        Sample times in minutes (1-D, strictly increasing, >= 0).
    conc_ng_ml : array_like
        Concentrations in ng/mL at those times (same length, finite).

    Returns
    -------
    tuple of float
        Time of the peak in minutes and the peak concentration in ng/mL.

    Examples
    --------
    >>> import numpy as np
    >>> from explainer.models.pk import Infusion, simulate
    >>> t = np.arange(0, 361, 1.0)
    >>> t_peak, c_peak = peak(t, simulate("domino", 70, [Infusion(0, 240, 24.5)], t))
    >>> t_peak, round(c_peak)
    (240.0, 182)
    """
    import numpy as np
    t, c = _curve(times_min, conc_ng_ml)
    highest = float(np.max(c))
    i = int(np.flatnonzero(c >= highest - PEAK_TIE * abs(highest))[0])
    return float(t[i]), highest


def time_above(times_min: Sequence[float] | np.ndarray, conc_ng_ml: Sequence[float] | np.ndarray,
               level_ng_ml: float) -> float:
    """Minutes the curve spends strictly above ``level_ng_ml`` (linear between samples).

    Parameters
    ----------
    times_min : array_like
        Sample times in minutes (1-D, strictly increasing, >= 0).
    conc_ng_ml : array_like
        Concentrations in ng/mL at those times.
    level_ng_ml : float
        The level in ng/mL (>= 0).

    Returns
    -------
    float
        Minutes above the level.

    Examples
    --------
    >>> import numpy as np
    >>> from explainer.models.pk import Infusion, simulate
    >>> t = np.arange(0, 361, 1.0)
    >>> round(time_above(t, simulate("domino", 70, [Infusion(0, 240, 24.5)], t), 100.0))
    227
    """
    import numpy as np
    t, c = _curve(times_min, conc_ng_ml)
    level = _number(level_ng_ml, "level_ng_ml")
    if t.size < 2:
        return 0.0
    a0, a1 = c[:-1] - level, c[1:] - level
    dt = np.diff(t)
    both = (a0 > 0) & (a1 > 0)
    cross = (a0 > 0) != (a1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(cross, dt * np.maximum(a0, a1) / np.abs(a1 - a0), 0.0)
    return float(np.sum(np.where(both, dt, 0.0)) + np.sum(part))


def auc(times_min: Sequence[float] | np.ndarray, conc_ng_ml: Sequence[float] | np.ndarray) -> float:
    """Area under the curve by the trapezoid rule, in ng·min/mL (divide by 60 for ng·h/mL).

    Parameters
    ----------
    times_min : array_like
        Sample times in minutes (1-D, strictly increasing, >= 0).
    conc_ng_ml : array_like
        Concentrations in ng/mL at those times.

    Returns
    -------
    float
        Area in ng·min/mL.

    Examples
    --------
    >>> auc([0.0, 60.0], [0.0, 100.0])
    3000.0
    """
    import numpy as np
    t, c = _curve(times_min, conc_ng_ml)
    if t.size < 2:
        return 0.0
    return float(np.sum(np.diff(t) * (c[:-1] + c[1:]) / 2.0))


@dataclass(frozen=True)
class Summary:
    """Headline numbers of a simulated curve (see :func:`summary`).

    Times are in minutes, concentrations in ng/mL, the area in ng·min/mL.

    Examples
    --------
    >>> summary([0.0, 60.0], [0.0, 100.0]).auc_ng_min_per_ml
    3000.0
    """

    t_peak_min: float
    c_peak_ng_ml: float
    auc_ng_min_per_ml: float
    c_end_ng_ml: float
    level_ng_ml: float | None = None
    time_above_min: float | None = None


def summary(times_min: Sequence[float] | np.ndarray, conc_ng_ml: Sequence[float] | np.ndarray,
            level_ng_ml: float | None = None) -> Summary:
    """Peak, AUC, last value and (if ``level_ng_ml`` is given) minutes above that level.

    Parameters
    ----------
    times_min : array_like
        Sample times in minutes (1-D, strictly increasing, >= 0).
    conc_ng_ml : array_like
        Concentrations in ng/mL at those times.
    level_ng_ml : float, optional
        A level in ng/mL for ``time_above_min``.

    Returns
    -------
    Summary
        ``t_peak_min``, ``c_peak_ng_ml``, ``auc_ng_min_per_ml``, ``c_end_ng_ml``, ``level_ng_ml``,
        ``time_above_min`` (minutes; None without a level).

    Examples
    --------
    >>> import numpy as np
    >>> from explainer.models.pk import Infusion, simulate
    >>> t = np.arange(0, 361, 1.0)
    >>> s = summary(t, simulate("domino", 70, [Infusion(0, 240, 24.5)], t), level_ng_ml=100.0)
    >>> round(s.c_peak_ng_ml), round(s.time_above_min), round(s.c_end_ng_ml)
    (182, 227, 47)
    """
    import numpy as np
    t_peak, c_peak = peak(times_min, conc_ng_ml)
    above = None if level_ng_ml is None else time_above(times_min, conc_ng_ml, level_ng_ml)
    return Summary(
        t_peak_min=t_peak,
        c_peak_ng_ml=c_peak,
        auc_ng_min_per_ml=auc(times_min, conc_ng_ml),
        c_end_ng_ml=float(np.asarray(conc_ng_ml, dtype=float)[-1]),
        level_ng_ml=None if level_ng_ml is None else float(level_ng_ml),
        time_above_min=above,
    )
