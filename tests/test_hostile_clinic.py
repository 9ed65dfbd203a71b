"""A clinic file cannot hold control or text-direction characters in any text field (issue 20:
a U+202E in the clinic's name reversed the footer's phone numbers)."""

from __future__ import annotations

import pytest

from explainer.content.clinic.config import load_clinic
from tests.test_clinic_config import MINIMAL, _problems, _set, _write

HIDDEN = ["\\u202e", "\\u202d", "\\u2066", "\\u2067", "\\u2068", "\\u2069", "\\u200e",
          "\\u200f", "\\u061c", "\\u0085", "\\u009b"]
FIELDS = [("clinic", 'name = "Test{c}Clinic"', "clinic.name"),
          ("after_care", 'sedatives = "a{c}b"', "after_care.sedatives"),
          ("before", 'bring = ["glasses", "a{c}b"]', "before.bring")]


@pytest.mark.parametrize("char", HIDDEN)
@pytest.mark.parametrize(("table", "line", "field"), FIELDS, ids=[f[2] for f in FIELDS])
def test_control_and_direction_characters_are_refused(tmp_path, char, table, line, field):
    (problem,) = _problems(tmp_path, _set(MINIMAL, table, line.format(c=char)))
    assert f": {field}" in problem and "text-direction characters" in problem, problem


def test_ordinary_accents_and_scripts_are_kept(tmp_path):
    text = _set(MINIMAL, "clinic", 'name = "Clínica São João — مركز"')
    assert load_clinic(_write(tmp_path, text)).clinic.name == "Clínica São João — مركز"

