"""What the handout says, as plain data (the Typst template lays it out; it never parses it).

`handout_data(request)` gathers, from the state the clinician showed: the clinic's name and
numbers (or that none is set up), the plan's times, the chosen protocol, the walkthrough's main
points, side effects and questions (the same passages the pages show), the clinic's rules and
when-to-call list, the regulator statement, and the sources those parts cite.

Text with emphasis is passed as *runs* (``{"t": text, "b": bold}``,
`explainer.content.markdown.runs`), so the template shows every value as text, never as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from explainer import content
from explainer import formatting as fmt
from explainer.content import strings
from explainer.content.clinic import text as clinic_text
from explainer.content.clinic.env import current, shown_protocols
from explainer.content.markdown.runs import blocks, plain
from explainer.content.references import reference
from explainer.figures import pain_signal as pain_fig
from explainer.figures import session as tl
from explainer.models import nmda
from explainer.models.plan import Plan

__all__ = ["PASSAGES", "HandoutRequest", "handout_data", "other_regions", "picture_state",
           "plan_notes", "plan_rows", "session_lines", "short_source", "signal_frame",
           "sources_in_short"]

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
    mode: str = "patient"
    cursor_min: float | None = None
    """Where the session chart's time cursor was (None: no cursor drawn)."""
    cursor_label: str = ""
    """The words beside the cursor, as the page showed them."""
    signal_level_ng_ml: float | None = None
    """The pain-signal diagram's level on the page (None: the level at the cursor)."""
    signal_pattern: str = "repeated"


def other_regions(country: str | None) -> tuple[str, ...]:
    """Words that tie a sentence to a country other than ``country`` (None: no clinic, so no
    country is "other"): such a sentence is left off the sheet, and the clinic's own
    regulator line stands in its place (`handout.region_markers` in the strings)."""
    markers = strings.text("clinic", "handout.region_markers")
    if country is None:
        return ()
    return tuple(w for c, words in markers.items() if c != country for w in words)


def _about_elsewhere(text: str, markers: tuple[str, ...]) -> bool:
    return any(m in text for m in markers)


def _section(key: str, markers: tuple[str, ...] = ()) -> tuple[list[dict], tuple[str, ...]]:
    p = content.passage(PASSAGES[key])
    found = blocks(p.markdown)
    # The passage's own bold heading line duplicates the handout's heading: drop it.
    if found and found[0]["kind"] == "p" and all(r["b"] for r in found[0]["runs"]):
        found = found[1:]
    kept = []
    for block in found:
        if block["kind"] == "list":
            items = [i for i in block["items"] if not _about_elsewhere(plain(i), markers)]
            if items:
                kept.append({**block, "items": items})
        elif not _about_elsewhere(plain(block["runs"]), markers):
            kept.append(block)
    return kept, p.refs


_AUTHOR = re.compile(r"^([A-Z][A-Za-z'\-]+)(?: [A-Z]{1,3})?(?:,| et al\.| [A-Z]{1,3}\.)")


def short_source(key: str) -> tuple[str, bool]:
    """A source in a few plain words, and whether it is a study: ``Sigtermans 2009``, or a
    label's, leaflet's or guide's own name (``Ketalar``, ``Mayo Clinic``)."""
    ref = reference(key)
    found = _AUTHOR.match(ref.citation)
    if found and ref.year:
        return f"{found.group(1)} {ref.year}", True
    name = re.split(r"[.(:;]", ref.citation, maxsplit=1)[0].strip()
    return name, False


def sources_in_short(keys) -> list[str]:
    """The sheet's sources in plain words: a sentence on where the facts are listed in full,
    then the studies and the labels, leaflets and guides by short name."""
    words = strings.text("clinic", "handout")
    studies, others = [], []
    for key in dict.fromkeys(keys):
        if reference(key).kind == "example":
            continue  # the clinic's own practice: said in the sentence
        name, study = short_source(key)
        (studies if study else others).append(name)
    lines = [" ".join(words["sources_intro"].split())]
    if studies:
        lines.append(words["sources_studies"].format(items=", ".join(dict.fromkeys(studies))))
    if others:
        lines.append(words["sources_other"].format(items="; ".join(dict.fromkeys(others))))
    return lines


def plan_rows(plan: Plan, iv: bool) -> list[tuple[str, str]]:
    """The plan's rows as (label, time) pairs: the same rows the page shows."""
    rows = strings.text("clinic", "plan.rows")
    ft = strings.text("clinic", "plan.from_to")
    at = strings.text("clinic", "plan.when")

    def when(moment) -> str:
        return fmt.when(moment, at)

    return [
        (rows["last_food"], when(plan.last_food)),
        (rows["last_drink"], when(plan.last_drink)),
        (rows["arrive"], when(plan.arrive)),
        (rows["drip"] if iv else rows["dose"],
         ft.format(start=when(plan.drip_from), end=(fmt.clock(plan.drip_to)
                   if plan.drip_to.date() == plan.drip_from.date() else when(plan.drip_to)))),
        (rows["home"], when(plan.home_earliest)),
        (rows["no_driving"], when(plan.no_driving_until)),
    ]


def session_lines(plan: Plan) -> list[str]:
    """One line per session of the course: ``Session 2: Tuesday 3 March 2026, start 09:30``."""
    s = strings.text("clinic", "plan")
    return [s["session"].format(n=x.number, day=fmt.day_words(x.start, year=False),
                                time=fmt.clock(x.start))
            for x in plan.sessions]


PAGE_ONLY_NOTES = ("past",)
"""Notes that are questions for whoever types the plan, not news for the patient's sheet."""


def _listed(items: list[str], joiner: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``joiner``: the strings' ``and`` or ``or``)."""
    return fmt.list_text(items, joiner)


def _grouped(kind: str, notes: list) -> str:
    """One sentence for the sessions that moved for one reason (or fall on a weekend)."""
    words = strings.text("clinic", "plan.notes")
    numbers = [str(n.session) for n in notes]
    many = len(numbers) > 1
    sessions = words["sessions" if many else "session"].format(n=_listed(numbers, "and"))
    if kind == "moved_weekday":
        days = [words["weekday_plural"].format(day=fmt.weekday(n.planned)) for n in notes]
    elif kind == "moved_date":
        days = [fmt.day_words(n.planned) for n in notes]
    elif kind == "weekend":
        days = [fmt.weekday(n.day) for n in notes]
    else:
        days = []
    return words[kind].format(sessions=sessions, verb=words["are" if many else "is"],
                              days=_listed(list(dict.fromkeys(days)), "or"))


def plan_notes(plan: Plan, page: bool = True) -> list[str]:
    """The plan's notes in words (`explainer.models.plan.PlanNote`): clock changes, sessions
    moved off closed days (one sentence per reason) or on a weekend, a date in the past
    (``page`` only)."""
    words = strings.text("clinic", "plan.notes")
    out, groups = [], {}
    for note in plan.notes:
        if note.kind in PAGE_ONLY_NOTES and not page:
            continue
        if note.kind in ("moved", "weekend"):
            key = f"moved_{note.reason}" if note.kind == "moved" else "weekend"
            if key not in groups:
                groups[key] = []
                out.append(key)  # its place: where its first session comes
            groups[key].append(note)
            continue
        key = f"clocks_{note.direction}" if note.kind == "clocks" else note.kind
        out.append(words[key].format(
            n=note.session, day=fmt.day_words(note.day) if note.day else "",
            typed=fmt.clock(note.typed) if note.typed else "",
            time=fmt.clock(note.moment) if note.moment else ""))
    return [_grouped(x, groups[x]) if x in groups else x for x in out]


def signal_frame(request: HandoutRequest) -> pain_fig.DiagramFrame:
    """The pain-signal diagram's frame for the handout: the page's level and pattern (or the
    level at the chart's cursor, else at the session's peak), with every impulse of the
    pattern arrived, so the signal bar shows where the pattern ends."""
    level = request.signal_level_ng_ml
    if level is None:
        curve = tl.session_curve(request.protocol_id, request.weight_kg)
        level = curve.level_at(request.cursor_min if request.cursor_min is not None
                               else curve.t_peak_min)
    result = nmda.simulate(float(level), request.signal_pattern)
    return pain_fig.diagram_frame(result, result.n_impulses, request.mode)


def picture_state(frame: pain_fig.DiagramFrame) -> str:
    """The picture's state in words, for its caption: the share blocked and the signal."""
    strength = strings.text("pain_signal", "strength.words")[frame.strength]
    return strings.text("clinic", "handout.picture_state").format(
        blocked=frame.blocked_text, strength=strength)


def handout_data(request: HandoutRequest) -> dict:
    """Everything the template shows, as JSON-ready data."""
    cfg = current()
    words = strings.text("clinic", "handout")
    plan_words = strings.text("clinic", "plan")
    rules = clinic_text.rules(cfg)
    protocol = shown_protocols()[request.protocol_id]
    iv = protocol.route == "intravenous"
    markers = other_regions(cfg.clinic.country if cfg else None)
    sections = {key: _section(key, markers) for key in PASSAGES}
    regulator = clinic_text.regulator(cfg)
    refs: list[str] = [*protocol.refs]
    for _, keys in sections.values():
        refs += keys
    refs += [*rules.refs, *CHART_REFS, *PICTURE_REFS, *(regulator["refs"] if regulator else ())]
    made = request.made_on or date.today()
    plan = request.plan
    name = (request.patient_name or "").strip()
    language, _, region = strings.current().partition("-")
    return {
        "lang": language.lower(),
        "region": region.upper() or None,
        "author_generic": words["author_generic"],
        "page_numbering": words["page_of"].format(page=1, total=1),
        "paper": "us-letter" if cfg and cfg.clinic.paper_size == "Letter" else "a4",
        "title": words["title"],
        "subtitle": (words["subtitle_clinic"].format(name=cfg.clinic.name) if cfg
                     else words["subtitle_generic"]),
        "made_for": words["made_for"].format(name=name) if name else "",
        "made_on": words["made_on"].format(day=fmt.day_words(made)),
        "clinic": cfg.clinic.name if cfg else "",
        "contacts": ([[words["phone"], cfg.clinic.phone],
                      [words["out_of_hours"], cfg.clinic.out_of_hours_phone],
                      [words["emergency"], cfg.clinic.emergency_number]] if cfg else []),
        "no_contacts": words["no_contacts"],
        "emergency_line": rules.emergency_sentence,
        "h": {**{k: words[k] for k in ("contacts", "plan", "chart", "picture", "main_points",
                                       "side_effects", "when_to_call", "before", "after",
                                       "questions", "sources", "what", "when")},
              "sessions": plan_words["sessions"], "notes": plan_words["notes_title"]},
        "protocol": protocol.name,
        "protocol_about": protocol.audience["patient"],
        "plan_rows": [list(r) for r in plan_rows(plan, iv)] if plan else [],
        "sessions": session_lines(plan) if plan else [],
        "plan_notes": plan_notes(plan, page=False) if plan else [],
        "no_plan": words["no_plan"],
        "no_driving_note": (plan_words["no_driving_note"].format(
            hours=fmt.plain(clinic_text.plan_rules(cfg).no_driving_hours)) if plan else ""),
        "chart_alt": words["chart_alt"].format(protocol=protocol.name),
        "chart_note": words["chart_note"],
        "picture_alt": words["picture_alt"],
        "picture_note": f'{picture_state(signal_frame(request))} {words["picture_note"]}',
        "main_points": sections["main_points"][0],
        "side_effects": sections["side_effects"][0],
        "questions": sections["questions"][0],
        "call_intro": rules.call_intro or "",
        "call": list(rules.call),
        "call_note": (strings.text("clinic", "default_when_to_call.note")
                      if rules.call_is_default else ""),
        "before": list(rules.before),
        "medicines_intro": strings.text("clinic", "panel.medicines") if rules.medicines else "",
        "medicines": list(rules.medicines),
        "bring_intro": strings.text("clinic", "panel.bring") if rules.bring else "",
        "bring": list(rules.bring),
        "after": list(rules.after),
        "regulator": " ".join(regulator["text"].split()) if regulator else "",
        "generic_note": "" if cfg else " ".join(strings.text("clinic", "generic.note").split()),
        "sources": sources_in_short(refs),
        "footer": words["footer"],
    }

