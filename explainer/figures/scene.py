"""`Scene`: a figure whose still parts matplotlib draws once, and whose moving parts are SVG.

Why: re-rasterising a whole matplotlib figure on every slider move costs 3–4 times a bare
widget round trip (see benchmarks/); drawing the background once and moving a few light SVG
elements placed in the same pixel coordinates keeps an update close to a label update, while
the picture stays one figure to the eye.

    scene = Scene(fig)                       # fig drawn with the project style
    png = scene.background_png()             # once per process (cached)
    x, y = scene.px(ax, data_x, data_y)      # data -> overlay pixels (y down)
    svg = scene.svg([svg.circle(x, y, 5)], label="...")
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from explainer.figures import svg  # noqa: E402
from explainer.serving.paths import mpl_style  # noqa: E402

PNG_SCALE = 2.0
"""The background is rendered at twice the layout resolution, for sharp tablets."""


@contextmanager
def project_style():
    """Build a figure inside this block so every artist takes the project's style."""
    with plt.style.context(str(mpl_style())):
        yield


class Scene:
    """Static background (PNG, rendered once) plus an SVG overlay in the same pixels."""

    def __init__(self, fig: Figure):
        self.fig = fig
        self._png: bytes | None = None
        self.width_px, self.height_px = (float(v) for v in fig.bbox.size)

    def background_png(self) -> bytes:
        """The still parts, rendered once per scene; also fixes the layout for `px`."""
        if self._png is None:
            buf = io.BytesIO()
            self.fig.savefig(buf, format="png", dpi=self.fig.dpi * PNG_SCALE)
            self._png = buf.getvalue()
            self.fig.canvas.draw()  # transforms now match the saved layout
        return self._png

    def invalidate(self) -> None:
        """Call after changing a still part (e.g. axis limits) so the PNG is redrawn once."""
        self._png = None

    def px(self, ax, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Data coordinates of `ax` to overlay pixels (origin top-left, y down)."""
        pts = np.column_stack([np.atleast_1d(np.asarray(x, float)),
                               np.atleast_1d(np.asarray(y, float))])
        disp = ax.transData.transform(pts)
        return disp[:, 0], self.height_px - disp[:, 1]

    def fig_px(self, fx: float, fy: float) -> tuple[float, float]:
        """Figure-fraction coordinates (0–1, y up) to overlay pixels."""
        return fx * self.width_px, (1 - fy) * self.height_px

    def svg(self, children: Iterable[str], label: str) -> str:
        """The overlay document for this scene."""
        return svg.document(self.width_px, self.height_px, children, label)
