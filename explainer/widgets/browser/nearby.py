"""`Nearby`: a mark in the page that tells the kernel, once, when it comes near the screen.

    mark = Nearby()
    mark.observe(lambda change: build_the_part(), names="near")

Its JavaScript (`nearby.js`) reaches the page as the overlays' does (`BrowserModel`). The page
may set `near` to true, nothing else (`explainer.widgets.inbound` asks `_kx_inbound`): a forged
message can only ask for what scrolling down would have built. `explainer.widgets.deferred`
uses it.
"""

from __future__ import annotations

from pathlib import Path

import traitlets

from explainer.widgets.browser.model import BrowserModel

__all__ = ["Nearby"]

HERE = Path(__file__).resolve().parent


class Nearby(BrowserModel):
    """Set `near` (once) when the page shows this mark within half a screen of the view."""

    _esm_file = HERE / "nearby.js"
    near = traitlets.Bool(False, help="Set by the page once the mark is near the screen"
                          ).tag(sync=True)

    @property
    def _kx_inbound(self) -> dict:
        return {"near": lambda w, v: v is True}
