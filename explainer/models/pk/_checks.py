"""Input checks shared by the pk modules: numbers, weights and sample times (clear errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explainer.checks import in_range, real_number

if TYPE_CHECKING:
    import numpy as np

WEIGHT_RANGE_KG: tuple[float, float] = (40.0, 150.0)
"""Body weights (kg) accepted by :func:`simulate`.

The parameter sets come from adults; weight-scaled volumes and clearances are not trusted far from
the weights studied, so anything outside 40–150 kg is refused rather than extrapolated.
"""


def _number(value: object, name: str, *, low: float | None = 0.0, strict_low: bool = False,
            high: float | None = None, allowed: str | None = None) -> float:
    """Return ``value`` as a finite float or raise ValueError naming what is allowed."""
    allowed = allowed or _describe_range(low, strict_low, high)
    x = real_number(value)
    if x is None:  # not a real number, a bool, NaN or inf
        raise ValueError(f"{name} must be {allowed}; got {value!r} ({type(value).__name__})")
    if not in_range(x, low=low, high=high, strict_low=strict_low):
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    return x


def _describe_range(low: float | None, strict_low: bool, high: float | None) -> str:
    if low is None and high is None:
        return "a finite number"
    if high is None:
        return f"a finite number {'>' if strict_low else '>='} {low:g}"
    if low is None:
        return f"a finite number <= {high:g}"
    return f"a finite number in {'(' if strict_low else '['}{low:g}, {high:g}]"


def validate_weight(weight_kg: object) -> float:
    """Check a body weight and return it as a float.

    Parameters
    ----------
    weight_kg : float
        Body weight in kilograms; must lie in `WEIGHT_RANGE_KG` (40–150 kg, the adult range of
        these population models).

    Returns
    -------
    float
        The weight in kg.

    Raises
    ------
    ValueError
        If the weight is not a finite number in range (the message says what is allowed).

    Examples
    --------
    >>> validate_weight(70)
    70.0
    """
    lo, hi = WEIGHT_RANGE_KG
    return _number(weight_kg, "weight_kg", low=lo, high=hi,
                   allowed=f"a number of kilograms between {lo:g} and {hi:g} (adult range of "
                           "these models)")


def _times(times_min: object, name: str = "times_min") -> np.ndarray:
    import numpy as np
    allowed = "a 1-D sequence of finite, non-negative, strictly increasing minutes"
    if isinstance(times_min, str | bytes):
        raise ValueError(f"{name} must be {allowed}; got a string")
    try:
        t = np.asarray(times_min)
    except Exception as exc:  # ragged input and the like
        raise ValueError(f"{name} must be {allowed}; got {times_min!r}") from exc
    if t.dtype == bool or not (np.issubdtype(t.dtype, np.integer)
                               or np.issubdtype(t.dtype, np.floating)):
        raise ValueError(f"{name} must be {allowed}; got an array of {t.dtype}")
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"{name} must be {allowed}; got shape {t.shape}")
    t = t.astype(float)
    if not np.all(np.isfinite(t)):
        raise ValueError(f"{name} must be {allowed}; it contains NaN or inf")
    if t[0] < 0:
        raise ValueError(f"{name} must be {allowed}; it starts at {t[0]:g}")
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise ValueError(f"{name} must be {allowed}; it is not strictly increasing")
    return t
