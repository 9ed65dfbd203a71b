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

import hashlib
import io
import os
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.figure import Figure

from explainer.figures import svg
from explainer.serving.paths import mpl_style

PNG_SCALE = 2.0
"""The background is rendered at twice the layout resolution, for sharp tablets."""

CACHE_ENV_VAR = "KETAMINE_EXPLAINER_CACHE"
_FIGURES_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """Where rendered backgrounds are kept between kernels (`$KETAMINE_EXPLAINER_CACHE`)."""
    env = os.environ.get(CACHE_ENV_VAR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ketamine-explainer" / "backgrounds"


def background_key(name: str, *inputs: Path | str) -> str:
    """A key that changes whenever anything drawing a background may have changed: the
    figure and model modules' sources, the style file, matplotlib's version and `inputs`."""
    h = hashlib.sha256(f"{name}|{matplotlib.__version__}|{PNG_SCALE}".encode())
    models = _FIGURES_DIR.parent / "models"
    files = [*sorted(_FIGURES_DIR.glob("*.py")), *sorted(models.glob("*.py")), mpl_style()]
    for item in [*files, *inputs]:
        h.update(Path(item).read_bytes() if isinstance(item, Path) else str(item).encode())
    return f"{name}-{h.hexdigest()[:24]}"


@contextmanager
def project_style():
    """Build a figure inside this block so every artist takes the project's style."""
    with matplotlib.style.context(str(mpl_style())):
        yield


class Scene:
    """Static background (PNG, rendered once) plus an SVG overlay in the same pixels."""

    def __init__(self, fig: Figure, cache_key: str | None = None):
        """`cache_key` (from `background_key`) lets new kernels reuse a rendered background.

        Only figures whose axes are placed explicitly (no constrained or tight layout) may
        use it: their transforms are right without drawing."""
        self.fig = fig
        self.cache_key = cache_key
        self._png: bytes | None = None
        self.width_px, self.height_px = (float(v) for v in fig.bbox.size)

    def background_png(self) -> bytes:
        """The still parts, rendered once per scene (or read from the cache)."""
        if self._png is None:
            self._png = self._cached() or self._render()
        return self._png

    def _render(self) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.fig.dpi * PNG_SCALE)
        png = buf.getvalue()
        if self.cache_key:
            try:
                folder = cache_dir()
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
                    tmp.write(png)
                os.replace(tmp.name, folder / f"{self.cache_key}.png")
                name = self.cache_key.rsplit("-", 1)[0]
                for stale in folder.glob(f"{name}-*.png"):  # older versions of this figure
                    if stale.stem != self.cache_key and stale.stem.rsplit("-", 1)[0] == name:
                        stale.unlink(missing_ok=True)
            except OSError:
                pass  # a read-only home: render once per process instead
        return png

    def _cached(self) -> bytes | None:
        if not self.cache_key:
            return None
        try:
            return (cache_dir() / f"{self.cache_key}.png").read_bytes()
        except OSError:
            return None

    def px(self, ax, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Data coordinates of `ax` to overlay pixels (origin top-left, y down)."""
        pts = np.column_stack([np.atleast_1d(np.asarray(x, float)),
                               np.atleast_1d(np.asarray(y, float))])
        disp = ax.transData.transform(pts)
        return disp[:, 0], self.height_px - disp[:, 1]

    def svg(self, children: Iterable[str], label: str) -> str:
        """The overlay document for this scene."""
        return svg.document(self.width_px, self.height_px, children, label)
