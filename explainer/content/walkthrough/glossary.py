"""The parser of the glossary (``assets/en-GB/content/glossary.yaml``)."""

from __future__ import annotations

from pathlib import Path

from explainer.content._validate import Problems
from explainer.content.walkthrough import fields as f
from explainer.content.walkthrough.records import GlossaryEntry

__all__ = ["TERM_KEYS", "parse_glossary"]

TERM_KEYS = ({"id", "term", "text"}, {"aliases", "refs", "claim"})


def parse_glossary(path: Path, data, known, p: Problems,
                   seen: dict[str, str]) -> list[GlossaryEntry]:
    """The entries of ``glossary.yaml`` (``data``: its words in the page's locale, from the
    strings accessor; none if the file is absent; problems go into ``p``)."""
    if not path.exists():
        return []
    if not isinstance(data, dict) or set(data) != {"terms"} or not isinstance(data["terms"], list):
        p.add(path.name, "must be a mapping with a `terms` list")
        return []
    out = []
    for where, item in f.items(path, data["terms"], "term", TERM_KEYS, p):
        ident = f.ident(item, where, p, seen)
        term = f.text_field(item, "term", where, p)
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            p.add(where, "aliases must be a list of words")
            aliases = []
        md, text, html = f.markdown_field(item, where, p)
        refs, claim = f.refs_and_claim(item, where, p, known, md)
        out.append(GlossaryEntry(ident, term, tuple(aliases), md, text, html, refs, claim))
    return out
