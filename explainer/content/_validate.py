"""The one validation toolkit of the content files: number, key, id, text and reference checks.

Every parser (passages, glossary, predictions, protocols, references, string tables) checks its
fields with these functions and words its own messages (they name the file and the field). The
number check itself is :mod:`explainer.checks` (no dependencies) so the models can share it.

    missing, unknown = key_problems(item, required={"id", "text"}, optional={"refs"})
    is_id("s3-what-it-does")        # lower-case letters, digits and hyphens
    text_value("  Plain words. ")   # "Plain words." (None if empty or not text)
    number_value(25, positive=True, high=None)   # 25.0 (None if not allowed)
    ref_list(["cohen2018"])         # ("cohen2018",) (None if not a list of keys)
    unknown_refs(refs, known)       # keys not in the registry, in order
    has_number("About {n} in 2")    # True: a digit outside the {placeholders}
    Problems().add("file.yaml: id", "message")   # collect every problem, then raise once
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from explainer.checks import in_range, real_number

__all__ = ["ID", "Problems", "has_number", "is_id", "key_problems", "number_value", "ref_list",
           "text_value", "unknown_refs"]

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""Ids of passages, terms, predictions and protocols: lower-case letters, digits, hyphens."""
_DIGIT = re.compile(r"\d")
_PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


class Problems(list):
    """Problems found in a file, one line each (``where: message``), raised together."""

    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def key_problems(item: Mapping[str, Any], required: Iterable[str], optional: Iterable[str] = ()
                 ) -> tuple[list[str], list[str]]:
    """(missing required keys, unknown keys), each sorted."""
    required, optional = set(required), set(optional)
    keys = set(map(str, item))
    return sorted(required - keys), sorted(keys - required - optional)


def is_id(value: Any) -> bool:
    """Whether ``value`` is a valid id (see ``ID``)."""
    return isinstance(value, str) and bool(ID.match(value))


def text_value(value: Any) -> str | None:
    """Non-empty text, stripped; None otherwise."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def number_value(value: Any, *, positive: bool, high: float | None = None) -> float | None:
    """A finite number ``> 0`` (``positive``) or ``>= 0``, at most ``high``; None otherwise."""
    x = real_number(value)
    if x is None or not in_range(x, low=0.0, high=high, strict_low=positive):
        return None
    return x


def ref_list(value: Any) -> tuple[str, ...] | None:
    """A list of non-empty reference keys as a tuple; None if it is not one."""
    if not isinstance(value, list | tuple) or not all(isinstance(r, str) and r for r in value):
        return None
    return tuple(value)


def unknown_refs(refs: Iterable[str], known: Mapping[str, Any] | frozenset[str]) -> list[str]:
    """The keys of ``refs`` that the registry does not hold, in order."""
    return [r for r in refs if r not in known]


def has_number(text: str, *, placeholders: bool = True) -> bool:
    """Whether ``text`` states a number (the passages' rule: such text must cite a reference):
    a digit anywhere, or outside ``{placeholders}`` when the text has them (string tables)."""
    return bool(_DIGIT.search(_PLACEHOLDER.sub("", text) if placeholders else text))
