"""The page shell every notebook shares: header with navigation, body text, footer.

Static parts are displayed as plain HTML outputs (no widget, no round trip), so a page
shows its text as soon as Voilà sends it.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

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


_log = logging.getLogger("explainer")
MAX_QUERY_LENGTH = 2048
"""A longer query string is not read at all (a real link is a few dozen characters)."""
KEPT_FIELDS = ("step", "mode")
"""The link's fields a language switch keeps (the walkthrough's place and view)."""
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?", re.ASCII)
_KEPT = re.compile(r"[A-Za-z0-9]{1,16}", re.ASCII)


def preheated(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel was started by Voilà's warm pool, before its request arrived."""
    env = os.environ if environ is None else environ
    return str(env.get("VOILA_PREHEAT", "False")).lower() == "true"


def read_query_string(environ: Mapping[str, str] | None = None) -> str:
    """The query string of the request this kernel serves ("" if none or on any problem).

    Voilà puts it in ``QUERY_STRING`` for a kernel it starts per request. A preheated kernel
    (``VOILA_PREHEAT=True``) starts before the request, so it must ask Voilà and wait:
    ``voila.utils.get_query_string()``.
    """
    env = os.environ if environ is None else environ
    try:
        if preheated(env):
            from voila.utils import get_query_string

            return str(get_query_string() or "")
        return str(env.get("QUERY_STRING", "") or "")
    except Exception:  # noqa: BLE001
        _log.exception("could not read the query string; opening the page as if it had none")
        return ""


def _fields(query: object) -> dict[str, str]:
    """The link's fields with one readable value each (never raises; hostile input gives {})."""
    try:
        if not isinstance(query, str) or len(query) > MAX_QUERY_LENGTH:
            return {}
        found = parse_qs(query.removeprefix("?"), max_num_fields=32, errors="replace")
        # repeats that disagree count as unreadable (""), as the walkthrough's deep links do
        return {k: v[0].strip() if len({x.strip() for x in v}) == 1 else ""
                for k, v in found.items()}
    except Exception:  # noqa: BLE001  (a link must never break the page)
        return {}


def parse_lang(query: object, offered: Sequence[str]) -> tuple[str, bool]:
    """The language a link asks for (``?lang=es``) if it is ``offered``, else the first offered
    one; the flag is False when the link asked for a language it cannot have (the page then
    falls back quietly). Case-insensitive; never raises, never echoes the value."""
    if isinstance(query, str) and len(query) > MAX_QUERY_LENGTH:
        return offered[0], False
    asked = _fields(query).get("lang")
    if asked is None:
        return offered[0], True
    if _LANG.fullmatch(asked):
        for code in offered:
            if code.lower() == asked.lower():
                return code, True
    return offered[0], False


def offered_languages() -> tuple[str, ...]:
    """The languages this server's pages offer: the clinic file's (``locale`` first), or the
    base locale alone without a clinic (a draft translation is never offered by default)."""
    from explainer.content.clinic.env import current
    from explainer.paths import DEFAULT_LOCALE

    cfg = current()
    return cfg.clinic.offered_languages if cfg is not None else (DEFAULT_LOCALE,)


_chosen: dict[str, object] = {}


def choose_locale(query: str | None = None) -> str:
    """Choose this page's language once, when the page starts: the link's ``?lang=`` if the
    clinic offers it, else the clinic's locale. Kept in this kernel's memory only (one viewer
    per kernel), never stored on the server. A preheated kernel starts before its link
    arrives: it opens in the clinic's locale. Returns the locale in use."""
    from explainer.content import strings

    if query is None:
        query = "" if preheated() else read_query_string()
    offered = offered_languages()
    code, followed = parse_lang(query, offered)
    _chosen.update(query=query, offered=offered, followed=followed)
    return strings.use(code)


def language_followed() -> bool:
    """False when the page's link asked for a language this page does not offer (the page
    fell back to the clinic's; the walkthrough says so in a gentle note)."""
    return bool(_chosen.get("followed", True))


def language_switch_html() -> str:
    """Links to the page in each offered language, each named in itself (``lang``/``hreflang``)
    and keeping the link's step and view; "" when only one language is offered. The template's
    script keeps the walkthrough's current step in the link when it is followed."""
    from explainer.content import strings

    offered = _chosen.get("offered") or offered_languages()
    if len(offered) < 2:
        return ""
    known, current = strings.locales(), strings.current()
    kept = {k: v for k, v in _fields(_chosen.get("query", "")).items()
            if k in KEPT_FIELDS and _KEPT.fullmatch(v)}
    items = []
    for code in offered:
        name = escape(known[code].name)
        if code == current:
            items.append(f'<li><span lang="{code}" aria-current="true">{name}</span></li>')
        else:
            href = "?" + urlencode({**kept, "lang": code})
            items.append(f'<li><a href="{escape(href)}" lang="{code}" hreflang="{code}">'
                         f"{name}</a></li>")
    label = escape(site()["language_label"])
    return f'<nav class="kx-lang" aria-label="{label}"><ul>{"".join(items)}</ul></nav>'


def translation_status_html() -> str:
    """About's line saying which translation is shown: the original, a draft no one has
    checked yet, or a reviewed translation with who checked it and when."""
    from datetime import date

    from explainer import formatting as fmt
    from explainer.content import strings

    loc = strings.locales()[strings.current()]
    words = site()["translation_status"]
    reviewed_on = ""
    if loc.reviewed_on:
        reviewed_on = fmt.day_words(date.fromisoformat(loc.reviewed_on))
    text = words[loc.status].format(language=loc.name, reviewer=loc.reviewed_by or "",
                                    date=reviewed_on)
    return f'<p class="kx-translation-status" data-kx-status="{escape(loc.status)}">' \
           f"{escape(text)}</p>"


def header_html(current: str) -> str:
    """Brand, navigation between the pages that exist, and the language switch (when the
    clinic offers more than one language). ``data-kx-lang`` tells the template's script the
    page's language (``<html lang>``)."""
    from explainer.content import strings

    links = []
    for p in pages():
        attrs = ' aria-current="page"' if p.id == current else ""
        links.append(f'<a href="{escape(page_url(p.notebook))}"{attrs}>{escape(p.nav)}</a>')
    return (
        f'<header class="kx-header" role="banner" data-kx-lang="{escape(strings.current())}">'
        f'<span class="kx-brand">{escape(site()["brand"])}</span>'
        f'<nav class="kx-nav" aria-label="{escape(site()["nav_label"])}">{"".join(links)}</nav>'
        f"{language_switch_html()}</header>"
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
