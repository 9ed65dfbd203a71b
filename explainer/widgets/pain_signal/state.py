"""The pain-signal widget's state: the level, the pattern, the impulses so far, the audience.

    state = PainSignalState(conc_ng_ml=115.0)     # controls write here; the views observe it
    state.result()                    # nmda.simulate's numbers at this level (stored, cached)
    level_concs()["relief"], level_key(115.0)     # 115.0, 'relief'

Every value a page can send is checked here (a level is a finite number >= 0; an impulse is a
whole number inside the pattern), whatever the control in front of it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import traitlets

from explainer.content import strings
from explainer.figures.stored import number, stored
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


# --- The model, cached and stored ---------------------------------------------------------------


@dataclass(frozen=True)
class SynapseNumbers:
    """What the views read of one `nmda.simulate` run (its names), as plain floats: the
    diagram, the describer, the chart and the numbers table need no numpy to read them. Built
    from the model (`of`) or from its stored JSON (`from_json`, which checks the shape)."""

    conc_ng_ml: float
    conc_um: float
    pattern: str
    fraction_blocked: float
    first_response: float
    last_response: float
    wind_up_ratio: float
    response: tuple[float, ...]
    mg_unblocked: tuple[float, ...]
    membrane_mv: tuple[float, ...]

    @property
    def n_impulses(self) -> int:
        return len(self.response)

    @classmethod
    def of(cls, result: nmda.SynapseResult) -> SynapseNumbers:
        return cls.from_json({name: getattr(result, name) for name in _FIELDS})

    @classmethod
    def from_json(cls, data: Mapping) -> SynapseNumbers:
        """From `to_json`'s dict; TypeError/ValueError/KeyError if it is not one."""
        values = {}
        for name, kind in _FIELDS.items():
            value = data[name]
            if kind is tuple:
                values[name] = tuple(number(v) for v in value)
            elif kind is str:
                values[name] = _check_pattern(value)
            else:
                values[name] = number(value)
        n = len(values["response"])
        if not n or any(len(values[k]) != n for k in ("mg_unblocked", "membrane_mv")):
            raise ValueError("a stored synapse run of uneven length")
        return cls(**values)

    def to_json(self) -> dict:
        return {name: list(v) if isinstance(v, tuple) else v
                for name, v in ((name, getattr(self, name)) for name in _FIELDS)}


_FIELDS = {"conc_ng_ml": float, "conc_um": float, "pattern": str, "fraction_blocked": float,
           "first_response": float, "last_response": float, "wind_up_ratio": float,
           "response": tuple, "mg_unblocked": tuple, "membrane_mv": tuple}


def _check_pattern(value) -> str:
    if value not in PATTERNS:
        raise ValueError(f"not a pattern: {value!r}")
    return value


def _run(levels) -> list[dict]:
    """The model at each of `levels`, in both patterns (numpy is imported here)."""
    return [SynapseNumbers.of(nmda.simulate(float(c), p)).to_json()
            for c in levels for p in PATTERNS]


def _by_state(runs: list) -> dict[tuple[float, str], SynapseNumbers]:
    kept = {}
    for data in runs:
        numbers_ = SynapseNumbers.from_json(data)
        kept[(numbers_.conc_ng_ml, numbers_.pattern)] = numbers_
    return kept


@lru_cache(maxsize=1)
def _grid_runs() -> dict[tuple[float, str], SynapseNumbers]:
    """The model at every level of the slider's grid (which holds the named levels), both
    patterns: stored on disk (`explainer.figures.stored`), so that no control but an off-grid
    level needs a model run."""
    def load(runs: list) -> dict:
        kept = _by_state(runs)
        if set(kept) != {(float(c), p) for c in SLIDER_GRID_NG_ML for p in PATTERNS}:
            raise ValueError("a stored grid of other levels")
        return kept

    return stored("synapse-grid", lambda: _run(SLIDER_GRID_NG_ML), Path(__file__), load=load)


_kept_levels: dict[tuple[float, str], SynapseNumbers] = {}
"""Levels off the grid that a page shows without a model run (`keep`), read from disk."""


def keep(levels: Iterable[float]) -> None:
    """Read the model at each of `levels` off the grid (both patterns) from disk, or run it
    once and store it: the levels a page shows before any control runs a model (the timeline's
    level at every position of its time cursor, which the diagram under it follows). One such
    set is stored; another one replaces it."""
    grid = {float(c) for c in SLIDER_GRID_NG_ML}
    wanted = tuple(sorted({float(c) for c in levels} - grid))
    if all((c, "repeated") in _kept_levels for c in wanted):
        return

    def load(runs: list) -> dict:
        kept = _by_state(runs)
        if set(kept) != {(c, p) for c in wanted for p in PATTERNS}:
            raise ValueError("a stored run of other levels")
        return kept

    _kept_levels.update(stored("synapse-levels", lambda: _run(wanted), Path(__file__),
                               repr(wanted), load=load))


@lru_cache(maxsize=512)
def simulate(conc: float, pattern: str) -> SynapseNumbers:
    """The model's numbers at this level and pattern: stored (the grid, `keep`) or from
    `nmda.simulate` (which imports numpy), cached (a state change only looks it up)."""
    key = (float(conc), pattern)
    found = _grid_runs().get(key) or _kept_levels.get(key)
    return found if found is not None else SynapseNumbers.of(nmda.simulate(conc, pattern))


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

    def result(self) -> SynapseNumbers:
        """The model at this level and pattern (cached)."""
        return simulate(self.conc_ng_ml, self.pattern)

    def baseline(self) -> SynapseNumbers:
        """The same pattern with no ketamine."""
        return simulate(0.0, self.pattern)
