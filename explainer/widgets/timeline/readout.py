"""How the timeline's charts read on this page: their layout and the time cursor's readout.

The layout is landscape, or portrait on a narrow page (the session, course and routes charts);
the readout is the time from the start, or clock times once a plan is shown.

`ChartReadout` holds the two choices for `TimelineWidget` (a mixin: it uses the widget's state,
views and renderers), and re-draws what they change.
"""

from __future__ import annotations

from explainer.figures import session as timeline_fig
from explainer.models.plan import Plan, clock_label
from explainer.widgets.syncing import syncing

__all__ = ["ChartReadout"]


class ChartReadout:
    """`shape` (the session chart's layout) and `clock_plan` (a Plan while the chart shows
    clock times), with their setters."""

    shape: str = "landscape"
    clock_plan: Plan | None = None

    def _time_text(self, t_min: float, layout: timeline_fig.Layout) -> str:
        """A moment of the session as the chart reads it: the clock time when it shows clock
        times, else the time from the start."""
        if self.clock_plan is None:
            return timeline_fig.short_time(t_min, layout)
        return clock_label(self.clock_plan, t_min, layout.key == "days")

    def set_clock(self, plan) -> None:
        """Read the time cursor (its label and the slider's readout) in the clock times of
        `plan`, or (None) as time from the start."""
        if plan == self.clock_plan:
            return
        self.clock_plan = plan
        self._shown["session"] = None
        with syncing(self):
            self._set_cursor(self.state.layout)
        if self.state.view == "session":
            self._render_session(self.state.curve(), self.state.cursor_min)
        browser = getattr(self, "browser", None)
        if browser is not None:
            browser.sync()

    def set_shape(self, shape: str) -> None:
        """Show the session, course and routes charts in the layout `shape` (the page chose it
        from its width; a chart not on screen takes it when it is next shown)."""
        if shape == self.shape:
            return
        self.shape = shape
        self._shown["session"] = self._static_key = None
        if self.state.view == "session":
            self._render_session(self.state.curve(), self.state.cursor_min)
        elif self.state.view == "course":
            self._render_course()
        elif self.state.view == "routes":
            self._render_routes()
        self.plan._render()
