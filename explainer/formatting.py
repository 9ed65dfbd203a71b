"""How a number, a time or a list reads on the page, in the page's locale (Babel's CLDR data).

One formatter for the widgets' numbers, so a level or a percentage looks the same wherever it
is shown. Pure functions of numbers (and, for words, of the unit words they are given): no
strings are loaded here. The locale is the page's (``set_locale``, called by the strings
accessor when the page picks its language); every function also takes ``locale=``.

    set_locale("es"); plain(0.35), grouped(1800)              # '0,35', '1.800'
    clock(datetime(2026, 3, 2, 14, 30))                       # '14:30'; en-US '2:30 PM'
    day_words(date(2026, 3, 2))                               # 'Monday 2 March 2026' (en-GB)
    list_text(["a", "b", "c"])                                # 'a, b and c'; en-US 'a, b, and c'
    plural(2, {"one": "{n} session", "other": "{n} sessions"})  # '2 sessions'

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
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

__all__ = [
    "clock",
    "conc_text",
    "day_words",
    "duration_short",
    "duration_words",
    "fixed",
    "grouped",
    "level_text",
    "list_text",
    "locale",
    "millivolts",
    "percent",
    "plain",
    "plural",
    "ratio",
    "set_locale",
    "weekday",
    "when",
]

DEFAULT_LOCALE = "en-GB"
_locale = [DEFAULT_LOCALE]
DAY_PATTERNS: Mapping[str, tuple[str, str]] = {
    "en-GB": ("EEEE d MMMM y", "EEEE d MMMM"),
    "en-US": ("EEEE, MMMM d, y", "EEEE, MMMM d"),
    "es": ("EEEE d 'de' MMMM 'de' y", "EEEE d 'de' MMMM"),
}
"""A date in words with and without the year (CLDR patterns; Babel supplies the names)."""


def set_locale(code: str) -> None:
    """The locale every function below uses when none is passed (a BCP 47 tag: en-GB, es)."""
    _parsed(code)  # refuse a locale Babel does not know
    _locale[0] = code


def locale() -> str:
    """The locale in use."""
    return _locale[0]


@lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    return Locale.parse(code, sep="-")


def _babel(code: str | None) -> Locale:
    return _parsed(code or _locale[0])


@lru_cache(maxsize=16)
def _symbols(code: str) -> dict[int, str] | None:
    loc = _parsed(code)
    decimal, group = get_decimal_symbol(loc), get_group_symbol(loc)
    return None if (decimal, group) == (".", ",") else str.maketrans({",": group, ".": decimal})


def _localise(text: str, code: str | None = None) -> str:
    """A number written the Python way ('1,234.5') in the locale's symbols ('1.234,5')."""
    table = _symbols(code or _locale[0])
    return text if table is None else text.translate(table)

MINUS = "−"
"""U+2212, the minus sign shown for negative voltages."""


def conc_text(conc: float) -> str:
    """A level in ng/mL as the NMDA diagram shows it: '0', '5.3', '12.5', '115', '1,800'."""
    if conc == 0:
        return "0"
    if conc >= 100:
        return grouped(conc)
    if conc >= 10:
        return _localise(f"{conc:.0f}" if math.isclose(conc, round(conc)) else f"{conc:.1f}")
    return _localise(f"{conc:.2g}")


def level_text(conc: float) -> str:
    """A level in ng/mL as the timeline shows it (coarser): '0.0', '5.3', '12', '1,800'."""
    if conc >= 100:
        return grouped(conc)
    if conc >= 10:
        return f"{conc:.0f}"
    return _localise(f"{conc:.1f}")


def fixed(value: float, digits: int = 0) -> str:
    """To `digits` decimals, no separators: minutes (0), a rate in mg/h (1)."""
    return _localise(f"{value:.{digits}f}")


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
    return _localise(f"{value:g}")


def grouped(value: float) -> str:
    """A whole number with the locale's thousands separators: '1,800', es '1.800' (band
    edges, AUC)."""
    return format_decimal(round(value), "#,##0", locale=_babel(None))


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


def clock(moment: datetime, locale: str | None = None) -> str:
    """A clock time in the locale's way: en-GB and es '14:30', en-US '2:30 PM' (a no-break
    space before AM/PM)."""
    return format_time(moment, "short", locale=_babel(locale)).replace("\u202f", "\u00a0")


def weekday(moment: date, short: bool = False, locale: str | None = None) -> str:
    """'Monday' (or 'Mon'); es 'lunes' ('lun')."""
    return format_date(moment, "EEE" if short else "EEEE", locale=_babel(locale))


def day_words(moment: date, year: bool = True, locale: str | None = None) -> str:
    """'Monday 2 March 2026' (en-GB), 'Monday, March 2, 2026' (en-US), 'lunes 2 de marzo de
    2026' (es); without the year when ``year`` is false."""
    code = locale or _locale[0]
    patterns = DAY_PATTERNS.get(code) or DAY_PATTERNS[DEFAULT_LOCALE]
    return format_date(moment, patterns[0 if year else 1], locale=_babel(code))


def when(moment: datetime, template: str, locale: str | None = None) -> str:
    """A day and a clock time through the strings' template (``clinic.plan.when``: en-GB
    "{day} at {time}" -> 'Monday 2 March 2026 at 09:30'): the one way the pages and the
    handout show a moment."""
    return template.format(day=day_words(moment, locale=locale), time=clock(moment, locale))


def list_text(items: Sequence[str], style: str = "and", locale: str | None = None) -> str:
    """'a, b and c' (en-GB), 'a, b, and c' (en-US), 'a, b y c' (es); ``style`` "or" for
    'a, b or c'."""
    return format_list(list(items), style="or" if style == "or" else "standard",
                       locale=_babel(locale))


def plural(n: float, forms: Mapping[str, str], locale: str | None = None, **fields) -> str:
    """The form of ``forms`` (CLDR categories: "one", "few", "many", "other", …) the locale's
    plural rule picks for ``n``, filled with ``n`` (written the locale's way) and ``fields``;
    "other" when the locale's category is missing."""
    category = _babel(locale).plural_form(abs(n))
    template = forms.get(category, forms["other"])
    shown = _localise(f"{n:g}", locale) if isinstance(n, float) else n
    return template.format(n=shown, **fields)
