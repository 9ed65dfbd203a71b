""""Make a handout": builds the PDF from what the page shows and hands it to the browser.

    w = HandoutWidget(timeline_widget, plan_state)
    w.name_input.value = "Sam"; w.button.click()      # -> w.link holds a download link

How the PDF reaches the browser without touching the server's disk or logs: the kernel builds
it in memory (`explainer.handout.build_handout`) and puts it in this widget's link as a
``data:application/pdf`` URL with a ``download`` name; the page template's a11y.js clicks a new
link of class ``kx-download`` once, so one click on the button downloads the file. No new HTTP
route, nothing for the Content-Security-Policy to allow (the download is not a fetch), nothing
in the server's request log. The typed name is cleared from the box as soon as the PDF is
made, and the link (the only other copy) is emptied `LINK_SECONDS` later.
"""

from __future__ import annotations

import asyncio
import base64
from html import escape

import ipywidgets as widgets

from explainer.content import strings
from explainer.widgets.pace import Pace
from explainer.widgets.safety import CallbackGuard, error_message

__all__ = ["LINK_SECONDS", "HandoutWidget", "download_link_html"]

LINK_SECONDS = 120.0
"""How long the fallback link (holding the PDF) stays on the page."""
HANDOUT_EVERY_SECONDS = 5.0
"""A page builds at most one handout in this time (a PDF takes about 0.1 s of the kernel)."""


def download_link_html(pdf: bytes) -> str:
    """A link that downloads ``pdf``; a11y.js clicks it once when it appears."""
    words = strings.text("clinic", "handout")
    href = "data:application/pdf;base64," + base64.b64encode(pdf).decode("ascii")
    return (f'<p class="kx-handout-ready" role="status">{escape(words["ready"])} '
            f'<a class="kx-download" data-kx-auto="1" download="{escape(words["filename"])}" '
            f'href="{href}">{escape(words["link"])}</a></p>')


class HandoutWidget(widgets.VBox):
    """An optional name box, the button, and the status / fallback link.

    Named parts: name_input, button, link (HTML), error; `last_size` is the last PDF's size in
    bytes (for the benchmark), never its content."""

    def __init__(self, timeline, plan_state, **kwargs):
        words = strings.text("clinic", "handout")
        self.timeline = timeline
        self.plan_state = plan_state
        self.pain_signal = None
        """The page's pain-signal state (`PainSignalState`), when the page shows the diagram:
        the handout draws its level and pattern (else the level at the time cursor)."""
        self.error = error_message()
        safe = CallbackGuard(self.error)
        # the whole name reaches the kernel when the box is left (for the button), not keystroke
        # by keystroke: a click right after typing could build a PDF with part of the name
        self.name_input = widgets.Text(description=words["name"], continuous_update=False,
                                       placeholder=words["name_placeholder"],
                                       style={"description_width": "initial"})
        self.name_input.add_class("kx-handout-name")
        self.button = widgets.Button(description=words["button"], tooltip=words["tooltip"],
                                     icon="", layout=widgets.Layout(width="auto"))
        self.button.add_class("kx-handout-button")
        self.link = widgets.HTML("")
        self.link.add_class("kx-handout-link")
        note = widgets.HTML(f'<p class="kx-muted">{escape(words["name_note"])}</p>')
        self.last_size = 0
        self._clear_handle: asyncio.TimerHandle | None = None
        super().__init__([self.name_input, note, self.button, self.link, self.error], **kwargs)
        self.add_class("kx-handout")
        self._pace = Pace(HANDOUT_EVERY_SECONDS)  # clicks in a loop cannot build PDFs in a loop
        self._waiting: asyncio.TimerHandle | None = None
        self._make_safely = safe(lambda _b=None: self._click())
        self.button.on_click(self._make_safely)
        # One source of truth: the button follows the plan's status, and a link holding a PDF
        # of other times or another treatment is taken away as soon as they change.
        plan_state.observe(safe(self._follow_plan), names=["status", "field", "plan",
                                                            "protocol"])
        self._follow_plan()

    def _click(self) -> None:
        """Build now, or, inside the pace's interval, once when it ends: at most one build
        waits, so a loop of clicks (or forged click messages) builds one PDF every few seconds,
        and a second click a moment after the first is answered rather than lost."""
        if self._waiting is not None:
            return
        if self._pace.ready():
            self.make()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (tests click directly): nothing can wait
            return
        self.link.value = f'<p role="status">{escape(strings.text("clinic", "handout.making"))}</p>'
        self._waiting = loop.call_later(self._pace.remaining(), self._after_wait)

    def _after_wait(self) -> None:
        self._waiting = None
        self._make_safely()

    def _follow_plan(self, change=None) -> None:
        state, words = self.plan_state, strings.text("clinic", "handout")
        refused = state.status == "invalid"
        fix = strings.text("clinic", "plan.fix_first")
        self.button.disabled = refused
        self.button.description = fix.get(state.field, fix["rules"]) if refused else words["button"]
        if change is not None and change["name"] in ("plan", "protocol"):
            self._clear()

    def request(self, name: str | None = None):
        """The handout's request: the plan, the protocol, the chart's cursor and the diagram's
        level and pattern, all as the page shows them now."""
        from explainer.handout import HandoutRequest
        from explainer.widgets.timeline.describe_session import cursor_label

        st = self.timeline.state
        pain = self.pain_signal
        shown = getattr(self.timeline, "session_view", None) is not None  # a chart, a cursor
        return HandoutRequest(protocol_id=st.protocol, plan=self.plan_state.plan,
                              weight_kg=st.weight_used, patient_name=name,
                              mode=st.mode, cursor_min=float(st.cursor_min) if shown else None,
                              cursor_label=(cursor_label(st.curve(), st.cursor_min, st.mode)
                                            if shown else ""),
                              signal_level_ng_ml=pain.conc_ng_ml if pain is not None else None,
                              signal_pattern=pain.pattern if pain is not None else "repeated")

    def make(self) -> bytes:
        """Build the PDF from the state shown and offer it for download; b"" (and a message
        saying what to fix) while the plan cannot be made."""
        from explainer.handout import build_handout

        if self.plan_state.status == "invalid":
            self.name_input.value = ""
            words = strings.text("clinic", "plan.fix_first")
            what = words.get(self.plan_state.field, words["rules"])
            self.link.value = f'<p class="kx-note" role="alert">{escape(what)}</p>'
            return b""
        name = self.name_input.value
        self.name_input.value = ""  # the name lives on only inside the PDF
        self.link.value = f'<p role="status">{escape(strings.text("clinic", "handout.making"))}</p>'
        try:
            pdf = build_handout(self.request(name or None))
        except Exception:
            failed = escape(strings.text("clinic", "handout.failed"))
            self.link.value = f'<p class="kx-note" role="alert">{failed}</p>'
            raise
        finally:
            del name
        self.last_size = len(pdf)
        self.link.value = download_link_html(pdf)
        self._schedule_clear()
        return pdf

    def _schedule_clear(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (tests call make() directly)
            return
        if self._clear_handle is not None:
            self._clear_handle.cancel()
        self._clear_handle = loop.call_later(LINK_SECONDS, self._clear)

    def _clear(self) -> None:
        self.link.value = ""
        if self._clear_handle is not None:
            self._clear_handle.cancel()
        self._clear_handle = None
