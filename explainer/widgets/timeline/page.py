"""The treatment-timeline notebook page, its link to the NMDA diagram, the benchmark's hook.

    link_to_pain_signal(timeline, pain_signal)      # the diagram follows the time cursor
    switch, timeline, pain_box, note, links = page_widgets("trainee")
    pain = pain_box.section.build()                 # the diagram (else built when near)
    page()                                          # the whole notebook page
"""

from __future__ import annotations

import logging
from html import escape

import ipywidgets as widgets
import traitlets

from explainer import pages
from explainer.content import strings
from explainer.widgets.audience import PATIENT, link_mode, mode_switch
from explainer.widgets.deferred import Deferred
from explainer.widgets.scaffold import show_page
from explainer.widgets.shared_models import shared_models
from explainer.widgets.timeline.widget import TimelineWidget


def link_to_pain_signal(timeline, pain_signal) -> traitlets.dlink:
    """Drive the NMDA diagram from the time cursor: `TimelineState.level_ng_ml` ->
    `PainSignalState.conc_ng_ml`. Either argument may be the widget or its state. Keep the
    returned link (`.unlink()` stops it)."""
    source = getattr(timeline, "state", timeline)
    target = getattr(pain_signal, "state", pain_signal)
    return traitlets.dlink((source, "level_ng_ml"), (target, "conc_ng_ml"))


def _pain_signal_section(timeline: TimelineWidget):
    """The NMDA diagram under the session view, driven by the cursor: a heading, a few words
    and the diagram, which is built only when the viewer comes near it (`Deferred`; issue 26:
    it is below the first screen, and a quarter of the page's widgets). Its state is made
    now: the cursor drives it and the handout draws it, built or not; its mode follows the
    timeline's. Returns (box, links), with the `Deferred` as `box.section`; None if the
    pain-signal widget cannot be imported (the timeline works without it)."""
    try:
        from explainer.widgets.pain_signal import PainSignalWidget, state
    except ImportError:
        logging.getLogger("explainer").exception("the pain-signal diagram is not available")
        return None
    shown = state.PainSignalState()
    links = [link_to_pain_signal(timeline, shown),
             traitlets.dlink((timeline, "mode"), (shown, "mode"))]
    timeline.plan.handout.pain_signal = shown  # issue 22: the handout draws what it shows

    def make() -> PainSignalWidget:
        # the levels it shows as the time cursor moves: stored, not simulated
        curve = timeline.state.curve()
        state.keep(curve.level_at(t) for t in curve.layout.cursor_positions)
        with shared_models():  # as the rest of the page was built
            pain = PainSignalWidget(shown)
        pain.browser.pack_when_live()  # its frames come once the page draws it
        pain.add_class("kx-timeline-pain")
        return pain

    labels = strings.text("timeline", "controls")
    intro = widgets.HTML(f'<h2 class="kx-timeline-pain-title">'
                         f'{escape(labels["pain_signal_title"])}</h2>'
                         f"<p>{escape(labels['pain_signal_intro'])}</p>")
    section = Deferred(make, labels["pain_signal_show"])
    box = widgets.VBox([intro, section], layout=widgets.Layout())  # shown and hidden: its own
    box.add_class("kx-timeline-pain-box")
    box.section = section

    def follow_view(change=None):
        box.layout.display = None if timeline.state.view == "session" else "none"

    timeline.state.observe(timeline.guard(follow_view), names="view")
    follow_view()
    return box, links


def page_widgets(mode: str = PATIENT, with_pain_signal: bool = True):
    """The mode switch, the timeline, the NMDA section (or None) and the education note, with
    their modes linked to the switch. Returns (switch, timeline, pain_box, note, links); the
    diagram itself is `pain_box.section.build()` (built when the viewer comes near it)."""
    switch = mode_switch(mode)
    timeline = TimelineWidget(mode=mode)
    links = link_mode(switch, timeline)
    pain_box = None
    section = _pain_signal_section(timeline) if with_pain_signal else None
    if section is not None:
        pain_box, more = section
        links += more
    education = strings.text("timeline", "education_note")
    note = widgets.HTML(f'<p class="kx-note">{escape(education)}</p>')
    return switch, timeline, pain_box, note, links


def page(mode: str = PATIENT) -> None:
    """The whole timeline page: header, intro, switch, timeline, NMDA diagram, note, footer."""
    pages.choose_locale()
    with shared_models():  # one Layout and one Style of each kind for the page's widgets
        switch, timeline, pain_box, note, links = page_widgets(mode)
        parts = [switch, timeline] + ([pain_box] if pain_box is not None else []) + [note]
        show_page("timeline", pages.body_html("treatment-timeline"), parts, links=links)


def demo_widget(mode: str = PATIENT) -> TimelineWidget:
    """A widget for the benchmark harness: move `cursor.value` (a value of
    `cursor.options`); each move is one state update and one overlay message."""
    return TimelineWidget(mode=mode)
