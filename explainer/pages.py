"""The page shell every notebook shares: header with navigation, body text, footer.

Static parts are displayed as plain HTML outputs (no widget, no round trip), so a page
shows its text as soon as Voilà sends it.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING

from explainer.content.markdown import cache as markdown_cache
from explainer.paths import notebooks_dir

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

STUDY_DIR = "study"
"""Folder of the trainee study notebooks under `notebooks/`."""

def _heading_open(renderer, tokens, idx, options, env):
    """Level-2 headings get an id from their words ("About this guide" -> about-this-guide),
    so the footer can link to a section."""
    if tokens[idx].tag == "h2":
        slug = re.sub(r"[^a-z0-9]+", "-", tokens[idx + 1].content.lower()).strip("-")
        tokens[idx].attrSet("id", slug)
    return renderer.renderToken(tokens, idx, options, env)


@cache
def _renderer() -> MarkdownIt:
    """The pages' Markdown renderer (imported on a cache miss only: `markdown_cache`)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable("table")
    md.add_render_rule("heading_open", _heading_open)
    return md
ABOUT_SECTION = "about-this-guide"
"""The About page's IPDAS section (who wrote it, dates, updates, evidence, funding,
uncertainty), linked from every footer."""


@dataclass(frozen=True)
class PageInfo:
    id: str
    notebook: str
    title: str
    summary: str
    nav: str


def site() -> Mapping:
    """Site-wide strings and pages: the `site` table of the one strings loader
    (`assets/<locale>/strings/site.yaml`, read-only, parsed once)."""
    from explainer.content import strings

    return strings.table("site")


def words_json(group: str) -> str:
    """A group of site strings as JSON that is safe inside a page's ``<script>`` element (the
    template's filter ``site_words_json``: the page's own scripts read their words from it)."""
    import json

    text = json.dumps(dict(site()[group]), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def pages(existing_only: bool = True) -> list[PageInfo]:
    """The pages in order; by default only those whose notebook exists."""
    found = [PageInfo(**p) for p in site()["pages"]]
    if existing_only:
        found = [p for p in found if (notebooks_dir() / p.notebook).exists()]
    return found


def page_url(notebook: str) -> str:
    """Root-relative URL of a page.

    JupyterLab's renderer swallows clicks on relative links in HTML outputs (it treats them as
    files to open in the lab), so links must start with "/". Voilà tells the kernel the
    requested path in `SCRIPT_NAME`; pages live beside it.
    """
    here = os.environ.get("SCRIPT_NAME", "")
    base = posixpath.dirname(here) if here.startswith("/") and here.endswith(".ipynb") else ""
    if base.endswith(f"/{STUDY_DIR}"):  # pages in notebooks/study/ link from the same root
        base = base[: -len(STUDY_DIR) - 1]
    return f"{base or '/voila/render'}/{notebook}"


def markdown_html(text: str) -> str:
    """Markdown to HTML; raw HTML in the source is escaped, never passed through."""
    return markdown_cache.cached("page_html", text, lambda md: _renderer().render(md))


def header_html(current: str) -> str:
    """Brand, navigation between the pages that exist, and a skip link."""
    links = []
    for p in pages():
        attrs = ' aria-current="page"' if p.id == current else ""
        links.append(f'<a href="{escape(page_url(p.notebook))}"{attrs}>{escape(p.nav)}</a>')
    return (
        '<header class="kx-header" role="banner">'
        f'<span class="kx-brand">{escape(site()["brand"])}</span>'
        f'<nav class="kx-nav" aria-label="{escape(site()["nav_label"])}">{"".join(links)}</nav>'
        "</header>"
    )


def footer_html() -> str:
    """The one plain disclaimer every page carries, a link to "About this guide", and the
    clinic line: its name and numbers, or that the pages are not set up for one clinic (issue 12;
    values escaped)."""
    from explainer.content.clinic.text import footer_text

    about = next((p for p in pages() if p.id == "about"), None)
    link = (f'<p><a class="kx-footer-about" href="{escape(page_url(about.notebook))}'
            f'#{ABOUT_SECTION}">{escape(site()["footer_about"])}</a></p>' if about else "")
    return (
        f'<footer class="kx-footer" role="contentinfo"><p>{escape(site()["disclaimer"])}</p>'
        f'<p class="kx-footer-clinic">{escape(footer_text())}</p>'
        f"{link}</footer>"
    )


def page_links_html(exclude: str = "start") -> str:
    """Cards linking to every page that exists (the start page's menu)."""
    cards = [
        f'<a href="{escape(page_url(p.notebook))}"><strong>{escape(p.title)}</strong>'
        f"{escape(p.summary)}</a>"
        for p in pages()
        if p.id != exclude
    ]
    label = escape(site()["links_label"])
    return f'<nav class="kx-links" aria-label="{label}">{"".join(cards)}</nav>'


def body_html(page_id: str) -> str:
    """The page's own text, `pages/<id>.md` in the page's locale (the strings accessor)."""
    from explainer.content import strings

    return markdown_html(strings.load_text(f"pages/{page_id}.md"))


def show(*parts: str) -> None:
    """Display HTML parts as one static output."""
    from IPython.display import HTML, display

    display(HTML("".join(parts)))


def checked_counts() -> dict[str, int]:
    """How many registry entries were checked each way (an entry may count under two)."""
    from explainer.content import references
    from explainer.content.references import CHECKED

    counts = dict.fromkeys(CHECKED, 0)
    for ref in references().values():
        for how in ref.checked:
            counts[how] += 1
    return {how: n for how, n in counts.items() if n}


def references_html() -> str:
    """Every source in the registry, one line each with how it was checked and what it is
    cited for (the About page's list), after a tally taken from the same fields."""
    from explainer.content import references

    words = site()["sources"]
    tally = "; ".join(words["tally_item"].format(how=how, count=n)
                      for how, n in checked_counts().items())
    checked = words["how_checked"]
    items = [
        f"<li><strong>{escape(key)}</strong>: {escape(ref.format(confidence=True))} "
        f'<span class="kx-ref-checked">{escape(checked.format(how=", ".join(ref.checked)))}'
        "</span> "
        f'<span class="kx-ref-supports">{escape(words["cited_for"].format(supports=ref.supports))}'
        "</span></li>"
        for key, ref in sorted(references().items())
    ]
    tally_line = words["tally"].format(count=len(references()), tally=tally)
    return (f'<h2 id="sources">{escape(words["title"])}</h2>'
            f'<p class="kx-references-tally">{escape(tally_line)}</p>'
            f'<ul class="kx-references">{"".join(items)}</ul>')
