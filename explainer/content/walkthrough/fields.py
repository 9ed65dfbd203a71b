"""Field checks shared by the passage, glossary and prediction parsers (messages collected in
a :class:`~explainer.content._validate.Problems` list, raised together by ``passages``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from explainer.content._validate import (
    Problems,
    has_number,
    is_id,
    key_problems,
    ref_list,
    text_value,
    unknown_refs,
)
from explainer.content.markdown import render as _markdown
from explainer.content.walkthrough.records import AUDIENCES, STEPS

__all__ = ["audience", "ident", "items", "markdown_field", "refs_and_claim", "step", "text_field"]


def _check_keys(item: Any, keys: tuple[set[str], set[str]], where: str, p: Problems) -> bool:
    if not isinstance(item, dict):
        p.add(where, "must be a mapping")
        return False
    missing, unknown = key_problems(item, *keys)
    if missing:
        p.add(where, f"missing {', '.join(missing)}")
    if unknown:
        p.add(where, f"unknown field(s) {', '.join(unknown)}")
    return not missing and not unknown


def text_field(item: dict, name: str, where: str, p: Problems) -> str:
    value = text_value(item.get(name))
    if value is None:
        p.add(where, f"{name} must be non-empty text")
        return ""
    return value


def refs_and_claim(item: dict, where: str, p: Problems, known: Mapping[str, Any],
                   body: str) -> tuple[tuple[str, ...], bool]:
    claim = item.get("claim", True)
    if claim not in (True, False):
        p.add(where, "claim must be true or false")
        claim = True
    refs = ref_list(item.get("refs", []))
    if refs is None:
        p.add(where, "refs must be a list of reference keys")
        refs = ()
    if len(set(refs)) != len(refs):
        p.add(where, "refs lists a key twice")
    unknown = unknown_refs(refs, known)
    if unknown:
        p.add(where, f"unknown reference key(s) {', '.join(unknown)}")
    if claim and not refs:
        p.add(where, "has no refs: cite a registry key, or mark it `claim: false`")
    if not claim and refs:
        p.add(where, "has both refs and `claim: false`: choose one")
    if has_number(body, placeholders=False) and not refs:
        p.add(where, "contains a number but cites no reference")
    return refs, bool(claim)


def markdown_field(item: dict, where: str, p: Problems) -> tuple[str, str, str]:
    md = text_field(item, "text", where, p)
    if md and _markdown.has_raw_html(md):
        p.add(where, "contains raw HTML (not allowed; use Markdown)")
    return md, _markdown.to_text(md), _markdown.to_html(md)


def step(item: dict, where: str, p: Problems) -> int:
    value = item.get("step")
    if not isinstance(value, int) or isinstance(value, bool) or value not in STEPS:
        p.add(where, f"step must be a whole number from {STEPS[0]} to {STEPS[-1]}")
        return 0
    return value


def audience(item: dict, where: str, p: Problems) -> str:
    value = item.get("audience")
    if value not in AUDIENCES:
        p.add(where, f"audience must be one of {', '.join(AUDIENCES)}, not {value!r}")
    return str(value)


def ident(item: dict, where: str, p: Problems, seen: dict[str, str]) -> str:
    value = item.get("id")
    if not is_id(value):
        p.add(where, "id must be lower-case letters, digits and hyphens")
        return str(value)
    if value in seen:
        p.add(where, f"duplicate id {value!r} (also in {seen[value]})")
    else:
        seen[value] = where
    return value


def items(path: Path, entries: list, noun: str, allowed, p: Problems):
    """(where, item) for each well-formed entry of a list; `where` names it in messages."""
    for i, item in enumerate(entries):
        where = f"{path.name}: {noun} {i + 1}"
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            where = f"{path.name}: {item['id']}"
        if _check_keys(item, allowed, where, p):
            yield where, item
