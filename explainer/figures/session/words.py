"""The timeline figures' words: the strings table (from the strings loader:
`assets/<locale>/strings/timeline.yaml`), and times and durations in
words ('1 h 30 min', '1 hour and 15 minutes').
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from explainer import formatting as fmt
from explainer.content import strings as string_tables
from explainer.figures.scene import background_key

if TYPE_CHECKING:
    from explainer.figures.session.layout import Layout


STRINGS_TABLE = "timeline"


def strings_key(name: str) -> str:
    """A background cache key for a timeline figure (changes when its strings change)."""
    return background_key(name, string_tables.key(STRINGS_TABLE))


def strings() -> Mapping:
    """The timeline figures' words: the `timeline` table of the one accessor,
    :mod:`explainer.content.strings` (the "home" phases already carry the after-care block).
    Figure modules receive their words here (the family names its table once) rather than
    naming a table themselves; widgets and pages call the accessor directly."""
    return string_tables.table(STRINGS_TABLE)


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
        if h:
            return time_words["days_h"].format(d=d, days=days, h=h)
        return strings()["formats"]["days_only"].format(d=d, days=days)
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
    return fmt.fixed(x, 0 if math.isclose(x, round(x)) else 1)


def duration_words(minutes: float) -> str:
    """'9 minutes', '25 minutes', '1 hour and 15 minutes': `explainer.formatting.duration_words`
    with the timeline table's words."""
    words = strings()
    return fmt.duration_words(minutes, words["time"]["long"], words["formats"]["amount"],
                              words["formats"]["hours_and_minutes"])


def duration_short(minutes: float) -> str:
    """'9 min', '25 min', '1 h 15 min' (on the figure): `explainer.formatting.duration_short`
    with the timeline table's time templates."""
    time_words = strings()["time"]
    return fmt.duration_short(minutes, time_words["m"], time_words["h"], time_words["hm"])
