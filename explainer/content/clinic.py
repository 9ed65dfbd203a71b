"""A clinic's configuration file (TOML): schema, loader and the one copy each process uses.

    from explainer.content import clinic
    cfg = clinic.load_clinic("examples/clinic.toml")   # ClinicConfig, or ClinicConfigError
    cfg.clinic.name, cfg.after_care.no_driving_hours, cfg.protocols   # validated values
    clinic.current()            # the file named by $KETAMINE_EXPLAINER_CLINIC, read once; or None
    clinic.shown_protocols()    # library + clinic protocols, filtered by [show] protocols

The schema is a set of pydantic models (one per table; unknown fields refused); the
``[[protocols]]`` tables are checked by the protocol library's own validator
(``explainer.content.protocols.parse_protocols``), so a clinic's protocol takes exactly the
fields of ``assets/protocols.yaml``. Every problem becomes one line naming the file, the line, the
field and what is allowed (:class:`ClinicConfigError.problems`). The fields are documented in
``docs/clinic-config.md``. Values are shown on pages and in the handout only through escaping
(HTML) or as data (the handout's Typst template never reads them as markup).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from explainer.content._assets import ContentError
from explainer.content.clinic_env import CLINIC_ENV_VAR, COUNTRIES
from explainer.content.protocols import Protocol, ProtocolError, load_protocols, parse_protocols

__all__ = [
    "CLINIC_ENV_VAR",
    "COUNTRIES",
    "LOCAL_PROTOCOL_REF",
    "MIN_NO_DRIVING_HOURS",
    "STEPS",
    "AfterCare",
    "Before",
    "ClinicConfig",
    "ClinicConfigError",
    "ClinicInfo",
    "Show",
    "current",
    "load_clinic",
    "shown_protocols",
]

MIN_NO_DRIVING_HOURS = 24
NO_DRIVING_REFS = ("ketalar-label", "cheyenne-leaflet", "depression-leaflets")
"""Labels and leaflets behind "no driving for at least 24 hours" (clinical-facts.md)."""
LOCAL_PROTOCOL_REF = "local-protocol"
"""The reference key a clinic's own, unpublished protocol cites."""
STEPS = tuple(range(1, 10))

_PHONE = re.compile(r"^(?=(?:\D*\d){6,15}\D*$)\+?[0-9( ][0-9 ()\-]*[0-9]$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""One line of text (no line breaks or control characters; checked by the models)."""


class ClinicConfigError(ContentError):
    """A clinic file is unusable. ``problems`` holds one line per problem
    (``file:line: field: what is wrong; allowed: …``); ``str(err)`` joins them."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        items = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and _CONTROL.search(v) for v in items):
            raise ValueError("must be one line of text, without line breaks or control "
                             "characters")
        return value


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError("must be a phone number: digits, spaces, brackets and hyphens, "
                         "optionally starting with +")
    return value


class ClinicInfo(_Table):
    """``[clinic]``: who the clinic is and how to reach it."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    phone: str
    out_of_hours_phone: str
    country: Literal["UK", "US"]
    paper: Literal["A4", "Letter"] | None = None
    timezone: str | None = None

    _check_phone = field_validator("phone", "out_of_hours_phone")(_phone)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be a time zone name such as Europe/London or "
                             "America/Chicago") from None
        if value not in available_timezones():
            raise ValueError("must be a time zone name such as Europe/London or America/Chicago")
        return value

    @property
    def emergency_number(self) -> str:
        return COUNTRIES[self.country]["emergency"]

    @property
    def paper_size(self) -> str:
        """``A4`` or ``Letter``: the file's choice, else the country's usual paper."""
        return self.paper or COUNTRIES[self.country]["paper"]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or COUNTRIES[self.country]["timezone"])


class Before(_Table):
    """``[before]``: fasting, medicines to check, what to bring, when to arrive."""

    food_hours: float = Field(6, ge=0, le=24)
    clear_fluids_hours: float = Field(2, ge=0, le=24)
    arrive_minutes_before: int = Field(30, ge=0, le=240)
    medicines_to_check: list[Line] = Field(default_factory=list, max_length=12)
    bring: list[Line] = Field(default_factory=list, max_length=12)

    @model_validator(mode="after")
    def _fluids_not_longer_than_food(self) -> Before:
        if self.clear_fluids_hours > self.food_hours:
            raise ValueError("clear_fluids_hours: must not be longer than food_hours "
                             f"({self.food_hours:g})")
        return self


class AfterCare(_Table):
    """``[after_care]``: observation, escort, driving, alcohol and sedatives, when to call."""

    observe_minutes: int = Field(ge=0, le=720)
    escort_required: bool
    no_driving_hours: float = Field(le=168)
    no_alcohol_hours: float = Field(24, ge=0, le=168)
    sedatives: Line | None = None
    when_to_call: list[Line] | None = Field(None, min_length=1, max_length=15)

    @field_validator("no_driving_hours")
    @classmethod
    def _driving_at_least_24_hours(cls, value: float) -> float:
        if value < MIN_NO_DRIVING_HOURS:
            raise ValueError(
                f"must be at least {MIN_NO_DRIVING_HOURS}: the product label and published "
                "leaflets say no driving, cycling or using machines for at least 24 hours after "
                f"ketamine (references: {', '.join(NO_DRIVING_REFS)})")
        return value


class Show(_Table):
    """``[show]``: which walkthrough steps and which protocols the pages offer."""

    steps: list[int] = Field(default_factory=lambda: list(STEPS), min_length=1)
    protocols: list[Line] | None = Field(None, min_length=1)

    @field_validator("steps")
    @classmethod
    def _check_steps(cls, value: list[int]) -> list[int]:
        bad = [s for s in value if s not in STEPS]
        if bad:
            raise ValueError(f"steps must be whole numbers from 1 to 9; got {bad}")
        if len(set(value)) != len(value):
            raise ValueError("each step may be listed once")
        return sorted(value)


class _File(_Table):
    clinic: ClinicInfo
    before: Before = Field(default_factory=Before)
    after_care: AfterCare
    show: Show = Field(default_factory=Show)
    protocols: list[dict[str, Any]] = Field(default_factory=list)


class ClinicConfig:
    """A validated clinic file: its tables, its own protocols and what the pages show."""

    def __init__(self, path: Path, tables: _File, protocols: Mapping[str, Protocol]):
        self.path = path
        self.clinic = tables.clinic
        self.before = tables.before
        self.after_care = tables.after_care
        self.show = tables.show
        self.protocols = MappingProxyType(dict(protocols))
        """The clinic's own protocols (``[[protocols]]``), in file order."""

    @property
    def steps(self) -> tuple[int, ...]:
        return tuple(self.show.steps)


# --- Where each field is in the file ----------------------------------------------------------

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


def _problem(path: Path, lines: Mapping[tuple, int], loc: tuple, message: str) -> str:
    line = _line_of(lines, loc)
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {_field_name(loc)}: {message}"


def _pydantic_problems(path: Path, lines: Mapping[tuple, int], err: ValidationError
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
        out.append(_problem(path, lines, loc, message))
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


def _protocol_problems(path: Path, lines: Mapping[tuple, int], items: list[dict[str, Any]]
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
            problems.append(_problem(path, lines, loc, reason))
            continue
        if p.id in library or p.id in out:
            owner = "the protocol library" if p.id in library else "another protocol here"
            problems.append(_problem(path, lines, ("protocols", i, "id"),
                                     f"{p.id!r} is already used by {owner}; choose another id"))
            continue
        out[p.id] = p
    return out, problems


def load_clinic(path: str | os.PathLike[str]) -> ClinicConfig:
    """Read and validate a clinic file; raise :class:`ClinicConfigError` listing every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClinicConfigError([f"{file}: cannot read the file: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClinicConfigError([f"{file}: not valid TOML: {exc}"]) from None
    lines = field_lines(text)
    problems: list[str] = []
    tables = None
    try:
        tables = _File.model_validate(data)
    except ValidationError as err:
        problems += _pydantic_problems(file, lines, err)
    items = data.get("protocols") if isinstance(data.get("protocols"), list) else []
    items = [item for item in items if isinstance(item, dict)]
    protocols, protocol_problems = _protocol_problems(file, lines, items)
    problems += protocol_problems
    if tables is not None and tables.show.protocols is not None:
        known = {*load_protocols(), *(item.get("id") for item in items)}
        for i, pid in enumerate(tables.show.protocols):
            if pid not in known:
                problems.append(_problem(file, lines, ("show", "protocols", i),
                                         f"unknown protocol {pid!r}; allowed: "
                                         f"{', '.join(str(k) for k in known)}"))
    if problems or tables is None:
        raise ClinicConfigError(problems)
    return ClinicConfig(file.resolve(), tables, protocols)


# --- The one copy a process uses --------------------------------------------------------------


@lru_cache(maxsize=1)
def current() -> ClinicConfig | None:
    """The clinic file named by ``$KETAMINE_EXPLAINER_CLINIC`` (read once per process), or None
    when no clinic is configured (the pages then stay generic and say so)."""
    path = os.environ.get(CLINIC_ENV_VAR)
    return load_clinic(path) if path else None


def shown_protocols() -> Mapping[str, Protocol]:
    """The protocols the pages offer: the clinic's own first, then the library's; a clinic's
    ``[show] protocols`` picks (and orders) them. Without a clinic: the library."""
    library = load_protocols()
    cfg = current()
    if cfg is None:
        return library
    every = {**cfg.protocols, **library}
    if cfg.show.protocols is None:
        return MappingProxyType(every)
    return MappingProxyType({pid: every[pid] for pid in cfg.show.protocols})
