"""Study-notebook citations: written ``[@key]``, stored as numbered links ``[[1](#ref-key)]``

An author writes ``[@key]`` or ``[@key1; @key2]`` (keys of ``assets/references.yaml``); a
notebook stores them as ``[[1](#ref-key1), [2](#ref-key2)]``.

    from explainer.content.markdown import citations
    citations.keys_in("Pain fell [@orhurhu2019; @niesters2014].")  # both keys, in order
    numbers = citations.numbering(markdown_cells)   # key -> 1, 2, ... in order of first use
    citations.linked(text, numbers)                 # [@key] -> "[[1](#ref-key)]" (markdown)
    citations.cite(text, numbers)                   # either form -> linked "[1]" (inline HTML)
    citations.reference_list_html(numbers)          # the numbered list those links point to

An author writes ``[@key]``; the build (``ketamine-explainer sync-citations``, in
`explainer.study`) rewrites every citation of a notebook as numbered markdown links, numbered
in order of first use, so JupyterLab shows "[1, 2]" as Voilà does, not the raw key; a test
fails when a notebook is out of step. Voilà renders markdown cells through the page template,
which applies :func:`cite_markdown` (a Jinja filter registered in the serving configuration) to
either form: readers see numbered links that jump to the notebook's reference list. An unknown
key raises :class:`ContentError`, so a typo fails the tests rather than the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape

from explainer.content._assets import ContentError
from explainer.content.references import reference, references

__all__ = ["CITATION", "LINKED", "WRITTEN", "anchor", "cite", "cite_markdown", "keys_in",
           "linked", "numbering", "reference_list_html"]

_KEY = r"[A-Za-z0-9][\w-]*"
_LINK = rf"\[\d+\]\(#ref-{_KEY}\)"
WRITTEN = re.compile(rf"\[(@{_KEY}(?:\s*;\s*@{_KEY})*)\]")
"""As an author writes it: ``[@key]`` or ``[@a; @b]``; a key is a registry key (letters, digits,
hyphens)."""
LINKED = re.compile(rf"\[({_LINK}(?:,\s*{_LINK})*)\]")
"""As a notebook stores it: ``[[1](#ref-a)]`` or ``[[1](#ref-a), [3](#ref-b)]``."""
CITATION = re.compile(f"{WRITTEN.pattern}|{LINKED.pattern}")
"""A citation in either form (group 1: written, group 2: stored)."""
_LINKED_KEY = re.compile(rf"\(#ref-({_KEY})\)")


def _keys(match: re.Match) -> list[str]:
    if match.group(1) is not None:
        return [k.strip().lstrip("@") for k in match.group(1).split(";")]
    return _LINKED_KEY.findall(match.group(2))


def keys_in(text: str) -> list[str]:
    """Every key cited in one markdown text (either form), in order, repeats included."""
    return [k for m in CITATION.finditer(text) for k in _keys(m)]


def numbering(texts: Iterable[str]) -> dict[str, int]:
    """Key -> number (1, 2, ...) in order of first citation across the texts.
    Raises :class:`ContentError` naming any key the registry does not hold."""
    known = references()
    numbers: dict[str, int] = {}
    unknown: list[str] = []
    for text in texts:
        for key in keys_in(text):
            if key not in known:
                unknown.append(key)
            elif key not in numbers:
                numbers[key] = len(numbers) + 1
    if unknown:
        raise ContentError(f"unknown reference keys in citations: {sorted(set(unknown))}")
    return numbers


def anchor(key: str) -> str:
    """The id of a reference's entry in the list (``ref-<key>``)."""
    return f"ref-{key}"


def _numbered(match: re.Match, numbers: Mapping[str, int]) -> list[str]:
    keys = _keys(match)
    missing = [k for k in keys if k not in numbers]
    if missing:
        raise ContentError(f"citation {match.group(0)} has keys not numbered: {missing}")
    return keys


def linked(text: str, numbers: Mapping[str, int]) -> str:
    """Markdown with each citation (either form) stored as numbered markdown links, numbered by
    `numbers`: ``[@a; @b]`` -> ``[[1](#ref-a), [2](#ref-b)]``. Idempotent."""

    def one(match: re.Match) -> str:
        keys = _numbered(match, numbers)
        return "[" + ", ".join(f"[{numbers[k]}](#{anchor(k)})" for k in keys) + "]"

    return CITATION.sub(one, text)


def cite(text: str, numbers: Mapping[str, int]) -> str:
    """Markdown with each citation (either form) replaced by linked numbers: ``[1, 3]`` (inline
    HTML, each link titled with its source)."""

    def one(match: re.Match) -> str:
        keys = _numbered(match, numbers)
        links = ", ".join(
            f'<a class="kx-cite" href="#{anchor(k)}" '
            f'title="{escape(reference(k).format(), quote=True)}">{numbers[k]}</a>'
            for k in keys)
        return f'<span class="kx-cites">[{links}]</span>'

    return CITATION.sub(one, text)


def _markdown_sources(nb) -> list[str]:
    return [c.get("source", "") for c in nb.get("cells", []) if c.get("cell_type") == "markdown"]


try:  # the filter needs the whole notebook (for the numbering), which Jinja passes as context
    from jinja2 import pass_context
except ImportError:  # pragma: no cover - jinja2 is always there with nbconvert
    def pass_context(f):
        return f


@pass_context
def cite_markdown(context, source: str) -> str:
    """Jinja filter for the page template: a markdown cell's source with its citations linked,
    numbered across the whole notebook being rendered."""
    nb = context.get("nb") or {}
    return cite(source, numbering(_markdown_sources(nb)))


def reference_list_html(numbers: Mapping[str, int], heading: str = "References") -> str:
    """The numbered list of the cited sources, each with its key and how it was checked."""
    items = []
    for key, n in sorted(numbers.items(), key=lambda kv: kv[1]):
        ref = reference(key)
        items.append(
            f'<li id="{anchor(key)}" value="{n}"><span class="kx-ref-key">@{escape(key)}</span> '
            f"{escape(ref.format(confidence=True))}</li>")
    return (f'<section class="kx-study-refs" aria-labelledby="kx-refs-heading">'
            f'<h2 id="kx-refs-heading">{escape(heading)}</h2><ol>{"".join(items)}</ol></section>')
