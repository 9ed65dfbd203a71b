"""Where each field of a clinic file is (its line), and the problems of a bad file worded
as ``file:line: field: what is wrong; allowed: …`` (pydantic errors and the protocol
validator's)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ValidationError,
)

from explainer.content.clinic.schema import AfterCare, Before, ClinicInfo, Show, _File
from explainer.content.protocols.library import (
    Protocol,
    ProtocolError,
    load_protocols,
    parse_protocols,
)

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def field_lines(text: str) -> dict[tuple, int]:
    """Field path -> line number (1-based) for the tables and keys of a TOML text.

    Paths are pydantic-style: ``("clinic", "phone")``, ``("protocols", 0)``,
    ``("protocols", 0, "doses", 1, "mg_per_kg")``. Multi-line strings are skipped."""
    lines: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    table: tuple = ()
    in_string: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_string:
            if raw.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(raw)
        if header:
            names = header.group(2).split(".")
            if header.group(1) == "[[":
                parent: tuple = ()
                for name in names[:-1]:  # e.g. [[protocols.doses]] under the last [[protocols]]
                    parent += (name,)
                    if parent in counts:
                        parent += (counts[parent] - 1,)
                key = (*parent, names[-1])
                counts[key] = counts.get(key, 0) + 1
                table = (*key, counts[key] - 1)
            else:
                parent = ()
                for name in names:
                    parent += (name,)
                    if parent in counts:
                        parent += (counts[parent] - 1,)
                table = parent
            lines.setdefault(table, number)
            continue
        key = _KEY.match(raw)
        if key:
            lines.setdefault((*table, key.group(1)), number)
            for quote in ('"""', "'''"):
                if raw.count(quote) % 2 == 1:
                    in_string = quote
    return lines


def _line_of(lines: Mapping[tuple, int], loc: tuple) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


def _field_name(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "top level"


def _allowed(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


_MODEL_AT = {("clinic",): ClinicInfo, ("before",): Before, ("after_care",): AfterCare,
             ("show",): Show, (): _File}


def problem_line(path: Path, lines: Mapping[tuple, int], loc: tuple, message: str) -> str:
    line = _line_of(lines, loc)
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {_field_name(loc)}: {message}"


def pydantic_problems(path: Path, lines: Mapping[tuple, int], err: ValidationError
                       ) -> list[str]:
    out = []
    for e in err.errors():
        loc = tuple(e["loc"])
        kind = e["type"]
        message = e["msg"].removeprefix("Value error, ")
        if kind == "extra_forbidden":
            model = _MODEL_AT.get(loc[:-1])
            message = "unknown field" + (f"; allowed: {_allowed(model)}" if model else "")
        elif kind == "missing":
            message = "missing (required)"
        elif "input" in e and not isinstance(e["input"], Mapping):
            message += f"; got {e['input']!r}"
        if ": " in message and message.split(": ", 1)[0] in _field_names_of(loc):
            field, message = message.split(": ", 1)  # a table-level check names its field
            loc = (*loc, field)
        out.append(problem_line(path, lines, loc, message))
    return out


def _field_names_of(loc: tuple) -> tuple[str, ...]:
    model = _MODEL_AT.get(loc)
    return tuple(model.model_fields) if model else ()


_PROTOCOL_WHERE = re.compile(r"^(?:protocol '([^']*)'|protocols\[(\d+)\])(.*)$")
_PART = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")


def _protocol_loc(where: str, ids: Sequence[Any]) -> tuple:
    match = _PROTOCOL_WHERE.match(where)
    if not match:
        return ("protocols",)
    pid, index, rest = match.groups()
    if pid is not None:
        index = next((i for i, x in enumerate(ids) if x == pid), None)
    loc: tuple = ("protocols",) if index is None else ("protocols", int(index))
    for name, number in _PART.findall(rest):
        loc += (int(number),) if number else (name,)
    return loc


def protocol_problems(path: Path, lines: Mapping[tuple, int], items: list[dict[str, Any]]
                       ) -> tuple[dict[str, Protocol], list[str]]:
    """Each clinic protocol through the library's validator: one problem per bad protocol."""
    problems: list[str] = []
    out: dict[str, Protocol] = {}
    library = load_protocols()
    ids = [item.get("id") for item in items]
    for i, item in enumerate(items):
        try:
            (p,) = parse_protocols([item], source=path).values()
        except ProtocolError as exc:
            where = getattr(exc, "where", f"protocols[{i}]").replace("protocols[0]",
                                                                     f"protocols[{i}]")
            reason = getattr(exc, "reason", str(exc))
            loc = _protocol_loc(where, ids)
            if loc == ("protocols",):
                loc = ("protocols", i)
            problems.append(problem_line(path, lines, loc, reason))
            continue
        if p.id in library or p.id in out:
            owner = "the protocol library" if p.id in library else "another protocol here"
            problems.append(problem_line(path, lines, ("protocols", i, "id"),
                                     f"{p.id!r} is already used by {owner}; choose another id"))
            continue
        out[p.id] = p
    return out, problems
