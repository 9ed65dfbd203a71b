"""The personal plan's state: the typed date, start time and weight, and the plan made of them.

    state = PlanState(protocol="schwartzman-2009")
    state.submit("2026-03-02", "09:30", "")       # -> True; state.plan holds the clock times
    state.submit("2026-02-30", "09:30", "")       # -> False; state.message says why, plan kept

The arithmetic is `explainer.models.plan` (pure, tested); every typed value is checked here.
Nothing typed is stored on the server or logged.
"""

from __future__ import annotations

import traitlets

from explainer import formatting as fmt
from explainer.content.clinic import text as clinic_text
from explainer.content.clinic.env import current, shown_protocols
from explainer.models import pk
from explainer.models.plan import Plan, PlanInputError, make_plan


def plan_strings() -> dict:
    """The plan's words (`assets/strings/<locale>/clinic.yaml`, `plan`)."""
    return clinic_text.strings()["plan"]


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


class PlanState(traitlets.HasTraits):
    """The plan's inputs and result. `submit` validates; bad input leaves the plan unchanged
    and sets `message` (a gentle sentence)."""

    protocol = traitlets.Unicode()
    date_text = traitlets.Unicode("")
    time_text = traitlets.Unicode("")
    weight_kg = traitlets.Float(None, allow_none=True)
    plan = traitlets.Instance(Plan, allow_none=True)
    message = traitlets.Unicode("")

    def __init__(self, protocol: str | None = None, **kwargs):
        super().__init__(protocol=protocol or next(iter(shown_protocols())), **kwargs)

    def _make(self, date_text: str, time_text: str, protocol: str) -> Plan:
        cfg = current()
        zone = cfg.clinic.zone if cfg else "Europe/London"
        start, end = _treatment_window(protocol)
        return make_plan(date_text, time_text, zone, clinic_text.plan_rules(cfg),
                         treatment_from_min=start, treatment_to_min=end,
                         session_days=shown_protocols()[protocol].session_days)

    def submit(self, date_text: str, time_text: str, weight_text: str = "") -> bool:
        """Make the plan from typed text; False (and a message) if anything is wrong."""
        try:
            plan = self._make(date_text, time_text, self.protocol)
        except PlanInputError as exc:
            self.message = str(exc)
            return False
        try:
            weight = parse_weight(weight_text)
        except ValueError:
            lo, hi = pk.WEIGHT_RANGE_KG
            self.message = plan_strings()["weight_bad"].format(low=fmt.plain(lo),
                                                                 high=fmt.plain(hi))
            return False
        self.message = ""
        with self.hold_trait_notifications():
            self.date_text, self.time_text = date_text.strip(), time_text.strip()
            self.weight_kg = weight
            self.plan = plan
        return True

    @traitlets.observe("protocol")
    def _follow_protocol(self, change):
        if self.plan is not None:  # the same date and time, the new protocol's times
            self.plan = self._make(self.date_text, self.time_text, change["new"])
