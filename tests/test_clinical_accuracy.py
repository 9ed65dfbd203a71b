"""Clinical accuracy and completeness (issue 11): one test per rule a clinical lead signs off.

Rules come from /work/shared/clinical-facts.md, "Corrections and additions" and "Decision-aid
standards". Each test reads what a person actually sees: `content.passages(...)`, the glossary
and prompts, the timeline and pain-signal strings (as the widgets load them), the protocol
library's patient text, the icon arrays and the About page.
"""

from __future__ import annotations

import csv
import re
import statistics
from pathlib import Path

import pytest
import textstat
import yaml

from explainer import content, pages
from explainer.content import aftercare, icon_arrays, review_export, strings
from explainer.content.references import CHECKED, references
from explainer.figures import icon_array
from explainer.figures import session as tl
from explainer.widgets import timeline as tlw
from explainer.widgets.walkthrough import text as walkthrough_text
from harness.trees import leaves

REPO = Path(__file__).resolve().parents[1]
ASSETS = REPO / "assets"


def _norm(text: str) -> str:
    text = re.sub(r"[\"'“”‘’*_`]", "", text)
    return re.sub(r"\s+", " ", text).casefold()


def _texts(node):
    """Every string in a YAML-like tree."""
    return (value for _, value in leaves(node) if isinstance(value, str))


def _patient_items():
    """(id, text) of everything a patient reads in the walkthrough."""
    for p in content.passages("patient"):
        yield p.id, p.text
    for g in content.glossary():
        yield g.id, f"{g.term}: {g.text}"
    for q in content.predictions(audience="patient"):
        yield q.id, " ".join([q.question, q.explanation, *(c.text for c in q.choices)])


def _widget_strings():
    """(file, text) of every string in the widgets' string files and the protocols' patient text."""
    for folder, name in (("en-GB/strings", "timeline.yaml"), ("en-GB/strings", "pain_signal.yaml"),
                         ("en-GB/content", "aftercare.yaml"),
                         ("en-GB/content", "icon_arrays.yaml")):
        for text in _texts(yaml.safe_load((ASSETS / folder / name).read_text("utf-8"))):
            yield name, text
    for text in _texts(tl.strings()):  # with the after-care block filled in
        yield "timeline strings", text
    for p in yaml.safe_load((ASSETS / "en-GB" / "protocols.yaml").read_text("utf-8"))["protocols"]:
        for text in (p["name"], p["summary"], p["audience"]["patient"]):
            yield p["id"], text
    for md in (ASSETS / "en-GB" / "pages").glob("*.md"):
        yield md.name, md.read_text("utf-8")


def _all_shown():
    yield from _patient_items()
    for p in content.passages("trainee"):
        yield p.id, p.text
    yield from _widget_strings()


def _affirmed(pattern: str, text: str) -> bool:
    """True if `pattern` occurs other than right after "not " (a correction may quote the
    wrong claim: 'not "about a third of people"')."""
    return bool(re.search(rf"(?<!not ){pattern}", _norm(text)))


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


# --- 1. Driving: at least 24 hours, and feeling normal is not a driving rule ---------------------


def test_driving_is_never_allowed_the_same_day():
    hits = [f"{where}: {s}" for where, text in _all_shown() for s in _sentences(text)
            if re.search(r"\bdriv", s, re.I) and re.search(r"that day|today|same day", s, re.I)]
    assert not hits, hits


def test_every_driving_rule_says_at_least_24_hours():
    keys = set(references())  # a reference key (uk-drug-driving2015) is not a rule
    for where, text in [*_patient_items(), *_widget_strings()]:
        if text in keys:
            continue
        rules = [s for s in _sentences(text) if re.search(r"\bdriv", s, re.I)
                 and not s.rstrip().endswith("?") and "not a sign" not in s
                 and not re.search(r"whether you may drive|^ask your clinic", s, re.I)]
        if rules:
            assert "24 hours" in text, f"{where}: a driving rule without '24 hours': {rules}"


def test_feeling_normal_does_not_make_driving_safe():
    block = aftercare.block()
    assert "feeling normal again does not make it safe" in _norm(block.text)
    assert "feeling normal does not make it safe to drive" in _norm(block.timeline_now)
    eases = tl.strings()["session"]["eases"]
    assert "not a sign that it is safe to drive" in eases["drip"]
    assert "not a sign that it is safe to drive" in eases["dose"]
    trainee = _norm(content.passage("s8-trainee-practice").text)
    assert "at least 24 hours" in trainee and "is not a driving rule" in trainee


# --- The one after-care and safety-net block --------------------------------------------------


def test_aftercare_block_is_one_item_shown_in_the_walkthrough_timeline_and_summary():
    block = aftercare.block()
    for pid in ("s8-aftercare", "s9-aftercare"):
        p = content.passage(pid)
        assert p.markdown == block.markdown and p.refs == block.refs and p.audience == "patient"
    assert content.passage("s9-aftercare").step == content.STEPS[-1]  # the summary step
    homes = [ph for pattern in tl.strings()["patterns"].values() for ph in pattern["phases"]
             if ph["key"] == "home"]
    assert len(homes) == 2
    for ph in homes:
        assert ph["now"] == block.timeline_now and ph["label2"] == block.timeline_label2
        assert tuple(ph["refs"]) == block.refs and ph["example"] is True
    curve = tl.session_curve("schwartzman-2009", 70.0)
    home = next(ph for ph in curve.phases if ph.key == "home")
    assert block.timeline_now in tlw.describe_session(curve, home.start_min + 5)


def test_aftercare_block_lists_the_rules_and_says_the_clinic_confirms_them():
    text = _norm(aftercare.block().text)
    for phrase in ("at least 24 hours", "do not drive, ride a bike or use machines",
                   "do not drink alcohol", "important decisions", "have an adult with you",
                   "opioids or diazepam", "only take them if your team says",
                   "pain or burning when you pass urine", "blood in your urine",
                   "yellow skin or eyes", "dark urine", "pale poo", "right ribs",
                   "see or hear things that are not there", "more than a day",
                   "call an ambulance", "chest pain", "trouble breathing", "a fit", "faint",
                   "your clinic will tell you its own"):
        assert phrase in text, phrase
    assert aftercare.block().example is True
    assert "your clinic will tell you its own" in _norm(aftercare.block().timeline_now)


def _tree(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "assets"
    shutil.copytree(ASSETS, root)
    return root


def test_a_block_passage_cannot_carry_its_own_text(tmp_path):
    root = _tree(tmp_path)
    path = root / "en-GB" / "content" / "08-safety.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    for p in doc["passages"]:
        if p.get("block"):
            p["text"] = "Drive when you feel fine."
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(content.ContentError, match="block passage"):
        content.validate(root)
    content.clear_cache()


def test_an_aftercare_block_without_the_24_hour_rule_is_refused(tmp_path):
    root = _tree(tmp_path)
    path = root / "en-GB" / "content" / "aftercare.yaml"
    path.write_text(path.read_text("utf-8").replace("24 hours", "a while"), "utf-8")
    with pytest.raises(content.ContentError, match="24 hours"):
        content.validate(root)
    content.clear_cache()


# --- 2. Bladder ---------------------------------------------------------------------------------


def test_bladder_is_not_only_for_recreational_users_and_its_signs_are_named():
    shown = " ".join(_norm(t) for _, t in _all_shown())
    assert "for fun" not in shown
    bladder = _norm(content.passage("s7-bladder").text)
    assert "long-term use" in bladder and "drug label" in bladder
    for sign in ("pain or burning when you pass urine", "often, or in a rush",
                 "blood in your urine"):
        assert sign in bladder, sign
    assert "340" in bladder and "1,285" in bladder


# --- 3. Who should not have it ------------------------------------------------------------------


def test_who_should_not_have_it_is_complete():
    text = _norm(content.passage("s7-who-should-not").text)
    for phrase in ("pregnant or breastfeeding", "psychosis now, or had it in the past",
                   "another severe mental illness", "not well controlled", "had a stroke",
                   "pressure in your eye or your brain", "severe liver disease",
                   "overactive thyroid that is not treated", "drugs or alcohol",
                   "allergic to ketamine"):
        assert phrase in text, phrase
    trainee = _norm(content.passage("s7-trainee-contraindications").text)
    for phrase in ("previous stroke", "now or in the past", "hyperthyroidism", "breastfeeding",
                   "allergy"):
        assert phrase in trainee, phrase


# --- 4. Oral ketamine is a liquid --------------------------------------------------------------


def test_oral_ketamine_is_never_called_tablets():
    hits = [where for where, text in _all_shown() if _affirmed(r"\btablets?\b", text)]
    assert not hits, f"oral ketamine called tablets in: {hits}"
    r = tl.strings()["routes"]
    assert r["names"]["oral"] == "liquid by mouth" and r["buttons"]["oral"] == "By mouth"
    oral = _norm(content.passage("s4-by-mouth-at-home").text)
    assert "liquid" in oral and "oral syringe" in oral
    assert "never take more than your team prescribed" in oral
    assert any(g.id == "oral-syringe" for g in content.glossary())


# --- 5. Side effects, not softened -------------------------------------------------------------


def test_common_side_effects_are_complete_and_plain():
    text = _norm(content.passage("s7-common").text)
    for phrase in ("see or hear things that are not there", "confused", "hard to remember",
                   "very tired", "dizzy", "be sick", "blurred or double vision",
                   "heart beat fast", "wear off within hours", "come back for up to a day",
                   "last longer than a day"):
        assert phrase in text, phrase
    assert "last for days" not in text  # round 2: the label says up to 24 hours, not days
    during = _norm(content.passage("s5-during-the-drip").text)
    assert "see or hear things that are not there" in during and "heart may beat fast" in during


# --- 6. NICE, plainly, wherever CRPS or fibromyalgia benefit is described ----------------------


BENEFIT = r"benefit|evidence|relief|help|pain fell|gain|improve"


def test_nice_is_stated_wherever_crps_or_fibromyalgia_benefit_is_described():
    for where, text in _patient_items():
        t = _norm(text)
        if re.search(r"crps|fibromyalgia", t) and re.search(BENEFIT, t):
            assert "nice" in t and "not to start" in t or "nice" in t and "see" in t, where
    nice = _norm(content.passage("s6-nice").text)
    assert "not start" in nice and "crps" in nice and "fibromyalgia" in nice
    rows = {r["key"]: r for r in tl.strings()["course"]["rows"]}
    assert "not to start" in rows["nice"]["text"] and "fibromyalgia" in rows["nice"]["text"]
    patient_course = tlw.describe_course("sigtermans-2009")
    assert "NICE" in patient_course


# --- 7. Evidence stated exactly ------------------------------------------------------------------


def test_every_12_week_crps_claim_carries_the_week_12_result():
    items = [*_all_shown(), *((r["key"], r["text"]) for r in tl.strings()["course"]["rows"])]
    for where, text in items:
        t = _norm(text)
        if "12 weeks" in t:
            assert "week 12" in t, f"{where}: '12 weeks' without the week-12 result"
            assert re.search(r"no longer|not significant", t), where
            assert re.search(r"function|daily li", t), where


def test_small_studies_are_named_with_their_numbers():
    hits = [w for w, t in _all_shown() if _affirmed("about a third", t) or _affirmed("1 in 3", t)]
    assert not hits, hits
    how_much = _norm(content.passage("s6-how-much").text)
    assert "one small study of 16 people, 6 had little or no change" in how_much
    assert "all 7 trials" in how_much
    rows = {r["key"]: r for r in tl.strings()["course"]["rows"]}
    assert "other" not in rows and "All 7 trials" in rows["pooled"]["text"]
    assert "16 people, 6 had little" in rows["none"]["text"] and rows["none"]["people"] == (6, 16)


def test_day_3_to_week_1_is_attached_to_multi_day_drips():
    for where, text in _all_shown():
        t = _norm(text)
        if "day 3" in t and re.search(r"week 1\b", t):
            assert re.search(r"several days|multi-day|over days", t), where
    rows = {r["key"]: r for r in tl.strings()["course"]["rows"]}
    assert "several days" in rows["onset"]["text"]


def test_the_closest_course_row_for_each_drip_protocol_is_honest():
    rows = {r["key"]: r for r in tl.strings()["course"]["rows"]}
    closest = tl.strings()["course"]["closest"]
    for pid in ("schwartzman-2009", "sigtermans-2009"):
        assert closest[pid] == ("crps",)
    assert "week 12" in rows["crps"]["text"] and "sigtermans2009" in rows["crps"]["refs"]
    assert closest["cohen-2018-test"] == ("short",)  # one short drip: relief only while it runs


# --- 8. Labels that read like a promise -----------------------------------------------------------


def test_no_label_reads_like_a_promise_of_relief():
    hits = [where for where, text in _all_shown()
            if re.search(r"pain[- ]relief (range|level)", text, re.I)]
    assert not hits, hits
    s = tl.strings()
    assert "in studies" in s["level_words"]["relief"]
    assert "in studies" in s["session"]["bands"]["relief"].replace("\n", " ")
    ps = yaml.safe_load((ASSETS / "en-GB" / "strings" / "pain_signal.yaml").read_text("utf-8"))
    relief = next(level for level in ps["levels"] if level["key"] == "relief")
    assert relief["label"] == "Linked with relief"
    assert "in studies" in relief["tooltip"] and "floaty" in relief["tooltip"]


def test_no_level_is_offered_as_relief_without_the_floaty_feelings():
    overlap = _norm(content.passage("s3-levels-overlap").text)
    assert "they overlap" in overlap
    assert "no level that eases pain without these feelings" in overlap
    assert "overlaps the “floaty” range" in tl.strings()["level_words"]["relief+dissociation"]


# --- 9. Citations --------------------------------------------------------------------------------


def test_kotermanski_is_cited_only_for_magnesium_and_subtypes():
    for item in [*content.passages("trainee"), *content.glossary(),
                 *content.predictions(audience="trainee")]:
        if "kotermanski2009" in item.refs:
            text = _norm(getattr(item, "text", "") or getattr(item, "explanation", ""))
            assert "glun2c" in text, f"{item.id} cites Kotermanski & Johnson for something else"
    for pid in ("s2-how-pain-travels", "s2-wind-up", "s2-trainee-wind-up"):
        assert "woolf2011" in content.passage(pid).refs or "mendell1966" in content.passage(
            pid).refs
    assert "kotermanski2009" not in content.passage("s2-trainee-wind-up").refs


def test_s_ketamine_is_a_mirror_image_form_and_not_twice_as_potent():
    hits = [w for w, t in _all_shown() if _affirmed("a purer form", t)
            or re.search("twice as potent|roughly twice", _norm(t))]
    assert not hits, hits
    assert "mirror-image" in _norm(content.passage("s3-trainee-binding").text)


def test_s_versus_r_and_s_versus_the_mixture_are_kept_apart():
    """Round 2: Øye 1992 compares S with R (at least 4 times for binding, about 4 for pain
    relief); "about twice" is the reviews' S-against-the-mixture figure (Peltoniemi 2016)."""
    for where, text in _all_shown():
        for s in _sentences(_norm(text)):
            if "twice" in s and "ketamine" in s:
                assert re.search(r"mixture|racemic", s) and "øye" not in s, (where, s)
    binding = content.passage("s3-trainee-binding")
    text = _norm(binding.text)
    assert "at least 4 times as potent for binding" in text and "about 4 times" in text
    assert "about twice the mixture" in text and "peltoniemi2016" in binding.refs


def test_every_registry_entry_says_how_it_was_checked_and_what_it_supports():
    raw = yaml.safe_load((ASSETS / "references.yaml").read_text("utf-8"))
    for key, entry in raw.items():
        assert entry.get("checked") and set(entry["checked"]) <= set(CHECKED), key
        assert isinstance(entry.get("supports"), str) and entry["supports"].strip(), key
    for key, ref in content.references().items():
        assert ref.checked and ref.supports, key


def test_a_registry_entry_without_checked_is_refused(tmp_path):
    root = _tree(tmp_path)
    path = root / "references.yaml"
    path.write_text(path.read_text("utf-8").replace("  checked: [abstract]\n", "", 1), "utf-8")
    with pytest.raises(content.ContentError, match="missing checked"):
        content.validate(root)
    bad = _tree(tmp_path / "b")
    path = bad / "references.yaml"
    path.write_text(path.read_text("utf-8").replace("checked: [abstract]", "checked: [vibes]",
                                                    1), "utf-8")
    with pytest.raises(content.ContentError, match="checked must list"):
        content.validate(bad)
    content.clear_cache()


def test_the_about_page_claims_no_more_checking_than_the_registry_shows():
    counts = pages.checked_counts()
    about = _norm((ASSETS / "en-GB" / "pages" / "about.md").read_text("utf-8"))
    if "full text" not in counts:
        assert "none was read in full text" in about
    assert "checked by the team against a paper" not in about
    html = pages.references_html()
    for how, n in counts.items():
        assert f"{how}: {n}" in html
    for key, ref in content.references().items():
        assert f"How checked: {', '.join(ref.checked)}." in html, key


def test_clinic_practice_is_never_the_source_of_a_stated_safety_rule():
    assert "no driving" not in content.reference("clinic-practice").citation.casefold()
    for p in content.passages("trainee"):
        if "clinic-practice" in p.refs and p.audience != "trainee":
            t = _norm(p.text)
            for rule in ("drive", "alcohol", "urine", "liver", "24 hours", "an adult"):
                assert rule not in t, f"{p.id} cites clinic-practice for {rule!r}"
    for pattern in tl.strings()["patterns"].values():
        for ph in pattern["phases"]:
            if "clinic-practice" in ph["refs"]:
                assert "driv" not in ph["now"], ph["key"]


# --- Added: interactions, off-label, dependence, liver -----------------------------------------


def test_interactions_off_label_dependence_and_liver_signs_reach_the_patient():
    patient = " ".join(_norm(p.text) for p in content.passages("patient"))
    for phrase in ("alcohol, opioid painkillers", "diazepam", "slow your breathing",
                   "off-label", "come to depend on it", "works less", "herbal remedies",
                   "yellow skin or eyes, dark urine, pale poo, or pain under your right ribs",
                   "3 of the 6 got liver damage"):
        assert phrase in patient, phrase
    trainee = _norm(content.passage("s7-trainee-contraindications").text)
    assert "theophylline or aminophylline with s-ketamine" in trainee
    assert "off-label" in trainee and "tolerance and dependence" in trainee


# --- Added: the options, and good and bad in equal detail ---------------------------------------


def test_the_options_are_named_and_ketamine_usually_comes_after_them():
    text = _norm(content.passage("s6-options").text)
    for phrase in ("usually tried only after other treatments", "exercise and physiotherapy",
                   "pain-management programme", "talking therapies", "antidepressants",
                   "nerve-pain medicines", "amitriptyline", "duloxetine", "gabapentin",
                   "pregabalin"):
        assert phrase in text, phrase
    assert "nice-cg173" in content.passage("s6-options").refs


def test_good_and_bad_features_are_given_in_equal_detail():
    md = content.passage("s6-good-and-bad").markdown
    good, bad = md.split("**What may be bad about ketamine**")
    good_items = re.findall(r"^- (.+(?:\n  .+)*)", good, re.M)
    bad_items = re.findall(r"^- (.+(?:\n  .+)*)", bad, re.M)
    assert len(good_items) == len(bad_items) >= 4
    words = [len(" ".join(x).split()) for x in (good_items, bad_items)]
    assert max(words) <= 1.3 * min(words), words


# --- Added: numbers as people --------------------------------------------------------------------


EXPECTED_ARRAYS = {
    "ia-floaty-feelings": ("s7-common", [(76, 100), (18, 100)], False),
    "ia-liver": ("s7-long-term", [(3, 6)], True),
    "ia-little-change": ("s6-how-much", [(6, 16)], True),
}


def test_icon_arrays_show_the_sources_frequencies_with_real_denominators():
    found = {a.id: (a.after, [(g.count, g.of) for g in a.groups], a.small_study)
             for a in icon_arrays.arrays()}
    assert found == EXPECTED_ARRAYS


@pytest.mark.parametrize("array", icon_arrays.arrays(), ids=lambda a: a.id)
def test_icon_array_text_alternative_matches_its_numbers(array):
    html = icon_array.html(array, strings.text("ui", "formats.icon_count"))
    words = icon_arrays.describe(array)
    svgs = re.findall(r"<svg [^>]*class=\"kx-icon-array-svg\".*?</svg>", html, re.S)
    assert len(svgs) == len(array.groups)
    for g, svg_text in zip(array.groups, svgs, strict=True):
        filled = len(re.findall(r'<use href="#[^"]*-filled"', svg_text))
        empty = len(re.findall(r'<use href="#[^"]*-empty"', svg_text))
        assert (filled, filled + empty) == (g.count, g.of)
        sentence = f"{g.count} out of {g.of} {array.filled}, and {g.of - g.count} {array.empty}"
        assert sentence in words and f'aria-label="{icon_arrays.group_sentence(array, g)}"' in (
            svg_text)
    if array.small_study:
        assert f"in one small study of {sum(g.of for g in array.groups)} people" in words
    assert f'<p class="kx-icon-array-text">{words}</p>' in html.replace("&#x27;", "'")
    assert "%" not in words.split(".")[1]  # numbers as people, not a percentage or a ratio


def test_icon_arrays_use_okabe_ito_and_fill_not_colour_alone():
    html = icon_array.html(icon_arrays.arrays()[0],
                           strings.text("ui", "formats.icon_count"))
    assert icon_array.FILLED == "#0072B2"
    filled_def = re.search(r'id="[^"]*-filled">(.*?)</g></g>', html, re.S).group(1)
    empty_def = re.search(r'id="[^"]*-empty">(.*?)</g></g>', html, re.S).group(1)
    assert 'fill="#0072B2"' in filled_def and 'fill="#ffffff"' in empty_def
    assert 'stroke="#0072B2"' in empty_def  # same colour, hollow: the shape is the cue


def test_icon_arrays_appear_after_their_passage_and_are_plain():
    for a in icon_arrays.arrays():
        step = content.passage(a.after).step
        html = walkthrough_text.step_html(step, "patient")
        section = html.split(f'data-passage="{a.after}"', 1)[1].split("</section>", 1)[0]
        assert f'data-icon-array="{a.id}"' in section
    grades = [textstat.flesch_kincaid_grade(icon_arrays.describe(a)) for a in icon_arrays.arrays()]
    assert max(grades) <= 8.0 and statistics.mean(grades) <= 6.0, grades


# --- Added: the content review export ----------------------------------------------------------


def test_review_export_round_trips_every_passage(tmp_path):
    paths = review_export.write(tmp_path, "markdown")
    assert [p.name for p in paths[:2]] == ["content-review.csv", "content-review.md"]
    assert all(p.name.startswith("translation-review-") for p in paths[2:])  # per locale
    with paths[0].open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == review_export.COLUMNS
    by_id = {r["id"]: r for r in rows if r["kind"] == "passage"}
    passages = content.passages("trainee")
    assert list(by_id) == [p.id for p in passages]
    for p in passages:
        row = by_id[p.id]
        assert row["text"] == p.text and row["audience"] == p.audience
        assert row["step"] == str(p.step) and row["step_title"] == content.step_title(p.step)
        assert row["refs"] == review_export.SEP.join(p.refs)
        for key in p.refs:
            ref = content.reference(key)
            assert f"{key}: {', '.join(ref.checked)}" in row["how_checked"]
            assert ref.supports in row["supports"]
        assert row["decision"] == "" and row["reviewer_comment"] == ""
    assert {r["id"] for r in rows if r["kind"] == "glossary"} == {g.id for g in content.glossary()}
    assert by_id["s7-common"]["figures"] == icon_arrays.describe(icon_arrays.after("s7-common")[0])
    doc = paths[1].read_text("utf-8")
    for p in passages:
        assert f"### `{p.id}` ({p.audience})" in doc
    assert doc.count("**Sign-off:**") == len(rows)
    assert "## The references registry" in doc


def test_review_export_command_writes_html(tmp_path, capsys):
    from explainer.serving import cli

    cli.main(["review-export", "--out", str(tmp_path), "--format", "html"])
    html = (tmp_path / "content-review.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "s8-aftercare" in html and (tmp_path / "content-review.csv").exists()
    assert "wrote" in capsys.readouterr().out
