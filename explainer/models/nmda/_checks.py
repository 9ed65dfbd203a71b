"""Input checks shared by the NMDA model's functions (clear `ValueError`s)."""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

from explainer.checks import in_range, real_number
from explainer.models.nmda.constants import ENANTIOMERS

if TYPE_CHECKING:
    import numpy as np

# --- Input checks -----------------------------------------------------------------------------


def _describe(x: object) -> str:
    text = repr(x)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(x).__name__})"


def _is_real_scalar(x: object) -> bool:
    """A real number that is not a bool (NaN and inf included: `_check_scalar` refuses them)."""
    import numpy as np
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _check_scalar(x: object, name: str, allowed: str, low: float, high: float) -> float:
    """Return x as a float if it is a finite real number in [low, high] (the shared
    `explainer.checks`); else raise ValueError."""
    value = real_number(x)
    if value is None:
        raise ValueError(f"{name} must be {allowed}; got {_describe(x)}.")
    if not in_range(value, low=low, high=high):
        raise ValueError(f"{name} must be {allowed}; got {value!r}.")
    return value


def _check_array(x: object, name: str, allowed: str, low: float, high: float) -> np.ndarray:
    """Return x as a float array if every element is a real number in [low, high]."""
    import numpy as np
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
