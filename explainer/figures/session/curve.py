"""One session of a protocol for one weight, as the session figure shows it: the model's numbers
(`explainer.models.session.SessionLevels`, as plain floats, kept on disk for patient mode's
weight) plus the layout, the strip's phases and their words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from explainer.content.clinic.env import shown_protocols as protocols
from explainer.content.protocols.library import Protocol
from explainer.content.strings import per_locale
from explainer.figures.session.layout import Layout, layout_for, pattern_for
from explainer.figures.session.words import duration_words, strings
from explainer.figures.stored import number, stored
from explainer.models import pk
from explainer.models.session import session_levels

if TYPE_CHECKING:
    import numpy as np


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
class SessionCurve:
    """One session of a protocol for one weight, as the session figure shows it: the model's
    numbers (those of `SessionLevels`: the level at every minute, when it is floaty, how long it
    takes to fall) as plain floats, with the layout it is drawn on and the strip's phases and
    their words. The views read `levels` (the level at minute 0, 1, 2 …) and never need numpy;
    `times_min` and `conc` give the model's arrays (read-only; numpy is imported then)."""

    weight_kg: float
    model: str
    levels: tuple[float, ...] = field(repr=False)    # ng/mL at each minute from the start
    end_min: float
    dose_times_min: tuple[float, ...]
    t_peak_min: float
    c_peak: float
    fall_ref_min: float
    below_floaty_after_min: float | None
    below_relief_after_min: float | None
    feel_spans: tuple[tuple[float, float], ...]
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

    @property
    def stored_as(self) -> str | None:
        """The name its numbers are kept on disk under (`explainer.figures.stored`), or None
        for a weight or model that is not kept (`KEPT_WEIGHTS_KG`)."""
        return _stored_name(self.protocol_id, self.weight_kg, self.model)

    @cached_property
    def times_min(self) -> np.ndarray:
        """The minutes of `levels` as the model's array (0, 1, 2 …; read-only)."""
        import numpy as np

        t = np.arange(float(len(self.levels)))
        t.setflags(write=False)
        return t

    @cached_property
    def conc(self) -> np.ndarray:
        """`levels` as the model's array (ng/mL, read-only)."""
        import numpy as np

        c = np.array(self.levels, dtype=float)
        c.setflags(write=False)
        return c

    def index(self, t_min: float) -> int:
        """Index into `levels` of the minute nearest `t_min` (-1 before the start), as
        `SessionLevels.index`."""
        if t_min < 0:
            return -1
        return int(min(round(t_min), len(self.levels) - 1))

    def level_at(self, t_min: float) -> float:
        """The level (ng/mL) at `t_min` minutes from the start (0 before the start)."""
        i = self.index(t_min)
        return 0.0 if i < 0 else self.levels[i]

    def feeling(self, t_min: float) -> bool:
        """True if the level is in or above the floaty band at `t_min` minutes."""
        return any(a <= t_min <= b for a, b in self.feel_spans)

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


KEPT_WEIGHTS_KG = (70.0,)
"""Weights whose sessions are kept on disk (`explainer.figures.stored`), with the default model:
patient mode's (`explainer.widgets.timeline.state.PATIENT_WEIGHT_KG`). Any other weight (a
trainee's, a plan's) runs the model, once per process."""

_NUMBERS = ("end_min", "t_peak_min", "c_peak", "fall_ref_min", "below_floaty_after_min",
            "below_relief_after_min")


def _levels_json(protocol: Protocol, weight_kg: float, model: str) -> dict:
    """One session's numbers from the model (`session_levels`, which imports numpy), as JSON."""
    levels = session_levels(protocol.doses, weight_kg, layout_for(protocol).hi_min,
                            intravenous=protocol.route == "intravenous", model=model)
    if levels.times_min[-1] != levels.times_min.size - 1:
        raise ValueError("a session is simulated minute by minute from its start")
    return {"levels": [float(c) for c in levels.conc],
            "dose_times_min": [float(t) for t in levels.dose_times_min],
            "feel_spans": [[float(a), float(b)] for a, b in levels.feel_spans],
            **{name: None if getattr(levels, name) is None else float(getattr(levels, name))
               for name in _NUMBERS}}


def _levels_from_json(data: Mapping, layout: Layout) -> dict:
    """The numbers of `_levels_json`, checked (a stored file is never trusted blindly)."""
    levels = tuple(number(c) for c in data["levels"])
    if len(levels) != int(layout.hi_min) + 1:
        raise ValueError("a stored session of another length")
    spans = tuple((number(a), number(b)) for a, b in data["feel_spans"])
    return {"levels": levels, "dose_times_min": tuple(number(t) for t in data["dose_times_min"]),
            "feel_spans": spans,
            **{name: number(data[name], none=name.startswith("below")) for name in _NUMBERS}}


def _stored_name(protocol_id: str, weight_kg: float, model: str) -> str | None:
    if float(weight_kg) in KEPT_WEIGHTS_KG and model == pk.DEFAULT_MODEL:
        return "session-levels-" + re.sub(r"[^a-z0-9]+", "-", protocol_id.lower())[:40]
    return None


def _session_numbers(protocol_id: str, weight_kg: float, model: str) -> dict:
    """The model's numbers for one session: from disk for a kept weight with the default
    model (`KEPT_WEIGHTS_KG`), else from the model."""
    protocol = protocols()[protocol_id]
    layout = layout_for(protocol)
    name = _stored_name(protocol_id, weight_kg, model)
    if name is not None:
        return stored(name, lambda: _levels_json(protocol, float(weight_kg), model),
                      repr((protocol.doses, protocol.route, layout, float(weight_kg), model)),
                      load=lambda data: _levels_from_json(data, layout))
    return _levels_from_json(_levels_json(protocol, weight_kg, model), layout)


@per_locale(maxsize=64)
def session_curve(protocol_id: str, weight_kg: float, model: str = pk.DEFAULT_MODEL
                  ) -> SessionCurve:
    """One session of a protocol (1-min steps over its layout, `session_levels`; stored on disk
    for patient mode's weight) with what the views show. Cached: a cursor move never
    simulates."""
    protocol = protocols()[protocol_id]
    layout = layout_for(protocol)
    pattern = pattern_for(protocol)
    numbers = _session_numbers(protocol_id, pk.validate_weight(weight_kg), model)
    dose_times = numbers["dose_times_min"]
    spec = strings()["patterns"][pattern]
    anchors = {
        "arrive": -float(spec.get("arrive_before_min", 0)),
        "start": 0.0,
        "end": numbers["end_min"],
        "home": numbers["end_min"] + float(spec.get("recovery_min", 0)),
        "peak": numbers["t_peak_min"],
        "last_dose": dose_times[-1],
        "axis_end": float(layout.hi_min),
    }
    gaps = [b - a for a, b in zip(dose_times[:-1], dose_times[1:], strict=True)]
    phases, checks, example, refs = _phases(protocol, pattern, layout, anchors, len(dose_times),
                                            min(gaps) if gaps else 0.0)
    return SessionCurve(weight_kg=pk.validate_weight(weight_kg), model=model, **numbers,
                        protocol_id=protocol_id, layout=layout, pattern=pattern, phases=phases,
                        checks=checks, example=example, refs=refs)
