"""The pain-signal diagram's state for one moment (`DiagramFrame`, pure data): how many impulses
have arrived, how strong the signal is, where the magnesium plugs sit and how many channels hold
ketamine, with the words for the share blocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from explainer import formatting as fmt
from explainer.figures.pain_signal.geometry import (
    N_CHANNELS,
    strength_index,
    strings,
)
from explainer.figures.stored import stored
from explainer.models import nmda

if TYPE_CHECKING:
    from explainer.models.nmda import SynapseResult


@dataclass(frozen=True)
class DiagramFrame:
    """Everything the overlay shows, for one state (pure data, cheap to build and compare)."""

    mode: str
    impulse: int
    n_impulses: int
    response: float            # of the latest impulse (0 before the first)
    strength: int              # index into the strength words (-1 before the first impulse)
    mg_out: float              # 0 = plug fully in the pore, 1 = fully out (from depolarisation)
    fraction_blocked: float
    n_ketamine: int            # channels holding a ketamine marker
    ketamine: bool
    blocked_text: str
    animate: bool = False


_ALMOST_ALL, _VERY_FEW = 0.97, 0.07
"""Shares blocked from which the words say "almost all", and below which "very few"."""
_SHARES = ((1, 10), (1, 5), (1, 4), (1, 3), (1, 2), (3, 5), (2, 3), (3, 4), (4, 5), (9, 10))


def share_phrase(fraction: float) -> str:
    """'about 1 in 2', 'almost all', 'very few' — the share of channels blocked, in words."""
    words = strings()["shares"]
    if fraction >= _ALMOST_ALL:
        return words["almost_all"]
    if fraction < _VERY_FEW:
        return words["very_few"]
    n, d = min(_SHARES, key=lambda nd: abs(nd[0] / nd[1] - fraction))
    return words["about"].format(n=n, d=d)


def drawn_blocked(fraction: float) -> int:
    """How many of the drawn channels hold ketamine, so the picture says what the words say:
    all of them only when the words say "almost all", none only when they say "very few" (and a
    share so small that no marker would show), and otherwise the nearest count that is neither
    all nor none ("about 9 in 10" of 6 is 5, not 6)."""
    if fraction >= _ALMOST_ALL:
        return N_CHANNELS
    if fraction <= 0.02:
        return 0
    if fraction < _VERY_FEW:
        return 1
    return min(max(int(round(N_CHANNELS * fraction)), 1), N_CHANNELS - 1)


def _mg_out(mg_unblocked: float) -> float:
    lo, hi = mg_travel()
    return float(min(max((mg_unblocked - lo) / (hi - lo), 0.0), 1.0))


def _mg_range() -> list[float]:
    r = nmda.simulate(0.0)
    return [float(r.mg_unblocked[0]), float(r.mg_unblocked.max())]


def _checked_travel(data) -> tuple[float, float]:
    lo, hi = (float(v) for v in data)
    if not 0.0 <= lo < hi <= 1.0:
        raise ValueError("not a plug's travel")
    return lo, hi


@lru_cache(maxsize=1)
def mg_travel() -> tuple[float, float]:
    """Mg2+-free share at rest and at the 16th impulse with no ketamine: the plug's travel
    (the model's numbers, stored on disk: `explainer.figures.stored`)."""
    return stored("synapse-mg-travel", _mg_range, load=_checked_travel)


def diagram_frame(result: SynapseResult, impulse: int, mode: str = "patient",
                  animate: bool = False) -> DiagramFrame:
    """The overlay's state after `impulse` impulses (0 = none yet) of `result` (the model's
    `SynapseResult`, or the same numbers as plain floats, e.g. read from disk)."""
    n = result.n_impulses
    k = int(min(max(impulse, 0), n))
    f = float(result.fraction_blocked)
    if k == 0:
        response, strength, unblocked = 0.0, -1, mg_travel()[0]
    else:
        response = float(result.response[k - 1])
        strength = strength_index(response)
        unblocked = float(result.mg_unblocked[k - 1])
    blocked = strings()["figure"]["blocked"]
    ketamine = result.conc_ng_ml > 0
    if not ketamine:
        text = blocked["none"]
    elif mode == "trainee":
        text = blocked["trainee"].format(percent=fmt.percent(f))
    else:
        text = blocked["patient"].format(share=share_phrase(f))
    n_k = drawn_blocked(f) if ketamine else 0
    return DiagramFrame(mode=mode, impulse=k, n_impulses=n, response=response,
                        strength=strength, mg_out=_mg_out(unblocked), fraction_blocked=f,
                        n_ketamine=n_k, ketamine=ketamine, blocked_text=text, animate=animate)


def format_conc(conc: float) -> str:
    """'115', '12.5', '0', '1,800' — ng/mL as shown (`explainer.formatting.conc_text`)."""
    return fmt.conc_text(conc)
