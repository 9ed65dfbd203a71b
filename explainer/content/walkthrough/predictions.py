"""The parser of the "guess first" prompts (``assets/en-GB/content/predictions.yaml``)."""

from __future__ import annotations

from pathlib import Path

from explainer.content._validate import Problems
from explainer.content.markdown import render as _markdown
from explainer.content.walkthrough import fields as f
from explainer.content.walkthrough.records import Choice, Prediction

__all__ = ["PREDICTION_KEYS", "parse_predictions"]

PREDICTION_KEYS = (
    {"id", "step", "audience", "question", "choices", "answer", "explanation", "refs"},
    set(),
)


def parse_predictions(path: Path, data, known, p: Problems,
                      seen: dict[str, str]) -> list[Prediction]:
    """The prompts of ``predictions.yaml`` (``data``: its words in the page's locale, from the
    strings accessor; none if the file is absent; problems go into ``p``)."""
    if not path.exists():
        return []
    if (not isinstance(data, dict) or set(data) != {"predictions"}
            or not isinstance(data["predictions"], list)):
        p.add(path.name, "must be a mapping with a `predictions` list")
        return []
    out = []
    for where, item in f.items(path, data["predictions"], "prediction", PREDICTION_KEYS, p):
        ident = f.ident(item, where, p, seen)
        step = f.step(item, where, p)
        audience = f.audience(item, where, p)
        question = f.text_field(item, "question", where, p)
        explanation = f.text_field(item, "explanation", where, p)
        choices: list[Choice] = []
        raw = item["choices"]
        if not isinstance(raw, list) or not 2 <= len(raw) <= 3:
            p.add(where, "choices must be a list of 2 or 3")
            raw = []
        for c in raw:
            if (not isinstance(c, dict) or set(c) != {"id", "text"}
                    or not isinstance(c["text"], str) or not c["text"].strip()):
                p.add(where, "each choice needs exactly an `id` and a `text`")
                continue
            choices.append(Choice(str(c["id"]), c["text"].strip()))
        if len({c.id for c in choices}) != len(choices):
            p.add(where, "choice ids must be unique")
        answer = str(item["answer"])
        if choices and answer not in {c.id for c in choices}:
            p.add(where, f"answer {answer!r} is not one of the choice ids")
        body = " ".join([question, explanation, *(c.text for c in choices)])
        for name, value in (("question", question), ("explanation", explanation)):
            if value and _markdown.has_raw_html(value):
                p.add(where, f"{name} contains raw HTML")
        refs, _ = f.refs_and_claim(item, where, p, known, body)
        out.append(Prediction(ident, step, audience, question, tuple(choices), answer,
                              explanation, refs))
    return out
