"""The clinic's rules in plain sentences: one source for the pages and the handout.

    from explainer.content import clinic_text
    clinic_text.strings()                     # assets/content/clinic.yaml, loaded once
    rules = clinic_text.rules()               # the clinic's rules, or the explainer's examples
    rules.before, rules.after, rules.call     # lists of plain sentences (not HTML)
    clinic_text.plan_rules()                  # explainer.models.plan.PlanRules for the times
    clinic_text.footer_text()                 # "Set up for …" or "Not set up for …"

Every value from a clinic file is put into a sentence here as plain text; whoever shows it
escapes it (pages) or passes it as data (the handout). With no clinic configured the sentences
use `example_rules` and say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from explainer.content._assets import assets_dir, read_yaml
from explainer.content.clinic import COUNTRIES, ClinicConfig, current
from explainer.models.plan import PlanRules

__all__ = ["ClinicRules", "duration", "footer_text", "plan_rules", "regulator", "rules",
           "strings"]

STRINGS_FILE = "content/clinic.yaml"


@lru_cache(maxsize=1)
def strings() -> Mapping:
    """Every string of the clinic panel, plan and handout (``assets/content/clinic.yaml``)."""
    return read_yaml(assets_dir() / STRINGS_FILE)


def duration(hours: float | None = None, minutes: float | None = None) -> str:
    """``6 hours``, ``1 hour``, ``90 minutes``, ``1 hour 30 minutes``: plain durations."""
    total = round(minutes if minutes is not None else (hours or 0) * 60)
    h, m = divmod(int(total), 60)
    parts = []
    if h:
        parts.append(f"{h} hour{'s' if h != 1 else ''}")
    if m or not h:
        parts.append(f"{m} minute{'s' if m != 1 else ''}")
    return " ".join(parts)


@dataclass(frozen=True)
class ClinicRules:
    """The rules a patient is told, as plain sentences."""

    configured: bool
    name: str | None
    phone: str | None
    out_of_hours: str | None
    emergency: str
    before: tuple[str, ...]
    medicines: tuple[str, ...]
    bring: tuple[str, ...]
    after: tuple[str, ...]
    call_intro: str | None
    call: tuple[str, ...]
    call_is_default: bool
    emergency_sentence: str
    refs: tuple[str, ...]


def plan_rules(cfg: ClinicConfig | None = None) -> PlanRules:
    """The rules the plan's times follow: the clinic's, else the explainer's examples."""
    cfg = cfg if cfg is not None else current()
    if cfg is None:
        ex = strings()["example_rules"]
        return PlanRules(food_hours=ex["food_hours"], clear_fluids_hours=ex["clear_fluids_hours"],
                         arrive_minutes_before=ex["arrive_minutes_before"],
                         observe_minutes=ex["observe_minutes"],
                         no_driving_hours=ex["no_driving_hours"])
    b, a = cfg.before, cfg.after_care
    return PlanRules(food_hours=b.food_hours, clear_fluids_hours=b.clear_fluids_hours,
                     arrive_minutes_before=b.arrive_minutes_before,
                     observe_minutes=a.observe_minutes, no_driving_hours=a.no_driving_hours)


def rules(cfg: ClinicConfig | None = None) -> ClinicRules:
    """The clinic's rules in sentences (or the examples, when no clinic is configured)."""
    cfg = cfg if cfg is not None else current()
    s = strings()
    panel, default = s["panel"], s["default_when_to_call"]
    r = plan_rules(cfg)
    emergency = cfg.clinic.emergency_number if cfg else COUNTRIES["UK"]["emergency"]
    before = [panel["food"].format(hours=duration(r.food_hours)),
              panel["fluids"].format(hours=duration(r.clear_fluids_hours)),
              panel["arrive"].format(minutes=duration(minutes=r.arrive_minutes_before))]
    escort = cfg.after_care.escort_required if cfg else True
    alcohol = cfg.after_care.no_alcohol_hours if cfg else 24
    sedatives = (cfg.after_care.sedatives if cfg and cfg.after_care.sedatives
                 else " ".join(default["sedatives"].split()))
    after = [panel["observe"].format(minutes=duration(minutes=r.observe_minutes)),
             panel["escort"] if escort else panel["escort_optional"],
             panel["no_driving"].format(hours=duration(r.no_driving_hours)),
             *([panel["alcohol"].format(hours=duration(alcohol))] if alcohol else []),
             sedatives]
    own_call = cfg.after_care.when_to_call if cfg else None
    call_intro = (panel["call_intro"].format(name=cfg.clinic.name, phone=cfg.clinic.phone,
                                             out_of_hours=cfg.clinic.out_of_hours_phone)
                  if cfg else None)
    return ClinicRules(
        configured=cfg is not None,
        name=cfg.clinic.name if cfg else None,
        phone=cfg.clinic.phone if cfg else None,
        out_of_hours=cfg.clinic.out_of_hours_phone if cfg else None,
        emergency=emergency,
        before=tuple(before),
        medicines=tuple(cfg.before.medicines_to_check) if cfg else (),
        bring=tuple(cfg.before.bring) if cfg else (),
        after=tuple(after),
        call_intro=call_intro,
        call=tuple(own_call) if own_call else tuple(default["items"]),
        call_is_default=not own_call,
        emergency_sentence=panel["emergency"].format(emergency=emergency),
        refs=tuple(dict.fromkeys([*panel["refs"], *default["refs"],
                                  *s["example_rules"]["refs"]])),
    )


def regulator(cfg: ClinicConfig | None = None) -> Mapping | None:
    """The country's regulator statement (``text``, ``refs``), or None without a clinic."""
    cfg = cfg if cfg is not None else current()
    return strings()["regulator"][cfg.clinic.country] if cfg else None


def footer_text(cfg: ClinicConfig | None = None) -> str:
    """The footer's clinic line: its name and numbers, or that it is not set up for one."""
    cfg = cfg if cfg is not None else current()
    s = strings()
    if cfg is None:
        return s["generic"]["footer"]
    c = cfg.clinic
    return s["footer"].format(name=c.name, phone=c.phone, out_of_hours=c.out_of_hours_phone,
                              emergency=c.emergency_number)
