"""The pain-signal widget's state: the level, the pattern, the impulses so far, the audience.

    state = PainSignalState(conc_ng_ml=115.0)     # controls write here; the views observe it
    state.result()                                # nmda.simulate at this level (cached)
    level_concs()["relief"], level_key(115.0)     # 115.0, 'relief'

Every value a page can send is checked here (a level is a finite number >= 0; an impulse is a
whole number inside the pattern), whatever the control in front of it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from functools import lru_cache

import traitlets

from explainer.content import strings
from explainer.models import nmda
from explainer.models.bands import BANDS
from explainer.widgets.audience import PATIENT, Mode

N_IMPULSES = nmda.DEFAULT_N_IMPULSES
"""Impulses in a 'repeated' train (16)."""
PATTERNS = nmda.PATTERNS
SLIDER_GRID_NG_ML: tuple[float, ...] = (
    0, 5, 10, 20, 35, 50, 70, 85, 100, 115, 130, 145, 160, 175, 200, 250, 350, 500, 700, 1000,
    1200, 1500, 1800, 2100, 2400, 3000,
)
"""The trainee slider's steps (ng/mL): roughly logarithmic, through every band edge (Zanos
2018) and every named level, so the keyboard lands on the same points as the named buttons."""


# --- Levels --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def level_concs() -> Mapping[str, float]:
    """Named level key -> ng/mL: 0 for 'none', else the midpoint of its band (bands.py)."""
    out = {}
    for level in strings.text("pain_signal", "levels"):
        out[level["key"]] = 0.0 if level["band"] is None else BANDS[level["band"]].middle_ng_ml
    return out


def level_key(conc_ng_ml: float) -> str | None:
    """The named level at exactly this concentration, or None (e.g. a level set by a timeline)."""
    for key, conc in level_concs().items():
        if math.isclose(conc, conc_ng_ml, rel_tol=1e-9, abs_tol=1e-9):
            return key
    return None


def named_level(key: str) -> Mapping:
    """The strings of one named level (label, tooltip, in_sentence, band)."""
    return next(level for level in strings.text("pain_signal", "levels") if level["key"] == key)


def nearest_grid(conc: float) -> float:
    """The trainee slider's step closest to `conc`."""
    return min(SLIDER_GRID_NG_ML, key=lambda g: abs(g - conc))


# --- The model, cached ---------------------------------------------------------------------------


@lru_cache(maxsize=512)
def simulate(conc: float, pattern: str) -> nmda.SynapseResult:
    """`nmda.simulate` at this level and pattern, cached (a state change only looks it up)."""
    return nmda.simulate(conc, pattern)


# --- State ---------------------------------------------------------------------------------------


class Concentration(traitlets.Float):
    """A plasma level in ng/mL: a finite real number >= 0 (not a bool, not NaN)."""

    info_text = "a finite number >= 0 (ng/mL)"

    def validate(self, obj, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            self.error(obj, value)
        value = float(value)
        if not (math.isfinite(value) and value >= 0):
            self.error(obj, value)
        return value


class PainSignalState(traitlets.HasTraits):
    """What the diagram shows. Controls write here; the view observes it.

    conc_ng_ml: plasma ketamine (ng/mL, >= 0) — link another widget's level to it;
    pattern: 'single' or 'repeated'; impulse: impulses arrived so far (0 … n_impulses;
    defaults to all of them, and returns to all when the pattern changes); mode: audience.
    """

    conc_ng_ml = Concentration(0.0, help="Plasma ketamine, ng/mL (>= 0)")
    pattern = traitlets.Enum(PATTERNS, default_value="repeated", help="'single' or 'repeated'")
    impulse = traitlets.Int(N_IMPULSES, help="Impulses arrived so far (0 = none yet)")
    mode = Mode(PATIENT)

    @property
    def n_impulses(self) -> int:
        return 1 if self.pattern == "single" else N_IMPULSES

    @traitlets.validate("impulse")
    def _check_impulse(self, proposal):
        value = proposal["value"]
        if isinstance(value, bool) or not 0 <= value <= self.n_impulses:
            raise traitlets.TraitError(
                f"impulse must be a whole number from 0 to {self.n_impulses}; got {value!r}")
        return value

    @traitlets.observe("pattern")
    def _all_impulses(self, change):
        self.impulse = self.n_impulses

    def result(self) -> nmda.SynapseResult:
        """The model at this level and pattern (cached)."""
        return simulate(self.conc_ng_ml, self.pattern)

    def baseline(self) -> nmda.SynapseResult:
        """The same pattern with no ketamine."""
        return simulate(0.0, self.pattern)
