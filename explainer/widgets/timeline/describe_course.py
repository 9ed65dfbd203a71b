"""The course describer: "A course of treatment" in words.

    describe_course("schwartzman-2009")             # the plan, what the studies found, and
    describe_course("schwartzman-2009", "trainee")  # always that it is not a prediction

Words come from `assets/<locale>/strings/timeline.yaml` (`course`).
"""

from __future__ import annotations

from explainer import formatting as fmt
from explainer.content import strings
from explainer.content.clinic.env import shown_protocols
from explainer.figures import course as course_fig
from explainer.figures import session as timeline_fig
from explainer.widgets.audience import PATIENT, TRAINEE


def plan_sentence(protocol_id: str) -> str:
    """How the protocol's sessions are given: one drip, daily drips, doses …"""
    plan = strings.text("timeline", "course.plan")
    protocol = shown_protocols()[protocol_id]
    n = len(protocol.session_days)
    if protocol.route == "intravenous":
        if protocol.session_length_min > 1440:
            return plan["iv_continuous"].format(days=fmt.fixed(protocol.session_length_min / 1440))
        hours = timeline_fig.duration_words(protocol.session_length_min)
        return (plan["iv_single"] if n == 1 else plan["iv_daily"]).format(hours=hours, n=n)
    if len(protocol.doses) == 1 and n == 1:
        return plan["dose_single"]
    return plan["doses_daily"].format(k=len(protocol.doses), n=n)


def course_sentences(protocol_id: str, mode: str = PATIENT) -> list[str]:
    """The course describer's sentences, in order."""
    course = strings.text("timeline", "course")
    rows = {r["key"]: " ".join(r["text"].split()) for r in course["rows"]}  # drawn on two lines
    sources = {r["key"]: r["source"] for r in course["rows"]}
    frame = course_fig.course_frame(protocol_id, mode)
    out = [plan_sentence(protocol_id), rows["onset"]]
    if mode == TRAINEE:
        source_row = strings.text("timeline", "formats.source_row")
        out += [source_row.format(text=rows[k].rstrip("."), source=sources[k])
                for k in rows if k != "onset"]
    else:
        out += [rows[k] for k in frame.closest]
        out += [rows["none"], rows["nice"]]
    if frame.closest:
        out.append(course["describer_closest"])
    if not frame.iv:
        out.append(course["non_iv_note"]["text"])
    out.append(course["not_prediction"][mode])
    return out


def describe_course(protocol_id: str, mode: str = PATIENT) -> str:
    """The course describer as plain text (always says it is not a prediction)."""
    return " ".join(course_sentences(protocol_id, mode))
