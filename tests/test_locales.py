"""Every locale says the same things: the registry (assets/locales.yaml), the overlay rules
(words only, keys of the base), and per locale the same passage ids, reference keys, numbers
(as written in that locale's format) and safety facts; Spanish and US English read easily.

The checks run over whatever locales are present: a locale whose folder is still empty (the
translations arrive in other branches) is checked for what it holds and skipped politely where
there is nothing to measure.
"""

from __future__ import annotations

import re
import shutil
import statistics
from pathlib import Path

import pytest
import yaml

from explainer import formatting as fmt
from explainer import paths
from explainer.content import ContentError, aftercare, locale_report, review_export, strings
from explainer.content.walkthrough import passages as walkthrough
from harness.server import REPO

ASSETS = REPO / "assets"
LOCALES = list(strings.locales())
OTHERS = [c for c in LOCALES if c != paths.BASE_LOCALE]
ARTIFACTS = REPO / "tests" / "artifacts"
ES_MIN, ES_MEAN = 70.0, 80.0
"""Fernández-Huerta: every Spanish patient passage 70 or more, their average 80 or more."""


@pytest.fixture
def shown():
    """Switch this process to a locale for one test, and back to the default after it."""
    yield strings.use
    strings.use(None)


def _passages(code: str):
    strings.use(code)
    try:
        return {p.id: p for p in walkthrough.passages("trainee")}
    finally:
        strings.use(None)


# --- the registry -------------------------------------------------------------------------------


def test_the_registry_names_each_locale_in_itself_with_a_chain_ending_at_the_base():
    known = strings.locales()
    assert {"en-GB", "en-US", "es"} <= set(known)
    assert known["en-GB"].name == "English (UK)" and known["en-GB"].status == "source"
    assert known["en-US"].name == "English (US)" and known["en-US"].chain == ("en-US", "en-GB")
    assert known["es"].name == "Español" and known["es"].chain == ("es", "en-US", "en-GB")
    for code in OTHERS:
        loc = known[code]
        assert loc.chain[-1] == paths.BASE_LOCALE
        if loc.status == "reviewed":
            assert loc.reviewed_by and loc.reviewed_on, code
        else:  # a draft says so, and names no reviewer it does not have
            assert loc.status == "draft" and not loc.reviewed_by and not loc.signed_off
            assert "no human reviewer" in loc.note.lower(), code


def test_an_unknown_locale_falls_back_to_the_default_quietly(shown):
    assert shown("xx-YY") == paths.DEFAULT_LOCALE
    assert shown("<script>") == paths.DEFAULT_LOCALE
    assert fmt.locale() == paths.DEFAULT_LOCALE


def test_about_says_which_translation_status_is_shown(shown):
    from explainer import pages

    assert "original text (English (UK))" in pages.translation_status_html()
    shown("es")
    line = pages.translation_status_html()
    assert 'data-kx-status="draft"' in line and "(Español)" in line


def test_a_link_asks_for_a_language_only_among_those_offered():
    from explainer import pages

    offered = ("en-US", "es")
    assert pages.parse_lang("lang=es&step=3", offered) == ("es", True)
    assert pages.parse_lang("?LANG=ES", offered) == ("en-US", True)  # the key is exact
    assert pages.parse_lang("lang=ES", offered) == ("es", True)
    assert pages.parse_lang("step=3", offered) == ("en-US", True)
    for hostile in ("lang=fr", "lang=en-GB", "lang=<script>", "lang=es&lang=en-US",
                    "lang=" + "e" * 5000, None, 42):
        assert pages.parse_lang(hostile, offered) == ("en-US", hostile in (None, 42)), \
            str(hostile)[:40]


# --- the overlay rules --------------------------------------------------------------------------


@pytest.mark.parametrize("code", OTHERS)
def test_each_locale_lists_its_overrides_and_none_is_missing_from_the_base(code):
    """The listing a translator and the lead read; any overlay key the base lacks (or a
    number, a reference list, a code key, a changed placeholder) fails here, one per line."""
    listing = strings.overrides(code)
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"{rel}: {key}" for rel, keys in listing.items() for key in keys]
    (ARTIFACTS / f"locale-overrides-{code}.txt").write_text("\n".join(lines) + "\n", "utf-8")
    problems = strings.overlay_problems(code)
    assert not problems, f"{code}'s overlay breaks the rules:\n" + "\n".join(problems)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A throw-away assets folder: the real base and registry, and an empty es overlay."""
    root = tmp_path / "assets"
    root.mkdir()
    for name in ("references.yaml", "locales.yaml"):
        shutil.copy(ASSETS / name, root / name)
    shutil.copytree(ASSETS / "en-GB", root / "en-GB")
    (root / "es" / "strings").mkdir(parents=True)
    monkeypatch.setenv(paths.ASSETS_ENV_VAR, str(root))
    strings.clear_cache()
    yield root
    monkeypatch.delenv(paths.ASSETS_ENV_VAR)
    strings.clear_cache()


def _overlay(root: Path, rel: str, data) -> None:
    path = root / "es" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_an_overlay_takes_only_words_and_falls_back_for_the_rest(tree):
    _overlay(tree, "strings/ui.yaml", {"buttons": {"next": "Siguiente"}})
    _overlay(tree, "content/glossary.yaml",
             {"terms": [{"id": "nmda-receptor", "term": "receptor NMDA"}]})
    assert strings.table("ui", "es")["buttons"]["next"] == "Siguiente"
    assert strings.table("ui", "es")["buttons"]["back"] == strings.table("ui")["buttons"]["back"]
    merged = strings.load("content/glossary.yaml", "es")
    base = strings.load("content/glossary.yaml", "en-GB")
    term = next(t for t in merged["terms"] if t["id"] == "nmda-receptor")
    assert term["term"] == "receptor NMDA"
    assert term["refs"] == next(t for t in base["terms"] if t["id"] == "nmda-receptor")["refs"]
    assert len(merged["terms"]) == len(base["terms"])
    assert strings.overrides("es") == {"content/glossary.yaml": ["terms[id=nmda-receptor].term"],
                                       "strings/ui.yaml": ["buttons.next"]}


def test_an_overlay_breaking_the_rules_is_refused_one_line_per_problem(tree):
    step = strings.load("content/01-what-is-ketamine.yaml", "en-GB")
    first = step["passages"][0]
    _overlay(tree, "content/01-what-is-ketamine.yaml", {"passages": [
        {"id": first["id"], "refs": ["ketalar-label"], "step": 2},
        {"id": "no-such-passage", "text": "Hola."}]})
    _overlay(tree, "strings/ui.yaml", {
        "buttons": {"next": 3, "invented": "Nuevo"},
        "step_counter": "Paso {actual} de {total}",
        "step_titles": ["Uno"]})
    found = strings.overlay_problems("es")
    text = "\n".join(found)
    for expected in (f"passages[id={first['id']}].refs: is a code key",
                     f"passages[id={first['id']}].step: is a code key",
                     "passages[id=no-such-passage]: matches no entry",
                     "buttons.next: must be text",
                     "buttons.invented: is not in the base file",
                     "step_counter: must keep the base's placeholders",
                     "step_titles: must have exactly the base's"):
        assert expected in text, (expected, found)
    assert len(found) == 7, found
    with pytest.raises(ContentError, match="breaks 4 rule"):
        strings.table("ui", "es")


def test_an_identifier_may_be_repeated_unchanged_never_changed(tree):
    levels = strings.load("strings/pain_signal.yaml", "en-GB")["levels"]
    mirrored = [{"key": lv["key"], "label": f"Nivel {chr(65 + i)}"} for i, lv in enumerate(levels)]
    _overlay(tree, "strings/pain_signal.yaml", {"levels": mirrored})
    assert strings.overlay_problems("es") == []
    assert [lv["label"] for lv in strings.table("pain_signal", "es")["levels"]] == \
        [f"Nivel {chr(65 + i)}" for i in range(len(levels))]
    mirrored[0]["key"] = "otro"
    _overlay(tree, "strings/pain_signal.yaml", {"levels": mirrored})
    assert strings.overlay_problems("es") == [
        "es/strings/pain_signal.yaml: levels[0].key: is an identifier: it stays as in the base"]


def test_a_page_is_replaced_whole_and_a_missing_one_falls_back(tree):
    (tree / "es" / "pages").mkdir()
    (tree / "es" / "pages" / "start.md").write_text("# Empezar\n", encoding="utf-8")
    assert strings.load_text("pages/start.md", "es") == "# Empezar\n"
    assert strings.load_text("pages/about.md", "es") == strings.load_text("pages/about.md")
    (tree / "es" / "pages" / "nothing.md").write_text("x", encoding="utf-8")
    assert any("has no such file" in p for p in strings.overlay_problems("es"))


# --- every locale says the same things ----------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*")
EMERGENCY_NUMBERS = frozenset({"911", "999", "112"})
"""Emergency services' numbers: a locale may name its own (en-US and es say 911) where the
base says none; every other number must be the base's."""


def _numbers(text: str, code: str) -> set[str]:
    """The numbers of ``text`` normalised from ``code``'s way of writing them ("0,35" in es is
    0.35; "1.800" in es and "1,800" in English are 1800). Thousands may also stay as the base
    writes them (LOCALES.md): "1,285" in Spanish text counts as 1285, not as a decimal."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    loc = fmt._babel(code)
    decimal, group = get_decimal_symbol(loc), get_group_symbol(loc)
    found = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace("\u00a0", "").replace("\u202f", "")
        for sep in dict.fromkeys((group, ",")):
            if re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+", value):
                value = value.replace(sep, "")
        found.add(value.replace(decimal, "."))
    return found - EMERGENCY_NUMBERS


def _written_in(code: str, ident: str, text: str) -> str:
    """The locale whose way of writing numbers ``text`` follows: a passage left in English in
    ``es`` (trainee text) is its fallback's text, with English numbers."""
    for layer in strings.locales()[code].chain[1:]:
        if _passages(layer)[ident].text == text:
            return layer
    return code


@pytest.mark.parametrize("code", OTHERS)
def test_every_locale_has_the_same_passages_refs_and_numbers(code):
    base, other = _passages(paths.BASE_LOCALE), _passages(code)
    assert list(other) == list(base), "the same passage ids, in the same order"
    for ident, passage in other.items():
        assert passage.refs == base[ident].refs, ident
        assert passage.step == base[ident].step and passage.audience == base[ident].audience
        if passage.text != base[ident].text:  # translated: the same numbers, written its way
            written = _written_in(code, ident, passage.text)
            assert _numbers(passage.text, written) == _numbers(base[ident].text, "en-GB"), ident


@pytest.mark.parametrize("code", LOCALES)
def test_every_locale_keeps_the_after_care_rules_and_when_to_call_signs(code):
    base, block = aftercare.block(locale=paths.BASE_LOCALE), aftercare.block(locale=code)
    assert block.refs == base.refs
    assert "24" in block.text and "24" in block.timeline_now

    def items(md: str) -> int:
        return len(re.findall(r"^\s*- ", md, re.M))

    assert items(block.markdown) == items(base.markdown), "no rule or sign dropped"
    assert _numbers(block.markdown, code) == _numbers(base.markdown, "en-GB")
    for passage in _passages(code).values():
        if passage.id.endswith("aftercare"):
            assert passage.text == block.text


@pytest.mark.parametrize("code", LOCALES)
def test_a_clinics_own_rules_replace_the_blocks_in_every_locale(code):
    """The clinic panel finds the block's driving, alcohol and sleepy-medicines rules by each
    locale's own words (``clinic.aftercare_match``): with a configured clinic, its hours stand in
    their place once, and its emergency number goes into the emergency sentence."""
    from explainer.content.clinic import text as clinic_text
    from explainer.content.clinic.config import load_clinic
    cfg = load_clinic(REPO / "examples" / "clinic-us.toml")
    strings.use(code)
    try:
        match = strings.text("clinic", "aftercare_match")
        block, rules = clinic_text.aftercare_parts(), clinic_text.rules(cfg)
    finally:
        strings.use(None)
    for kind in ("driving", "alcohol"):
        in_block = [r for r in block.rules if any(w in r.lower() for w in match[kind])]
        in_panel = [r for r in rules.after if any(w in r.lower() for w in match[kind])]
        assert len(in_block) == 1, (kind, block.rules)   # the block's words are found …
        assert in_block[0] not in rules.after             # … and the clinic's rule replaces it
        assert len(in_panel) >= 1, (kind, rules.after)
    assert cfg.clinic.emergency_number in rules.emergency_sentence


def test_a_clinic_gives_its_own_words_in_every_language_it_offers(tmp_path):
    """A when-to-call sign or a protocol a clinic wrote must not reach a Spanish reader in
    English: a clinic offering Spanish gives each of its own texts in ``[words.es]``, and the
    page in Spanish shows them; a missing one, a stray one or a language not offered is
    refused, one line each."""
    from explainer.content.clinic import text as clinic_text
    from explainer.content.clinic.config import ClinicConfigError, load_clinic

    source = (REPO / "examples" / "clinic-us.toml").read_text(encoding="utf-8")
    cfg = load_clinic(REPO / "examples" / "clinic-us.toml")
    assert set(cfg.words["es"]) == set(cfg.own_words())
    spanish = cfg.in_language("es")
    strings.use("es")
    try:
        rules = clinic_text.rules(spanish)
    finally:
        strings.use(None)
    assert "Ánimo muy bajo, o no se siente a salvo" in rules.call
    assert "Feeling very low or unsafe" not in rules.call
    assert spanish.protocols["lakeside-test-drip"].name.startswith("Goteo de prueba")
    assert cfg.in_language("en-US") is cfg   # the file's own language: as written

    missing = source.replace('"Theophylline" = "Teofilina"\n', "")
    stray = source + '"Aspirin" = "Aspirina"\n'
    for text, expected in ((missing, "does not give these in it: 'Theophylline'"),
                           (stray, "words.es.Aspirin: is not a text of this file"),
                           (source.replace("[words.es]", "[words.fr]"),
                            "does not offer 'fr'")):
        path = tmp_path / "clinic.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ClinicConfigError) as err:
            load_clinic(path)
        assert any(expected in line for line in err.value.problems), err.value.problems


# --- plain language -----------------------------------------------------------------------------


def _translated_patient_passages(code: str) -> list[str]:
    base = _passages(paths.BASE_LOCALE)
    strings.use(code)
    try:
        return [p.text for p in walkthrough.passages("patient") if p.text != base[p.id].text]
    finally:
        strings.use(None)


def test_spanish_patient_passages_read_easily():
    texts = _translated_patient_passages("es")
    if not texts:
        pytest.skip("no Spanish passages in this branch yet (they arrive with the translations)")
    import textstat

    textstat.set_lang("es")
    try:
        scores = {t[:60]: textstat.fernandez_huerta(t) for t in texts}
    finally:
        textstat.set_lang(locale_report.TEXTSTAT_DEFAULT)
    hard = {k: round(v, 1) for k, v in scores.items() if v < ES_MIN}
    assert not hard, f"Spanish passages below Fernández-Huerta {ES_MIN}: {hard}"
    assert statistics.fmean(scores.values()) >= ES_MEAN
    summary = locale_report.readability(texts, "es")
    assert summary["szigriszt_pazos_mean"] > 0


def test_us_english_patient_passages_keep_the_plain_language_rule():
    texts = _translated_patient_passages("en-US")
    if not texts:
        pytest.skip("no US-English passages in this branch yet")
    import textstat

    from tests.test_readability import MAX_GRADE, readable

    grades = {t[:60]: textstat.flesch_kincaid_grade(readable(t)) for t in texts}
    assert max(grades.values()) <= MAX_GRADE, grades


# --- the review export --------------------------------------------------------------------------


def test_the_review_export_sets_each_translation_beside_its_source(tmp_path):
    written = {p.name for p in review_export.write(tmp_path, "html")}
    for code in OTHERS:
        assert {f"translation-review-{code}.csv", f"translation-review-{code}.html"} <= written
        rows = review_export.translation_rows(code)
        assert set(rows[0]) == set(review_export.TRANSLATION_COLUMNS)
        assert all(r["decision"] == r["reviewer"] == "" for r in rows)
        page = (tmp_path / f"translation-review-{code}.html").read_text("utf-8")
        assert 'lang="en-GB"' in page and "approved" in page and "draft" in page
        for row in rows:
            if row["shown_from"] == code:  # a word the locale holds: tagged with its language
                assert f'<td lang="{code}">' in page
                break
    es = {(r["file"], r["key"]): r for r in review_export.translation_rows("es")}
    assert es[("strings/clinic.yaml", "plan.when")]["translation"] == "{day} a las {time}"
    assert es[("strings/clinic.yaml", "plan.when")]["shown_from"] == "es"


# --- the report ---------------------------------------------------------------------------------


def test_the_locale_report_lists_overrides_words_fallbacks_and_readability(capsys):
    from explainer.serving import cli

    with pytest.raises(SystemExit) as done:
        cli.main(["locale-report"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for code in LOCALES:
        assert f"{code} — {strings.locales()[code].name}" in out
    assert "fk grade mean" in out and "fernandez huerta mean" in out
    assert "szigriszt pazos mean" in out and "words in its own folder" in out
    with pytest.raises(SystemExit) as done:
        cli.main(["locale-report", "xx"])
    assert done.value.code == 2
