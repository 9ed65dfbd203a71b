"""The schema of a clinic's configuration file: one pydantic model per TOML table (unknown
fields refused), the constants the rules use, and the validated :class:`ClinicConfig`.
Read through :mod:`explainer.content.clinic.config`."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from explainer.content import strings
from explainer.content._assets import ContentError
from explainer.content.clinic.constants import CLINIC_ENV_VAR, COUNTRIES  # noqa: F401 - re-exported
from explainer.content.protocols.library import Protocol
from explainer.content.walkthrough.records import STEPS
from explainer.models.plan_calendar import ClinicCalendar
from explainer.paths import BASE_LOCALE

MIN_NO_DRIVING_HOURS = 24
NO_DRIVING_REFS = ("ketalar-label", "cheyenne-leaflet", "depression-leaflets")
"""Labels and leaflets behind "no driving for at least 24 hours" (clinical-facts.md)."""
MIN_NO_ALCOHOL_HOURS = 24
AFTER_CARE_REFS = ("cheyenne-leaflet", "mayo-clinic-ketamine", "discharge-instructions",
                   "cohen2018")
"""Leaflets, discharge instructions and the consensus guideline behind the after-care floors
(an adult to take the patient home, a period of observation, no alcohol for 24 hours)."""
REQUIRED_STEPS = {6: "evidence", 7: "risks", 8: "safety", 9: "summary"}
"""Walkthrough steps a clinic may never hide: who it may help (the evidence, NICE, the options),
side effects and risks, safety, and the summary."""
LOCAL_PROTOCOL_REF = "local-protocol"
"""The reference key a clinic's own, unpublished protocol cites."""

_PHONE = re.compile(r"^(?=(?:\D*\d){6,15}\D*$)\+?[0-9( ][0-9 ()\-]*[0-9]$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters, and the bidirectional marks and overrides (U+202E reversed the footer's
phone numbers; issue 20)."""

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
            raise ValueError("must be one line of text, without line breaks, control "
                             "characters or text-direction characters")
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
    locale: str | None = None
    """The pages' language when the link names none (a key of ``assets/locales.yaml``);
    default: the base locale (British English)."""
    languages: list[str] | None = Field(None, min_length=1, max_length=8)
    """The languages the page's switch offers (``locale`` first); default: ``locale`` alone."""
    offer_unreviewed: bool = False
    """A draft translation (no reviewer has signed it off) is offered only when this is true."""

    _check_phone = field_validator("phone", "out_of_hours_phone")(_phone)

    @model_validator(mode="after")
    def _check_languages(self) -> ClinicInfo:
        known = strings.locales()
        asked = [self.locale or BASE_LOCALE, *(self.languages or ())]
        unknown = [code for code in asked if code not in known]
        if unknown:
            raise ValueError(f"locale and languages must be among {', '.join(known)}; "
                             f"got {', '.join(unknown)}")
        if len(set(self.languages or ())) != len(self.languages or ()):
            raise ValueError("each language may be listed once")
        drafts = [code for code in dict.fromkeys(asked) if not known[code].signed_off]
        if drafts and not self.offer_unreviewed:
            raise ValueError(f"{', '.join(drafts)}: a draft translation no reviewer has signed "
                             "off yet (assets/locales.yaml); set offer_unreviewed = true to "
                             "offer it anyway")
        return self

    @property
    def offered_languages(self) -> tuple[str, ...]:
        """The languages the page offers, the clinic's own locale first."""
        return tuple(dict.fromkeys([self.locale or BASE_LOCALE, *(self.languages or ())]))

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

    observe_minutes: int = Field(le=720)
    escort_required: bool
    no_driving_hours: float = Field(le=168)
    no_alcohol_hours: float = Field(24, le=168)
    sedatives: Line | None = None
    when_to_call: list[Line] | None = Field(None, min_length=1, max_length=15)
    """The clinic's own reasons to call, shown AFTER the required signs (bladder, kidney, liver,
    mental health) of the after-care block, which a clinic cannot remove."""

    @field_validator("observe_minutes")
    @classmethod
    def _observed_after(cls, value: int) -> int:
        if value <= 0:
            raise ValueError(
                "must be more than 0: a patient is watched by staff for a while after ketamine "
                f"(references: {', '.join(AFTER_CARE_REFS)})")
        return value

    @field_validator("escort_required")
    @classmethod
    def _escort_required(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError(
                "must be true: an adult must take the patient home after ketamine "
                f"(references: {', '.join(AFTER_CARE_REFS)})")
        return value

    @field_validator("no_alcohol_hours")
    @classmethod
    def _alcohol_at_least_24_hours(cls, value: float) -> float:
        if value < MIN_NO_ALCOHOL_HOURS:
            raise ValueError(
                f"must be at least {MIN_NO_ALCOHOL_HOURS}: no alcohol for at least 24 hours "
                "after ketamine; it adds to the drowsiness and slowed breathing "
                f"(references: {', '.join(AFTER_CARE_REFS)})")
        return value

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
            raise ValueError(f"steps must be whole numbers from {STEPS[0]} to {STEPS[-1]}; "
                             f"got {bad}")
        if len(set(value)) != len(value):
            raise ValueError("each step may be listed once")
        hidden = [s for s in REQUIRED_STEPS if s not in value]
        if hidden:
            names = ", ".join(f"{s} ({REQUIRED_STEPS[s]})" for s in hidden)
            raise ValueError(f"must include steps {', '.join(map(str, REQUIRED_STEPS))}: "
                             f"a clinic may hide other steps, never these; missing {names}")
        return sorted(value)


# --- [calendar]: the days the clinic treats (issue 22) -----------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Calendar(_Table):
    """``[calendar]``: the weekdays the clinic treats and the dates it is closed; a course's
    sessions follow them (`explainer.models.plan_calendar`)."""

    treatment_days: list[Literal[WEEKDAYS]] = Field(default_factory=lambda: list(WEEKDAYS),
                                                    min_length=1, max_length=7)
    closed_dates: list[date] = Field(default_factory=list, max_length=366)

    @field_validator("treatment_days")
    @classmethod
    def _each_day_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each day may be listed once")
        return value

    @property
    def model(self) -> ClinicCalendar:
        return ClinicCalendar(frozenset(WEEKDAYS.index(d) for d in self.treatment_days),
                              frozenset(self.closed_dates))


class _File(_Table):
    clinic: ClinicInfo
    before: Before = Field(default_factory=Before)
    after_care: AfterCare
    show: Show = Field(default_factory=Show)
    calendar: Calendar = Field(default_factory=Calendar)
    protocols: list[dict[str, Any]] = Field(default_factory=list)
    words: dict[str, dict[Line, Line]] = Field(default_factory=dict, max_length=8)
    """``[words.<locale>]``: the clinic's own words (its lists, its protocols' patient text) in
    each other language it offers, as ``"written in the file" = "in that language"``."""

    @field_validator("words", mode="after")
    @classmethod
    def _words_one_line(cls, value: dict) -> dict:
        for table in value.values():
            if len(table) > 200:
                raise ValueError("at most 200 entries per language")
            if any(_CONTROL.search(s) for pair in table.items() for s in pair):
                raise ValueError("must be one line of text, without line breaks, control "
                                 "characters or text-direction characters")
        return value


class ClinicConfig:
    """A validated clinic file: its tables, its own protocols and what the pages show."""

    def __init__(self, path: Path, tables: _File, protocols: Mapping[str, Protocol]):
        self.path = path
        self.clinic = tables.clinic
        self.before = tables.before
        self.after_care = tables.after_care
        self.show = tables.show
        self.calendar = tables.calendar
        self.protocols = MappingProxyType(dict(protocols))
        """The clinic's own protocols (``[[protocols]]``), in file order."""
        self.words = MappingProxyType({k: MappingProxyType(dict(v))
                                       for k, v in tables.words.items()})
        """The clinic's own words in its other languages (``[words.<locale>]``)."""

    def own_words(self) -> tuple[str, ...]:
        """Every text of the clinic's own a patient reads: its lists and its protocols' patient
        text (a trainee's notes may stay as written)."""
        a, b = self.after_care, self.before
        found = [*b.medicines_to_check, *b.bring, *(a.when_to_call or ()),
                 *([a.sedatives] if a.sedatives else [])]
        for p in self.protocols.values():
            found += [p.name, p.summary, *([p.audience["patient"]]
                                           if "patient" in p.audience else [])]
        return tuple(dict.fromkeys(found))

    def in_language(self, locale: str) -> ClinicConfig:
        """This configuration with its own words in ``locale`` (``[words.<locale>]``); the file's
        own language (or one it gives no words for) comes back unchanged."""
        table = self.words.get(locale)
        if not table:
            return self
        def tr(text):
            return table.get(text, text) if isinstance(text, str) else text

        out = copy.copy(self)
        b, a = self.before, self.after_care
        out.before = b.model_copy(update={
            "medicines_to_check": [tr(x) for x in b.medicines_to_check],
            "bring": [tr(x) for x in b.bring]})
        out.after_care = a.model_copy(update={
            "when_to_call": [tr(x) for x in a.when_to_call] if a.when_to_call else a.when_to_call,
            "sedatives": tr(a.sedatives)})
        out.protocols = MappingProxyType({
            pid: dataclasses.replace(p, name=tr(p.name), summary=tr(p.summary),
                                     audience=MappingProxyType({**p.audience, **(
                                         {"patient": tr(p.audience["patient"])}
                                         if "patient" in p.audience else {})}))
            for pid, p in self.protocols.items()})
        return out

    @property
    def steps(self) -> tuple[int, ...]:
        return tuple(self.show.steps)
