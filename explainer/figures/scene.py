"""`Scene`: a figure whose still parts matplotlib draws once, and whose moving parts are SVG.

Why: re-rasterising a whole matplotlib figure on every slider move costs 3–4 times a bare
widget round trip (see benchmarks/); drawing the background once and moving a few light SVG
elements placed in the same pixel coordinates keeps an update close to a label update, while
the picture stays one figure to the eye.

    scene = Scene(draw, (w, h), cache_key)   # draw() builds the matplotlib Figure
    png = scene.background_png()             # the cached PNG, or draw() and render once
    x, y = scene.px(ax, data_x, data_y)      # data -> overlay pixels (y down)
    svg = scene.svg([svg.circle(x, y, 5)], label="...")

Cheap kernels: a viewer's kernel whose backgrounds are in the cache never imports matplotlib
(about 40 MB resident and a second of start-up per kernel). So nothing here imports it at module
level, `background_key` reads matplotlib's version from the file its wheels ship, and `draw` runs
only on a cache miss (or when a test asks for `scene.fig`). The overlay's pixel maps are
computed from the numbers the axes are placed with (tests check them against matplotlib).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from explainer.figures import svg
from explainer.paths import CACHE_ENV_VAR, cache_dir, mpl_style  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure

PNG_SCALE = 2.0
"""The background is rendered at twice the layout resolution, for sharp tablets."""

_FIGURES_DIR = Path(__file__).resolve().parent


def background_key(name: str, *inputs: Path | str) -> str:
    """A key that changes whenever anything drawing a background may have changed: the
    figure and model modules' sources, the style file, matplotlib's version and `inputs`."""
    h = hashlib.sha256(f"{name}|{matplotlib_version()}|{PNG_SCALE}".encode())
    h.update(_sources_digest())
    for item in inputs:
        h.update(Path(item).read_bytes() if isinstance(item, Path) else str(item).encode())
    return f"{name}-{h.hexdigest()[:24]}"


@lru_cache(maxsize=1)
def matplotlib_version() -> str:
    """matplotlib's version without importing it: from the `_version.py` its packages ship, else
    from its package metadata (`importlib.metadata` scans every installed package's metadata,
    about 50 ms and 0.5 MB in each viewer's kernel)."""
    spec = importlib.util.find_spec("matplotlib")  # finds the package; runs none of it
    if spec is not None and spec.origin:
        version_file = Path(spec.origin).parent / "_version.py"
        if version_file.is_file():
            found = re.search(r"""^(?:__version__|version)\s*=\s*["']([^"']+)["']""",
                              version_file.read_text(encoding="utf-8"), re.MULTILINE)
            if found:
                return found.group(1)
    from importlib.metadata import version

    return version("matplotlib")


@lru_cache(maxsize=1)
def _sources_digest() -> bytes:
    """The figure and model modules' sources and the style file, read once per process."""
    h = hashlib.sha256()
    models = _FIGURES_DIR.parent / "models"
    for path in [*sorted(_FIGURES_DIR.rglob("*.py")), *sorted(models.rglob("*.py")), mpl_style()]:
        h.update(path.read_bytes())
    return h.digest()


@contextmanager
def project_style():
    """Build a figure inside this block so every artist takes the project's style."""
    import matplotlib.style

    with matplotlib.style.context(str(mpl_style())):
        yield


class Scene:
    """Static background (PNG, rendered once) plus an SVG overlay in the same pixels."""

    def __init__(self, draw: Callable[[], Figure], size: tuple[float, float],
                 cache_key: str | None = None):
        """`draw()` builds the figure (in the project style), `size` is its (width, height)
        in layout pixels; `cache_key` (from `background_key`) lets new kernels reuse a
        rendered background without calling `draw` at all.

        Only figures whose axes are placed explicitly (no constrained or tight layout) may
        use the cache: their transforms are right without drawing."""
        self._draw = draw
        self._fig: Figure | None = None
        self.cache_key = cache_key
        self._png: bytes | None = None
        self._on_disk = False
        """Whether the PNG is also a file in the cache folder (the server can serve it)."""
        self.width_px, self.height_px = (float(v) for v in size)

    @property
    def fig(self) -> Figure:
        """The matplotlib figure, drawn on first use (a cache hit never needs it)."""
        if self._fig is None:
            with project_style():
                fig = self._draw()
            if tuple(float(v) for v in fig.bbox.size) != (self.width_px, self.height_px):
                raise ValueError(f"figure is {tuple(fig.bbox.size)}, scene expects "
                                 f"{(self.width_px, self.height_px)}")
            self._fig = fig
        return self._fig

    def background_png(self) -> bytes:
        """The still parts, rendered once per scene (or read from the cache)."""
        if self._png is None:
            self._png = self._cached() or self._render()
        return self._png

    def background_digest(self) -> str | None:
        """SHA-256 (hex) of the background PNG if it is a file in the cache folder, by which
        the server serves it (`explainer.serving.backgrounds`); None if it is not (no cache
        key, or a cache folder that cannot be written)."""
        png = self.background_png()
        return hashlib.sha256(png).hexdigest() if self._on_disk else None

    def _render(self) -> bytes:
        fig = self.fig
        buf = io.BytesIO()
        with project_style():
            fig.savefig(buf, format="png", dpi=fig.dpi * PNG_SCALE)
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
                self._on_disk = True
            except OSError:
                pass  # a read-only home: render once per process instead
        return png

    def _cached(self) -> bytes | None:
        if not self.cache_key:
            return None
        try:
            png = (cache_dir() / f"{self.cache_key}.png").read_bytes()
        except OSError:
            return None
        self._on_disk = True
        return png

    def px(self, ax, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Data coordinates of `ax` to overlay pixels (origin top-left, y down)."""
        import numpy as np  # (with matplotlib's axes: a cache miss or a test)

        pts = np.column_stack([np.atleast_1d(np.asarray(x, float)),
                               np.atleast_1d(np.asarray(y, float))])
        disp = ax.transData.transform(pts)
        return disp[:, 0], self.height_px - disp[:, 1]

    def svg(self, children: Iterable[str], label: str) -> str:
        """The overlay document for this scene."""
        return svg.document(self.width_px, self.height_px, children, label)
