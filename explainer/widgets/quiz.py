"""The self-check view: a topic's questions (or all of them) in an order shuffled per viewer,
instant feedback in a polite live region, and a running score. Nothing is stored.

    view = QuizView(content_quiz.questions("receptor"), title="Check yourself: the receptor")
    view.items[0].answer("S-ketamine")   # what pressing that choice's button does
    view.tally.correct, view.tally.answered

The logic (shuffle, check, score) is pure and lives in `explainer.content.quiz`; this
module only turns it into controls. A choice question is a group of buttons (Tab to one, Enter
or Space answers), a numeric one a labelled text box and a "Check answer" button; the page's
a11y glue (`a11y.js`) names each group after its question and makes `.kx-describer` outputs
polite live regions.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from html import escape

import ipywidgets as widgets

from explainer.content import format_refs, strings
from explainer.content import quiz as quiz_data
from explainer.widgets.safety import CallbackGuard

__all__ = ["QuestionView", "QuizView"]


class QuestionView(widgets.VBox):
    """One question: prompt, then one button per choice (`choice_buttons`, answering on click) or
    a labelled text box (`control`) with a "Check answer" button (`check_button`), then the
    feedback (`feedback`). `on_answer(question_id, correct)` is called once, when first answered;
    after that the controls are locked so the score stays honest."""

    def __init__(self, shown: quiz_data.Shown, number: int, total: int,
                 on_answer: Callable[[str, bool], None], guard: CallbackGuard):
        self.question = shown.question
        self._on_answer = on_answer
        self.verdict: quiz_data.Verdict | None = None
        q = self.question
        words = strings.text("ui", "quiz")
        heading = words["question_heading"].format(number=number, total=total)
        prompt = widgets.HTML(
            f'<h3 class="kx-quiz-heading">{escape(heading)}</h3>'
            f'<p class="kx-quiz-prompt">{escape(q.text)}</p>')
        self.choice_buttons: list[widgets.Button] = []
        self.check_button: widgets.Button | None = None
        if q.kind == "choice":
            # One button per choice: a click carries the answer itself (no selection to sync
            # first), the same pattern as the walkthrough's predictions.
            for text in shown.choices:
                button = widgets.Button(description=text, tooltip=text,
                                        layout=widgets.Layout(width="auto", height="auto"))
                button.add_class("kx-quiz-choice")
                button.on_click(guard(lambda _b, t=text: self.answer(t)))
                self.choice_buttons.append(button)
            self.control = widgets.VBox(self.choice_buttons)
            self.control.add_class("kx-quiz-choices")
            controls = [self.control]
        else:
            self.control = widgets.Text(
                value="", description=words["answer_label"].format(unit=q.unit),
                placeholder=words["answer_placeholder"], continuous_update=False,
                style={"description_width": "initial"}, layout=widgets.Layout(width="auto"))
            self.control.add_class("kx-quiz-number")
            self.check_button = widgets.Button(
                description=words["check"], tooltip=words["check_tooltip"].format(number=number),
                layout=widgets.Layout(width="auto"))
            self.check_button.add_class("kx-quiz-check")
            self.check_button.on_click(guard(lambda _b: self.answer(self.control.value)))
            controls = [self.control, self.check_button]
        self.feedback = widgets.HTML("")
        self.feedback.add_class("kx-describer")
        self.feedback.add_class("kx-quiz-feedback")
        super().__init__([prompt, *controls, self.feedback])
        self.add_class("kx-quiz-question")

    @property
    def locked(self) -> bool:
        """True once answered: no control can change the answer."""
        parts = self.choice_buttons or [self.control, self.check_button]
        return all(p.disabled for p in parts)

    def _lock(self, response: object) -> None:
        q = self.question
        words = strings.text("ui", "quiz")
        for button in self.choice_buttons:
            text = button.description
            if text == q.choices[q.correct_index]:
                button.description = words["right_choice"].format(text=text)
                button.add_class("kx-quiz-right-choice")
            elif text == response:
                button.description = words["wrong_choice"].format(text=text)
                button.add_class("kx-quiz-picked")
            button.disabled = True
        if self.check_button is not None:
            self.control.disabled = True
            self.check_button.disabled = True

    @property
    def answered(self) -> bool:
        return self.verdict is not None and self.verdict.correct is not None

    def answer(self, response: object) -> quiz_data.Verdict:
        """Check `response` (a choice's text, or typed text / a number) and show the verdict."""
        if self.answered:
            return self.verdict
        verdict = quiz_data.check(self.question, response)
        self.verdict = verdict
        if verdict.correct is None:
            self.feedback.value = f'<p class="kx-quiz-hint">{escape(verdict.message)}</p>'
            return verdict
        self._lock(response)
        mark, cls = ("✓", "kx-quiz-right") if verdict.correct else ("✗", "kx-quiz-wrong")
        sources = " ".join(format_refs(self.question.refs))
        heading = strings.text("ui", "formats.sources_heading").format(
            sources=strings.text("ui", "labels.sources"))
        self.feedback.value = (
            f'<div class="kx-quiz-verdict {cls}"><p><span aria-hidden="true">{mark}</span> '
            f"<strong>{escape(verdict.message)}</strong></p>"
            f"<p>{escape(self.question.explanation)}</p>"
            f'<p class="kx-quiz-sources">{escape(heading)} {escape(sources)}</p></div>')
        self._on_answer(self.question.id, bool(verdict.correct))
        return verdict


class QuizView(widgets.VBox):
    """A list of questions shuffled for this viewer, with a score (`score`, a live region) and a
    "Start again" button that reshuffles. `rng` makes the order reproducible in tests."""

    def __init__(self, questions: Sequence[quiz_data.Question], title: str,
                 rng: random.Random | None = None, guard: CallbackGuard | None = None):
        if not questions:
            raise ValueError("a quiz needs at least one question")
        self.questions = tuple(questions)
        self._rng = rng if rng is not None else random.Random()
        self._safe = guard if guard is not None else CallbackGuard()
        words = strings.text("ui", "quiz")
        self.heading = widgets.HTML(
            f'<h2 class="kx-quiz-title">{escape(title)}</h2>'
            f'<p class="kx-quiz-intro">'
            f'{escape(words["intro"].format(count=len(self.questions)))}</p>')
        self.score = widgets.HTML("")
        self.score.add_class("kx-describer")
        self.score.add_class("kx-quiz-score")
        self.restart = widgets.Button(description=words["restart"],
                                      layout=widgets.Layout(width="auto"))
        self.restart.add_class("kx-quiz-restart")
        self.restart.on_click(self._safe(lambda _b: self.start()))
        self.list = widgets.VBox([])
        self.list.add_class("kx-quiz-list")
        super().__init__([self.heading, self.list, self.score, self.restart, self._safe.slot])
        self.add_class("kx-quiz")
        self.start()

    def start(self) -> None:
        """A fresh attempt: new order, no answers, score reset."""
        shown = quiz_data.shuffled(self.questions, self._rng)
        self.tally = quiz_data.Tally(total=len(shown))
        self.items = [QuestionView(s, i + 1, len(shown), self._record, self._safe)
                      for i, s in enumerate(shown)]
        self.list.children = self.items
        self._show_score()

    def _record(self, question_id: str, correct: bool) -> None:
        self.tally = self.tally.record(question_id, correct)
        self._show_score()

    def _show_score(self) -> None:
        tally, words = self.tally, strings.text("ui", "quiz")
        if tally.finished:
            text = words["finished"].format(correct=tally.correct, total=tally.total)
        else:
            text = words["so_far"].format(correct=tally.correct, answered=tally.answered,
                                          total=tally.total)
        self.score.value = f'<p class="kx-quiz-score-text">{escape(text)}</p>'
