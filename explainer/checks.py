"""Value checks with no dependencies, shared by every layer (models, content, widgets).

    from explainer.checks import real_number, in_range
    x = real_number(value)          # a finite float, or None (bools, strings, NaN, inf refused)
    in_range(x, low=0, high=1)      # bounds, optionally strict at the low end

Callers word their own error messages (each names the field and what is allowed); this module
holds the one definition of "a usable number".
"""

from __future__ import annotations

import math
from numbers import Real

__all__ = ["in_range", "real_number"]


def real_number(value: object) -> float | None:
    """``value`` as a finite float if it is a real number (not a bool, not NaN or inf), else
    None. NumPy scalars count as real numbers; ``numpy.bool_`` does not."""
    if isinstance(value, bool) or type(value).__name__ == "bool_" or not isinstance(value, Real):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def in_range(x: float, *, low: float | None = None, high: float | None = None,
             strict_low: bool = False) -> bool:
    """Whether ``x`` lies within the bounds (``low`` excluded if ``strict_low``)."""
    if low is not None and (x < low or (strict_low and x == low)):
        return False
    return high is None or x <= high
