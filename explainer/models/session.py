"""One session's levels and what they mean in time: when the level is in the "floaty" band, and
how long after the drip (or the peak of a dose) it falls below the floaty and pain-relief bands.

Pure numbers (numpy and `pk` only); the session figure and its describer read them, and a
trainee can call them from a notebook:

>>> from explainer.models.protocol import DoseSpec
>>> drip = DoseSpec("infusion", 0, "mg_per_kg_per_h", 0.35, duration_min=240, cap=25.0)
>>> levels = session_levels([drip], 70.0, horizon_min=420, intravenous=True)
>>> round(levels.c_peak), levels.end_min, round(levels.below_floaty_after_min)
(182, 240, 10)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from explainer.models import pk
from explainer.models.bands import BANDS
from explainer.models.protocol import DoseSpec

if TYPE_CHECKING:
    import numpy as np

__all__ = ["FLOATY_NG_ML", "RELIEF_NG_ML", "SessionLevels", "fall_after", "session_levels",
           "spans_above"]

FLOATY_NG_ML = BANDS["dissociation"].low_ng_ml
"""From this level up a person may feel floaty or detached (the dissociation band's floor)."""
RELIEF_NG_ML = BANDS["relief"].low_ng_ml
"""The pain-relief band's floor."""


def spans_above(times_min: np.ndarray, conc_ng_ml: np.ndarray, level_ng_ml: float
                ) -> tuple[tuple[float, float], ...]:
    """The stretches of time during which the level is at or above `level_ng_ml`.

    Parameters
    ----------
    times_min : numpy.ndarray
        Sample times in minutes (1-D, increasing).
    conc_ng_ml : numpy.ndarray
        The level at each sample, in ng/mL.
    level_ng_ml : float
        The threshold in ng/mL.

    Returns
    -------
    tuple of (float, float)
        (first, last) sample time in minutes of each stretch, in order; empty if never above.

    Examples
    --------
    >>> import numpy as np
    >>> spans_above(np.arange(6.0), np.array([0, 150, 160, 90, 120, 130]), 100.0)
    ((1.0, 2.0), (4.0, 5.0))
    """
    import numpy as np
    above = conc_ng_ml >= level_ng_ml
    if not above.any():
        return ()
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    starts = [0] if above[0] else []
    ends = []
    for e in edges:
        if above[e + 1]:
            starts.append(e + 1)
        else:
            ends.append(e)
    if above[-1]:
        ends.append(len(conc_ng_ml) - 1)
    return tuple((float(times_min[a]), float(times_min[b]))
                 for a, b in zip(starts, ends, strict=True))


def fall_after(times_min: np.ndarray, conc_ng_ml: np.ndarray, ref_min: float,
               level_ng_ml: float) -> float | None:
    """Minutes after `ref_min` until the level is first below `level_ng_ml`.

    Parameters
    ----------
    times_min, conc_ng_ml : numpy.ndarray
        Sample times in minutes and the level at each, in ng/mL (as for `spans_above`).
    ref_min : float
        When to count from, in minutes (the end of a drip, or the peak of a dose).
    level_ng_ml : float
        The threshold in ng/mL.

    Returns
    -------
    float or None
        Minutes; None if the level never rose to `level_ng_ml`, or is still above it at the last
        sample.

    Examples
    --------
    >>> import numpy as np
    >>> fall_after(np.arange(6.0), np.array([0, 150, 160, 90, 80, 70]), 2.0, 100.0)
    1.0
    """
    import numpy as np
    if conc_ng_ml.max() < level_ng_ml:
        return None
    i0 = int(np.searchsorted(times_min, ref_min))
    below = np.flatnonzero(conc_ng_ml[i0:] < level_ng_ml)
    if below.size == 0:
        return None
    return float(times_min[i0 + below[0]] - ref_min)


@dataclass(frozen=True, eq=False)
class SessionLevels:
    """One session for one weight: the level at every minute and what it means in time.

    Times are minutes from the session's start, levels ng/mL (see `session_levels`).

    Examples
    --------
    >>> from explainer.models.protocol import DoseSpec
    >>> dose = DoseSpec("absorbed", 0, "mg", 50.0, route="intranasal")
    >>> levels = session_levels([dose], 70.0, horizon_min=420, intravenous=False)
    >>> levels.level_at(-5), levels.fall_ref_min == levels.t_peak_min, levels.feeling(20)
    (0.0, True, False)
    """

    weight_kg: float
    model: str
    times_min: np.ndarray = field(repr=False)
    conc: np.ndarray = field(repr=False)
    end_min: float                       # end of the last dose (end of the drip)
    dose_times_min: tuple[float, ...]
    t_peak_min: float
    c_peak: float
    fall_ref_min: float                  # when "after it stops" counts from (end, or the peak)
    below_floaty_after_min: float | None
    below_relief_after_min: float | None
    feel_spans: tuple[tuple[float, float], ...]

    def index(self, t_min: float) -> int:
        """Index into `times_min` / `conc` of the minute nearest `t_min` (-1 before the start)."""
        if t_min < 0:
            return -1
        return int(min(round(t_min), self.times_min.size - 1))

    def level_at(self, t_min: float) -> float:
        """The level (ng/mL) at `t_min` minutes from the start (0 before the start)."""
        i = self.index(t_min)
        return 0.0 if i < 0 else float(self.conc[i])

    def feeling(self, t_min: float) -> bool:
        """True if the level is in or above the floaty band at `t_min` minutes."""
        return any(a <= t_min <= b for a, b in self.feel_spans)


def session_levels(doses: Sequence[DoseSpec], weight_kg: float, horizon_min: float, *,
                   intravenous: bool, model: str = pk.DEFAULT_MODEL) -> SessionLevels:
    """Simulate one session in 1-minute steps from its start to `horizon_min`, and derive when
    it is floaty and how long the level takes to fall after the drip (IV) or the peak (a dose).

    Parameters
    ----------
    doses : sequence of DoseSpec
        The session's doses (from a protocol; amounts in mg, mg/kg or mg/h, times in min),
        before weight scaling.
    weight_kg : float
        Body weight in kg (within `pk.WEIGHT_RANGE_KG`).
    horizon_min : float
        The last minute simulated (the end of the figure's time axis).
    intravenous : bool
        True for a drip or injection (the fall counts from the end of the last dose), False for
        absorbed doses (it counts from the peak).
    model : str
        A key of `pk.MODELS` (default Domino).

    Returns
    -------
    SessionLevels
        Read-only arrays and the derived times.

    Examples
    --------
    >>> from explainer.models.protocol import DoseSpec
    >>> drip = DoseSpec("infusion", 0, "mg_per_kg_per_h", 0.35, duration_min=240, cap=25.0)
    >>> session_levels([drip], 70.0, 420, intravenous=True).feel_spans
    ((23.0, 249.0),)
    """
    import numpy as np
    weight = pk.validate_weight(weight_kg)
    t = np.arange(0.0, horizon_min + 1.0)
    c = pk.simulate(model, weight, [d.dose(weight) for d in doses], t)
    c.setflags(write=False)
    t.setflags(write=False)
    end = max(d.end_min for d in doses)
    t_peak, c_peak = pk.peak(t, c)
    ref = end if intravenous else t_peak
    return SessionLevels(
        weight_kg=weight, model=model, times_min=t, conc=c, end_min=end,
        dose_times_min=tuple(sorted({d.at_min for d in doses})), t_peak_min=t_peak,
        c_peak=c_peak, fall_ref_min=ref,
        below_floaty_after_min=fall_after(t, c, ref, FLOATY_NG_ML),
        below_relief_after_min=fall_after(t, c, ref, RELIEF_NG_ML),
        feel_spans=spans_above(t, c, FLOATY_NG_ML))
