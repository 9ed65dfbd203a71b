"""Markdown to safe HTML and to plain text (markdown-it-py; raw HTML is never passed through).

Results come from `markdown_cache` when an earlier process rendered the same text, so
markdown-it is imported only on a miss.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from explainer.content.markdown import cache as markdown_cache

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache
def _renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "replacements", "smartquotes"])


@cache
def _detector() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def to_html(markdown: str) -> str:
    """Render Markdown to HTML. Raw HTML in the source is escaped, never passed through."""
    return markdown_cache.cached("html", markdown, lambda text: _renderer().render(text))


def has_raw_html(markdown: str) -> bool:
    """True if the source contains raw HTML (a block or an inline tag)."""
    if "<" not in markdown:  # CommonMark's raw HTML always opens with "<"
        return False
    return markdown_cache.cached("raw_html", markdown, _detect_raw_html)


def _detect_raw_html(markdown: str) -> bool:
    for token in _detector().parse(markdown):
        if token.type == "html_block":
            return True
        if any(child.type == "html_inline" for child in token.children or ()):
            return True
    return False


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return "".join(parts).strip()


def to_text(markdown: str) -> str:
    """Plain text: one line per paragraph, heading, list item or table row.

    List items start with "- "; table cells are joined with " | ". Emphasis markers, links and
    other Markdown syntax are dropped; typographic quotes and dashes are kept.
    """
    return markdown_cache.cached("text", markdown, _render_text)


def _render_text(markdown: str) -> str:
    lines: list[str] = []
    row: list[str] | None = None
    list_depth = 0
    item_pending = False
    for token in _renderer().parse(markdown):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open":
            item_pending = True
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            lines.append(" | ".join(row or []))
            row = None
        elif kind == "inline":
            text = _inline_text(token)
            if row is not None:
                row.append(text)
            elif text:
                prefix = "  " * max(list_depth - 1, 0) + "- " if item_pending else ""
                lines.append(prefix + text)
                item_pending = False
        elif kind in ("fence", "code_block"):
            lines.extend(token.content.rstrip("\n").splitlines())
    return "\n".join(lines)


def sections(text: str, titles) -> str:
    """The level-2 sections of Markdown ``text`` whose titles are in ``titles``, in order
    (each from its ``## `` heading to the next heading of level 1 or 2)."""
    wanted = set(titles)
    kept, keep = [], False
    for line in text.splitlines():
        if line.startswith("## "):
            keep = line[3:].strip() in wanted
        elif line.startswith("# "):
            keep = False
        if keep:
            kept.append(line)
    return "\n".join(kept)
