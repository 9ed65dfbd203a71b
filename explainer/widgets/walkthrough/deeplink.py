"""Deep links into the walkthrough: ``walkthrough.ipynb?step=5&mode=trainee``.

    link = parse_deep_link("step=5&mode=trainee")    # DeepLink(step=5, mode='trainee', notes=())
    step, mode, notes = parse_deep_link("step=99")   # (1, 'patient', ('step',))
    parse_deep_link(pages.read_query_string())       # what Voilà passed to this kernel

`parse_deep_link` is pure and never raises: anything it cannot use falls back to the default
(step 1, patient view) and adds a note code ("step", "mode" or "query") that the page turns into
a gentle sentence. The raw value is never echoed back. Nothing here changes the URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import parse_qs

from explainer.content import STEPS
from explainer.widgets.audience import AUDIENCES, PATIENT

__all__ = [
    "DEFAULT_MODE",
    "DEFAULT_STEP",
    "MAX_QUERY_LENGTH",
    "NOTE_CODES",
    "DeepLink",
    "parse_deep_link",
]

DEFAULT_STEP = STEPS[0]
DEFAULT_MODE = PATIENT
MAX_QUERY_LENGTH = 2048
"""A longer query string is not parsed at all (a real link is a few dozen characters)."""
MAX_FIELDS = 32
NOTE_CODES = ("query", "step", "mode", "lang")
"""Why a link was not followed: the query as a whole, its step, its view, its language (in this
order; the language is read by `explainer.pages.parse_lang`)."""

_STEP = re.compile(r"[0-9]{1,2}", re.ASCII)
_MODE = re.compile(r"[a-z]{1,16}", re.ASCII)


class DeepLink(NamedTuple):
    """Where a link asks the walkthrough to open; unpacks as ``(step, mode, notes)``."""

    step: int = DEFAULT_STEP
    mode: str = DEFAULT_MODE
    notes: tuple[str, ...] = ()


def _one_value(fields: Mapping[str, list[str]], key: str) -> str | None:
    """The field's value; None if absent. Repeats that disagree count as unreadable ("")."""
    values = fields.get(key)
    if not values:
        return None
    cleaned = {v.strip() for v in values}
    return cleaned.pop() if len(cleaned) == 1 else ""


def _step(value: str | None) -> tuple[int, bool]:
    if value is None:
        return DEFAULT_STEP, True
    if _STEP.fullmatch(value):
        number = int(value)
        if number in STEPS:
            return number, True
    return DEFAULT_STEP, False


def _mode(value: str | None) -> tuple[str, bool]:
    if value is None:
        return DEFAULT_MODE, True
    value = value.lower() if value.isascii() else value
    if _MODE.fullmatch(value) and value in AUDIENCES:
        return value, True
    return DEFAULT_MODE, False


def parse_deep_link(query: object) -> DeepLink:
    """Read ``step`` (1–9) and ``mode`` (patient / trainee) from a URL query string.

    Never raises. Absent keys give the defaults silently; a value that cannot be used gives the
    default plus a note code; other keys are ignored. ``?`` at the start is allowed. Accepted:
    ASCII digits 1–9 (a leading zero is fine), the two view names in any letter case,
    surrounding spaces, and a key repeated with the same value.
    """
    try:
        if not isinstance(query, str):
            return DeepLink(notes=("query",)) if query else DeepLink()
        text = query[1:] if query.startswith("?") else query
        if not text:
            return DeepLink()
        if len(text) > MAX_QUERY_LENGTH:
            return DeepLink(notes=("query",))
        fields = parse_qs(text, keep_blank_values=False, max_num_fields=MAX_FIELDS,
                          errors="replace")
        step, step_ok = _step(_one_value(fields, "step"))
        mode, mode_ok = _mode(_one_value(fields, "mode"))
        notes = tuple(code for code, ok in (("step", step_ok), ("mode", mode_ok)) if not ok)
        return DeepLink(step, mode, notes)
    except Exception:  # noqa: BLE001  (a link must never break the page)
        return DeepLink(notes=("query",))
