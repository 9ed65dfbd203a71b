"""The shape and rules of ``assets/quiz.yaml``: a JSON Schema (the ``jsonschema`` library) for
the shape, then what a schema cannot say (one correct choice, unique ids and choices, a known
topic, reference keys that resolve). Used by :mod:`explainer.content.quiz.questions`.

    problems(data, set(references()))   # [] when the parsed document is valid
"""

from __future__ import annotations

import math

import jsonschema

__all__ = ["KINDS", "problems"]

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
