"""The route comparison's describer: "Comparing routes" in words.

    describe_routes(curves, "intranasal")                    # the comparison, the highlight
    describe_routes(curves, "intranasal", "trainee", 82.0)   # … plus the model's terms
"""

from __future__ import annotations

from collections.abc import Mapping

from explainer import formatting as fmt
from explainer.content import strings
from explainer.figures import routes as routes_fig
from explainer.widgets.audience import PATIENT, TRAINEE
from explainer.widgets.timeline.state import PATIENT_WEIGHT_KG


def describe_routes(curves: Mapping[str, routes_fig.RouteCurve], highlight: str,
                    mode: str = PATIENT, weight_kg: float = PATIENT_WEIGHT_KG) -> str:
    """The route comparison's describer; trainee mode adds the model's terms. (`curves` is
    accepted for the callers' sake: the words do not depend on them.)"""
    routes = strings.text("timeline", "routes")
    describer = routes["describer"]
    text = f"{describer['patient']} {describer['highlight'][highlight]}"
    if mode == TRAINEE:
        text += " " + describer["trainee"].format(mg=routes["dose_mg"],
                                                  weight=fmt.plain(weight_kg),
                                                  iv_minutes=routes["iv_minutes"])
    return text
