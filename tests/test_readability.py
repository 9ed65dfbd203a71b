"""Reading level of everything a patient sees (textstat 0.7.4, Flesch–Kincaid grade).

Targets (clinical-facts.md, patient-education standards): NIH recommends below 8th grade; AMA
and HHS suggest 6th grade or lower. So each patient-facing passage must score 8.0 or less and
the mean 6.0 or less. Glossary entries and patient prediction prompts must also score 8.0 or less.

Flesch–Kincaid counts sentences by full stops, so before scoring, each list item or table row
(one line of the plain text) is read as its own sentence: a trailing colon, semicolon or comma
becomes a full stop, and a line with no end punctuation gets one. The text itself is not cut up.
"""

from __future__ import annotations

import re
import statistics
from importlib import metadata

import pytest
import textstat

from explainer import content

MAX_GRADE = 8.0
MAX_MEAN_GRADE = 6.0


def readable(text: str) -> str:
    """Plain text with each line (paragraph, list item, table row) ending as a sentence."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*-\s+", "", line).strip()
        if not line:
            continue
        line = re.sub(r"[:;,]$", ".", line)
        if not re.search(r"[.!?]$", line):
            line += "."
        out.append(line)
    return " ".join(out)


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(readable(text))


def patient_grades() -> dict[str, float]:
    return {p.id: grade(p.text) for p in content.passages("patient")}


def test_textstat_version_is_pinned():
    # Scores differ between textstat releases; the thresholds were set with 0.7.4.
    assert metadata.version("textstat") == "0.7.4"
    assert textstat.flesch_kincaid_grade("The cat sat on the mat. It was warm.") < 2


def test_readable_only_ends_lines():
    assert readable("You may:\n- feel dizzy;\n- feel sick\nTell staff.") == (
        "You may. feel dizzy. feel sick. Tell staff.")


@pytest.mark.parametrize("passage", content.passages("patient"), ids=lambda p: p.id)
def test_each_patient_passage_is_at_most_grade_8(passage):
    g = grade(passage.text)
    assert g <= MAX_GRADE, f"{passage.id}: grade {g} > {MAX_GRADE}: shorter words and sentences"


def test_mean_patient_grade_is_at_most_6():
    grades = patient_grades()
    mean = statistics.mean(grades.values())
    assert mean <= MAX_MEAN_GRADE, f"mean grade {mean:.2f} > {MAX_MEAN_GRADE}"


def test_patient_passages_are_plain_even_without_line_handling():
    # A cross-check that the line handling above is not what makes the text pass.
    grades = [textstat.flesch_kincaid_grade(p.text) for p in content.passages("patient")]
    assert max(grades) <= MAX_GRADE
    assert statistics.mean(grades) <= MAX_MEAN_GRADE


def test_patient_sentences_are_short():
    for p in content.passages("patient"):
        for sentence in re.split(r"(?<=[.!?])\s+|\n", p.text):
            words = sentence.split()
            assert len(words) <= 25, f"{p.id}: a {len(words)}-word sentence: {sentence!r}"


@pytest.mark.parametrize("entry", content.glossary(), ids=lambda e: e.id)
def test_glossary_is_plain(entry):
    assert grade(entry.text) <= MAX_GRADE, entry.id


@pytest.mark.parametrize("prompt", content.predictions(audience="patient"), ids=lambda q: q.id)
def test_patient_predictions_are_plain(prompt):
    text = "\n".join([prompt.question, *(c.text for c in prompt.choices), prompt.explanation])
    assert grade(text) <= MAX_GRADE, prompt.id
