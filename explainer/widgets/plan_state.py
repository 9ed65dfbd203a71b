"""The personal plan's state: the typed date, start time and weight, and the plan made of them.

    state = PlanState(protocol="schwartzman-2009")
    state.submit("2026-03-02", "09:30", "")       # -> True; state.plan holds the clock times
    state.submit("2026-02-30", "09:30", "")       # -> False; state.message says why,
                                                  #    state.plan is None, state.field "date"

The arithmetic is `explainer.models.plan` (pure, tested); every typed value is checked here.
Nothing typed is stored on the server or logged.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import traitlets

from explainer import formatting as fmt
from explainer.content import strings
from explainer.content.clinic import text as clinic_text
from explainer.content.clinic.env import current, shown_protocols
from explainer.models import pk
from explainer.models.plan import (
    Plan,
    PlanInputError,
    make_plan,
    parse_date,
    parse_time,
)


def _treatment_window(protocol_id: str) -> tuple[float, float]:
    p = shown_protocols()[protocol_id]
    return min(d.at_min for d in p.doses), max(d.end_min for d in p.doses)


def parse_weight(text: str) -> float | None:
    """An optional weight: '' -> None; a number in the model's range -> kg; else ValueError."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    return pk.validate_weight(value)


EMPTY, VALID, INVALID = "empty", "valid", "invalid"
"""A plan's status: nothing typed (the handout has no times), a plan (its times are shown and
printed), or something to fix (no times anywhere; the handout button says what to fix)."""


def error_words(exc: PlanInputError) -> str:
    """A refusal in the page's words (by its code), else the model's own sentence."""
    words = strings.text("clinic", "plan.errors")
    if exc.code in words:
        values = {"day": fmt.day_words(exc.values["day"]) if "day" in exc.values else "",
                  "weekday": fmt.weekday(exc.values["day"]) if "day" in exc.values else ""}
        return words[exc.code].format(**values)
    return str(exc)


class PlanState(traitlets.HasTraits):
    """The plan's inputs and result: the one source of truth for the times on the page and
    in the handout. `submit` either makes a plan (`status` valid) or clears it: bad input
    sets `status` invalid, `plan` None, `message` (a gentle sentence) and `field` (the box to
    fix). Old times are never kept after input that cannot make a plan."""

    protocol = traitlets.Unicode()
    date_text = traitlets.Unicode("")
    time_text = traitlets.Unicode("")
    weight_kg = traitlets.Float(None, allow_none=True)
    plan = traitlets.Instance(Plan, allow_none=True)
    message = traitlets.Unicode("")
    status = traitlets.Enum((EMPTY, VALID, INVALID), default_value=EMPTY)
    field = traitlets.Unicode("")

    def __init__(self, protocol: str | None = None, **kwargs):
        super().__init__(protocol=protocol or next(iter(shown_protocols())), **kwargs)

    def _make(self, date_text: str, time_text: str, protocol: str) -> Plan:
        cfg = current()
        zone = cfg.clinic.zone if cfg else ZoneInfo("Europe/London")
        start, end = _treatment_window(protocol)
        return make_plan(date_text, time_text, zone, clinic_text.plan_rules(cfg),
                         treatment_from_min=start, treatment_to_min=end,
                         session_days=shown_protocols()[protocol].session_days,
                         calendar=cfg.calendar.model if cfg else None,
                         today=datetime.now(zone).date())

    def _refuse(self, message: str, field: str) -> bool:
        with self.hold_trait_notifications():
            self.plan, self.weight_kg = None, None
            self.message, self.field, self.status = message, field, INVALID
        return False

    def submit(self, date_text: str, time_text: str, weight_text: str = "",
               quiet: bool = False) -> bool:
        """Make the plan from typed text; False (no plan, and a message unless ``quiet`` and
        simply not finished) if it cannot. Both boxes empty: no plan, nothing to fix."""
        date_text, time_text = (date_text or "").strip(), (time_text or "").strip()
        self.date_text, self.time_text = date_text, time_text
        try:
            weight = parse_weight(weight_text)
        except ValueError:
            lo, hi = pk.WEIGHT_RANGE_KG
            return self._refuse(strings.text("clinic", "plan.weight_bad").format(
                low=fmt.plain(lo), high=fmt.plain(hi)), "weight")
        if not date_text and not time_text:
            with self.hold_trait_notifications():
                self.plan, self.weight_kg, self.message, self.field = None, weight, "", ""
                self.status = EMPTY
            return False
        try:  # a box typed wrong is said at once, even before the other is typed
            parse_date(date_text) if date_text else None
            parse_time(time_text) if time_text else None
        except PlanInputError as exc:
            return self._refuse(error_words(exc), exc.field)
        if not (date_text and time_text):
            missing = "time" if date_text else "date"
            return self._refuse("" if quiet else strings.text("clinic", "plan.empty"), missing)
        try:
            plan = self._make(date_text, time_text, self.protocol)
        except PlanInputError as exc:
            return self._refuse(error_words(exc), exc.field or "rules")
        with self.hold_trait_notifications():
            self.weight_kg, self.plan = weight, plan
            self.message, self.field, self.status = "", "", VALID
        return True

    @traitlets.observe("protocol")
    def _follow_protocol(self, change):
        if self.status == VALID:  # the same date and time, the new protocol's times
            try:
                self.plan = self._make(self.date_text, self.time_text, change["new"])
            except PlanInputError as exc:
                self._refuse(error_words(exc), exc.field or "rules")
