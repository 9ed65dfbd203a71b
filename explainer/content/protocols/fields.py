"""The field checks of a protocol file and the parser of one dose entry, with the error that
names the file, the protocol and the field (:class:`ProtocolError`). Used by
:mod:`explainer.content.protocols.library` (the loader); the checks themselves are
``explainer.content._validate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from explainer.content._assets import ContentError
from explainer.content._validate import key_problems, number_value, text_value
from explainer.content.protocols.records import DoseSpec

_DOSE_KEYS = {
    "bolus": ({"at_min"}, {"mg", "mg_per_kg"}, {"max_mg"}),
    "infusion": ({"start_min", "duration_min"}, {"mg_per_h", "mg_per_kg_per_h",
                                                  "mg_per_h_per_70kg"}, {"max_mg_per_h"}),
    "absorbed": ({"at_min"}, {"mg", "mg_per_kg"}, {"max_mg", "bioavailability"}),
}
"""kind -> (required timing keys, amount keys (exactly one), optional keys)."""


class ProtocolError(ContentError):
    """A protocol file is malformed; the message names the file, protocol and field."""


class _Ctx:
    """Builds error messages that say where the problem is."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, msg: str) -> ProtocolError:
        err = ProtocolError(f"{self.path}: {where}: {msg}")
        err.where, err.reason = where, msg  # for callers that locate the field (clinic files)
        return err


def _num(ctx: _Ctx, where: str, value: Any, *, positive: bool, high: float | None = None
         ) -> float:
    x = number_value(value, positive=positive, high=high)
    if x is None:
        kind = "a number > 0" if positive else "a number >= 0"
        if high is not None:
            kind += f" and <= {high:g}"
        raise ctx.fail(where, f"must be {kind}; got {value!r}")
    return x


def _text(ctx: _Ctx, where: str, value: Any) -> str:
    text = text_value(value)
    if text is None:
        raise ctx.fail(where, f"must be non-empty text; got {value!r}")
    return text


def _keys(ctx: _Ctx, where: str, data: Any, required: set[str], optional: set[str]
          ) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ctx.fail(where, f"must be a mapping; got {type(data).__name__}")
    missing, unknown = key_problems(data, required, optional)
    if unknown:
        raise ctx.fail(where, f"unknown key(s) {', '.join(unknown)}; allowed: "
                              f"{', '.join(sorted(required | optional))}")
    if missing:
        raise ctx.fail(where, f"missing key(s) {', '.join(missing)}")
    return data


def _dose(ctx: _Ctx, where: str, item: Any, route: str, session_length: float) -> DoseSpec:
    if not isinstance(item, Mapping) or "kind" not in item:
        raise ctx.fail(where, f"must be a mapping with a 'kind' ({', '.join(_DOSE_KEYS)})")
    kind = item["kind"]
    if kind not in _DOSE_KEYS:
        raise ctx.fail(f"{where}.kind", f"must be one of {', '.join(_DOSE_KEYS)}; got {kind!r}")
    if route == "intravenous" and kind == "absorbed":
        raise ctx.fail(where, "an intravenous protocol takes only 'bolus' and 'infusion' doses")
    if route != "intravenous" and kind != "absorbed":
        raise ctx.fail(where, f"a {route} protocol takes only 'absorbed' doses")
    timing, amounts, optional = _DOSE_KEYS[kind]
    _keys(ctx, where, item, {"kind"} | timing, amounts | optional)
    given = sorted(amounts & set(item))
    if len(given) != 1:
        raise ctx.fail(where, f"needs exactly one of {', '.join(sorted(amounts))}; got "
                              f"{', '.join(given) or 'none'}")
    amount_key = given[0]
    amount = _num(ctx, f"{where}.{amount_key}", item[amount_key], positive=True)
    cap_key = "max_mg_per_h" if kind == "infusion" else "max_mg"
    cap = (_num(ctx, f"{where}.{cap_key}", item[cap_key], positive=True)
           if cap_key in item else None)
    if kind == "infusion":
        at = _num(ctx, f"{where}.start_min", item["start_min"], positive=False)
        duration = _num(ctx, f"{where}.duration_min", item["duration_min"], positive=True)
        if at + duration > session_length:
            raise ctx.fail(where, f"ends at {at + duration:g} min, after session_length_min "
                                  f"({session_length:g})")
        return DoseSpec(kind, at, amount_key, amount, duration_min=duration, cap=cap)
    at = _num(ctx, f"{where}.at_min", item["at_min"], positive=False)
    if at >= session_length:
        raise ctx.fail(where, f"at_min {at:g} is not inside session_length_min "
                              f"({session_length:g})")
    if kind == "bolus":
        return DoseSpec(kind, at, amount_key, amount, cap=cap)
    f = item.get("bioavailability")
    if f is not None:
        f = _num(ctx, f"{where}.bioavailability", f, positive=True, high=1.0)
    return DoseSpec(kind, at, amount_key, amount, cap=cap, route=route, bioavailability=f)
