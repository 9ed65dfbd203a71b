"""The clinic's rules in plain sentences: one source for the pages and the handout.

    from explainer.content.clinic import text as clinic_text
    rules = clinic_text.rules()               # the clinic's rules, or the explainer's examples
    rules.before, rules.after, rules.call     # lists of plain sentences (not HTML)
    clinic_text.plan_rules()                  # explainer.models.plan.PlanRules for the times
    clinic_text.footer_text()                 # "Set up for …" or "Not set up for …"

Every value from a clinic file is put into a sentence here as plain text; whoever shows it
escapes it (pages) or passes it as data (the handout). The defaults (the rules for the 24 hours
after, when to call, emergency signs) come from the one after-care block
(``assets/en-GB/content/aftercare.yaml``, `explainer.content.aftercare`); a clinic's own values
replace its parts (the hours, the sedatives rule) and add their own reasons to call; they
never remove a rule or a required sign. With no clinic configured the sentences use
`example_rules` and say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from explainer.content import aftercare, strings
from explainer.content.clinic.constants import COUNTRIES
from explainer.content.clinic.env import current
from explainer.content.markdown.runs import blocks, plain
from explainer.models.plan import PlanRules

if TYPE_CHECKING:
    from explainer.content.clinic.config import ClinicConfig

__all__ = ["AftercareParts", "ClinicRules", "aftercare_parts", "duration", "footer_text",
           "plan_rules", "regulator", "rules"]

def duration(hours: float | None = None, minutes: float | None = None) -> str:
    """``6 hours``, ``1 hour``, ``90 minutes``, ``1 hour 30 minutes``: plain durations."""
    total = round(minutes if minutes is not None else (hours or 0) * 60)
    h, m = divmod(int(total), 60)
    words = strings.text("clinic", "duration")
    parts = []
    if h:
        parts.append(words["hour" if h == 1 else "hours"].format(n=h))
    if m or not h:
        parts.append(words["minute" if m == 1 else "minutes"].format(n=m))
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


@dataclass(frozen=True)
class AftercareParts:
    """The after-care block (``assets/en-GB/content/aftercare.yaml``, one source of truth) taken
    apart: its rules for the 24 hours after, its when-to-call list and its emergency line."""

    lead: str
    rules: tuple[str, ...]
    call: tuple[str, ...]
    emergency: str
    refs: tuple[str, ...]


def _item(text: str) -> str:
    text = text.strip().rstrip(";").strip()
    return text[:1].upper() + text[1:] if text else text


def aftercare_parts() -> AftercareParts:
    """The block's two lists (rules, then reasons to call) and its last paragraph
    (emergency signs), in the current locale."""
    return _aftercare_parts(strings.current())


@lru_cache(maxsize=8)
def _aftercare_parts(locale: str) -> AftercareParts:
    b = aftercare.block(locale=locale)
    parts = blocks(b.markdown)
    lists = [x["items"] for x in parts if x["kind"] == "list"]
    paragraphs = [plain(x["runs"]) for x in parts if x["kind"] == "p"]
    if len(lists) < 2 or not paragraphs:
        raise ValueError("the after-care block must hold a list of rules, a list of reasons "
                         "to call and an emergency paragraph")
    first_list = next(i for i, x in enumerate(parts) if x["kind"] == "list")
    lead = plain(parts[first_list - 1]["runs"]) if first_list else ""
    return AftercareParts(lead=" ".join(lead.split()),
                          rules=tuple(_item(plain(r)) for r in lists[0]),
                          call=tuple(_item(plain(r)) for r in lists[1]),
                          emergency=" ".join(paragraphs[-1].split()), refs=b.refs)


def plan_rules(cfg: ClinicConfig | None = None) -> PlanRules:
    """The rules the plan's times follow: the clinic's, else the explainer's examples."""
    cfg = cfg if cfg is not None else current()
    if cfg is None:
        ex = strings.text("clinic", "example_rules")
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
    s = strings.table("clinic")
    panel, match = s["panel"], s["aftercare_match"]
    block = aftercare_parts()
    r = plan_rules(cfg)
    emergency = cfg.clinic.emergency_number if cfg else COUNTRIES["UK"]["emergency"]
    before = [panel["food"].format(hours=duration(r.food_hours)),
              panel["fluids"].format(hours=duration(r.clear_fluids_hours)),
              panel["arrive"].format(minutes=duration(minutes=r.arrive_minutes_before))]
    observe = panel["observe"].format(minutes=duration(minutes=r.observe_minutes))
    if cfg is None:  # the block's usual rules, as they stand
        after = [observe, *([block.lead] if block.lead else []), *block.rules]
    else:
        a = cfg.after_care
        # The clinic's own driving and alcohol hours replace the block's two rules; every other
        # rule (an adult with you for 24 hours, no important decisions) is kept as it stands.
        others = [x for x in block.rules
                  if not any(w in x.lower() for w in (*match["driving"], *match["alcohol"]))]
        if a.sedatives:  # the clinic's own sedatives rule replaces the block's
            others = [x for x in others
                      if not any(w in x.lower() for w in match["sedatives"])] + [a.sedatives]
        after = [observe, panel["escort"],
                 panel["no_driving"].format(hours=duration(r.no_driving_hours)),
                 panel["alcohol"].format(hours=duration(a.no_alcohol_hours)),
                 *others]
    # The block's signs (bladder, kidney, liver, mental health) are always listed; a clinic's
    # own reasons to call are added after them, never in their place.
    own_call = tuple(x for x in (cfg.after_care.when_to_call or ()) if x not in block.call) \
        if cfg else ()
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
        call=(*block.call, *own_call),
        call_is_default=not own_call,
        emergency_sentence=(block.emergency.replace(match["emergency_number"], emergency)
                            if cfg else block.emergency),
        refs=tuple(dict.fromkeys([*panel["refs"], *block.refs, *s["example_rules"]["refs"]])),
    )


def regulator(cfg: ClinicConfig | None = None) -> Mapping | None:
    """The country's regulator statement (``text``, ``refs``), or None without a clinic."""
    cfg = cfg if cfg is not None else current()
    return strings.text("clinic", "regulator")[cfg.clinic.country] if cfg else None


def footer_text(cfg: ClinicConfig | None = None) -> str:
    """The footer's clinic line: its name and numbers, or that it is not set up for one."""
    cfg = cfg if cfg is not None else current()
    s = strings.table("clinic")
    if cfg is None:
        return s["generic"]["footer"]
    c = cfg.clinic
    return s["footer"].format(name=c.name, phone=c.phone, out_of_hours=c.out_of_hours_phone,
                              emergency=c.emergency_number)
