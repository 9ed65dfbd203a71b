"""Markdown as plain *runs* of text: for places that must show text, never markup (the handout).

    blocks("**Call** if you have:\n\n- pain;\n- fever")
    # [{"kind": "p", "runs": [{"t": "Call", "b": True}, {"t": " if you have:", "b": False}]},
    #  {"kind": "list", "items": [[{"t": "pain;", "b": False}], [{"t": "fever", "b": False}]]}]
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["blocks", "plain"]


@cache
def _parser() -> MarkdownIt:
    """Imported when a handout is made, not when a page is built."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def _runs(inline_tokens) -> list[dict]:
    runs, bold = [], False
    for tok in inline_tokens:
        if tok.type == "strong_open":
            bold = True
        elif tok.type == "strong_close":
            bold = False
        elif tok.type in ("text", "code_inline") and tok.content:
            if runs and runs[-1]["b"] == bold:
                runs[-1]["t"] += tok.content
            else:
                runs.append({"t": tok.content, "b": bold})
        elif tok.type in ("softbreak", "hardbreak"):
            if runs:
                runs[-1]["t"] += " "
    return runs


def blocks(markdown: str) -> list[dict]:
    """Markdown -> ``[{"kind": "p", "runs": […]}, {"kind": "list", "items": [[runs]…]}]``."""
    out: list[dict] = []
    in_list = 0
    for tok in _parser().parse(markdown):
        if tok.type == "bullet_list_open":
            in_list += 1
            if in_list == 1:
                out.append({"kind": "list", "items": []})
        elif tok.type == "bullet_list_close":
            in_list -= 1
        elif tok.type == "inline":
            runs = _runs(tok.children or [])
            if in_list:
                out[-1]["items"].append(runs)
            else:
                out.append({"kind": "p", "runs": runs})
    return out


def plain(runs: list[dict]) -> str:
    """The text of a list of runs."""
    return "".join(r["t"] for r in runs)
