"""The after-care and safety-net block (``assets/en-GB/content/aftercare.yaml``): one data item.

The rules for the 24 hours after a session, when to call the clinic and when to call emergency
services are written once and shown in three places: the walkthrough (a passage written as
``block: aftercare`` takes its text and refs from the block), the treatment timeline's "home"
phase (a phase with ``aftercare: true`` takes ``label2``, ``now`` and ``refs`` from the block's
``timeline`` part) and the summary. They are the typical rules that a clinic confirms, so a
clinic's configuration can replace the block in this one place.

    from explainer.content import aftercare
    aftercare.block().text            # plain text; .html, .markdown, .refs, .example
    aftercare.expand({"id": "s8-aftercare", "step": 8, "audience": "patient",
                      "block": "aftercare"})     # -> the passage with text and refs filled in
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from explainer.content import strings
from explainer.content._assets import ContentError, assets_dir
from explainer.content.markdown import render as _markdown
from explainer.content.references import _load as _load_references

__all__ = ["BLOCK_NAME", "AftercareBlock", "block", "expand"]

BLOCK_NAME = "aftercare"
"""The value of a passage's ``block`` field that asks for this block."""

FILE = "content/aftercare.yaml"
DRIVING_RULE = "24 hours"
"""Every form of the block (walkthrough and timeline) must state this: labels and leaflets say
no driving for at least 24 hours, never just "that day". A locale that is not English must
state its number (``DRIVING_HOURS``), written in its own words."""
DRIVING_HOURS = "24"


@dataclass(frozen=True)
class AftercareBlock:
    """The block: Markdown for the walkthrough, and the short timeline forms."""

    markdown: str
    text: str
    html: str
    refs: tuple[str, ...]
    example: bool
    timeline_label2: str
    timeline_now: str


def _parse(root: Path, locale: str) -> AftercareBlock:
    path = f"{strings.source(FILE, root)} ({locale})"
    data = strings.load(FILE, locale, root)
    problems: list[str] = []
    entry = data.get(BLOCK_NAME) if isinstance(data, dict) else None
    if not isinstance(entry, dict) or set(data) != {BLOCK_NAME}:
        raise ContentError(f"{path}: must be a mapping with exactly `{BLOCK_NAME}`")
    expected = {"example", "refs", "text", "timeline"}
    if set(entry) != expected:
        raise ContentError(
            f"{path}: `{BLOCK_NAME}` must have exactly {', '.join(sorted(expected))}")
    known = _load_references(root / "references.yaml")
    refs = entry["refs"]
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        problems.append("refs must be a non-empty list of reference keys")
        refs = []
    unknown = [r for r in refs if r not in known]
    if unknown:
        problems.append(f"unknown reference key(s) {', '.join(unknown)}")
    if entry["example"] is not True:
        problems.append("example must be true: these are typical rules that the clinic confirms")
    md = entry["text"] if isinstance(entry["text"], str) else ""
    if not md.strip():
        problems.append("text must be non-empty Markdown")
    elif _markdown.has_raw_html(md):
        problems.append("text contains raw HTML")
    timeline = entry["timeline"]
    if not isinstance(timeline, dict) or set(timeline) != {"label2", "now"} or not all(
            isinstance(v, str) and v.strip() for v in timeline.values()):
        problems.append("timeline must have exactly `label2` and `now`, both text")
        timeline = {"label2": "", "now": ""}
    for where, value in (("text", md), ("timeline.now", timeline["now"]),
                         ("timeline.label2", timeline["label2"])):
        if (DRIVING_RULE if locale.startswith("en") else DRIVING_HOURS) not in value:
            problems.append(f"{where} must state the driving rule ({DRIVING_RULE!r})")
    if problems:
        raise ContentError(f"{path}:\n  " + "\n  ".join(problems))
    md = md.strip()
    return AftercareBlock(md, _markdown.to_text(md), _markdown.to_html(md), tuple(refs), True,
                          timeline["label2"].strip(), timeline["now"].strip())


@lru_cache(maxsize=16)
def _block_at(root: Path, locale: str) -> AftercareBlock:
    return _parse(root, locale)


def block(root: Path | None = None, locale: str | None = None) -> AftercareBlock:
    """The after-care block (cached) in ``locale`` (default: the current one), from ``root``
    (an assets directory) or the default."""
    return _block_at(root if root is not None else assets_dir(), locale or strings.current())


def expand(item: Any, root: Path | None = None, locale: str | None = None) -> Any:
    """A passage entry with ``block: aftercare`` becomes a normal passage entry carrying the
    block's text and refs; anything else is returned unchanged. A block passage must not carry
    its own text or refs (the block is the one place they are written)."""
    if not isinstance(item, dict) or "block" not in item:
        return item
    if item["block"] != BLOCK_NAME:
        raise ContentError(f"passage {item.get('id')!r}: unknown block {item['block']!r}")
    if {"text", "refs", "claim"} & item.keys():
        raise ContentError(f"passage {item.get('id')!r}: a block passage takes its text and "
                           "refs from the block; remove them here")
    b = block(root, locale)
    out = {k: v for k, v in item.items() if k != "block"}
    return {**out, "text": b.markdown, "refs": list(b.refs)}
