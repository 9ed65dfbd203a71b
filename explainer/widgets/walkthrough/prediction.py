"""A "make a guess first" prompt: the question, 2–3 choice buttons, and only after a choice
whether it was right and the one-line explanation (the explorable-explanation habit).

    prompt = PredictionPrompt(content.predictions(3)[0])
    prompt.choose("b")          # what a click does; prompt.choice == "b", prompt.answered
    prompt.observe(handler, names="choice")

The feedback sits in a polite live region (the page's a11y glue marks `.kx-describer`), so a
screen reader hears the verdict. The buttons stay usable: another guess replaces the feedback.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
import traitlets

from explainer import content
from explainer.content import strings
from explainer.widgets.audience import PATIENT, Mode
from explainer.widgets.safety import CallbackGuard
from explainer.widgets.walkthrough.text import feedback_html

__all__ = ["PredictionPrompt"]


class PredictionPrompt(widgets.VBox):
    """One prediction. `choice` is the chosen choice id (None until a guess); `mode` adds the
    sources to the feedback in trainee view. Named parts: `buttons` (one per choice, in order),
    `feedback` (HTML). Callbacks run under `guard` (shared with the page it sits in)."""

    choice = traitlets.Unicode(None, allow_none=True)
    mode = Mode(PATIENT)

    def __init__(self, prediction: content.Prediction, mode: str = PATIENT,
                 guard: CallbackGuard | None = None, **kwargs):
        self.prediction = prediction
        self._safe = guard if guard is not None else CallbackGuard()
        question = widgets.HTML(
            f'<p class="kx-wt-prompt">{escape(strings.text("ui", "prediction.prompt"))}</p>'
            f'<p class="kx-wt-question">{escape(prediction.question)}</p>')
        question.add_class("kx-wt-question-view")
        self.buttons: list[widgets.Button] = []
        for c in prediction.choices:
            button = widgets.Button(description=c.text, tooltip=c.text,
                                    layout=widgets.Layout(width="auto", height="auto"))
            button.add_class("kx-wt-choice")
            button.on_click(self._safe(lambda _b, cid=c.id: self.choose(cid)))
            self.buttons.append(button)
        choices = widgets.VBox(self.buttons)
        choices.add_class("kx-wt-choices")
        self.feedback = widgets.HTML("")
        self.feedback.add_class("kx-describer")
        self.feedback.add_class("kx-wt-feedback")
        kwargs.setdefault("layout", widgets.Layout())  # shown and hidden: its own (not shared)
        super().__init__([question, choices, self.feedback], **kwargs)
        self.add_class("kx-wt-prediction")
        self.mode = mode
        self.observe(self._safe(self._render), names=["choice", "mode"])

    @property
    def answered(self) -> bool:
        return self.choice is not None

    @property
    def correct(self) -> bool | None:
        """True or False after a guess, None before."""
        return None if self.choice is None else self.prediction.is_correct(self.choice)

    def choose(self, choice_id: str) -> None:
        """Record a guess (what clicking a choice does). Unknown ids are ignored."""
        if any(c.id == choice_id for c in self.prediction.choices):
            self.choice = choice_id

    def _render(self, _change=None) -> None:
        for c, button in zip(self.prediction.choices, self.buttons, strict=True):
            chosen = c.id == self.choice
            for cls, on in (("kx-wt-chosen", chosen),
                            ("kx-wt-correct", self.answered and self.prediction.is_correct(c.id))):
                if on and cls not in button._dom_classes:
                    button.add_class(cls)
                elif not on and cls in button._dom_classes:
                    button.remove_class(cls)
        html = feedback_html(self.prediction, self.choice, self.mode)
        if html != self.feedback.value:
            self.feedback.value = html
