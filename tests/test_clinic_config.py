"""The clinic configuration file: every field's valid and invalid values, both examples, error
messages that name the file, line, field and allowed values, the command's exit status."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from explainer import content
from explainer.content.clinic import config as clinic
from explainer.content.clinic.config import ClinicConfigError, field_lines, load_clinic

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = [REPO / "examples" / "clinic.toml", REPO / "examples" / "clinic-us.toml"]
CLI = str(Path(sys.executable).parent / "ketamine-explainer")

MINIMAL = """\
[clinic]
name = "Test Clinic"
phone = "0161 496 0000"
out_of_hours_phone = "0161 496 0999"
country = "UK"

[after_care]
observe_minutes = 60
escort_required = true
no_driving_hours = 24
"""

PROTOCOL = """
[[protocols]]
id = "local-drip"
name = "Our drip"
summary = "A 2-hour drip."
route = "intravenous"
session_days = [0]
session_length_min = 120
refs = ["local-protocol"]
example = false
audience = { patient = "One drip of 2 hours.", trainee = "40 mg/h for 2 h." }

[[protocols.doses]]
kind = "infusion"
start_min = 0
duration_min = 120
mg_per_h = 40
"""


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _set(text: str, table: str, line: str) -> str:
    """Add (or replace) `line` (``key = value``) in `[table]` of a TOML text."""
    key = line.split("=", 1)[0].strip()
    header = f"[{table}]"
    if header not in text:
        return f"{text}\n{header}\n{line}\n"
    head, rest = text.split(header, 1)
    body, sep, tail = rest.partition("\n[")
    body = re.sub(rf"(?m)^{re.escape(key)}\s*=.*\n?", "", body)
    return f"{head}{header}{body.rstrip()}\n{line}\n{sep}{tail}" if sep else \
        f"{head}{header}{body.rstrip()}\n{line}\n"


def _problems(tmp_path, text: str) -> tuple[str, ...]:
    with pytest.raises(ClinicConfigError) as info:
        load_clinic(_write(tmp_path, text))
    return info.value.problems


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_both_examples_load(path):
    cfg = load_clinic(path)
    assert cfg.clinic.name and cfg.protocols
    assert cfg.after_care.no_driving_hours >= 24


def test_the_examples_differ_by_country():
    uk, us = (load_clinic(p) for p in EXAMPLES)
    assert (uk.clinic.emergency_number, uk.clinic.paper_size) == ("999", "A4")
    assert (us.clinic.emergency_number, us.clinic.paper_size) == ("911", "Letter")
    assert str(us.clinic.zone) == "America/Chicago" and str(uk.clinic.zone) == "Europe/London"
    assert us.after_care.when_to_call and uk.after_care.when_to_call is None
    assert us.steps == uk.steps == tuple(range(1, 10))


def test_the_minimal_file_takes_the_documented_defaults(tmp_path):
    cfg = load_clinic(_write(tmp_path, MINIMAL))
    assert (cfg.before.food_hours, cfg.before.clear_fluids_hours,
            cfg.before.arrive_minutes_before) == (6, 2, 30)
    assert cfg.after_care.no_alcohol_hours == 24 and cfg.after_care.when_to_call is None
    assert cfg.steps == content.STEPS and cfg.show.protocols is None
    assert cfg.clinic.paper_size == "A4" and str(cfg.clinic.zone) == "Europe/London"


GOOD = [
    ("clinic", 'name = "St Mary\'s <Pain> & Spine"'),
    ("clinic", 'phone = "+44 20 7946 0123"'),
    ("clinic", 'phone = "(312) 555-0142"'),
    ("clinic", 'out_of_hours_phone = "111"  '.replace("111", "0800 123 456")),
    ("clinic", 'country = "US"'),
    ("clinic", 'paper = "Letter"'),
    ("clinic", 'timezone = "America/Los_Angeles"'),
    ("before", "food_hours = 2"),
    ("before", "food_hours = 8.5"),
    ("before", "clear_fluids_hours = 0"),
    ("before", "arrive_minutes_before = 60"),
    ("before", 'medicines_to_check = ["Diazepam"]'),
    ("before", 'bring = ["A book", "Your medicines"]'),
    ("after_care", "observe_minutes = 1"),
    ("after_care", "observe_minutes = 120"),
    ("after_care", "no_driving_hours = 24"),
    ("after_care", "no_driving_hours = 48"),
    ("after_care", "no_alcohol_hours = 48"),
    ("after_care", 'sedatives = "No sleeping tablets tonight."'),
    ("after_care", 'when_to_call = ["Pain passing urine"]'),
    ("show", "steps = [1, 6, 7, 8, 9]"),
    ("show", "steps = [9, 8, 7, 6, 2]"),
    ("show", 'protocols = ["cohen-2018-test"]'),
]


@pytest.mark.parametrize(("table", "line"), GOOD, ids=[g[1][:30] for g in GOOD])
def test_valid_values_are_accepted(tmp_path, table, line):
    cfg = load_clinic(_write(tmp_path, _set(MINIMAL, table, line)))
    key = line.split("=", 1)[0].strip()
    assert getattr(getattr(cfg, table if table != "show" else "show"), key) is not None


BAD = [
    ("clinic", 'name = ""', "clinic.name", "at least 1 character"),
    ("clinic", 'name = "' + "x" * 81 + '"', "clinic.name", "at most 80"),
    ("clinic", 'name = "Two\\nlines"', "clinic.name", "one line"),
    ("clinic", "name = 3", "clinic.name", "valid string"),
    ("clinic", 'phone = "call us"', "clinic.phone", "phone number"),
    ("clinic", 'phone = "12"', "clinic.phone", "phone number"),
    ("clinic", 'out_of_hours_phone = "<b>1</b>"', "clinic.out_of_hours_phone", "phone number"),
    ("clinic", 'country = "FR"', "clinic.country", "'UK' or 'US'"),
    ("clinic", 'paper = "A5"', "clinic.paper", "'A4' or 'Letter'"),
    ("clinic", 'timezone = "Mars/Olympus"', "clinic.timezone", "time zone name"),
    ("clinic", 'colour = "red"', "clinic.colour", "allowed: name, phone"),
    ("before", "food_hours = -1", "before.food_hours", "greater than or equal to 0"),
    ("before", "food_hours = 30", "before.food_hours", "less than or equal to 24"),
    ("before", "clear_fluids_hours = 8", "before.clear_fluids_hours", "not be longer than"),
    ("before", 'clear_fluids_hours = "two"', "before.clear_fluids_hours", "valid number"),
    ("before", "arrive_minutes_before = 500", "before.arrive_minutes_before", "less than"),
    ("before", 'medicines_to_check = "diazepam"', "before.medicines_to_check", "valid list"),
    ("before", 'bring = [""]', "before.bring[0]", "at least 1 character"),
    ("after_care", "observe_minutes = -5", "after_care.observe_minutes", "more than 0"),
    ("after_care", "observe_minutes = 1000", "after_care.observe_minutes", "less than"),
    ("after_care", 'escort_required = "yes please"', "after_care.escort_required",
     "valid boolean"),
    ("after_care", "no_driving_hours = 12", "after_care.no_driving_hours", "at least 24"),
    ("after_care", "no_driving_hours = 200", "after_care.no_driving_hours", "less than"),
    ("after_care", "no_alcohol_hours = -1", "after_care.no_alcohol_hours", "at least 24"),
    ("after_care", "when_to_call = []", "after_care.when_to_call", "at least 1 item"),
    ("after_care", 'sedatives = "a\\u0000b"', "after_care.sedatives", "control characters"),
    ("show", "steps = [0, 10]", "show.steps", "from 1 to 9"),
    ("show", "steps = [1, 5, 9]", "show.steps", "missing 6 (evidence), 7 (risks), 8 (safety)"),
    ("show", "steps = [2, 2]", "show.steps", "listed once"),
    ("show", "steps = []", "show.steps", "at least 1 item"),
    ("after_care", "observe_minutes = 0", "after_care.observe_minutes", "more than 0"),
    ("after_care", "escort_required = false", "after_care.escort_required", "must be true"),
    ("after_care", "no_alcohol_hours = 0", "after_care.no_alcohol_hours", "at least 24"),
    ("show", 'protocols = ["nope"]', "show.protocols[0]", "unknown protocol 'nope'; allowed:"),
]


@pytest.mark.parametrize(("table", "line", "field", "message"), BAD,
                         ids=[b[1][:30] for b in BAD])
def test_invalid_values_are_refused_naming_file_line_and_field(tmp_path, table, line, field,
                                                               message):
    text = _set(MINIMAL, table, line)
    (problem,) = _problems(tmp_path, text)
    path = tmp_path / "clinic.toml"
    where, rest = problem.split(": ", 1)
    file, number = where.rsplit(":", 1)
    assert file == str(path)
    key = line.split("=", 1)[0].strip()
    assert text.splitlines()[int(number) - 1].startswith(key), (problem, number)
    assert rest.startswith(f"{field}: "), problem
    assert message in rest, problem


def test_no_driving_12_hours_is_refused_citing_the_labels(tmp_path):
    (problem,) = _problems(tmp_path, _set(MINIMAL, "after_care", "no_driving_hours = 12"))
    assert ":10: after_care.no_driving_hours: must be at least 24" in problem
    assert "label" in problem and "ketalar-label" in problem and "got 12" in problem
    from explainer.content import references
    for key in clinic.NO_DRIVING_REFS:
        assert key in references()


@pytest.mark.parametrize("table", ["clinic", "after_care"])
def test_a_missing_required_table_or_field_is_named(tmp_path, table):
    text = MINIMAL.split(f"[{table}]")[0] if table == "after_care" else \
        MINIMAL.replace('phone = "0161 496 0000"\n', "")
    problems = _problems(tmp_path, text)
    expected = "after_care: missing (required)" if table == "after_care" else \
        "clinic.phone: missing (required)"
    assert any(expected in p for p in problems), problems


def test_every_problem_gets_its_own_line(tmp_path):
    text = _set(_set(_set(MINIMAL, "clinic", 'country = "FR"'), "after_care",
                     "no_driving_hours = 12"), "before", "shoe_size = 9")
    problems = _problems(tmp_path, text)
    assert len(problems) == 3
    assert {p.split(": ")[1] for p in problems} == {
        "clinic.country", "after_care.no_driving_hours", "before.shoe_size"}


def test_not_toml_names_the_line(tmp_path):
    (problem,) = _problems(tmp_path, MINIMAL + "\nthis is not toml\n")
    assert "not valid TOML" in problem and "line 12" in problem


def test_a_clinic_protocol_goes_through_the_library_validator(tmp_path):
    cfg = load_clinic(_write(tmp_path, MINIMAL + PROTOCOL))
    (p,) = cfg.protocols.values()
    assert p.id == "local-drip" and p.refs == ("local-protocol",)
    assert p.session_total_mg(70) == pytest.approx(80)


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ("mg_per_h = 40", "mg_per_h = -40", "protocols[0].doses[0].mg_per_h", "number > 0"),
    ('route = "intravenous"', 'route = "rectal"', "protocols[0].route", "must be one of"),
    ('refs = ["local-protocol"]', 'refs = ["made-up"]', "protocols[0].refs",
     "unknown reference key"),
    ("duration_min = 120", "duration_min = 500", "protocols[0].doses[0]", "after session"),
    ('id = "local-drip"', 'id = "cohen-2018-test"', "protocols[0].id", "already used"),
    ("example = false", "example = false\ncolour = 1", "protocols[0]", "unknown key"),
])
def test_bad_protocols_are_refused_at_their_line(tmp_path, old, new, field, message):
    text = MINIMAL + PROTOCOL.replace(old, new)
    (problem,) = _problems(tmp_path, text)
    where, rest = problem.split(": ", 1)
    assert rest.startswith(f"{field}: ") and message in rest, problem
    line = text.splitlines()[int(where.rsplit(":", 1)[1]) - 1]
    assert line.startswith(field.rsplit(".", 1)[-1].split("[")[0]) or line.startswith("[["), \
        (problem, line)


def test_field_lines_follow_tables_and_arrays_of_tables():
    lines = field_lines(MINIMAL + PROTOCOL)
    text = (MINIMAL + PROTOCOL).splitlines()
    assert text[lines[("clinic", "phone")] - 1].startswith("phone")
    assert text[lines[("protocols", 0)] - 1] == "[[protocols]]"
    assert text[lines[("protocols", 0, "doses", 0, "mg_per_h")] - 1] == "mg_per_h = 40"


def test_a_script_tag_in_the_name_is_kept_as_text_for_escaping(tmp_path):
    cfg = load_clinic(_write(tmp_path, _set(MINIMAL, "clinic",
                                            'name = "<script>alert(1)</script> Clinic"')))
    assert cfg.clinic.name == "<script>alert(1)</script> Clinic"


def test_check_clinic_exits_0_for_a_good_file_and_2_with_one_line_per_problem(tmp_path):
    good = subprocess.run([CLI, "check-clinic", str(EXAMPLES[0])], capture_output=True,
                          text=True, timeout=60)
    assert good.returncode == 0 and "OK" in good.stdout
    bad = _write(tmp_path, _set(_set(MINIMAL, "after_care", "no_driving_hours = 12"),
                                "clinic", 'paper = "A5"'))
    run = subprocess.run([CLI, "check-clinic", str(bad)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2 and "Traceback" not in run.stderr
    assert all(f"{bad}:" in e for e in errors)


def test_serve_with_a_bad_file_stops_before_listening(tmp_path):
    bad = _write(tmp_path, _set(MINIMAL, "after_care", "no_driving_hours = 12"))
    run = subprocess.run([CLI, "serve", "--port", "1", "--clinic", str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "no_driving_hours" in run.stderr and "Traceback" not in run.stderr
    assert "Serving" not in run.stdout


# --- Safety floors (issue 21): a clinic may add, reorder or reword, never remove a safety fact ---

FLOORS = [
    ("show", "steps = [1, 2, 3, 4, 5, 7, 8, 9]", "show.steps", "6 (evidence)"),
    ("show", "steps = [1, 2, 3, 4, 5, 6, 8, 9]", "show.steps", "7 (risks)"),
    ("show", "steps = [1, 2, 3, 4, 5, 6, 7, 9]", "show.steps", "8 (safety)"),
    ("show", "steps = [1, 2, 3, 4, 5, 6, 7, 8]", "show.steps", "9 (summary)"),
    ("after_care", "escort_required = false", "after_care.escort_required", "adult"),
    ("after_care", "observe_minutes = 0", "after_care.observe_minutes", "watched"),
    ("after_care", "no_alcohol_hours = 12", "after_care.no_alcohol_hours", "24 hours"),
    ("after_care", "no_driving_hours = 23.5", "after_care.no_driving_hours", "24 hours"),
]


@pytest.mark.parametrize(("table", "line", "field", "reason"), FLOORS, ids=[f[1] for f in FLOORS])
def test_each_safety_floor_is_refused_in_one_line_naming_its_field_and_reason(
        tmp_path, table, line, field, reason):
    (problem,) = _problems(tmp_path, _set(MINIMAL, table, line))
    assert "\n" not in problem
    assert f": {field}: " in problem and reason in problem, problem
    if table == "after_care":  # the reason cites the registry
        assert "references: " in problem
        from explainer.content import references
        cited = problem.split("references: ", 1)[1].split(")")[0].split(", ")
        assert cited and all(key in references() for key in cited), cited


def test_the_examples_keep_every_safety_floor():
    for path in EXAMPLES:
        cfg = load_clinic(path)
        a = cfg.after_care
        assert set(clinic.REQUIRED_STEPS) <= set(cfg.steps), path.name
        assert a.escort_required and a.observe_minutes > 0
        assert a.no_alcohol_hours >= 24 and a.no_driving_hours >= 24
        assert cfg.before.clear_fluids_hours <= 2, "clear fluids are allowed until 2 hours before"


def test_the_uk_example_course_does_not_contradict_nice():
    cfg = load_clinic(EXAMPLES[0])
    for p in cfg.protocols.values():
        words = " ".join([p.condition or "", p.summary, *p.audience.values()]).lower()
        assert "crps" not in p.condition.lower(), p.condition
        if "crps" in words:
            assert "nice" in words and "nice-ng193" in p.refs


REQUIRED_SIGNS = {
    "bladder": ("pass urine", "blood in your urine"),
    "kidney": ("side or back", "much less urine"),
    "liver": ("yellow skin or eyes", "pale poo"),
    "mental health": ("see or hear things that are not there",),
}


@pytest.mark.parametrize("path", [None, *EXAMPLES], ids=["no clinic", "uk", "us"])
def test_every_audience_sees_the_adult_rule_and_every_required_sign(path):
    from explainer.content.clinic import text as clinic_text
    cfg = load_clinic(path) if path else None
    rules = clinic_text.rules(cfg)
    after = " ".join(rules.after).lower()
    assert "have an adult with you" in after, rules.after
    assert "24 hours" in after and "alcohol" in after and "drive" in after
    calls = " ".join(rules.call).lower()
    for sign, words in REQUIRED_SIGNS.items():
        assert all(w in calls for w in words), (sign, rules.call)
    if cfg is not None and cfg.after_care.when_to_call:
        for own in cfg.after_care.when_to_call:  # a clinic's own items are added, not lost
            assert own in rules.call


def test_a_clinics_own_call_list_cannot_replace_the_required_signs(tmp_path):
    from explainer.content.clinic import text as clinic_text
    cfg = load_clinic(_write(tmp_path, _set(MINIMAL, "after_care",
                                            'when_to_call = ["A rash"]')))
    rules = clinic_text.rules(cfg)
    assert rules.call[-1] == "A rash"
    assert rules.call[:-1] == clinic_text.aftercare_parts().call
