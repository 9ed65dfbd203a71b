"""What the handout says, as plain data (the Typst template lays it out; it never parses it).

`handout_data(request)` gathers, from the state the clinician showed: the clinic's name and
numbers (or that none is set up), the plan's times, the chosen protocol, the walkthrough's main
points, side effects and questions (the same passages the pages show), the clinic's rules and
when-to-call list, the regulator statement, and the sources those parts cite.

Text with emphasis is passed as *runs* (``{"t": text, "b": bold}``,
`explainer.content.markdown.runs`), so the template shows every value as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from explainer import content
from explainer.content.clinic import text as clinic_text
from explainer.content.clinic.env import current, shown_protocols
from explainer.content.markdown.runs import blocks
from explainer.models.plan import Plan, clock, day_words, when

__all__ = ["PASSAGES", "HandoutRequest", "handout_data", "plan_rows", "session_lines"]

PASSAGES = {"main_points": "s9-summary", "side_effects": "s7-common",
            "questions": "s9-questions"}
"""Handout section -> the walkthrough passage it reprints (one source for both)."""

CHART_REFS = ("domino1982", "zanos2018")
PICTURE_REFS = ("mendell1966",)

@dataclass(frozen=True)
class HandoutRequest:
    """The state a handout is made from. ``patient_name`` goes into the PDF only."""

    protocol_id: str
    plan: Plan | None = None
    weight_kg: float = 70.0
    patient_name: str | None = field(default=None, repr=False)
    made_on: date | None = None


def _section(key: str) -> tuple[list[dict], tuple[str, ...]]:
    p = content.passage(PASSAGES[key])
    found = blocks(p.markdown)
    # The passage's own bold heading line duplicates the handout's heading: drop it.
    if found and found[0]["kind"] == "p" and all(r["b"] for r in found[0]["runs"]):
        found = found[1:]
    return found, p.refs


def plan_rows(plan: Plan, iv: bool) -> list[tuple[str, str]]:
    """The plan's rows as (label, time) pairs: the same rows the page shows."""
    rows = clinic_text.strings()["plan"]["rows"]
    ft = clinic_text.strings()["plan"]["from_to"]
    return [
        (rows["last_food"], when(plan.last_food)),
        (rows["last_drink"], when(plan.last_drink)),
        (rows["arrive"], when(plan.arrive)),
        (rows["drip"] if iv else rows["dose"],
         ft.format(start=when(plan.drip_from), end=(clock(plan.drip_to)
                   if plan.drip_to.date() == plan.drip_from.date() else when(plan.drip_to)))),
        (rows["home"], when(plan.home_earliest)),
        (rows["no_driving"], when(plan.no_driving_until)),
    ]


def session_lines(plan: Plan) -> list[str]:
    """One line per session of the course: ``Session 2: Tuesday 3 March 2026, start 09:30``."""
    s = clinic_text.strings()["plan"]
    return [s["session"].format(n=x.number, day=day_words(x.start, year=False),
                                time=clock(x.start))
            for x in plan.sessions]


def handout_data(request: HandoutRequest) -> dict:
    """Everything the template shows, as JSON-ready data."""
    cfg = current()
    words = clinic_text.strings()["handout"]
    plan_words = clinic_text.strings()["plan"]
    rules = clinic_text.rules(cfg)
    protocol = shown_protocols()[request.protocol_id]
    iv = protocol.route == "intravenous"
    sections = {key: _section(key) for key in PASSAGES}
    regulator = clinic_text.regulator(cfg)
    refs: list[str] = [*protocol.refs]
    for _, keys in sections.values():
        refs += keys
    refs += [*rules.refs, *CHART_REFS, *PICTURE_REFS, *(regulator["refs"] if regulator else ())]
    made = request.made_on or date.today()
    plan = request.plan
    name = (request.patient_name or "").strip()
    return {
        "paper": "us-letter" if cfg and cfg.clinic.paper_size == "Letter" else "a4",
        "title": words["title"],
        "subtitle": (words["subtitle_clinic"].format(name=cfg.clinic.name) if cfg
                     else words["subtitle_generic"]),
        "made_for": words["made_for"].format(name=name) if name else "",
        "made_on": words["made_on"].format(day=day_words(made)),
        "clinic": cfg.clinic.name if cfg else "",
        "contacts": ([[words["phone"], cfg.clinic.phone],
                      [words["out_of_hours"], cfg.clinic.out_of_hours_phone],
                      [words["emergency"], cfg.clinic.emergency_number]] if cfg else []),
        "no_contacts": words["no_contacts"],
        "emergency_line": rules.emergency_sentence,
        "h": {k: words[k] for k in ("contacts", "plan", "chart", "picture", "main_points",
                                    "side_effects", "when_to_call", "before_after",
                                    "questions", "sources")},
        "protocol": protocol.name,
        "protocol_about": protocol.audience["patient"],
        "plan_rows": [list(r) for r in plan_rows(plan, iv)] if plan else [],
        "sessions": session_lines(plan) if plan else [],
        "no_plan": words["no_plan"],
        "no_driving_note": (plan_words["no_driving_note"].format(
            hours=f"{clinic_text.plan_rules(cfg).no_driving_hours:g}") if plan else ""),
        "chart_alt": words["chart_alt"].format(protocol=protocol.name),
        "chart_note": words["chart_note"],
        "picture_alt": words["picture_alt"],
        "picture_note": words["picture_note"],
        "main_points": sections["main_points"][0],
        "side_effects": sections["side_effects"][0],
        "questions": sections["questions"][0],
        "call_intro": rules.call_intro or "",
        "call": list(rules.call),
        "call_note": (clinic_text.strings()["default_when_to_call"]["note"]
                      if rules.call_is_default else ""),
        "before": list(rules.before),
        "medicines_intro": clinic_text.strings()["panel"]["medicines"] if rules.medicines else "",
        "medicines": list(rules.medicines),
        "bring_intro": clinic_text.strings()["panel"]["bring"] if rules.bring else "",
        "bring": list(rules.bring),
        "after": list(rules.after),
        "regulator": " ".join(regulator["text"].split()) if regulator else "",
        "generic_note": "" if cfg else " ".join(clinic_text.strings()["generic"]["note"].split()),
        "sources": content.format_refs(dict.fromkeys(refs)),
        "footer": words["footer"],
    }

