"""Citations in study-notebook markdown: one syntax, ``[@key]`` or ``[@key1; @key2]``, whose keys
are those of ``assets/references.yaml``.

    from explainer.content.markdown import citations
    citations.keys_in("Pain fell [@orhurhu2019; @niesters2014].")  # both keys, in order
    numbers = citations.numbering(markdown_cells)   # key -> 1, 2, ... in order of first use
    citations.cite(text, numbers)                   # markdown with [@key] -> linked "[1]"
    citations.reference_list_html(numbers)          # the numbered list those links point to

Voilà renders markdown cells through the page template, which applies :func:`cite_markdown`
(a Jinja filter registered in the serving configuration): readers see numbered links such as
"[1, 2]" that jump to the notebook's reference list. JupyterLab shows the ``[@key]`` source
text as written; the reference list (a code cell's output) names each key beside its number.
An unknown key raises :class:`ContentError`, so a typo fails the tests rather than the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape

from explainer.content._assets import ContentError
from explainer.content.references import reference, references

__all__ = ["CITATION", "anchor", "cite", "cite_markdown", "keys_in", "numbering",
           "reference_list_html"]

CITATION = re.compile(r"\[(@[A-Za-z0-9][\w-]*(?:\s*;\s*@[A-Za-z0-9][\w-]*)*)\]")
"""``[@key]`` or ``[@a; @b]``; a key is a registry key (letters, digits, hyphens)."""


def keys_in(text: str) -> list[str]:
    """Every key cited in one markdown text, in order, repeats included."""
    return [k.strip().lstrip("@") for m in CITATION.finditer(text) for k in m.group(1).split(";")]


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


def cite(text: str, numbers: Mapping[str, int]) -> str:
    """Markdown with each ``[@...]`` replaced by linked numbers: ``[1, 3]`` (inline HTML)."""

    def one(match: re.Match) -> str:
        keys = [k.strip().lstrip("@") for k in match.group(1).split(";")]
        missing = [k for k in keys if k not in numbers]
        if missing:
            raise ContentError(f"citation {match.group(0)} has keys not numbered: {missing}")
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
