"""Clinical sign-off, round two (issue 21): each item of the fact sheet's "Corrections and
additions, round 2", tested on the text each audience actually sees.

- the walkthrough: `walkthrough_text.step_html(step, mode)` (what the step view shows);
- the clinic panel and the handout: `clinic_text.rules(cfg)` and `handout_data(request)`, with no
  clinic and with each example clinic;
- the timeline: the protocol library's patient text and the filled-in timeline strings;
- the quiz: its keyed answers against the data the walkthrough and models use.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest

from explainer import content
from explainer.content import aftercare, strings
from explainer.content.clinic import text as clinic_text
from explainer.content.clinic.config import load_clinic
from explainer.content.protocols import library as protocols
from explainer.content.quiz import questions
from explainer.figures import session as tl
from explainer.widgets.walkthrough import text as wt

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = [REPO / "examples" / "clinic.toml", REPO / "examples" / "clinic-us.toml"]


def _plain(markup: str) -> str:
    """Visible words of some HTML: tags dropped, entities and typographic quotes undone."""
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", markup))
    text = text.translate(str.maketrans("‘’“”", "''\"\""))
    return re.sub(r"\s+", " ", text).casefold()


def _seen(step: int, mode: str = "patient") -> str:
    """The words of one walkthrough step as the step view renders them."""
    return _plain(wt.step_html(step, mode))


def _patient_walkthrough() -> str:
    return " ".join(_seen(s) for s in content.STEPS)


def _handout(protocol: str, cfg=None, monkeypatch=None) -> dict:
    from explainer.handout import document
    if monkeypatch is not None:
        monkeypatch.setattr(document, "current", lambda: cfg)
    return document.handout_data(document.HandoutRequest(protocol))


def _handout_text(data: dict) -> str:
    parts: list[str] = []

    def walk(node):
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list | tuple):
            for v in node:
                walk(v)
    walk(data)
    return " ".join(parts).casefold()


# --- 1. Driving at home and the law ----------------------------------------------------------


def test_driving_at_home_and_the_law_reach_every_audience():
    step4 = _seen(4)
    for phrase in ("if you take ketamine at home", "when you first start it",
                   "after your dose changes", "sleepy, dizzy or floaty",
                   "england, wales and scotland", "drug-driving law",
                   "prescribed, you took it as told", "did not affect your driving",
                   "carry your prescription", "in every state", "at least 24 hours"):
        assert phrase in step4, phrase
    assert "ask your clinic" not in _plain(content.passage("s4-driving-at-home").html)
    trainee = _seen(4, "trainee")
    assert "march 2015" in trainee and "medical defence" in trainee
    lib = protocols.load_protocols()
    for pid in ("oral-example", "intranasal-example"):  # the timeline's patient text
        words = lib[pid].audience["patient"].casefold()
        assert "do not drive" in words and "drug-driving law" in words and "24 hours" in words
    summary = _seen(9)
    assert "named in the drug-driving law" in summary
    block = aftercare.block().text.casefold()  # the after-care block, steps 8 and 9
    assert "if you take ketamine at home" in block and "drug-driving law" in block
    refs = content.passage("s4-driving-at-home").refs
    assert {"uk-drug-driving2015", "us-drug-impaired-driving"} <= set(refs)


def test_the_handout_carries_the_home_driving_rule_and_the_law(monkeypatch):
    generic = _handout_text(_handout("oral-example", None, monkeypatch))
    assert "named in the drug-driving law" in generic  # the main points
    uk = load_clinic(EXAMPLES[0])
    text = _handout_text(_handout("oral-example", uk, monkeypatch))
    assert "named in the drug-driving law" in text and "schedule 2" in text
    us = load_clinic(EXAMPLES[1])
    assert "in every state" in _handout_text(_handout("oral-example", us, monkeypatch))


def test_the_quiz_asks_about_driving_at_home():
    q = next(q for q in questions() if q.id == "safety-driving-at-home")
    right = q.expected
    assert "drug-driving law" in right and "dose change" in right


# --- 2. Interactions --------------------------------------------------------------------------


INTERACTIONS = {  # what a patient reads -> what a trainee reads
    "grapefruit": "grapefruit juice raised it about three-fold",
    "st john's wort": "st john's wort lowered the auc by about 58%",
    "antibiotics": "clarithromycin raised it 2.6-fold",
    "fungal infection": "itraconazole did not",
    "rifampicin": "rifampicin lowered it greatly",
    "carbamazepine": "carbamazepine",
    "thyroid medicine": "thyroid hormone",
    "decongestants": "sympathomimetics",
    "lamotrigine": "lamotrigine attenuated",
}


def test_each_interaction_reaches_the_patient_in_plain_words_and_the_trainee_with_its_enzyme():
    patient, trainee = _seen(7), _seen(7, "trainee")
    for plain, technical in INTERACTIONS.items():
        assert plain in patient, plain
        assert technical in trainee, technical
    assert "cyp3a4 and cyp2b6" in trainee
    assert "cyp" not in _plain(content.passage("s7-other-medicines").html)


# --- 3. Kidneys, regulators, monitoring, and the kidney signs in every when-to-call list -------


KIDNEY_SIGNS = ("pain in your side or back", "much less urine")


@pytest.mark.parametrize("path", [None, *EXAMPLES], ids=["no clinic", "uk", "us"])
def test_kidney_signs_are_in_every_when_to_call_list(path):
    cfg = load_clinic(path) if path else None
    calls = " ".join(clinic_text.rules(cfg).call).casefold()
    for sign in KIDNEY_SIGNS:
        assert sign in calls, (sign, path)
    block = aftercare.block()
    assert all(s in block.text.casefold() for s in KIDNEY_SIGNS)
    assert "much less urine" in block.timeline_now and "side or back" in block.timeline_now
    assert {"ansm2023", "health-canada2020"} <= set(block.refs)
    assert all(s in _seen(8) and s in _seen(9) for s in KIDNEY_SIGNS)  # the block, both steps


def test_regulator_warnings_and_monitoring_reach_the_patient():
    kidneys = content.passage("s7-kidneys")
    text = kidneys.text.casefold()
    for phrase in ("tubes from the kidneys", "swell", "damaged", "french drug regulator",
                   "check your liver, your kidneys and your urine"):
        assert phrase in text, phrase
    assert {"ansm2023", "health-canada2020"} <= set(kidneys.refs)
    assert "canada and france" in content.passage("s7-long-term").text.casefold()
    trainee = _seen(7, "trainee")
    assert "hydronephrosis" in trainee and "health canada 2020" in trainee


# --- 4. Evidence framed exactly ---------------------------------------------------------------


def test_the_pooled_result_is_framed_against_placebo_with_its_risk_of_bias():
    how_much = _plain(content.passage("s6-how-much").html)
    assert "dummy drip" in how_much and "lower with ketamine than with the dummy drip" in how_much
    assert "two days or more after the drip" in how_much
    assert "flaws" in how_much and "only some of them found a benefit" in how_much
    for p in content.passages("trainee"):  # only ever quoted as the wrong wording
        for s in re.split(r"(?<=[.;])\s+", _plain(p.html)):
            if re.search(r"pain fell by (about )?(1\.83|2) points", s):
                assert 'not "pain fell' in s, (p.id, s)
    assert "risk of bias" in _seen(6, "trainee")


def test_goldbergs_icon_array_says_it_had_no_comparison_group():
    from explainer.content import icon_arrays
    (array,) = icon_arrays.after("s6-how-much")
    words = f"{array.title} {array.note}".casefold()
    assert "no comparison group" in words and "day 5" in words and "still running" in words
    assert "no comparison group" in _seen(6)  # the picture's words are on the page


def test_one_plain_statement_of_how_long_relief_lasts():
    for pid in ("s6-how-long", "s5-how-long-it-lasted"):
        text = content.passage(pid).text.casefold()
        assert text.startswith("in short: relief, if it comes, often lasts only a few weeks")
    when = content.passage("s5-when-relief-came").text.casefold()
    assert "relief can start during a drip" in when and "may take days" not in when


def test_the_test_infusion_is_worded_the_same_everywhere():
    """Cohen 2018: words, not letter grades, in walkthrough, protocols and quiz."""
    texts = [content.passage("s5-trainee-regimens").text,
             protocols.load_protocols()["cohen-2018-test"].audience["trainee"],
             next(q.expected for q in questions() if q.id == "evidence-test-infusion")]
    for text in texts:
        t = text.casefold()
        assert "at least 80 mg over more than 2 hours" in t
        assert "low" in t and "certainty" in t and "grade c" not in t


def test_nice_is_in_england_everywhere():
    shown = [*(p.text for p in content.passages("trainee")),
             *(r["short"] + r["text"] for r in tl.strings()["course"]["rows"]),
             strings.text("clinic", "regulator.UK.text")]
    for text in shown:
        assert not re.search(r"NICE \(UK\)|in the UK, NICE", text), text
    assert "in england, nice" in strings.text("clinic", "regulator.UK.text").casefold()


# --- 5. Corrections ---------------------------------------------------------------------------


def test_corrected_facts_are_what_each_audience_sees():
    patient, trainee = _patient_walkthrough(), " ".join(_seen(s, "trainee") for s in content.STEPS)
    assert "last for days" not in patient and "come back for up to a day" in patient
    assert "schedule 2" in patient and "class b" in patient and "schedule iii" in patient
    assert "not licensed" in patient and "no drug regulator has approved" not in patient
    assert "above 180/100, or if it is not well controlled" in patient
    assert "several times a day, as your clinic says" in patient
    assert "three or four times a day" not in patient
    assert "four to six" in trainee and "about 20–30%" in trainee
    assert "långsjö" in trainee and "pet study of brain blood flow" in trainee
    assert "clear drinks until 2 hours before" in patient


def test_the_model_curve_is_not_a_guide_to_how_long_feelings_last():
    eases = tl.strings()["session"]["eases"]
    for key in ("drip", "dose"):
        assert "does not tell you how long the feelings last" in eases[key]
    assert "does not tell you how long the feelings will last" in _seen(5)


def test_the_registry_records_how_each_round_2_source_was_checked():
    from explainer.content import references
    reg = references()
    for key in ("uk-drug-driving2015", "us-drug-impaired-driving", "ansm2023",
                "health-canada2020", "peltoniemi2012-sjw", "peltoniemi2012-grapefruit",
                "hagelberg2010", "peltoniemi2012-rifampicin", "peltoniemi2016", "anand2000"):
        entry = reg[key]
        assert entry.checked and "2026-12-05" in (entry.note or ""), key
    assert "not read" in reg["ansm2023"].note  # said honestly: read through reports of it
    assert reg["hull-ketamine-solution"].confidence == "M"
    assert "Långsjö" in reg["s-ketamine-haemodynamics2005"].citation


# --- 6. Missing topics, the options including current care, and a values step --------------


MISSING_TOPICS = {
    "contraception": "use contraception", "pregnancy": "if you think you may be pregnant",
    "memory with long-term use": "harm memory or thinking", "flashbacks": "flashback",
    "misuse signs": "run out early", "safe storage": "lock it away",
    "never sharing": "never share it", "when treatment stops": "it should stop",
    "repeat courses": "repeat the course", "risks add up": "each new course adds to the risks",
    "other drip medicines": "midazolam", "consent": "consent form", "age": "aged 16 and over",
    "already on ketamine": "do not stop it suddenly", "travel": "before you travel",
    "cost": "what the treatment will cost", "insurance": "insurance", "tolerance": "tolerance",
}


def test_every_missing_topic_is_now_covered_for_patients():
    patient = _patient_walkthrough()
    missing = [topic for topic, phrase in MISSING_TOPICS.items() if phrase not in patient]
    assert not missing, missing


def test_the_options_include_current_care_in_comparable_detail():
    md = content.passage("s6-options").markdown
    items = re.findall(r"^- (.+(?:\n  .+)*)", md, re.M)
    names = [re.match(r"\*\*(.+?)\*\*", i).group(1).casefold() for i in items]
    assert names[0].startswith("carry on with your current care")
    assert any("ketamine" in n for n in names) and len(items) >= 7
    words = [len(i.split()) for i in items]
    assert max(words) <= 2.2 * min(words), words  # comparable, not one long and one short
    for item in items:  # each: what it is (bold) and at least one more sentence to weigh
        assert len(re.findall(r"[.!?](\s|$)", item)) >= 2, item


def test_the_values_part_stores_nothing():
    p = content.passage("s6-values")
    assert p.part == "What matters most to you?" and p.claim is False
    assert "does not save anything" in p.text
    assert "what matters most to you" in _seen(6)


# --- 9. Plain language: parts, and abbreviations explained --------------------------------


def test_steps_6_and_7_come_in_parts_a_patient_opens_one_by_one():
    for step in (6, 7):
        page = wt.step_html(step, "patient")
        parts = re.findall(r"<details class=\"kx-passage-part\"><summary>([^<]+)</summary>", page)
        assert len(parts) >= 6, (step, parts)
        assert " open" not in page.split("<details", 1)[1].split(">", 1)[0]  # closed at first
        first = content.passages("patient", step=step)[0]
        assert not first.part and "one part at a time" in first.text
        for p in content.passages("patient", step=step):  # one idea per part: short
            assert len(p.text.split()) <= 200, (p.id, len(p.text.split()))
    assert len(content.STEPS) == 9  # the number of steps is unchanged


ABBREVIATIONS = {
    "CRPS": "complex regional pain syndrome", "NICE": "national institute for health",
    "CBT": "cognitive behavioural therapy", "ACT": "acceptance and commitment therapy",
    "Schedule": "the law puts controlled drugs into groups",
    "NHS": "public health service",
}


def test_every_abbreviation_is_explained_where_a_patient_first_meets_it():
    for abbr, meaning in ABBREVIATIONS.items():
        first = next(p for p in content.passages("patient")
                     if re.search(rf"\b{abbr}\b", p.text))
        assert meaning in first.text.casefold(), (abbr, first.id)
        assert any(g.matches(abbr) for g in content.glossary()), abbr


# --- 7. The quiz's keyed answers agree with the data the walkthrough and models use ----------


def _key(qid: str):
    q = next(q for q in questions() if q.id == qid)
    return q, (q.expected if q.kind == "choice" else q.answer)


def test_quiz_keys_match_the_walkthrough_and_the_models():
    from explainer.content import icon_arrays
    from explainer.models.pk import solver
    from explainer.models.pk.doses import Bolus
    from explainer.models.pk.parameters import MODELS
    from explainer.models.pk.routes import ROUTES

    arrays = {a.id: a for a in icon_arrays.arrays()}
    _, floaty = _key("safety-psychotomimetic")
    assert (arrays["ia-floaty-feelings"].groups[0].count, floaty) == (76, 76)
    assert "76 in 100" in content.passage("s7-common").text
    _, goldberg = _key("evidence-goldberg")
    assert arrays["ia-little-change"].groups[0].count == goldberg == 6
    _, liver = _key("safety-liver")
    assert liver == "3 of 6" and arrays["ia-liver"].groups[0].count == 3
    _, emergence = _key("safety-emergence")
    assert f"about {emergence:g}%" in content.passage("s7-trainee-figures").text
    _, orhurhu = _key("evidence-orhurhu-effect")
    assert f"{orhurhu:g} points lower than **placebo**" in \
        content.passage("s6-trainee-trials").markdown
    _, bp = _key("safety-blood-pressure")
    assert bp.split()[0] in content.passage("s7-heart").text
    q, oral = _key("pk-oral-bioavailability")
    assert (oral - q.tolerance, oral + q.tolerance) == (20, 30)
    assert "about 20% to 30%" in content.passage("s4-how-much-gets-in").text
    assert oral - q.tolerance <= ROUTES["oral"].f * 100 <= oral + q.tolerance
    _, driving = _key("safety-driving")
    from explainer.content.clinic.config import MIN_NO_DRIVING_HOURS
    assert f"at least {MIN_NO_DRIVING_HOURS} hours" in driving.casefold()
    assert aftercare.DRIVING_RULE in aftercare.block().text
    q, bolus = _key("pk-bolus-five-minutes")
    (at5,) = solver.simulate("domino", 70.0, [Bolus(at_min=0, mg=140)], [5])
    assert abs(at5 - bolus) <= q.tolerance
    (kamp5,) = solver.simulate("kamp", 70.0, [Bolus(at_min=0, mg=140)], [5])
    _, one = _key("pk-one-compartment")
    assert "kamp" in one.casefold() and round(kamp5, -1) == 540
    assert MODELS["kamp"].k12 in (None, 0, 0.0) and MODELS["domino"].k12 > 0
    q, half = _key("pk-kamp-half-life")
    assert abs(0.693 * 252 / 79 - half) <= q.tolerance
    _, test = _key("evidence-test-infusion")
    cohen = protocols.load_protocols()["cohen-2018-test"]
    assert "at least 80 mg" in test and cohen.session_total_mg(70) == pytest.approx(80)
    _, s_vs_r = _key("receptor-s-versus-r")
    assert "at least 4 times" in s_vs_r and "about 4 times" in s_vs_r
    assert "at least 4 times as potent for binding" in content.passage("s3-trainee-binding").text
    _, nice = _key("evidence-nice")
    assert "england" in nice.casefold() and "16 and over" in nice
    assert "aged 16 and over" in content.passage("s6-nice").text
