"""Helpers for the trainee study notebooks (`notebooks/study/`): page shell, figures with a text
description, the notebook's numbered references, and its self-check.

    from explainer import study
    study.header("study-receptor")             # site header (navigation), as on every page
    study.figure(fig, "What the figure shows, in words.")
    study.self_check("receptor")               # the topic's questions, shuffled per viewer
    study.references("receptor.ipynb")         # the sources cited in that notebook's markdown
    study.footer()

Prose lives in the notebooks' markdown cells, with citations written ``[@key]`` and stored as
numbered links (`sync_citations`, the ``ketamine-explainer sync-citations`` build step); see
`explainer.content.markdown.citations` for how they are rendered.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
from html import escape
from pathlib import Path

from explainer import pages
from explainer.content import strings
from explainer.content.markdown import citations
from explainer.pages import STUDY_DIR
from explainer.paths import notebooks_dir

__all__ = ["STUDY_DIR", "axes", "figure", "footer", "header", "legend_below",
           "markdown_sources", "references", "run_sync", "self_check", "shade_bands",
           "sync_citations", "table"]

_BAND_WORDS = {"relief": "linked with pain relief", "dissociation": 'feeling "floaty"',
               "anaesthesia": "anaesthesia"}
_BAND_HATCH = {"relief": "//", "dissociation": "\\\\", "anaesthesia": ".."}

def markdown_sources(name: str) -> list[str]:
    """The markdown cells' text of the study notebook `name` (e.g. "receptor.ipynb"), read from
    disk without executing it.

    Read as the JSON it is, not with nbformat: importing nbformat imports jsonschema and its
    format checkers, about 1.5 s of every study page's kernel start (the page calls this for
    its reference list). Writing notebooks (`sync_citations`) uses nbformat."""
    path = notebooks_dir() / STUDY_DIR / name
    if path.parent != notebooks_dir() / STUDY_DIR or path.suffix != ".ipynb":
        raise ValueError(f"not a study notebook: {name!r}")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "markdown"]


def header(page_id: str) -> None:
    """The site header with navigation (the same as on every page), in the page's language."""
    pages.choose_locale()
    pages.show(pages.header_html(page_id))


def footer() -> None:
    """The one disclaimer every page carries."""
    pages.show(pages.footer_html())


def axes(title: str, xlabel: str, ylabel: str, width: float = 8.0, height: float = 4.5):
    """A new figure and axes in the project's matplotlib style (large type, Okabe–Ito colours)."""
    import matplotlib.pyplot as plt

    from explainer.paths import mpl_style

    with plt.style.context(str(mpl_style())):
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig, ax


def shade_bands(ax, keys=("relief", "dissociation"), axis: str = "y") -> None:
    """Shade the concentration bands of `explainer.models.bands` (ng/mL) along the `axis` ("y"
    for a level-against-time plot, "x" when concentration is across), each with a hatch as well
    as a colour and a legend entry (peak levels seen in studies, not targets)."""
    from explainer.models import bands

    colours = {"relief": "#009E73", "dissociation": "#CC79A7", "anaesthesia": "#56B4E9"}
    for key in keys:
        band = bands.BANDS[key]
        span = ax.axhspan if axis == "y" else ax.axvspan
        span(band.low_ng_ml, band.high_ng_ml, color=colours[key], alpha=0.15,
                   hatch=_BAND_HATCH[key], lw=0,
                   label=f"{_BAND_WORDS[key]} ({band.low_ng_ml:g}–{band.high_ng_ml:g} ng/mL)")


def legend_below(ax, columns: int = 2) -> None:
    """The legend under the axes, so it never hides a curve."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=columns, fontsize=12)


def table(headers: list[str], rows: list[list], caption: str) -> None:
    """A small HTML table (numbers computed in the notebook) with a caption, in page type."""
    head = "".join(f'<th scope="col">{escape(str(h))}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    pages.show(f'<table class="kx-study-table"><caption>{escape(caption)}</caption>'
               f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def figure(fig, description: str) -> None:
    """Show a matplotlib figure as an image whose alternative text and caption are
    `description`, then close it (so it is not shown twice)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    text = escape(description, quote=True)
    pages.show(f'<figure class="kx-study-figure"><img src="data:image/png;base64,{data}" '
               f'alt="{text}"><figcaption>{text}</figcaption></figure>')


def references(name: str) -> None:
    """The numbered list of sources cited in the study notebook `name` (its markdown cells)."""
    pages.show(citations.reference_list_html(citations.numbering(markdown_sources(name))))


def self_check(topic: str | None = None):
    """The self-check for one topic (or every topic when None), as a widget to display.
    (Imported here: the questions are validated with jsonschema, which the pages without a
    self-check need not import.)"""
    from explainer.content import quiz as quiz_data
    from explainer.widgets.quiz import QuizView

    titles = quiz_data.topics()
    words = strings.table("ui")["quiz"]
    title = (words["topic_title"].format(topic=titles[topic].lower()) if topic
             else words["all_title"])
    return QuizView(quiz_data.questions(topic), title=title)


# --- The build step that keeps the stored citations in step -------------------------------------


def sync_citations(write: bool = True) -> list[Path]:
    """Store every study notebook's citations as numbered markdown links, numbered in order of
    first use (`citations.linked`), so JupyterLab shows them as Voilà does. Returns the
    notebooks that were (with ``write=False``: would be) changed; outputs are left as they are
    (the notebooks are committed without any)."""
    import nbformat

    changed = []
    for path in sorted((notebooks_dir() / STUDY_DIR).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "markdown"]
        numbers = citations.numbering(c.source for c in cells)
        dirty = False
        for cell in cells:
            new = citations.linked(cell.source, numbers)
            if new != cell.source:
                cell.source, dirty = new, True
        if dirty:
            changed.append(path)
            if write:
                nbformat.write(nb, path)
    return changed


def run_sync(args: argparse.Namespace) -> None:
    """``ketamine-explainer sync-citations [--check]`` (its parser is the console command's, so
    that ``serve`` need not import nbformat): rewrite (or check) the notebooks and say which
    ones changed."""
    changed = sync_citations(write=not args.check)
    for path in changed:
        print(f"{'out of step' if args.check else 'updated'}: {path}")
    if args.check and changed:
        sys.exit(1)
