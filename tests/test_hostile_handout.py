"""The handout is built at most once every few seconds per page (issue 20: 600 PDFs in 30 s
slowed every other viewer's round trip from 6.5 to 109 ms)."""

from __future__ import annotations


def test_the_handout_is_built_at_most_once_every_few_seconds(monkeypatch):
    """Clicks in a loop (or forged click messages) build one PDF, not one per click."""
    import explainer.handout
    from explainer.widgets import handout as handout_widget
    from explainer.widgets.pace import Pace
    from explainer.widgets.plan_state import PlanState

    built = []
    monkeypatch.setattr(explainer.handout, "build_handout",
                        lambda req: built.append(req) or b"%PDF")

    class Timeline:  # what the handout reads of the timeline page
        state = type("S", (), {"protocol": "x", "weight_used": 70})()

    widget = handout_widget.HandoutWidget(Timeline(), PlanState())
    monkeypatch.setattr(widget, "request", lambda name=None: name)
    for _ in range(50):
        widget.button.click()
    assert len(built) == 1
    clock = iter([0.0, 1.0, 4.9, 5.1])
    pace = Pace(5.0, clock=lambda: next(clock))
    assert [pace.ready() for _ in range(4)] == [True, False, False, True]
