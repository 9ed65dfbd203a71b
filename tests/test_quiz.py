"""The self-check: the shipped questions validate; validation refuses broken data; shuffling,
checking and scoring are pure and behave; the widget turns them into feedback and a score."""

from __future__ import annotations

import copy
import random
import shutil
from collections import Counter

import pytest
import yaml

from explainer.content import ContentError, quiz, references, strings
from explainer.paths import ASSETS_ENV_VAR, assets_dir

TOPICS = ("receptor", "pharmacokinetics", "evidence", "safety")


def _raw() -> dict:
    return yaml.safe_load((assets_dir() / "en-GB" / "quiz.yaml").read_text(encoding="utf-8"))


# --- the shipped data ---------------------------------------------------------------------------


def test_shipped_questions_validate_and_cover_every_topic():
    assert quiz.validate_data(_raw()) == []
    questions = quiz.questions()
    assert len(questions) >= 24
    assert tuple(quiz.topics()) == TOPICS
    per_topic = Counter(q.topic for q in questions)
    assert all(per_topic[t] >= 5 for t in TOPICS), per_topic
    kinds = Counter(q.kind for q in questions)
    assert kinds["choice"] >= 12 and kinds["numeric"] >= 6, kinds


def test_each_question_has_one_answer_an_explanation_and_resolvable_keys():
    registry = references()
    for q in quiz.questions():
        assert q.explanation and q.refs, q.id
        assert set(q.refs) <= set(registry), q.id
        if q.kind == "choice":
            assert 0 <= q.correct_index < len(q.choices) and len(set(q.choices)) == len(q.choices)
            assert q.answer is None and q.unit is None
        else:
            assert q.choices == () and q.tolerance >= 0 and q.unit
            assert quiz.check(q, str(q.answer)).correct is True


def test_topic_selection():
    assert all(q.topic == "safety" for q in quiz.questions("safety"))
    assert sum(len(quiz.questions(t)) for t in TOPICS) == len(quiz.questions())
    with pytest.raises(ValueError, match="unknown quiz topic"):
        quiz.questions("homeopathy")


# --- validation refuses broken data -------------------------------------------------------------


def _broken(change) -> list[str]:
    data = copy.deepcopy(_raw())
    change(data)
    return quiz.validate_data(data)


def _first(kind):
    return lambda data: next(q for q in data["questions"] if q["kind"] == kind)


@pytest.mark.parametrize("change, expected", [
    (lambda d: _first("choice")(d)["choices"][1].update(correct=True), "exactly one correct"),
    (lambda d: [c.pop("correct", None) for c in _first("choice")(d)["choices"]],
     "exactly one correct"),
    (lambda d: _first("choice")(d).update(refs=["made-up-2099"]), "unknown reference keys"),
    (lambda d: _first("choice")(d).update(refs=[]), "should be non-empty"),
    (lambda d: _first("choice")(d).update(topic="astrology"), "unknown topic"),
    (lambda d: _first("numeric")(d).update(id=_first("choice")(d)["id"]), "duplicate id"),
    (lambda d: _first("choice")(d).update(explanation=""), "should be non-empty"),
    (lambda d: _first("choice")(d).update(answer=3), "answer not allowed in a choice question"),
    (lambda d: _first("numeric")(d).pop("tolerance"), "'tolerance' is a required property"),
    (lambda d: _first("numeric")(d).update(tolerance=-1), "less than the minimum"),
    (lambda d: _first("numeric")(d).update(answer="lots"), "is not of type 'number'"),
    (lambda d: _first("choice")(d)["choices"].append({"text": _first("choice")(d)["choices"][0]
                                                      ["text"]}), "same text"),
    (lambda d: d.update(schema_version=2), "1 was expected"),
    (lambda d: _first("choice")(d).update(hint="psst"), "Additional properties"),
])
def test_validation_names_the_problem(change, expected):
    problems = _broken(change)
    assert problems and any(expected in p for p in problems), problems


def test_a_broken_file_fails_at_load(tmp_path, monkeypatch):
    data = _raw()
    data["questions"][0]["refs"] = ["nobody2099"]
    (tmp_path / "en-GB").mkdir()
    shutil.copy(assets_dir() / "references.yaml", tmp_path / "references.yaml")
    bad = tmp_path / "en-GB" / "quiz.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv(ASSETS_ENV_VAR, str(tmp_path))
    quiz.clear_cache()
    strings.clear_cache()
    try:
        with pytest.raises(ContentError, match="nobody2099"):
            quiz.questions()
    finally:
        monkeypatch.undo()
        quiz.clear_cache()
        strings.clear_cache()


# --- shuffling ----------------------------------------------------------------------------------


def test_shuffle_is_a_permutation_of_questions_and_of_each_questions_choices():
    questions = quiz.questions()
    shown = quiz.shuffled(questions, random.Random(1))
    assert sorted(s.question.id for s in shown) == sorted(q.id for q in questions)
    for s in shown:
        assert sorted(s.choices) == sorted(s.question.choices)
    assert [q.id for q in questions] == [q.id for q in quiz.questions()]  # input untouched


def test_shuffle_is_reproducible_per_seed_and_differs_between_viewers():
    questions = quiz.questions()
    first = [s.question.id for s in quiz.shuffled(questions, random.Random(7))]
    again = [s.question.id for s in quiz.shuffled(questions, random.Random(7))]
    assert first == again
    orders = {tuple(s.question.id for s in quiz.shuffled(questions, random.Random(seed)))
              for seed in range(20)}
    assert len(orders) == 20
    leaders = Counter(quiz.shuffled(questions, random.Random(seed))[0].question.id
                      for seed in range(600))
    assert len(leaders) == len(questions)  # every question can come first


def test_choice_order_changes_with_the_seed():
    q = next(q for q in quiz.questions() if q.kind == "choice")
    orders = {quiz.shuffled([q], random.Random(seed))[0].choices for seed in range(40)}
    assert len(orders) > 1


# --- checking and scoring -----------------------------------------------------------------------


def _choice():
    return next(q for q in quiz.questions() if q.kind == "choice")


def _numeric():
    return quiz.Question(id="n", topic="receptor", kind="numeric", text="?", explanation="e",
                         refs=("ebert1997",), answer=1100.0, tolerance=100.0, unit="ng/mL")


def test_check_a_choice():
    q = _choice()
    right = q.choices[q.correct_index]
    wrong = next(c for c in q.choices if c != right)
    assert quiz.check(q, right).correct is True
    verdict = quiz.check(q, wrong)
    assert verdict.correct is False and right in verdict.message
    assert quiz.check(q, None).correct is None
    assert quiz.check(q, "something else").correct is None


@pytest.mark.parametrize("response, correct", [
    ("1100", True), ("1,100", True), ("1200", True), ("1000", True), ("1200.5", False),
    (" 1050 ng/mL", True), ("999", False), (1100, True), (1201.0, False),
    ("", None), ("about a thousand", None), ("nan", None), ("inf", None), (True, None),
    (None, None), (float("nan"), None),
])
def test_check_a_number(response, correct):
    verdict = quiz.check(_numeric(), response)
    assert verdict.correct is correct
    if correct is None:
        assert "ng/mL" in verdict.message
    else:
        assert "1,100 ng/mL" in verdict.message


@pytest.mark.parametrize("text, value", [
    ("238", 238.0), ("4.4", 4.4), ("4.4 %", 4.4), ("-70", -70.0), ("1,285", 1285.0),
    (".5", 0.5), ("12,34", None), ("1.2.3", None), ("", None), ("-", None), ("1e3", 1000.0),
    ("2 ,5", None),
    ("Infinity", None),
])
def test_parse_number(text, value):
    assert quiz.parse_number(text) == value


def test_tally_counts_first_answers_only():
    tally = quiz.Tally(total=3)
    tally = tally.record("a", True).record("b", False).record("a", False)
    assert (tally.answered, tally.correct, tally.finished) == (2, 1, False)
    tally = tally.record("c", True)
    assert (tally.answered, tally.correct, tally.finished) == (3, 2, True)


# --- the widget ---------------------------------------------------------------------------------


def _view(topic="receptor", seed=3):
    from explainer.widgets.quiz import QuizView

    return QuizView(quiz.questions(topic), title="t", rng=random.Random(seed))


def _right(item):
    q = item.question
    return q.choices[q.correct_index] if q.kind == "choice" else str(q.answer)


def test_widget_feedback_score_and_lock():
    view = _view()
    assert "0 correct out of 0 answered" in view.score.value
    first, second = view.items[0], view.items[1]
    first.answer(_right(first))
    assert "Correct." in first.feedback.value and first.question.explanation[:20] in \
        first.feedback.value.replace("&quot;", '"').replace("&#x27;", "'")
    assert first.locked
    if first.question.kind == "choice":
        marked = [b.description for b in first.choice_buttons if b.description.startswith("✓")]
        assert marked == [f"✓ {_right(first)}"]
    assert "kx-describer" in first.feedback._dom_classes  # a polite live region on the page
    wrong = "nonsense" if second.question.kind == "numeric" else next(
        c for c in second.question.choices if c != _right(second))
    second.answer(wrong)
    if second.question.kind == "numeric":  # unreadable: a hint, not a wrong answer
        assert "Type a number" in second.feedback.value and not second.answered
        second.answer("-99999")
    assert "Not quite." in second.feedback.value
    assert "1 correct out of 2 answered" in view.score.value
    for item in view.items[2:]:
        item.answer(_right(item))
    assert f"Finished: {len(view.items) - 1} of {len(view.items)} correct." in view.score.value


def test_widget_order_is_per_viewer_and_start_again_resets():
    ids = [i.question.id for i in _view(seed=1).items]
    assert ids != [i.question.id for i in _view(seed=2).items]
    view = _view(seed=1)
    view.items[0].answer(_right(view.items[0]))
    view.start()
    assert view.tally.answered == 0 and not any(i.answered for i in view.items)
    assert "0 correct out of 0 answered" in view.score.value


def test_widget_controls_are_labelled():
    view = _view("pharmacokinetics")
    for n, item in enumerate(view.items, 1):
        assert f"Question {n} of {len(view.items)}" in item.children[0].value
        if item.question.kind == "numeric":
            assert item.control.description == f"Your answer ({item.question.unit})"
            assert item.check_button.description == "Check answer"
        else:
            assert item.check_button is None and "kx-quiz-choices" in item.control._dom_classes
            texts = [b.description for b in item.choice_buttons]
            assert sorted(texts) == sorted(item.question.choices)
            assert all(b.tooltip == b.description for b in item.choice_buttons)
        assert not item.locked
