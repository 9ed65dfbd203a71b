"""Reference pages the benchmarks compare against, and how to move each measured control."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from explainer.paths import notebooks_dir

EMPTY_NOTEBOOK = ""
"""An empty notebook: the floor for page start-up."""

LABEL_NOTEBOOK = """\
import ipywidgets as widgets
slider = widgets.IntSlider(value=0, min=0, max=200, description="Value")
slider.add_class("kx-bench-label-slider")
label = widgets.Label("0")
label.add_class("kx-bench-result")
slider.observe(lambda change: setattr(label, "value", str(change["new"])), "value")
widgets.VBox([slider, label])
"""
"""A slider whose callback only sets a label: the floor for a control round trip."""


@dataclass(frozen=True)
class Interaction:
    """Where to press a key on a page and which element shows the result."""

    page: str
    query: str
    focus: str
    """CSS selector of the control to focus (a slider handle or a button)."""
    target: str
    """CSS selector of the element whose change marks the updated figure."""
    key: str = "ArrowRight"
    back_key: str = "ArrowLeft"
    setup: tuple[str, ...] = ()
    """Selectors to click first (e.g. the trainee switch that shows the slider)."""


LABEL = Interaction("bench-label.ipynb", "", ".noUi-handle", ".kx-bench-result")

INTERACTIONS = [
    Interaction("pain-signal.ipynb", "", ".kx-level-slider .noUi-handle", ".kx-figure-overlay",
                setup=("button:has-text('Trainee view')",)),
    Interaction("treatment-timeline.ipynb", "", ".kx-cursor-slider .noUi-handle",
                ".kx-figure-overlay"),
]
"""The explainer's controls measured against `LABEL` (pages that do not exist are skipped)."""


def write_notebook(path: Path, source: str) -> None:
    """A one-cell Python notebook holding `source`."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)


def notebook_dir() -> Path:
    """A temporary copy of the explainer's pages plus the two reference pages
    (`bench-empty.ipynb`, `bench-label.ipynb`); the caller removes its parent folder."""
    nbdir = Path(tempfile.mkdtemp(prefix="kx-bench-")) / "notebooks"
    shutil.copytree(notebooks_dir(), nbdir)
    write_notebook(nbdir / "bench-empty.ipynb", EMPTY_NOTEBOOK)
    write_notebook(nbdir / "bench-label.ipynb", LABEL_NOTEBOOK)
    return nbdir
