"""The trainee self-check (``assets/en-GB/quiz.yaml``): load and validate the questions, and the
pure logic a quiz view needs: shuffling per viewer, checking an answer, keeping a score.

    from explainer.content import quiz
    questions = quiz.questions("receptor")            # one topic; quiz.questions() for all
    shown = quiz.shuffled(questions, random.Random())  # questions and choices in a new order
    quiz.check(shown[0].question, "S-ketamine")        # -> Verdict(correct, expected, message)
    tally = quiz.Tally(total=len(shown)).record(shown[0].question.id, True)
    tally.correct, tally.answered, tally.finished

Validation has two layers: a JSON Schema (the ``jsonschema`` library) for the shape, then the
rules a schema cannot say: exactly one correct choice, unique ids and choices, a known topic,
reference keys that resolve in ``assets/references.yaml`` (`problems`).
Nothing here stores an answer.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import jsonschema

from explainer.content import strings
from explainer.content._assets import ContentError
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

# --- The file's shape and rules: a JSON Schema, then what a schema cannot say ------------------

KINDS = ("choice", "numeric")

_TEXT = {"type": "string", "minLength": 1}
_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "topics", "questions"],
    "properties": {
        "schema_version": {"const": 1},
        "topics": {"type": "object", "minProperties": 1,
                   "additionalProperties": _TEXT,
                   "propertyNames": {"pattern": "^[a-z][a-z-]*$"}},
        "questions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "topic", "kind", "question", "explanation", "refs"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "topic": _TEXT,
                    "kind": {"enum": list(KINDS)},
                    "question": _TEXT,
                    "explanation": _TEXT,
                    "refs": {"type": "array", "minItems": 1, "items": _TEXT},
                    "choices": {
                        "type": "array", "minItems": 2,
                        "items": {"type": "object", "additionalProperties": False,
                                  "required": ["text"],
                                  "properties": {"text": _TEXT, "correct": {"type": "boolean"}}},
                    },
                    "answer": {"type": "number"},
                    "tolerance": {"type": "number", "minimum": 0},
                    "unit": _TEXT,
                },
                "allOf": [
                    {"if": {"properties": {"kind": {"const": "choice"}}},
                     "then": {"required": ["choices"]}},
                    {"if": {"properties": {"kind": {"const": "numeric"}}},
                     "then": {"required": ["answer", "tolerance", "unit"]}},
                ],
                "additionalProperties": False,
            },
        },
    },
}


_ONLY_FOR = {"choice": {"answer", "tolerance", "unit"}, "numeric": {"choices"}}
"""Fields that the *other* kind of question must not carry."""


def _where(data: object, path: list) -> str:
    """A readable place: the question's id where there is one, then the field."""
    if len(path) >= 2 and path[0] == "questions":
        try:
            qid = data["questions"][path[1]]["id"]
        except (KeyError, IndexError, TypeError):
            qid = f"question {path[1] + 1}"
        return "/".join([str(qid), *map(str, path[2:])])
    return "/".join(map(str, path)) or "(top)"


def problems(data: object, known_refs: set[str]) -> list[str]:
    """Every problem with a parsed quiz document, as sentences ([] when valid)."""
    validator = jsonschema.Draft202012Validator(_SCHEMA)
    problems = [f"{_where(data, list(e.absolute_path))}: {e.message}"
                for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))]
    if problems:
        return problems
    seen: set[str] = set()
    for entry in data["questions"]:
        qid = entry["id"]
        if qid in seen:
            problems.append(f"{qid}: duplicate id")
        seen.add(qid)
        if entry["topic"] not in data["topics"]:
            problems.append(f"{qid}: unknown topic {entry['topic']!r} "
                            f"(allowed: {', '.join(data['topics'])})")
        unknown = [k for k in entry["refs"] if k not in known_refs]
        if unknown:
            problems.append(f"{qid}: unknown reference keys {unknown}")
        extra = sorted(_ONLY_FOR[entry["kind"]] & entry.keys())
        if extra:
            problems.append(f"{qid}: {', '.join(extra)} not allowed in a {entry['kind']} question")
        if entry["kind"] == "choice":
            n_correct = sum(bool(c.get("correct")) for c in entry["choices"])
            if n_correct != 1:
                problems.append(f"{qid}: needs exactly one correct choice, has {n_correct}")
            texts = [c["text"].strip() for c in entry["choices"]]
            if len(set(texts)) != len(texts):
                problems.append(f"{qid}: two choices have the same text")
        elif not math.isfinite(entry["answer"]):
            problems.append(f"{qid}: answer must be a finite number")
    return problems


# --- Loading and the quiz logic ---------------------------------------------------------------

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


FILE = "quiz.yaml"
"""The questions, under each locale's folder (trainee text: ``es`` may keep English)."""


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


@lru_cache(maxsize=4)
def _load(locale: str) -> tuple[dict[str, str], tuple[Question, ...]]:
    path = strings.source(FILE)
    data = strings.load(FILE, locale)
    found = problems(data, set(references()))
    if found:
        raise ContentError(f"{path.name}: " + "; ".join(found))
    return dict(data["topics"]), tuple(_build(e) for e in data["questions"])


def validate_data(data: object) -> list[str]:
    """Every problem with a quiz document (already parsed), as sentences; [] when it is valid."""
    return problems(data, set(references()))


def topics() -> dict[str, str]:
    """Topic id -> title, in file order."""
    return dict(_load(strings.current())[0])


def questions(topic: str | None = None) -> tuple[Question, ...]:
    """All questions in file order, or one topic's. An unknown topic raises ``ValueError``."""
    all_topics, found = _load(strings.current())
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
