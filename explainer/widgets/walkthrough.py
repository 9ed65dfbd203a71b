"""The step-by-step walkthrough: nine steps, one at a time, in patient or trainee view.

    state = WalkthroughState(step=3, mode="trainee")   # the model (traits): step, mode, large_text
    w = Walkthrough(state)                              # top bar, step, Back / Next, footer
    w.next_button.click(); state.step                   # 4
    page()                                              # the whole notebook page (reads ?step=…)

Start-up builds only the step on screen: each step's view (its passages, prediction prompts and
embedded widget) is built the first time the step is shown and then kept, so moving back and
forth, or switching view, updates the page in place. The passages' HTML is cached per
(step, mode). The embedded widgets (the NMDA diagram in step 3, the treatment timeline in
step 5) are built only when their step is first shown, and stay hidden until the step's first
guess is made or skipped; `page()` imports their modules in a background thread a couple of
seconds after the page is up (`prefetch`), so that first showing only builds them. Every
callback runs under one `CallbackGuard` (the `safe_callback` of a widget tree): a failure shows
a short message in place and is logged.
"""

from __future__ import annotations

import importlib
import logging
import threading
from html import escape
from typing import NamedTuple

import ipywidgets as widgets
import traitlets

from explainer import content, pages
from explainer.widgets.audience import PATIENT, TRAINEE, Mode, mode_switch
from explainer.widgets.deeplink import DeepLink, parse_deep_link, read_query_string
from explainer.widgets.prediction import PredictionPrompt
from explainer.widgets.safety import CallbackGuard, error_message
from explainer.widgets.walkthrough_text import (
    announce_text,
    glossary_html,
    glossary_options,
    heading_html,
    note_html,
    s,
    step_html,
    step_options,
)

__all__ = [
    "EMBEDS",
    "Embed",
    "FIRST_STEP",
    "LAST_STEP",
    "StepView",
    "Walkthrough",
    "WalkthroughState",
    "from_link",
    "page",
    "prefetch",
]

FIRST_STEP, LAST_STEP = content.STEPS[0], content.STEPS[-1]



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
}
"""Step -> the widgets it embeds (`Embed`s or plain (module, class) pairs), imported and built
on the step's first showing. Each takes ``mode=`` and has a ``mode`` trait. A module that is
missing (or a widget that fails to build) is left out: the step then shows its text only."""

_log = logging.getLogger("explainer")


# --- State ---------------------------------------------------------------------------------------


class WalkthroughState(traitlets.HasTraits):
    """Where the walkthrough is: `step` (1–9), `mode` (patient / trainee), `large_text`."""

    step = traitlets.Int(FIRST_STEP, help="The step on screen, 1–9")
    mode = Mode(PATIENT)
    large_text = traitlets.Bool(False, help="Larger text for the whole walkthrough")
    shown_steps = traitlets.Tuple(tuple(content.STEPS),
                                  help="The steps offered (a clinic's [show] steps; issue 12)")

    @traitlets.validate("step")
    def _check_step(self, proposal):
        value = proposal["value"]
        if isinstance(value, bool) or value not in content.STEPS:
            raise traitlets.TraitError(
                f"step must be a whole number from {FIRST_STEP} to {LAST_STEP}; got {value!r}")
        return value

    @property
    def is_first(self) -> bool:
        return self.step <= min(self.shown_steps)

    @property
    def is_last(self) -> bool:
        return self.step >= max(self.shown_steps)

    def next(self) -> None:
        """One (shown) step on; stays on the last step."""
        later = [s for s in self.shown_steps if s > self.step]
        if later:
            self.step = later[0]

    def back(self) -> None:
        """One (shown) step back; stays on the first step."""
        earlier = [s for s in self.shown_steps if s < self.step]
        if earlier:
            self.step = earlier[-1]

    def go(self, step: int) -> None:
        """Jump to a step (1–9); `TraitError` for any other value."""
        self.step = step


# --- One step ------------------------------------------------------------------------------------


def _build_embeds(step: int, mode: str) -> list[tuple[widgets.Widget, bool]]:
    """The step's embedded widgets, imported and built now (missing ones are left out), each
    with whether its mode follows the walkthrough's."""
    built = []
    for spec in EMBEDS.get(step, ()):
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
    `embed_box`; `revealed` says whether the embedded widgets are shown.
    """

    mode = Mode(PATIENT)
    revealed = traitlets.Bool(False)

    def __init__(self, step: int, mode: str = PATIENT, guard: CallbackGuard | None = None,
                 **kwargs):
        self.step = step
        self._safe = guard if guard is not None else CallbackGuard()
        self.passages = widgets.HTML(step_html(step, mode))
        self.passages.add_class("kx-wt-passages-view")
        self.prompts = [PredictionPrompt(p, mode=mode, guard=self._safe)
                        for p in content.predictions(step, TRAINEE)]
        prompt_box = widgets.VBox(self.prompts)
        prompt_box.add_class("kx-wt-prompts")
        built = _build_embeds(step, mode)
        self.embeds = [w for w, _ in built]
        followers = [w for w, follows in built if follows and w.has_trait("mode")]
        self._links = [traitlets.dlink((self, "mode"), (w, "mode"))
                       for w in [*self.prompts, *followers]]
        self.skip_button = widgets.Button(description=s("walkthrough.skip"),
                                          tooltip=s("walkthrough.skip_tooltip"),
                                          layout=widgets.Layout(width="auto"))
        self.skip_button.add_class("kx-wt-skip")
        self.skip_button.on_click(self._safe(lambda _b: self.skip()))
        label = widgets.HTML(f'<p class="kx-wt-embed-label">'
                             f'{escape(s("walkthrough.widget_label"))}</p>')
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


# --- The walkthrough -----------------------------------------------------------------------------


class Walkthrough(widgets.VBox):
    """Top bar (step list, view switch, larger text), the step on screen, Back / Next, footer.

    `state` holds step, mode and large_text; the controls are linked to it, so setting the
    state from Python moves the page too. Named controls, for tests: step_list, mode_buttons,
    large_text_button, glossary_picker, definition, back_button, next_button, heading, live,
    note, step_box, footer; `views` maps each step shown so far to its StepView.
    """

    mode = Mode(PATIENT)

    def __init__(self, state: WalkthroughState | None = None, *, step: int | None = None,
                 mode: str | None = None, large_text: bool | None = None,
                 notes: tuple[str, ...] = (), **kwargs):
        self.state = state if state is not None else WalkthroughState()
        if step is not None:
            self.state.step = step
        if mode is not None:
            self.state.mode = mode
        if large_text is not None:
            self.state.large_text = large_text
        st = self.state
        from explainer.content.clinic_env import current as current_clinic  # issue 12: [show] steps

        cfg = current_clinic()
        if cfg is not None:
            st.shown_steps = cfg.steps
            if st.step not in cfg.steps:
                st.step = cfg.steps[0]
        self.guard = CallbackGuard(error_message())
        self.error = self.guard.slot
        safe = self.guard
        self.views: dict[int, StepView] = {}

        self.step_list = widgets.Dropdown(
            options=[o for o in step_options() if o[1] in st.shown_steps], value=st.step,
            description=content.ui("step_menu_title"),
            tooltip=s("walkthrough.steps_tooltip"),
            style={"description_width": "initial"})
        self.step_list.add_class("kx-wt-steps")
        self.mode_buttons = mode_switch(st.mode)
        self.large_text_button = widgets.ToggleButton(
            value=st.large_text, description=s("walkthrough.larger_text"),
            tooltip=s("walkthrough.larger_text_tooltip"))
        self.large_text_button.add_class("kx-wt-large-toggle")
        view_controls = widgets.Box([self.mode_buttons, self.large_text_button])
        view_controls.add_class("kx-wt-view-controls")
        topbar = widgets.Box([self.step_list, view_controls])
        topbar.add_class("kx-wt-topbar")

        self.note = widgets.HTML(note_html(notes))
        self.note.add_class("kx-wt-note")
        if not self.note.value:
            self.note.layout.display = "none"

        self.heading = widgets.HTML(heading_html(st.step))
        self.heading.add_class("kx-wt-heading-view")
        self.live = widgets.HTML(f"<p>{escape(announce_text(st.step))}</p>")
        self.live.add_class("kx-describer")
        self.live.add_class("kx-visually-hidden")
        self.live.add_class("kx-wt-live")
        self.step_box = widgets.Box([])
        self.step_box.add_class("kx-wt-step")

        self.glossary_picker = widgets.Dropdown(
            options=glossary_options(), value="", description=s("walkthrough.glossary_label"),
            tooltip=s("walkthrough.glossary_tooltip"),
            style={"description_width": "initial"})
        self.glossary_picker.add_class("kx-wt-glossary-picker")
        self.definition = widgets.HTML("")
        self.definition.add_class("kx-describer")
        self.definition.add_class("kx-wt-definition-view")
        glossary = widgets.VBox([self.glossary_picker, self.definition])
        glossary.add_class("kx-wt-glossary")

        self.back_button = widgets.Button(description=content.ui("buttons.back"))
        self.back_button.add_class("kx-wt-back")
        self.next_button = widgets.Button(description=content.ui("buttons.next"),
                                          button_style="primary")
        self.next_button.add_class("kx-wt-next")
        nav = widgets.Box([self.back_button, self.next_button])
        nav.add_class("kx-wt-nav")

        self.footer = widgets.HTML(pages.footer_html())
        self.footer.add_class("kx-wt-footer")
        main = widgets.VBox([self.heading, self.live, self.step_box, nav, glossary])
        main.add_class("kx-wt-main")
        super().__init__([topbar, self.note, self.error, main, self.footer], **kwargs)
        self.add_class("kx-walkthrough")

        self.mode = st.mode
        self._links = [
            traitlets.link((self.step_list, "value"), (st, "step")),
            traitlets.link((self.mode_buttons, "value"), (st, "mode")),
            traitlets.link((self.large_text_button, "value"), (st, "large_text")),
            traitlets.link((self, "mode"), (st, "mode")),
        ]
        self.back_button.on_click(safe(lambda _b: st.back()))
        self.next_button.on_click(safe(lambda _b: st.next()))
        self.glossary_picker.observe(safe(self._on_word), names="value")
        st.observe(safe(self._on_step), names="step")
        st.observe(safe(self._on_mode), names="mode")
        st.observe(safe(self._on_large_text), names="large_text")
        self._on_large_text()
        self._show_step()

    # state -> view
    def view(self, step: int) -> StepView:
        """The step's view, built (and its embedded widgets with it) on first use."""
        if step not in self.views:
            view = StepView(step, mode=self.state.mode, guard=self.guard)
            view._kx_mode_link = traitlets.dlink((self.state, "mode"), (view, "mode"))
            self.views[step] = view
        return self.views[step]

    def _show_step(self) -> None:
        st = self.state
        self.step_box.children = (self.view(st.step),)
        self.heading.value = heading_html(st.step)
        self.live.value = f"<p>{escape(announce_text(st.step))}</p>"
        titles = content.step_titles()
        self.back_button.disabled = st.is_first
        self.next_button.disabled = st.is_last
        before = [n for n in st.shown_steps if n < st.step]
        after = [n for n in st.shown_steps if n > st.step]
        self.back_button.tooltip = ("" if st.is_first else
                                    s("walkthrough.back_tooltip", title=titles[before[-1] - 1]))
        self.next_button.tooltip = (s("walkthrough.last_step") if st.is_last else
                                    s("walkthrough.next_tooltip", title=titles[after[0] - 1]))

    def _on_step(self, change) -> None:
        if self.note.layout.display != "none":  # the link's note has done its job
            self.note.value, self.note.layout.display = "", "none"
        if self.glossary_picker.value:
            self.glossary_picker.value = ""
        self._show_step()

    def _on_mode(self, change) -> None:
        self._on_word()

    def _on_large_text(self, change=None) -> None:
        if self.state.large_text:
            self.add_class("kx-large-text")
        else:
            self.remove_class("kx-large-text")

    def _on_word(self, change=None) -> None:
        html = glossary_html(self.glossary_picker.value or "", self.state.mode)
        if html != self.definition.value:
            self.definition.value = html


# --- The page ------------------------------------------------------------------------------------


def from_link(link: DeepLink | str | None = None) -> Walkthrough:
    """A walkthrough opened where a link asks (a DeepLink, a query string, or None to read the
    query string Voilà passed to this kernel); a link it cannot use adds a gentle note."""
    if link is None:
        link = read_query_string()
    if not isinstance(link, DeepLink):
        link = parse_deep_link(link)
    return Walkthrough(step=link.step, mode=link.mode, notes=link.notes)


def page(query: str | None = None) -> None:
    """The whole walkthrough page: header, then the walkthrough (its footer included)."""
    from IPython.display import display

    pages.show(pages.header_html("walkthrough"),
               f'<h1 class="kx-visually-hidden">{escape(s("walkthrough.page_title"))}</h1>')
    display(from_link(query))
    prefetch()


def prefetch(delay: float = 2.0) -> threading.Timer:
    """Import the embedded widgets' modules (matplotlib and all) in a background thread after
    `delay` seconds, once the page is up, so the first visit to step 3 or 5 only builds the
    widget. Nothing is built here, and a module that cannot be imported is skipped."""
    modules = sorted({Embed(*spec).module for specs in EMBEDS.values() for spec in specs})

    def run() -> None:
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001, S110  (the step will say so when shown)
                pass

    timer = threading.Timer(delay, run)
    timer.daemon = True
    timer.start()
    return timer
