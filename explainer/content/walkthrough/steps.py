"""The parser of walkthrough step files (``assets/en-GB/content/NN-<slug>.yaml``)."""

from __future__ import annotations

from pathlib import Path

from explainer.content import aftercare
from explainer.content._validate import Problems
from explainer.content.strings import STEP_FILE
from explainer.content.walkthrough import fields as f
from explainer.content.walkthrough.records import Passage

__all__ = ["PASSAGE_KEYS", "parse_step_file"]

PASSAGE_KEYS = ({"id", "step", "audience", "text"}, {"refs", "claim", "part"})
PART_MAX = 60
"""A passage's optional ``part`` is the short title of a section the reader opens on its own
(one idea per screen): the walkthrough shows it closed, under this title."""


def parse_step_file(path: Path, data, locale: str, known, p: Problems,
                    seen: dict[str, str]) -> list[Passage]:
    """The passages of one ``NN-<slug>.yaml`` step file (``path``: the base locale's file;
    ``data``: its words in ``locale``, from the strings accessor; problems go into ``p``)."""
    if not isinstance(data, dict) or set(data) != {"step", "passages"}:
        p.add(path.name, "must be a mapping with exactly `step` and `passages`")
        return []
    file_step = f.step(data, path.name, p)
    number = int(STEP_FILE.match(path.name).group(1))
    if file_step and file_step != number:
        p.add(path.name, f"declares step {file_step} but the file name says {number}")
    items = data["passages"]
    if not isinstance(items, list) or not items:
        p.add(path.name, "passages must be a non-empty list")
        return []
    # `block: aftercare` passages take the block's words
    items = [aftercare.expand(item, path.parents[2], locale) for item in items]
    out = []
    for where, item in f.items(path, items, "passage", PASSAGE_KEYS, p):
        ident = f.ident(item, where, p, seen)
        step = f.step(item, where, p)
        if step and file_step and step != file_step:
            p.add(where, f"step {step} does not match the file's step {file_step}")
        audience = f.audience(item, where, p)
        md, text, html = f.markdown_field(item, where, p)
        refs, claim = f.refs_and_claim(item, where, p, known, md)
        part = item.get("part", "")
        if part and not (isinstance(part, str) and part.strip() and len(part) <= PART_MAX
                         and "\n" not in part):
            p.add(where, f"part must be one line of text of at most {PART_MAX} characters")
            part = ""
        out.append(Passage(ident, step, audience, md, text, html, refs, claim, path.name,
                           part.strip() if part else ""))
    return out
