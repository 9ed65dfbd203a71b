"""One walkthrough step: its passages, its "guess first" prompts and its embedded widgets.

    view = StepView(3, mode="trainee")   # built on the step's first showing, then kept
    view.prompts[0].choose("b")          # a guess reveals the embedded widgets
    view.skip()                          # … or skipping the guesses does
    EMBEDS[3]                            # what step 3 embeds (imported only when shown)
"""

from __future__ import annotations

import importlib
import logging
from html import escape
from typing import NamedTuple

import ipywidgets as widgets
import traitlets

from explainer import content
from explainer.content import strings
from explainer.widgets.audience import PATIENT, TRAINEE, Mode
from explainer.widgets.safety import CallbackGuard
from explainer.widgets.walkthrough.prediction import PredictionPrompt
from explainer.widgets.walkthrough.text import step_html


class Embed(NamedTuple):
    """A widget a step embeds: ``module.name(mode=…)``. ``follows_mode``: its ``mode`` trait
    follows the walkthrough's (else it stays in patient mode)."""

    module: str
    name: str
    follows_mode: bool = True


EMBEDS: dict[int, tuple[tuple, ...]] = {
    3: (Embed("explainer.widgets.pain_signal", "PainSignalWidget"),
        # "A simplified picture"; in trainee view it holds the model notes that the
        # diagram's numbers refer to ("see the model notes below").
        Embed("explainer.widgets.pain_signal", "ModelNote")),
    5: (Embed("explainer.widgets.timeline", "TimelineWidget"),),
    8: (Embed("explainer.widgets.plan", "ClinicPanel", follows_mode=False),),  # issue 12
    9: (Embed("explainer.widgets.take_home", "TakeHomeWidget", follows_mode=False),),  # 22
}
"""Step -> the widgets it embeds (`Embed`s or plain (module, class) pairs), imported and built
on the step's first showing. Each takes ``mode=`` and has a ``mode`` trait. A module that is
missing (or a widget that fails to build) is left out: the step then shows its text only."""

_log = logging.getLogger("explainer")


def build_embeds(step: int, mode: str, specs) -> list[tuple[widgets.Widget, bool]]:
    """The step's embedded widgets (`specs`: `Embed`s or (module, class) pairs), imported and
    built now (missing ones are left out), each with whether its mode follows the
    walkthrough's."""
    built = []
    for spec in specs:
        module_name, class_name, follows = Embed(*spec)
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            _log.info("step %s: %s.%s is not available; showing text only",
                      step, module_name, class_name)
            continue
        except Exception:  # noqa: BLE001  (a module with an error must not break the step)
            _log.exception("step %s: could not import %s", step, module_name)
            continue
        try:
            built.append((cls(mode=mode if follows else PATIENT), follows))
        except Exception:  # noqa: BLE001  (a missing picture must not break the step)
            _log.exception("step %s: could not build %s.%s", step, module_name, class_name)
    return built


class StepView(widgets.VBox):
    """One step: its passages, its prediction prompts (one after another) and, once the first
    guess is made or skipped, its embedded widgets. `mode` re-renders it in place.

    Named parts: `passages` (HTML), `prompts` (all of the step's PredictionPrompts, in file
    order; those not in this view are hidden), `skip_button`, `embeds` (built widgets),
    `embed_box`; `revealed` says whether the embedded widgets are shown. `embeds` (the
    argument) lists what to embed; by default the step's entry in `EMBEDS`.
    """

    mode = Mode(PATIENT)
    revealed = traitlets.Bool(False)

    def __init__(self, step: int, mode: str = PATIENT, guard: CallbackGuard | None = None,
                 embeds=None, **kwargs):
        self.step = step
        self._safe = guard if guard is not None else CallbackGuard()
        self.passages = widgets.HTML(step_html(step, mode))
        self.passages.add_class("kx-wt-passages-view")
        self.prompts = [PredictionPrompt(p, mode=mode, guard=self._safe)
                        for p in content.predictions(step, TRAINEE)]
        prompt_box = widgets.VBox(self.prompts)
        prompt_box.add_class("kx-wt-prompts")
        built = build_embeds(step, mode, EMBEDS.get(step, ()) if embeds is None else embeds)
        self.embeds = [w for w, _ in built]
        followers = [w for w, follows in built if follows and w.has_trait("mode")]
        self._links = [traitlets.dlink((self, "mode"), (w, "mode"))
                       for w in [*self.prompts, *followers]]
        self.skip_button = widgets.Button(description=strings.text("ui", "walkthrough.skip"),
                                          tooltip=strings.text("ui", "walkthrough.skip_tooltip"),
                                          layout=widgets.Layout(width="auto"))
        self.skip_button.add_class("kx-wt-skip")
        self.skip_button.on_click(self._safe(lambda _b: self.skip()))
        label = widgets.HTML(f'<p class="kx-wt-embed-label">'
                             f'{escape(strings.text("ui", "walkthrough.widget_label"))}</p>')
        self.embed_box = widgets.VBox([label, *self.embeds] if self.embeds else [],
                                      layout=widgets.Layout(display="none"))
        self.embed_box.add_class("kx-wt-embed")
        # Guess first, then read, then the picture (under the text).
        children: list[widgets.Widget] = []
        if self.prompts:
            children.append(prompt_box)
            if self.embeds:
                children.append(self.skip_button)
        children.append(self.passages)
        if self.embeds:
            children.append(self.embed_box)
        super().__init__(children, **kwargs)
        self.add_class("kx-wt-step-view")
        self.add_class(f"kx-wt-step-{step}")
        self.mode = mode
        for prompt in self.prompts:
            prompt.observe(self._safe(self._on_choice), names="choice")
        self.observe(self._safe(self._on_mode), names="mode")
        self.observe(self._safe(self._on_revealed), names="revealed")
        self._update_prompts()
        self._on_revealed()

    def visible_prompts(self) -> list[PredictionPrompt]:
        """The prompts of this view (patient: the patient ones; trainee: all), in order."""
        return [p for p in self.prompts if p.prediction.visible_to(self.mode)]

    def skip(self) -> None:
        """Show the embedded widgets without a guess."""
        self.revealed = True

    def _on_choice(self, change) -> None:
        if change["new"] is not None and self.embeds:
            self.revealed = True
        self._update_prompts()

    def _on_mode(self, change) -> None:
        html = step_html(self.step, self.mode)
        if html != self.passages.value:
            self.passages.value = html
        self._update_prompts()

    def _on_revealed(self, change=None) -> None:
        self.embed_box.layout.display = None if self.revealed else "none"
        self.skip_button.layout.display = "none" if self.revealed else None

    def _update_prompts(self) -> None:
        """Show the first prompt, and each further one once the one before it is answered.
        With no prompt to answer in this view, the embedded widgets are simply shown."""
        if self.embeds and not self.visible_prompts():
            self.revealed = True
        shown = set()
        previous_answered = True
        for prompt in self.visible_prompts():
            if not previous_answered:
                break
            shown.add(id(prompt))
            previous_answered = prompt.answered
        for prompt in self.prompts:
            display = None if id(prompt) in shown else "none"
            if prompt.layout.display != display:
                prompt.layout.display = display
