"""One session of a protocol for one weight, as the session figure shows it: the model's levels
(`explainer.models.session.SessionLevels`) plus the layout, the strip's phases and their words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from explainer.content.clinic.env import shown_protocols as protocols
from explainer.content.protocols.library import Protocol
from explainer.content.strings import per_locale
from explainer.figures.session.layout import Layout, layout_for, pattern_for
from explainer.figures.session.words import duration_words, strings
from explainer.models import pk
from explainer.models.session import SessionLevels, session_levels

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Phase:
    """A block of the strip: what happens from `start_min` to `end_min` (lane 'happen' or
    'checks'), with its words and reference keys."""

    key: str
    lane: str
    start_min: float
    end_min: float
    label: str
    lines: tuple[str, ...]
    short: str
    now: str
    refs: tuple[str, ...]
    example: bool
    to_edge: bool = False        # runs on past the end of the axis (the rest of the day)


@dataclass(frozen=True, eq=False)
class SessionCurve(SessionLevels):
    """One session of a protocol for one weight, as the session figure shows it: the model's
    levels (`SessionLevels`: the level at every minute, when it is floaty, how long it takes to
    fall) with the layout it is drawn on and the strip's phases and their words."""

    protocol_id: str
    layout: Layout
    pattern: str
    phases: tuple[Phase, ...]
    checks: Phase
    example: bool
    refs: tuple[str, ...]

    @property
    def protocol(self) -> Protocol:
        return protocols()[self.protocol_id]

    def phase_at(self, t_min: float) -> Phase | None:
        for p in self.phases:
            if p.start_min <= t_min < p.end_min or (p.to_edge and t_min >= p.start_min):
                return p
        return None

    def in_checks(self, t_min: float) -> bool:
        c = self.checks
        return c.start_min <= t_min <= c.end_min


def _phases(protocol: Protocol, pattern: str, layout: Layout, anchors: Mapping[str, float],
            n_doses: int, gap_min: float) -> tuple[tuple[Phase, ...], Phase, bool, tuple]:
    spec = strings()["patterns"][pattern]
    words = {"n": n_doses, "gap": duration_words(gap_min)}

    def build(item: Mapping, lane: str) -> Phase:
        start, end = anchors[item["from"]], anchors[item["to"]]
        lines = tuple(x.format(**words) for x in item.get("lines", ()))
        if not lines and "label2" in item:
            lines = (item["label"].format(**words), item["label2"].format(**words))
        return Phase(key=item.get("key", lane), lane=lane, start_min=start, end_min=end,
                     label=item["label"].format(**words), lines=lines,
                     short=item.get("short", "").format(**words),
                     now=item["now"].format(**words), refs=tuple(item["refs"]),
                     example=bool(item.get("example", False)),
                     to_edge=item["to"] == "axis_end" and lane == "happen")

    phases = tuple(build(p, "happen") for p in spec["phases"])
    checks = build(spec["checks"], "checks")
    return phases, checks, bool(spec.get("example", False)), tuple(spec.get("refs", ()))


@per_locale(maxsize=64)
def session_curve(protocol_id: str, weight_kg: float, model: str = pk.DEFAULT_MODEL
                  ) -> SessionCurve:
    """Simulate one session of a protocol (1-min steps over its layout, `session_levels`) and
    add what the views show. Cached: a cursor move never simulates."""
    protocol = protocols()[protocol_id]
    layout = layout_for(protocol)
    pattern = pattern_for(protocol)
    levels = session_levels(protocol.doses, weight_kg, layout.hi_min,
                            intravenous=protocol.route == "intravenous", model=model)
    dose_times = levels.dose_times_min
    spec = strings()["patterns"][pattern]
    anchors = {
        "arrive": -float(spec.get("arrive_before_min", 0)),
        "start": 0.0,
        "end": levels.end_min,
        "home": levels.end_min + float(spec.get("recovery_min", 0)),
        "peak": levels.t_peak_min,
        "last_dose": dose_times[-1],
        "axis_end": float(layout.hi_min),
    }
    gaps = np.diff(dose_times)
    phases, checks, example, refs = _phases(protocol, pattern, layout, anchors, len(dose_times),
                                            float(gaps.min()) if gaps.size else 0.0)
    numbers = {f.name: getattr(levels, f.name) for f in fields(SessionLevels)}
    return SessionCurve(**numbers, protocol_id=protocol_id, layout=layout, pattern=pattern,
                        phases=phases, checks=checks, example=example, refs=refs)
