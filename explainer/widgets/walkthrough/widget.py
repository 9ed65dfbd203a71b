"""The step-by-step walkthrough: its steps one at a time, in patient or trainee view.

    state = WalkthroughState(step=3, mode="trainee")   # the model (traits): step, mode, large_text
    w = Walkthrough(state)                              # top bar, step, Back / Next, footer
    w.next_button.click(); state.step                   # 4
    page()                                              # the whole notebook page (reads ?step=…)

Start-up builds only the step on screen: each step's view (`step_view.StepView`: its passages,
prediction prompts and embedded widgets) is built the first time the step is shown and then
kept, so moving back and forth, or switching view, updates the page in place. The passages'
HTML is cached per (step, mode) (`walkthrough_text`). The embedded widgets (`EMBEDS`: the NMDA
diagram in step 3, the treatment timeline in step 5) are built only when their step is first
shown, and stay hidden until the step's first guess is made or skipped; `page()` imports their
modules in a background thread a couple of seconds after the page is up (`prefetch`), so that
first showing only builds them. Every callback runs under one `CallbackGuard` (shared by the
widget tree): a failure shows a short message in place and is logged. In a warm pool's kernel
the page is built at step 1 before anyone arrives and then follows the arriving viewer's link
(`follow_request`).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from html import escape

import ipywidgets as widgets
import traitlets

from explainer import content, pages
from explainer.content import strings
from explainer.pages import preheated, read_query_string
from explainer.widgets.audience import PATIENT, Mode, mode_classes, mode_switch
from explainer.widgets.safety import CallbackGuard, error_message
from explainer.widgets.scaffold import show_page
from explainer.widgets.shared_models import shared_models
from explainer.widgets.walkthrough.deeplink import DeepLink, parse_deep_link
from explainer.widgets.walkthrough.state import FIRST_STEP, LAST_STEP, WalkthroughState
from explainer.widgets.walkthrough.step_view import EMBEDS, Embed, StepView
from explainer.widgets.walkthrough.text import (
    announce_text,
    glossary_html,
    glossary_options,
    heading_html,
    note_html,
    step_options,
)

__all__ = [
    "EMBEDS",
    "FIRST_STEP",
    "LAST_STEP",
    "Embed",
    "StepView",
    "Walkthrough",
    "WalkthroughState",
    "follow_request",
    "from_link",
    "page",
    "prefetch",
]


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
        from explainer.content.clinic.env import current as current_clinic  # issue 12: [show] steps

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
            options=step_options(st.shown_steps), value=st.step,
            description=strings.text("ui", "step_menu_title"),
            tooltip=strings.text("ui", "walkthrough.steps_tooltip"),
            style={"description_width": "initial"})
        self.step_list.add_class("kx-wt-steps")
        self.mode_buttons = mode_switch(st.mode)
        self.large_text_button = widgets.ToggleButton(
            value=st.large_text, description=strings.text("ui", "walkthrough.larger_text"),
            tooltip=strings.text("ui", "walkthrough.larger_text_tooltip"))
        self.large_text_button.add_class("kx-wt-large-toggle")
        view_controls = widgets.Box([self.mode_buttons, self.large_text_button])
        view_controls.add_class("kx-wt-view-controls")
        topbar = widgets.Box([self.step_list, view_controls])
        topbar.add_class("kx-wt-topbar")

        self.note = widgets.HTML(note_html(notes), layout=widgets.Layout())  # shown and hidden
        self.note.add_class("kx-wt-note")
        if not self.note.value:
            self.note.layout.display = "none"

        self.heading = widgets.HTML(heading_html(st.step, st.shown_steps))
        self.heading.add_class("kx-wt-heading-view")
        self.live = widgets.HTML(f"<p>{escape(announce_text(st.step, st.shown_steps))}</p>")
        self.live.add_class("kx-describer")
        self.live.add_class("kx-visually-hidden")
        self.live.add_class("kx-wt-live")
        self.step_box = widgets.Box([])
        self.step_box.add_class("kx-wt-step")

        self.glossary_picker = widgets.Dropdown(
            options=glossary_options(), value="",
            description=strings.text("ui", "walkthrough.glossary_label"),
            tooltip=strings.text("ui", "walkthrough.glossary_tooltip"),
            style={"description_width": "initial"})
        self.glossary_picker.add_class("kx-wt-glossary-picker")
        self.definition = widgets.HTML("")
        self.definition.add_class("kx-describer")
        self.definition.add_class("kx-wt-definition-view")
        glossary = widgets.VBox([self.glossary_picker, self.definition])
        glossary.add_class("kx-wt-glossary")

        self.back_button = widgets.Button(description=strings.text("ui", "buttons.back"))
        self.back_button.add_class("kx-wt-back")
        self.next_button = widgets.Button(description=strings.text("ui", "buttons.next"),
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
        mode_classes(self)
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
            view = StepView(step, mode=self.state.mode, guard=self.guard,
                            embeds=EMBEDS.get(step, ()))
            view._kx_mode_link = traitlets.dlink((self.state, "mode"), (view, "mode"))
            self.views[step] = view
        return self.views[step]

    def _show_step(self) -> None:
        st = self.state
        self.step_box.children = (self.view(st.step),)
        self.heading.value = heading_html(st.step, st.shown_steps)
        self.live.value = f"<p>{escape(announce_text(st.step, st.shown_steps))}</p>"
        self.back_button.disabled = st.is_first
        self.next_button.disabled = st.is_last
        self.back_button.tooltip = ("" if st.is_first else strings.text("ui",
            "walkthrough.back_tooltip", title=content.step_title(st.previous_step)))
        self.next_button.tooltip = (
            strings.text("ui", "walkthrough.last_step") if st.is_last else strings.text(
                "ui", "walkthrough.next_tooltip", title=content.step_title(st.next_step)))

    def follow(self, link: DeepLink) -> None:
        """Go where `link` asks on a page already shown (a preheated kernel builds the page
        before a viewer arrives, and learns the viewer's link only then). A link it cannot use
        shows the same gentle note as at start-up; a step this clinic hides is not opened."""
        st = self.state
        st.mode = link.mode
        if link.step in st.shown_steps:
            st.step = link.step
        self.note.value = note_html(link.notes)  # after the step: a step change hides the note
        self.note.layout.display = None if self.note.value else "none"

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
    """The whole walkthrough page: header, then the walkthrough (its footer included).

    In a preheated kernel (Voilà's warm pool) the page is built at step 1 before anyone asks,
    and goes where the viewer's link says once the viewer arrives (`follow_request`), so the
    pool holds finished pages rather than kernels stopped before the page."""
    pages.choose_locale(query)
    page_title = strings.text("ui", "walkthrough.page_title")
    title = f'<h1 class="kx-visually-hidden">{escape(page_title)}</h1>'
    with shared_models():  # one Layout and one Style of each kind for the first screen
        if query is None and preheated():
            walkthrough = Walkthrough()
            show_page("walkthrough", title, walkthrough, footer=False)
            follow_request(walkthrough)
        else:
            link = parse_deep_link(read_query_string() if query is None else query)
            if not pages.language_followed():
                link = link._replace(notes=(*link.notes, "lang"))
            show_page("walkthrough", title, from_link(link), footer=False)
    prefetch()


def follow_request(walkthrough: Walkthrough) -> threading.Thread:
    """Wait in a background thread for the query string of the request this (preheated)
    kernel is handed to, then `walkthrough.follow` its link. Voilà sends it when a viewer
    arrives (`read_query_string`); on any problem the page stays at step 1."""

    def run() -> None:
        link = parse_deep_link(read_query_string())
        in_kernel_loop(walkthrough.guard(lambda: walkthrough.follow(link)))

    thread = threading.Thread(target=walkthrough.guard(run), name="kx-deep-link", daemon=True)
    thread.start()
    return thread


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


def in_kernel_loop(func: Callable[[], object]) -> None:
    """Schedule `func` on the running kernel's main loop, or call it now if there is none.

    Widgets are not thread-safe (the page's request for every widget's state iterates over all
    of them), so work that a background thread decides on, such as following a deep link that
    arrives after the page was built (`follow_request`), is handed to the loop that handles the
    kernel's messages. Where there is no kernel (tests, scripts) `func` runs at once."""
    try:
        from ipykernel.kernelapp import IPKernelApp

        loop = IPKernelApp.instance().kernel.io_loop if IPKernelApp.initialized() else None
    except Exception:  # noqa: BLE001  (no usable kernel: run here)
        loop = None
    if loop is None:
        func()
    else:
        loop.add_callback(func)
