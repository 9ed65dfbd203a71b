"""How a number reads on the page: levels, percentages, model ratios, durations.

One formatter for the widgets' numbers, so a level or a percentage looks the same wherever it
is shown. Pure functions of numbers (and, for words, of the unit words they are given): no
strings are loaded here.

    conc_text(115.0), conc_text(12.5), conc_text(1800.0)     # '115', '12.5', '1,800'
    level_text(12.5), level_text(0.0)                        # '12', '0.0' (the timeline's)
    percent(0.456), ratio(1.234), millivolts(-70.2)          # '46', '1.23', '−70'
    plain(70.0), plain(2.5)                                  # '70', '2.5'
    fixed(89.6), fixed(24.54, 1), grouped(1234.5)            # '90', '24.5', '1,234'
    duration_words(75, words)                                # '1 hour and 15 minutes'
    duration_short(75)                                       # '1 h 15 min'

`words` is the mapping of unit words (`minute`, `minutes`, `hour`, `hours`, `and`) from the
strings file of the page that shows the duration.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = [
    "conc_text",
    "duration_short",
    "duration_words",
    "fixed",
    "grouped",
    "level_text",
    "millivolts",
    "percent",
    "plain",
    "ratio",
]

MINUS = "−"
"""U+2212, the minus sign shown for negative voltages."""


def conc_text(conc: float) -> str:
    """A level in ng/mL as the NMDA diagram shows it: '0', '5.3', '12.5', '115', '1,800'."""
    if conc == 0:
        return "0"
    if conc >= 100:
        return grouped(conc)
    if conc >= 10:
        return f"{conc:.0f}" if math.isclose(conc, round(conc)) else f"{conc:.1f}"
    return f"{conc:.2g}"


def level_text(conc: float) -> str:
    """A level in ng/mL as the timeline shows it (coarser): '0.0', '5.3', '12', '1,800'."""
    if conc >= 100:
        return grouped(conc)
    if conc >= 10:
        return f"{conc:.0f}"
    return f"{conc:.1f}"


def fixed(value: float, digits: int = 0) -> str:
    """To `digits` decimals, no separators: minutes (0), a rate in mg/h (1)."""
    return f"{value:.{digits}f}"


def percent(fraction: float) -> str:
    """A fraction as a whole-number percentage, without the sign: 0.456 -> '46'."""
    return fixed(100 * fraction)


def ratio(value: float) -> str:
    """A model output or ratio to two decimals: '1.23'."""
    return fixed(value, 2)


def millivolts(mv: float) -> str:
    """A membrane potential in whole mV with a true minus sign: '−70'."""
    return fixed(mv).replace("-", MINUS)


def plain(value: float) -> str:
    """A number with no trailing zeros ('70', '2.5', '0.35'): weights, doses, bounds."""
    return f"{value:g}"


def grouped(value: float) -> str:
    """A whole number with thousands separators: '1,800' (band edges, AUC)."""
    return f"{value:,.0f}"


def duration_words(minutes: float, words: Mapping[str, str], amount: str = "{n} {unit}",
                   hours_and_minutes: str = "{hours} {and} {minutes}") -> str:
    """'9 minutes', '25 minutes', '1 hour and 15 minutes' (rounded as the model deserves).

    `amount` and `hours_and_minutes` are the templates of the page's strings table
    (`timeline.formats.amount`, `timeline.formats.hours_and_minutes`)."""
    m = max(float(minutes), 0.0)
    if m < 10:
        n = max(int(round(m)), 1)
        return amount.format(n=n, unit=words["minute"] if n == 1 else words["minutes"])
    if m < 60:
        n = int(5 * round(m / 5))
        if n < 60:
            return amount.format(n=n, unit=words["minutes"])
    q = int(15 * round(m / 15))
    h, mm = divmod(q, 60)
    hours = amount.format(n=h, unit=words["hour"] if h == 1 else words["hours"])
    if mm == 0:
        return hours
    return hours_and_minutes.format(hours=hours, minutes=amount.format(n=mm, unit=words["minutes"]),
                                    **{"and": words["and"]})


def duration_short(minutes: float, m: str = "{m} min", h: str = "{h} h",
                   hm: str = "{h} h {m} min") -> str:
    """'9 min', '25 min', '1 h 15 min' (on a figure); `m`, `h`, `hm` are the templates of the
    strings table (`timeline.time.m`, `.h`, `.hm`)."""
    t = max(float(minutes), 0.0)
    if t < 10:
        return m.format(m=max(int(round(t)), 1))
    if t < 57.5:
        return m.format(m=int(5 * round(t / 5)))
    q = int(15 * round(t / 15))
    hours, mm = divmod(q, 60)
    return h.format(h=hours) if mm == 0 else hm.format(h=hours, m=mm)
