"""The protocol library (``assets/en-GB/protocols.yaml``): load, validate, turn into pk doses.

    from explainer.content.protocols.library import load_protocols
    protocols = load_protocols()                     # or load_protocols("clinic/protocols.yaml")
    p = protocols["schwartzman-2009"]
    one_session = p.regimen(weight_kg=70)            # list of pk.Bolus / pk.Infusion / pk.Absorbed
    whole_course = p.course_regimen(weight_kg=70)    # every session, shifted by p.session_days

The file format is documented in ``docs/model-pk.md`` ("Protocol file schema"). Errors are raised
as :class:`ProtocolError` (a ``ValueError``) naming the file, the protocol and the field.

The assets directory is ``<repo>/assets`` unless the environment variable
``KETAMINE_EXPLAINER_ASSETS`` points elsewhere; reference keys are checked against
``references.yaml`` in that directory unless ``references_path`` is given.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from explainer.content import strings
from explainer.content._assets import (
    ASSETS_ENV_VAR,
    assets_dir,
    read_yaml,
)
from explainer.content._validate import (
    is_id,
    ref_list,
    unknown_refs,
)
from explainer.content.protocols.fields import ProtocolError, _Ctx, _dose, _keys, _num, _text
from explainer.content.protocols.records import EXAMPLE_NOTE, MINUTES_PER_DAY, DoseSpec, Protocol
from explainer.models import pk

__all__ = [
    "ASSETS_ENV_VAR",
    "EXAMPLE_NOTE",
    "SCHEMA_VERSION",
    "ROUTES",
    "DRUGS",
    "ProtocolError",
    "DoseSpec",
    "Protocol",
    "assets_dir",
    "load_protocols",
    "parse_protocols",
    "reference_keys",
]

SCHEMA_VERSION = 1
FILE = "protocols.yaml"
"""The library, under each locale's folder (its prose translated; numbers only in the base)."""
ROUTES: tuple[str, ...] = ("intravenous", *pk.ROUTES)
"""Allowed protocol routes: IV (bolus / infusion doses) or one of pk.ROUTES (absorbed doses)."""
DRUGS: tuple[str, ...] = ("racemic", "s-ketamine")

_TOP_KEYS = {"schema_version", "protocols"}
_REQUIRED = {"id", "name", "summary", "route", "audience", "session_days", "session_length_min",
             "doses", "refs", "example"}
_OPTIONAL = {"drug", "condition", "notes"}
_AUDIENCES = ("patient", "trainee")
# --------------------------------------------------------------------------------------------
# loading and validation
# --------------------------------------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    return read_yaml(path, ProtocolError)


def reference_keys(references_path: Path | None = None) -> frozenset[str]:
    """The keys of the references registry (``assets_dir() / "references.yaml"`` by default)."""
    return _reference_keys(references_path or assets_dir() / "references.yaml")


def _reference_keys(references_path: Path) -> frozenset[str]:
    data = _read_yaml(references_path)
    if not isinstance(data, Mapping):
        raise ProtocolError(f"{references_path} must be a mapping of reference keys")
    return frozenset(str(k) for k in data)


def _protocol(ctx: _Ctx, index: int, data: Any, ref_keys: frozenset[str]) -> Protocol:
    where = f"protocols[{index}]"
    if isinstance(data, Mapping) and isinstance(data.get("id"), str):
        where = f"protocol {data['id']!r}"
    _keys(ctx, where, data, _REQUIRED, _OPTIONAL)

    pid = data["id"]
    if not is_id(pid):
        raise ctx.fail(f"{where}.id", "must be lower-case letters, digits and hyphens; got "
                                      f"{pid!r}")
    route = data["route"]
    if route not in ROUTES:
        raise ctx.fail(f"{where}.route", f"must be one of {', '.join(ROUTES)}; got {route!r}")
    drug = data.get("drug", "racemic")
    if drug not in DRUGS:
        raise ctx.fail(f"{where}.drug", f"must be one of {', '.join(DRUGS)}; got {drug!r}")
    condition = data.get("condition")
    if condition is not None:
        condition = _text(ctx, f"{where}.condition", condition)

    audience = _keys(ctx, f"{where}.audience", data["audience"], set(_AUDIENCES), set())
    audience = {a: _text(ctx, f"{where}.audience.{a}", audience[a]) for a in _AUDIENCES}

    length = _num(ctx, f"{where}.session_length_min", data["session_length_min"], positive=True)
    days = data["session_days"]
    if (not isinstance(days, list) or not days
            or any(isinstance(d, bool) or not isinstance(d, int) or d < 0 for d in days)):
        raise ctx.fail(f"{where}.session_days",
                       f"must be a non-empty list of whole-day offsets >= 0; got {days!r}")
    gaps = [b - a for a, b in zip(days, days[1:], strict=False)]
    if any(g <= 0 for g in gaps):
        raise ctx.fail(f"{where}.session_days", "must be strictly increasing")
    if gaps and min(gaps) * MINUTES_PER_DAY < length:
        raise ctx.fail(f"{where}.session_days", f"sessions {min(gaps)} day(s) apart would overlap "
                                                f"a session_length_min of {length:g}")

    items = data["doses"]
    if not isinstance(items, list) or not items:
        raise ctx.fail(f"{where}.doses", "must be a non-empty list of dose items")
    doses = tuple(_dose(ctx, f"{where}.doses[{i}]", item, route, length)
                  for i, item in enumerate(items))

    refs = ref_list(data["refs"]) if isinstance(data["refs"], list) else None
    if not refs:
        raise ctx.fail(f"{where}.refs", "must be a non-empty list of reference keys")
    unknown = unknown_refs(refs, ref_keys)
    if unknown:
        raise ctx.fail(f"{where}.refs", f"unknown reference key(s) {', '.join(unknown)}; add "
                                        "them to references.yaml first")

    example = data["example"]
    if not isinstance(example, bool):
        raise ctx.fail(f"{where}.example", f"must be true or false; got {example!r}")
    notes = data.get("notes", [])
    if not isinstance(notes, list):
        raise ctx.fail(f"{where}.notes", "must be a list of text")
    notes = tuple(_text(ctx, f"{where}.notes[{i}]", n) for i, n in enumerate(notes))
    if example and not any(n.startswith(EXAMPLE_NOTE) for n in notes):
        raise ctx.fail(f"{where}.notes", f"an example protocol must carry the note "
                                         f"{EXAMPLE_NOTE!r}")

    protocol = Protocol(
        id=pid,
        name=_text(ctx, f"{where}.name", data["name"]),
        summary=_text(ctx, f"{where}.summary", data["summary"]),
        route=route,
        drug=drug,
        condition=condition,
        audience=MappingProxyType(audience),
        session_days=tuple(days),
        session_length_min=length,
        doses=doses,
        refs=tuple(refs),
        example=example,
        notes=notes,
    )
    try:  # the doses must build for every accepted weight
        for w in pk.WEIGHT_RANGE_KG:
            protocol.regimen(w)
    except ValueError as exc:
        raise ctx.fail(where, str(exc)) from exc
    return protocol


def load_protocols(path: str | os.PathLike[str] | None = None, *,
                   references_path: str | os.PathLike[str] | None = None) -> dict[str, Protocol]:
    """Load and validate a protocol file; return ``{id: Protocol}`` in file order.

    ``path`` defaults to the library (``protocols.yaml`` in the page's locale, through the
    strings accessor: its prose translated, its numbers the base's); a clinic can pass its own;
    ``references_path`` defaults to ``assets_dir() / "references.yaml"``. Raises
    :class:`ProtocolError` (a ``ValueError``) on unknown or missing keys, unknown reference keys,
    bad numbers, doses outside the session, overlapping sessions or duplicate ids.
    """
    file = Path(path) if path is not None else strings.source(FILE)
    refs_file = (Path(references_path) if references_path is not None
                 else assets_dir() / "references.yaml")
    ctx = _Ctx(file)
    ref_keys = _reference_keys(refs_file)
    data = _read_yaml(file) if path is not None else strings.load(FILE)
    top = _keys(ctx, "top level", data, _TOP_KEYS, set())
    if top["schema_version"] != SCHEMA_VERSION or isinstance(top["schema_version"], bool):
        raise ctx.fail("schema_version", f"must be {SCHEMA_VERSION}; got "
                                         f"{top['schema_version']!r}")
    items = top["protocols"]
    if not isinstance(items, list) or not items:
        raise ctx.fail("protocols", "must be a non-empty list")
    return parse_protocols(items, source=file, ref_keys=ref_keys)


def parse_protocols(items: list[Any], *, source: str | os.PathLike[str],
                    ref_keys: frozenset[str] | None = None) -> dict[str, Protocol]:
    """Validate protocol entries already read from a file (the library's YAML, or the
    ``[[protocols]]`` tables of a clinic's TOML file); return ``{id: Protocol}`` in order.

    The one protocol validator: raises :class:`ProtocolError` at the first problem, with
    ``err.where`` (e.g. ``"protocol 'x'.doses[0].mg_per_kg"``) and ``err.reason`` set."""
    ctx = _Ctx(Path(source))
    if ref_keys is None:
        ref_keys = _reference_keys(assets_dir() / "references.yaml")
    out: dict[str, Protocol] = {}
    for i, item in enumerate(items):
        p = _protocol(ctx, i, item, ref_keys)
        if p.id in out:
            raise ctx.fail(f"protocol {p.id!r}", "duplicate id")
        out[p.id] = p
    return out
