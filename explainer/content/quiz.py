"""The trainee self-check (``assets/quiz.yaml``): load and validate the questions, and the pure
logic a quiz view needs: shuffling per viewer, checking an answer, keeping a score.

    from explainer.content.quiz import questions as quiz
    questions = quiz.questions("receptor")            # one topic; quiz.questions() for all
    shown = quiz.shuffled(questions, random.Random())  # questions and choices in a new order
    quiz.check(shown[0].question, "S-ketamine")        # -> Verdict(correct, expected, message)
    tally = quiz.Tally(total=len(shown)).record(shown[0].question.id, True)
    tally.correct, tally.answered, tally.finished

Validation has two layers: a JSON Schema (the ``jsonschema`` library) for the shape, then the
rules a schema cannot say: exactly one correct choice, unique ids and choices, a known topic,
reference keys that resolve in ``assets/references.yaml`` (both in ``quiz_schema``).
Nothing here stores an answer.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from explainer.content import strings
from explainer.content._assets import ContentError, assets_dir, read_yaml
from explainer.content.quiz.schema import KINDS, problems
from explainer.content.references import references

__all__ = [
    "KINDS",
    "Question",
    "Shown",
    "Tally",
    "Verdict",
    "check",
    "parse_number",
    "questions",
    "shuffled",
    "topics",
]

@dataclass(frozen=True)
class Question:
    """One question. For ``kind == "choice"``, ``choices[correct_index]`` is the answer; for
    ``"numeric"``, any number within ``tolerance`` of ``answer`` (in ``unit``) is right."""

    id: str
    topic: str
    kind: str
    text: str
    explanation: str
    refs: tuple[str, ...]
    choices: tuple[str, ...] = ()
    correct_index: int | None = None
    answer: float | None = None
    tolerance: float | None = None
    unit: str | None = None

    @property
    def expected(self) -> str:
        """The correct answer in words."""
        if self.kind == "choice":
            return self.choices[self.correct_index]
        gap = "" if self.unit == "%" else " "
        return f"{_format_number(self.answer)}{gap}{self.unit}"


@dataclass(frozen=True)
class Shown:
    """A question as one viewer sees it: its choices in this viewer's order."""

    question: Question
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """The result of checking one answer. ``correct`` is None when the answer could not be read
    (an empty or non-numeric entry): that is not counted, and ``message`` says what to enter."""

    correct: bool | None
    expected: str
    message: str


@dataclass(frozen=True)
class Tally:
    """The score so far: which question ids were answered, and which of them correctly."""

    total: int
    results: tuple[tuple[str, bool], ...] = field(default=())

    def record(self, question_id: str, correct: bool) -> Tally:
        """A new tally with this answer added (a question already answered keeps its result)."""
        if any(qid == question_id for qid, _ in self.results):
            return self
        return replace(self, results=(*self.results, (question_id, bool(correct))))

    @property
    def answered(self) -> int:
        return len(self.results)

    @property
    def correct(self) -> int:
        return sum(ok for _, ok in self.results)

    @property
    def finished(self) -> bool:
        return self.answered >= self.total


def _format_number(x: float) -> str:
    return f"{x:,.10g}"


def _path() -> Path:
    return assets_dir() / "quiz.yaml"


def _build(entry: dict) -> Question:
    common = dict(id=entry["id"], topic=entry["topic"], kind=entry["kind"],
                  text=entry["question"].strip(), explanation=entry["explanation"].strip(),
                  refs=tuple(entry["refs"]))
    if entry["kind"] == "choice":
        choices = entry["choices"]
        return Question(**common, choices=tuple(c["text"].strip() for c in choices),
                        correct_index=next(i for i, c in enumerate(choices) if c.get("correct")))
    return Question(**common, answer=float(entry["answer"]), tolerance=float(entry["tolerance"]),
                    unit=entry["unit"])


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, str], tuple[Question, ...]]:
    path = _path()
    data = read_yaml(path)
    found = problems(data, set(references()))
    if found:
        raise ContentError(f"{path.name}: " + "; ".join(found))
    return dict(data["topics"]), tuple(_build(e) for e in data["questions"])


def validate_data(data: object) -> list[str]:
    """Every problem with a quiz document (already parsed), as sentences; [] when it is valid."""
    return problems(data, set(references()))


def topics() -> dict[str, str]:
    """Topic id -> title, in file order."""
    return dict(_load()[0])


def questions(topic: str | None = None) -> tuple[Question, ...]:
    """All questions in file order, or one topic's. An unknown topic raises ``ValueError``."""
    all_topics, found = _load()
    if topic is None:
        return found
    if topic not in all_topics:
        raise ValueError(f"unknown quiz topic {topic!r}; allowed: {', '.join(all_topics)}")
    return tuple(q for q in found if q.topic == topic)


def clear_cache() -> None:
    """Forget the loaded file (tests and a clinic's edited copy)."""
    _load.cache_clear()


def shuffled(items: Sequence[Question], rng: random.Random) -> list[Shown]:
    """The questions in a new order, each with its choices in a new order (one viewer's quiz).
    The input is not changed; the same seed gives the same order."""
    order = list(items)
    rng.shuffle(order)
    shown = []
    for q in order:
        choices = list(q.choices)
        rng.shuffle(choices)
        shown.append(Shown(q, tuple(choices)))
    return shown


_NUMBER = re.compile(r"^\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)"
                     r"\s*([a-zA-Zµ%/][\w%/µ ]*)?$")


def parse_number(text: str) -> float | None:
    """A typed number ("1100", "1,100", "2.2", "1e3", " 4.4 % ") or None when it is not one.
    A trailing unit or percent sign is ignored; NaN and infinity are refused."""
    match = _NUMBER.match(str(text))
    if not match or not any(ch.isdigit() for ch in match.group(1)):
        return None
    value = float(match.group(1).replace(",", ""))
    return value if math.isfinite(value) else None


def check(question: Question, response: object) -> Verdict:
    """Check one answer: a choice's text for a choice question, typed text or a number for a
    numeric one. Returns a :class:`Verdict` whose message gives the right answer."""
    expected = question.expected
    words = strings.table("ui")["quiz"]
    if question.kind == "choice":
        if response not in question.choices:
            return Verdict(None, expected, words["choose_first"])
        ok = response == question.choices[question.correct_index]
    else:
        value = response if isinstance(response, (int, float)) and not isinstance(response, bool) \
            else parse_number(response if isinstance(response, str) else "")
        if value is None or not math.isfinite(value):
            return Verdict(None, expected, words["number_first"].format(unit=question.unit))
        ok = abs(value - question.answer) <= question.tolerance + 1e-9
    word = words["correct"] if ok else words["incorrect"]
    return Verdict(ok, expected, words["verdict"].format(word=word, expected=expected))
