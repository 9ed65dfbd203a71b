"""The timeline figures' words: the strings table (from the strings loader:
`assets/strings/<locale>/timeline.yaml`), the protocols shown, and times and durations in
words ('1 h 30 min', '1 hour and 15 minutes').
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from explainer.content import aftercare
from explainer.content import strings as string_tables
from explainer.content.clinic_env import shown_protocols
from explainer.content.protocols import Protocol
from explainer.figures.scene import background_key
from explainer.paths import assets_dir, strings_dir

if TYPE_CHECKING:
    from explainer.figures.session_layout import Layout
    pass


STRINGS_TABLE = "timeline"


def strings_key(name: str) -> str:
    """A background cache key for a timeline figure (changes when its strings change)."""
    return background_key(name, strings_dir() / f"{STRINGS_TABLE}.yaml",
                          assets_dir() / aftercare.FILE)


def strings() -> Mapping:
    """Every visible string of the timeline, from the one strings loader (the "home" phases
    already carry the after-care block)."""
    return string_tables.table(STRINGS_TABLE)


@lru_cache(maxsize=1)
def protocols() -> Mapping[str, Protocol]:
    """The protocols shown, loaded once: the library (`assets/protocols.yaml`), with a
    clinic's own first when one is configured (issue 12: `explainer.content.clinic`)."""
    return shown_protocols()


def short_time(t_min: float, layout: Layout) -> str:
    """'45 min before the start', 'the start', '1 h 30 min', '2 days 6 h' (slider and cursor)."""
    time_words = strings()["time"]
    t = int(round(t_min))
    if layout.key == "days":
        if t < 0:
            return time_words["before_hours"].format(h=short_number(-t / 60))
        if t == 0:
            return time_words["start"]
        d, rest = divmod(t, 1440)
        h = rest // 60
        if d == 0:
            return time_words["h"].format(h=h)
        days = time_words["day"] if d == 1 else time_words["days"]
        return time_words["days_h"].format(d=d, days=days, h=h) if h else f"{d} {days}"
    if t < 0:
        return (time_words["before_hours"].format(h=-t // 60) if t % 60 == 0
                else time_words["before_min"].format(m=-t))
    if t == 0:
        return time_words["start_dose"] if layout.key == "day24" else time_words["start"]
    h, m = divmod(t, 60)
    if h and m:
        return time_words["hm"].format(h=h, m=m)
    return time_words["h"].format(h=h) if h else time_words["m"].format(m=m)


def short_number(x: float) -> str:
    """'2', '1.5': hours or days as the axis ticks and the time words write them."""
    return f"{x:.0f}" if math.isclose(x, round(x)) else f"{x:.1f}"


def duration_words(minutes: float) -> str:
    """'9 minutes', '25 minutes', '1 hour and 15 minutes' (rounded as the model deserves)."""
    long_words = strings()["time"]["long"]
    m = max(float(minutes), 0.0)
    if m < 10:
        n = max(int(round(m)), 1)
        return f"{n} {long_words['minute'] if n == 1 else long_words['minutes']}"
    if m < 60:
        n = int(5 * round(m / 5))
        if n < 60:
            return f"{n} {long_words['minutes']}"
    q = int(15 * round(m / 15))
    h, mm = divmod(q, 60)
    hours = f"{h} {long_words['hour'] if h == 1 else long_words['hours']}"
    return hours if mm == 0 else f"{hours} {long_words['and']} {mm} {long_words['minutes']}"


def duration_short(minutes: float) -> str:
    """'9 min', '25 min', '1 h 15 min' (on the figure)."""
    m = max(float(minutes), 0.0)
    if m < 10:
        return f"{max(int(round(m)), 1)} min"
    if m < 57.5:
        return f"{int(5 * round(m / 5))} min"
    q = int(15 * round(m / 15))
    h, mm = divmod(q, 60)
    return f"{h} h" if mm == 0 else f"{h} h {mm} min"
