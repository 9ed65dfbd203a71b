"""Tests for explainer.content: loading, validation, audience selection, references and honesty.

Registry use is collected from every place a key can be cited: content passages, glossary and
predictions; ``assets/en-GB/protocols.yaml`` (if present); and the code (module-level data of
``explainer.models.*`` and ``explainer.content.protocols.library`` if importable, plus every string
literal in ``explainer/**/*.py`` that is exactly a registry key).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from explainer import content
from explainer.content import strings
from explainer.content.markdown import render as _markdown
from explainer.content.walkthrough.passages import _bundle_at
from harness.trees import leaves

REPO = Path(__file__).resolve().parents[1]
ASSETS = REPO / "assets"
REGISTRY = yaml.safe_load((ASSETS / "references.yaml").read_text(encoding="utf-8"))

PROTECTED_KEYS = frozenset({
    "domino1982", "hijazi2003", "kamp2020", "yanagihara2003", "intranasal2022", "chong2009",
    "rolan2014", "clements1982", "ebert1997", "oye1992", "orser1997", "jahr1990", "zanos2018",
    "bowdle1998", "mendell1966", "arendtnielsen1995", "britton1996", "kotermanski2009",
    "schwartzman2009", "sigtermans2009", "cohen2018", "oral-ketamine-leaflets", "clinic-practice",
    "royal-free-leaflet", "cheyenne-leaflet", "goldberg2010", "niesters2014", "orhurhu2019",
})
"""Keys the models and protocols rely on: never deleted from the registry."""

PROMOTIONAL = [
    r"minimal side[- ]?effects?",
    r"generally safe",
    r"rewir\w* (the |your )?pain pathways?",
    r"works? within minutes",
    r"relief within minutes",
    r"significant improvements? after a few sessions",
    r"\bno side[- ]?effects?\b",
    r"\blasting relief\b",
    r"\bpermanent(ly)? (pain )?relie",
    r"\bcures?\b",
    r"\bmiracle\b",
    r"\bbreakthrough\b",
    r"safe and effective",
    r"\bguarantee",
    r"\b(rapid|instant) relief\b",
    r"\bgrade [a-d]\b",  # the guideline's letter grades were not confirmed
]
"""Wrong or promotional claims (clinical-facts.md, last sections). Matched case-insensitively
after quotes and emphasis are removed, in every audience."""


def _norm(text: str) -> str:
    text = re.sub(r"[\"'“”‘’*_`]", "", text)
    return re.sub(r"\s+", " ", text).casefold()


def _all_items():
    return [*content.passages("trainee"), *content.glossary(), *content.predictions(
        audience="trainee")]


def _shown_strings():
    """(where, text) for every string a user can see, in every audience."""
    for p in content.passages("trainee"):
        yield p.id, p.text
    for g in content.glossary():
        yield g.id, f"{g.term} {' '.join(g.aliases)} {g.text}"
    for q in content.predictions(audience="trainee"):
        yield q.id, " ".join([q.question, q.explanation, *(c.text for c in q.choices)])
    yield from leaves(strings.table("ui"), "ui")


# --- Collecting reference keys from the other sources ------------------------------------------


def _strings_in(obj, keys: set[str], found: set[str], depth: int = 0, seen=None) -> None:
    """Every string equal to a registry key inside plain data, dataclasses and mappings."""
    seen = set() if seen is None else seen
    if depth > 8 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, str):
        if obj in keys:
            found.add(obj)
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            _strings_in(k, keys, found, depth + 1, seen)
            _strings_in(v, keys, found, depth + 1, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            _strings_in(v, keys, found, depth + 1, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _strings_in(getattr(obj, f.name, None), keys, found, depth + 1, seen)


def _module_keys(module_name: str, keys: set[str]) -> set[str] | None:
    """Keys held in a module's top-level data (None if the module cannot be imported)."""
    try:
        module = importlib.import_module(module_name)
    except Exception:  # noqa: BLE001  (a sibling's module may be half-written)
        return None
    found: set[str] = set()
    for name, value in vars(module).items():
        if name.startswith("__") or callable(value) and not dataclasses.is_dataclass(value):
            continue
        _strings_in(value, keys, found)
    return found


def _model_modules() -> list[str]:
    try:
        import explainer.models as models
    except Exception:  # noqa: BLE001
        return []
    return [f"explainer.models.{m.name}" for m in pkgutil.iter_modules(models.__path__)]


def _code_literal_keys(keys: set[str]) -> set[str]:
    """Registry keys written as string literals anywhere in the package's source."""
    found: set[str] = set()
    for path in (REPO / "explainer").rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value in keys:
                    found.add(node.value)
    return found


def _protocol_keys(keys: set[str]) -> set[str] | None:
    path = ASSETS / "en-GB" / "protocols.yaml"
    if not path.exists():
        return None
    found: set[str] = set()
    _strings_in(yaml.safe_load(path.read_text(encoding="utf-8")), keys, found)
    return found


FIGURE_STRING_FILES = sorted(
    [p for p in (ASSETS / "en-GB" / "content").glob("*.yaml")
     if not p.is_symlink() and not p.name[:2].isdigit()
     and p.name not in {"glossary.yaml", "predictions.yaml"}]
    + [p for p in (ASSETS / "en-GB" / "strings").glob("*.yaml")
       if p.name not in {"ui.yaml", "site.yaml"}]
)
"""Widget strings (on-figure words, describers) kept beside the walkthrough's passages."""


def test_figure_strings_cite_only_known_keys():
    assert FIGURE_STRING_FILES, "the widgets' string files should be found"
    unknown = []
    for f in FIGURE_STRING_FILES:
        for path, value in leaves(yaml.safe_load(f.read_text(encoding="utf-8"))):
            if ".refs[" in path and value not in REGISTRY:
                unknown.append(f"{f.name}{path}: {value}")
    assert not unknown, unknown


def test_figure_strings_make_no_promotional_claims():
    hits = []
    for f in FIGURE_STRING_FILES:
        for path, value in leaves(yaml.safe_load(f.read_text(encoding="utf-8"))):
            if isinstance(value, str):
                hits += [f"{f.name}{path}: /{p}/" for p in PROMOTIONAL
                         if re.search(p, _norm(value))]
    assert not hits, hits


def _used_keys() -> dict[str, set[str]]:
    keys = set(REGISTRY)
    used = {"content": set(content.cited_keys()), "code literals": _code_literal_keys(keys)}
    protocols = _protocol_keys(keys)
    if protocols is not None:
        used["protocols.yaml"] = protocols
    for f in FIGURE_STRING_FILES:
        found: set[str] = set()
        _strings_in(yaml.safe_load(f.read_text(encoding="utf-8")), keys, found)
        used[f.name] = found
    for name in [*_model_modules(), "explainer.content.protocols.library"]:
        found = _module_keys(name, keys)
        if found is not None:
            used[name] = found
    return used


# --- Loading and validation --------------------------------------------------------------------


def test_validate_passes_on_the_shipped_content():
    counts = content.validate()
    assert counts["passages"] >= 9 * 2
    assert counts["glossary"] >= 8
    assert counts["predictions"] >= 4


def test_every_reference_key_resolves():
    for item in _all_items():
        for key in item.refs:
            assert key in REGISTRY, f"{item.id}: unknown reference key {key!r}"
            assert content.reference(key).key == key


def test_every_passage_has_refs_or_says_it_makes_no_claim():
    for item in [*content.passages("trainee"), *content.glossary()]:
        assert item.refs or not item.claim, f"{item.id}: no refs and not marked claim: false"
        if not item.claim:
            assert not item.refs
            assert not re.search(r"[\d%]", item.markdown), (
                f"{item.id}: marked claim: false but contains a number")
        if re.search(r"\d", item.markdown):
            assert item.refs, f"{item.id}: a number without a reference"
    for q in content.predictions(audience="trainee"):
        assert q.refs, f"{q.id}: predictions explain a finding, so they need refs"


def test_registry_entries_are_well_formed():
    refs = content.references()
    assert list(refs) == list(REGISTRY)
    for key, ref in refs.items():
        assert ref.key == key
        assert ref.confidence in ("H", "M"), f"{key}: L-grade sources are not shown"
        line = ref.format()
        assert "\n" not in line and line.strip() == line and line.endswith(".")
        assert ref.format(confidence=True).endswith(f"[confidence {ref.confidence}]")
    assert content.reference("clinic-practice").is_example
    with pytest.raises(KeyError, match="nope"):
        content.reference("nope")
    assert content.format_refs(["orhurhu2019", "orhurhu2019"]) == [
        content.reference("orhurhu2019").format()]


def test_protected_keys_are_still_in_the_registry():
    missing = sorted(PROTECTED_KEYS - set(REGISTRY))
    assert not missing, f"keys the models and protocols rely on were removed: {missing}"


def test_no_registry_entry_is_unused():
    used = _used_keys()
    all_used = set().union(*used.values())
    unused = sorted(set(REGISTRY) - all_used - PROTECTED_KEYS)
    assert not unused, f"registry entries nobody cites (remove them): {unused}"


def test_protected_keys_are_used_once_models_and_protocols_exist():
    used = _used_keys()
    needed = {"protocols.yaml", "explainer.models.pk", "explainer.models.nmda"}
    if not needed <= used.keys():
        pytest.skip(f"not yet available: {sorted(needed - used.keys())}")
    unused = sorted(PROTECTED_KEYS - set().union(*used.values()))
    assert not unused, f"protected keys nobody cites: {unused}"


def test_model_reference_keys_resolve():
    keys = set(REGISTRY)
    for name in _model_modules():
        module = pytest.importorskip(name)
        for attr in ("SOURCES", "REFS", "REFERENCES"):
            table = getattr(module, attr, None)
            if isinstance(table, Mapping):
                cited = {k for v in table.values() for k in (v if isinstance(v, (list, tuple))
                                                             else [v])}
                assert cited <= keys, f"{name}.{attr}: unknown keys {sorted(cited - keys)}"


# --- Audience selection ------------------------------------------------------------------------


def test_patient_mode_shows_patient_and_both_only():
    shown = content.passages("patient")
    assert shown and all(p.audience in ("patient", "both") for p in shown)
    assert any(p.audience == "both" for p in shown)


def test_trainee_mode_adds_to_patient_content():
    patient = content.passages("patient")
    trainee = content.passages("trainee")
    assert set(patient) < set(trainee)
    assert {p.audience for p in trainee} == {"patient", "trainee", "both"}
    assert [p.step for p in trainee] == sorted(p.step for p in trainee)
    assert [p for p in trainee if p in set(patient)] == list(patient)  # same order


def test_every_step_has_patient_and_trainee_content():
    for step in content.STEPS:
        assert content.passages("patient", step=step), step
        assert any(p.audience == "trainee" for p in content.passages("trainee", step=step)), step
        assert all(p.step == step for p in content.passages("trainee", step=step))


def test_bad_audience_and_step_are_rejected():
    with pytest.raises(ValueError, match="audience"):
        content.passages("doctor")
    with pytest.raises(ValueError, match="step"):
        content.passages("patient", step=10)


def test_passages_are_frozen_and_render():
    p = content.passages("patient", step=1)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.text = "changed"  # type: ignore[misc]
    for item in [*content.passages("trainee"), *content.glossary()]:
        assert "**" not in item.text and "<" not in item.text, item.id
        assert item.html.lstrip().startswith("<"), item.id
        assert "<script" not in item.html.lower()
    ids = [p.id for p in content.passages("trainee")]
    assert len(ids) == len(set(ids))
    assert content.passage(ids[0]).id == ids[0]
    with pytest.raises(KeyError):
        content.passage("no-such-passage")


def test_loading_is_cached():
    content.passages("patient")
    before = _bundle_at.cache_info().hits
    content.passages("patient")
    content.glossary()
    assert _bundle_at.cache_info().hits >= before + 2


# --- Glossary, predictions, UI -----------------------------------------------------------------


def test_glossary_covers_the_key_words():
    terms = content.glossary()
    for word in ["NMDA", "glutamate", "dissociation", "CRPS", "wind-up", "central sensitisation",
                 "bioavailability", "infusion"]:
        assert any(t.matches(word) for t in terms), f"glossary lacks {word!r}"


def test_predictions_for_mechanism_and_timeline():
    for step in (3, 5):
        prompts = content.predictions(step)
        assert prompts, f"no patient prediction for step {step}"
        for q in content.predictions(step, audience="trainee"):
            assert 2 <= len(q.choices) <= 3
            assert q.is_correct(q.correct_choice.id)
            assert sum(q.is_correct(c.id) for c in q.choices) == 1
            assert q.explanation and q.refs
    assert set(content.predictions(audience="patient")) < set(
        content.predictions(audience="trainee"))


def test_ui_strings():
    assert strings.text("ui", "disclaimer") == "Education, not medical advice"
    assert len(strings.text("ui", "step_titles")) == len(content.STEPS)
    assert content.step_title(3) == strings.text("ui", "step_titles")[2]
    assert strings.text("ui", "buttons.next") and strings.text("ui", "buttons.back")
    assert strings.text("ui", "step_counter").format(current=3, total=12) == "Step 3 of 12"
    with pytest.raises(KeyError, match="buttons.nope"):
        strings.text("ui", "buttons.nope")


# --- Honesty -----------------------------------------------------------------------------------


def test_no_promotional_or_wrong_claims_in_any_audience():
    hits = []
    for where, text in _shown_strings():
        for pattern in PROMOTIONAL:
            if re.search(pattern, _norm(text)):
                hits.append(f"{where}: /{pattern}/")
    assert not hits, "promotional or wrong claims:\n" + "\n".join(hits)


def test_patient_content_covers_risks_and_uncertainty():
    text = _norm(" ".join(p.text for p in content.passages("patient")))
    required = {
        "dizziness": "dizzy", "nausea or vomiting": "sick", "blurred vision": "blurred",
        "double vision": "double vision", "feeling floaty": "floaty",
        "vivid dreams": "vivid dreams", "blood pressure": "blood pressure", "liver": "liver",
        "bladder": "bladder", "misuse": "misuse", "pregnancy": "pregnan",
        "psychosis": "psychosis", "relief may be temporary": "temporary",
        "it may not work": "may not work", "the disclaimer": "education, not medical advice",
        "no driving": "do not drive", "an adult to take you home": "an adult should take you home",
        "the NICE guideline": "nice", "about 2 points": "about 2 points",
        "little or no change": "little or no change",
    }
    missing = [name for name, phrase in required.items() if phrase not in text]
    assert not missing, f"patient content does not mention: {missing}"


def test_benefits_come_with_their_uncertainty():
    for step in (5, 6):
        text = _norm(" ".join(p.text for p in content.passages("patient", step=step)))
        assert re.search(r"may not|not clear|modest|weak|fades|temporary", text), step
    crps = _norm(content.passage("s6-crps").text)
    assert "moderate" in crps and "12 weeks" in crps


def test_clinic_practice_is_presented_as_examples():
    for pid in ("s4-by-mouth-at-home", "s5-day-example", "s8-who-watches"):
        assert "your clinic may differ" in _norm(content.passage(pid).text), pid
    assert "clinic-practice" in content.passage("s8-who-watches").refs


def test_trainee_evidence_uses_words_not_letter_grades():
    text = _norm(content.passage("s6-trainee-evidence-table").text)
    assert "moderate" in text and "weak" in text
    assert "letter grades could not be confirmed" in text


def test_serotonin_is_not_presented_as_established():
    text = _norm(" ".join(p.text for p in content.passages("trainee", step=3)))
    assert "preclinical" in text
    patient = _norm(" ".join(p.text for p in content.passages("patient")))
    assert "serotonin" not in patient


# --- Validation failures (a throw-away assets tree) ---------------------------------------------


def _minimal_assets(tmp_path: Path) -> Path:
    root = tmp_path / "assets"
    (root / "en-GB" / "content").mkdir(parents=True)
    shutil.copy(ASSETS / "references.yaml", root / "references.yaml")
    shutil.copytree(ASSETS / "en-GB" / "strings", root / "en-GB" / "strings")  # string tables
    shutil.copy(ASSETS / "en-GB" / "content" / "aftercare.yaml",
                root / "en-GB" / "content" / "aftercare.yaml")
    for step in content.STEPS:
        doc = {"step": step, "passages": [
            {"id": f"p{step}", "step": step, "audience": "both", "text": "Plain words.",
             "claim": False}]}
        (root / "en-GB" / "content" / f"0{step}-step.yaml").write_text(yaml.safe_dump(doc))
    return root


def _add(root: Path, file_step: int, passage: dict) -> None:
    path = root / "en-GB" / "content" / f"0{file_step}-step.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["passages"].append({"step": file_step, "audience": "patient", **passage})
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))


def test_minimal_tree_is_valid(tmp_path):
    assert content.validate(_minimal_assets(tmp_path))["passages"] == len(content.STEPS)


@pytest.mark.parametrize(
    ("passage", "message"),
    [
        ({"id": "x", "text": "Pain fell.", "refs": ["made-up2024"]}, "unknown reference key"),
        ({"id": "p1", "text": "Again.", "claim": False}, "duplicate id"),
        ({"id": "x", "text": "Hi.", "claim": False, "audience": "doctor"}, "audience"),
        ({"id": "x", "text": "About 2 points.", "claim": False}, "number but cites no"),
        ({"id": "x", "text": "It helps."}, "no refs"),
        ({"id": "x", "text": "It helps.", "refs": ["cohen2018"], "claim": False}, "both refs"),
        ({"id": "x", "text": "<b>Hi</b> there.", "claim": False}, "raw HTML"),
        ({"id": "x", "text": "Hi.", "claim": False, "ref": ["cohen2018"]}, "unknown field"),
        ({"id": "x", "text": "Hi.", "claim": False, "step": 12}, "step"),
    ],
)
def test_validate_raises(tmp_path, passage, message):
    root = _minimal_assets(tmp_path)
    _add(root, 1, passage)
    with pytest.raises(content.ContentError, match=message):
        content.validate(root)


def test_assets_env_var_is_honoured(tmp_path, monkeypatch):
    root = _minimal_assets(tmp_path)
    monkeypatch.setenv(content.ASSETS_ENV_VAR, str(root))
    content.clear_cache()
    try:
        assert content.assets_dir() == root.resolve()
        assert [p.id for p in content.passages("patient")] == [f"p{s}" for s in content.STEPS]
    finally:
        monkeypatch.delenv(content.ASSETS_ENV_VAR)
        content.clear_cache()
    assert len(content.passages("patient")) > 9


@given(st.text(max_size=200))
def test_rendering_never_passes_raw_html(source):
    assume("```" not in source and "~~~" not in source)  # an open fence makes it code
    html = _markdown.to_html(source + "\n\n<script>alert(1)</script>")
    assert "<script>" not in html
    assert _markdown.has_raw_html(source + "\n\n<script>alert(1)</script>\n")


def test_no_patient_facing_page_shows_a_command_line():
    """Commands (the sign-off export, make, serve) belong in the docs, not on the pages a patient
    may open: no code spans or code blocks in the pages' text."""
    for page in sorted((ASSETS / "en-GB" / "pages").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        assert "`" not in text and "ketamine-explainer" not in text, page.name
