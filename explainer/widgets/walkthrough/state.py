"""Where the walkthrough is: the step on screen, the audience, larger text, the steps offered.

    state = WalkthroughState(step=3, mode="trainee")
    state.next(); state.step          # 4 (stays on the last shown step)
    state.go(12)                      # TraitError: a step is a whole number from 1 to 9
"""

from __future__ import annotations

import traitlets

from explainer import content
from explainer.widgets.audience import PATIENT, Mode

FIRST_STEP, LAST_STEP = content.STEPS[0], content.STEPS[-1]


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

    @property
    def previous_step(self) -> int | None:
        """The shown step before this one, or None on the first."""
        earlier = [n for n in self.shown_steps if n < self.step]
        return earlier[-1] if earlier else None

    @property
    def next_step(self) -> int | None:
        """The shown step after this one, or None on the last."""
        later = [n for n in self.shown_steps if n > self.step]
        return later[0] if later else None

    def next(self) -> None:
        """One (shown) step on; stays on the last step."""
        if self.next_step is not None:
            self.step = self.next_step

    def back(self) -> None:
        """One (shown) step back; stays on the first step."""
        if self.previous_step is not None:
            self.step = self.previous_step

    def go(self, step: int) -> None:
        """Jump to a step (1–9); `TraitError` for any other value."""
        self.step = step
