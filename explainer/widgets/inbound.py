"""The one gate every message from a viewer's browser to a widget passes through.

ipywidgets applies any `update` a client sends to any synced trait of any widget: a forged
message can set a slider's `max`, a button's `description` or an HTML widget's markup, and a
value the control could never produce then reaches the observers. A real control sends only a
few keys: `ALLOWED` lists them per widget model, each with a check of what that control can
produce (an index inside its options, a number inside its bounds, a bool, a short text). The
gate keeps those and drops everything else, including buffers and custom messages other than a
button's click. Dropped keys are logged on the server (model and key, never the value: a
value may be something a person typed).

A widget of the project's own (the browser-drawn overlays, `explainer.widgets.browser`) says
what it accepts in its `_kx_inbound` mapping instead.

`install()` wraps `ipywidgets.Widget._handle_msg` once per kernel; importing
`explainer.widgets` installs it. A new kind of control must be added to `ALLOWED` to accept
input at all.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

MAX_TEXT_CHARS = 200
"""Longest text a viewer may type into a text box (the clinic plan's fields are short)."""
_LOG_FIRST = 20
_LOG_EVERY = 200

_log = logging.getLogger("explainer.inbound")


def _index(widget: Any, value: Any) -> bool:
    n = len(getattr(widget, "options", ()) or ())
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n


def _bounded(widget: Any, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    value = float(value)
    lo, hi = getattr(widget, "min", -math.inf), getattr(widget, "max", math.inf)
    return math.isfinite(value) and lo <= value <= hi


def _finite(widget: Any, value: Any) -> bool:
    return (not isinstance(value, bool) and isinstance(value, numbers.Real)
            and math.isfinite(float(value)))


def _flag(widget: Any, value: Any) -> bool:
    return isinstance(value, bool)


def _text(widget: Any, value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT_CHARS


def _date(widget: Any, value: Any) -> bool:
    """A date picker sends null or {year, month (0-11), date (1-31)}."""
    if value is None:
        return True
    if not isinstance(value, Mapping) or set(value) != {"year", "month", "date"}:
        return False
    year, month, day = value["year"], value["month"], value["date"]
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (year, month, day))
    return ints and 1900 <= year <= 2200 and 0 <= month <= 11 and 1 <= day <= 31


Check = Callable[[Any, Any], bool]
_SELECTION = {"index": _index}
ALLOWED: dict[str, dict[str, Check]] = {
    "ToggleButtonsModel": _SELECTION,
    "DropdownModel": _SELECTION,
    "RadioButtonsModel": _SELECTION,
    "SelectModel": _SELECTION,
    "SelectionSliderModel": _SELECTION,
    "IntSliderModel": {"value": _bounded},
    "FloatSliderModel": {"value": _bounded},
    "BoundedIntTextModel": {"value": _bounded},
    "BoundedFloatTextModel": {"value": _bounded},
    "IntTextModel": {"value": _finite},
    "FloatTextModel": {"value": _finite},
    "PlayModel": {"value": _bounded, "playing": _flag, "repeat": _flag},
    "ToggleButtonModel": {"value": _flag},
    "CheckboxModel": {"value": _flag},
    "TextModel": {"value": _text},
    "TextareaModel": {"value": _text},
    "DatePickerModel": {"value": _date},
}
"""Widget model -> the keys its browser control sends -> what it can send."""
CLICK = {"event": "click"}
"""A button's click."""
CUSTOM = {"ButtonModel": CLICK, "TextModel": {"event": "submit"}}
"""The only custom messages a control sends: a button's click, a text box's Enter (the clinic
plan's boxes, issue 12; the kernel ignores it, but it is not an attack worth logging)."""


class _Drops:
    count = 0


def _note_drop(widget: Any, what: str) -> None:
    _Drops.count += 1
    if _Drops.count <= _LOG_FIRST or _Drops.count % _LOG_EVERY == 0:
        _log.warning("refused %s for a %s from the page (%d refused so far)", what,
                     getattr(widget, "_model_name", type(widget).__name__), _Drops.count)


def allowed_update(widget: Any, state: Any) -> dict:
    """The part of a client's `update` state that the widget's real control could have sent."""
    checks = getattr(widget, "_kx_inbound", None) or ALLOWED.get(
        getattr(widget, "_model_name", ""), {})
    if not isinstance(state, Mapping):
        _note_drop(widget, "a malformed update")
        return {}
    kept = {}
    for key, value in state.items():
        check = checks.get(key)
        if check is not None and check(widget, value):
            kept[key] = value
        else:
            _note_drop(widget, f"key {str(key)[:40]!r}")
    return kept


def allowed_custom(widget: Any, content: Any) -> bool:
    """Only a button's plain click (or a text box's Enter) goes through."""
    expected = CUSTOM.get(getattr(widget, "_model_name", ""))
    return expected is not None and content == expected


def _gated(original):
    def _handle_msg(self, msg):
        content = msg.get("content") if isinstance(msg, Mapping) else None
        data = content.get("data") if isinstance(content, Mapping) else None
        method = data.get("method") if isinstance(data, Mapping) else None
        if method == "update":
            state = allowed_update(self, data.get("state"))
            if not state:
                return None
            msg = {**msg, "buffers": [],
                   "content": {**content, "data": {"method": "update", "state": state}}}
        elif method == "custom":
            if not allowed_custom(self, data.get("content")):
                _note_drop(self, "a custom message")
                return None
            msg = {**msg, "buffers": []}
        elif method != "request_state":
            _note_drop(self, "an unknown message")
            return None
        return original(self, msg)

    _handle_msg.__kx_gate__ = True
    _handle_msg.__wrapped__ = original
    return _handle_msg


def install() -> None:
    """Put the gate in front of every widget of this kernel (idempotent)."""
    current = widgets.Widget._handle_msg
    if not getattr(current, "__kx_gate__", False):
        widgets.Widget._handle_msg = _gated(current)
