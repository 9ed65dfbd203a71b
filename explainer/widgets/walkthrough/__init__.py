"""The step-by-step walkthrough: one state, the step views, the words, the deep link.

    state = WalkthroughState(step=3, mode="trainee")   # the model (traits)
    w = Walkthrough(state)                              # top bar, step, Back / Next, footer
    page()                                              # the whole notebook page (reads ?step=…)

One module per idea: `state` (where the walkthrough is), `text` (its words as safe HTML, pure
and cached), `step_view` (one step: passages, prompts, embedded widgets), `prediction` (a
"guess first" prompt), `deeplink` (``walkthrough.ipynb?step=5&mode=trainee``, refused politely
when malformed), `widget` (wiring, the page, and following a link that arrives late).
"""

from explainer.widgets.walkthrough.deeplink import DeepLink, parse_deep_link
from explainer.widgets.walkthrough.prediction import PredictionPrompt
from explainer.widgets.walkthrough.state import WalkthroughState
from explainer.widgets.walkthrough.step_view import EMBEDS, Embed, StepView
from explainer.widgets.walkthrough.widget import (
    FIRST_STEP,
    LAST_STEP,
    Walkthrough,
    follow_request,
    from_link,
    page,
    prefetch,
)

__all__ = [
    "EMBEDS",
    "FIRST_STEP",
    "LAST_STEP",
    "DeepLink",
    "Embed",
    "PredictionPrompt",
    "StepView",
    "Walkthrough",
    "WalkthroughState",
    "follow_request",
    "from_link",
    "page",
    "parse_deep_link",
    "prefetch",
]
