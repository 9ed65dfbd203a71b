"""The one loader of visible strings: every string table in ``assets/strings/<locale>/``.

    from explainer.content import strings
    words = strings.table("timeline")           # read-only mapping, parsed once per process
    words["session"]["lanes"]["feel"]            # "You may feel"
    strings.text("ui", "buttons.next")           # one string by dotted key: "Next"
    strings.text("ui", "step_counter", current=3, total=9)  # "Step 3 of 9"
    strings.text("site", "pages")                # a list comes back as a tuple of mappings
    strings.model_note()                         # the trainee model notes (Markdown)
    strings.validate()                           # check every table afresh; raise on problems
    strings.path("timeline")                     # the file behind a table (for cache keys)

This module is the one way code reaches a visible string: no other module opens a table,
names the strings folder, or wraps :func:`table` / :func:`text` in an accessor of its own
(``tests/test_architecture.py``), and every literal ``text("table", "dotted.key")`` and
``table("name")`` in ``explainer/`` is checked against the en-GB tables by
``tests/test_strings.py``, so a mistyped key fails in CI rather than on a page. Locale
selection (and a fallback chain) belongs here too, behind these same calls: today
:func:`explainer.paths.strings_dir` picks the one folder.

A table is a YAML file (``TABLES``) in the folder :func:`explainer.paths.strings_dir` picks
(``assets/strings/en-GB/``). A second language or a US-English variant is a new folder of the
same files, chosen in :func:`explainer.paths.locale`; no code changes.

Rules checked when a table is first loaded (a broken rule raises :class:`ContentError` listing
every problem, so a bad edit fails at start-up rather than showing a wrong page):

- every key in ``REQUIRED`` for the table is present;
- no repeated key in any mapping (the strict YAML reader);
- in ``NO_NUMBERS`` tables, no digits at all outside ``{placeholders}``;
- elsewhere, a string with a digit outside ``{placeholders}`` needs a ``refs`` list in its own
  mapping or an enclosing one (the passages' rule: a number cites a reference), or a
  ``[reference key, text]`` row; the table's ``not_claims`` list names the few strings whose
  digits are units or counts ("1 of {n}", "1 = one pinch"), not clinical numbers;
- every ``refs`` / ``*_refs`` list names keys of ``assets/references.yaml``;
- no raw HTML in a string (values are escaped where shown).

Results are frozen: mappings are ``MappingProxyType`` and lists are tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from explainer import paths
from explainer.content import aftercare
from explainer.content._assets import ContentError, read_yaml
from explainer.content._validate import Problems, has_number, ref_list, unknown_refs
from explainer.content.markdown import render as _markdown
from explainer.content.references import _load as _load_references
from explainer.content.walkthrough.records import STEPS

__all__ = ["MODEL_NOTE_FILE", "NO_NUMBERS", "REQUIRED", "TABLES", "clear_cache", "model_note",
           "path", "table", "text", "validate"]

REQUIRED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "ui": ("app_title", "disclaimer", "disclaimer_long", "step_counter", "step_menu_title",
           "step_titles", "buttons", "audience", "prediction", "labels", "walkthrough",
           "mode_switch", "errors", "quiz", "icon_array", "formats"),
    "site": ("brand", "disclaimer", "skip_link", "footer_about", "pages", "sources",
             "connection.title", "connection.text", "connection.button", "nav_label",
             "links_label"),
    "pain_signal": ("refs", "strength", "levels", "band_phrases", "controls", "figure",
                    "shares", "describer", "numbers", "chart", "note", "formats"),
    "timeline": ("example_tag", "weight_note", "model_note", "education_note", "controls",
                 "time", "level_words", "level_short", "session", "patterns", "course",
                 "routes", "formats"),
    "clinic": ("generic", "footer", "example_rules", "regulator", "panel",
               "default_when_to_call", "plan", "handout", "duration"),
})
"""Per table, the keys (dotted for nested ones) the code reads: missing one fails at load."""
LENGTHS: Mapping[str, Mapping[str, int]] = MappingProxyType({
    "ui": MappingProxyType({"step_titles": len(STEPS)}),  # one title per walkthrough step
})
"""Per table, lists that must have exactly this many entries."""
TABLES: tuple[str, ...] = tuple(REQUIRED)
NO_NUMBERS: frozenset[str] = frozenset({"ui", "site"})
"""Tables of interface words only: any number must come in through a placeholder."""
MODEL_NOTE_FILE = "model_note.md"
"""The trainee model notes the pain-signal page shows (the sections of docs/model-nmda.md)."""


def _is_refs_key(key: str) -> bool:
    return key == "refs" or key.endswith("_refs")


class _Checker:
    """Walks one table, freezing it and collecting every broken rule."""

    def __init__(self, name: str, known: Mapping[str, Any], not_claims: Any):
        self.name, self.known = name, known
        self.problems = Problems()
        if not isinstance(not_claims, list) or not all(isinstance(k, str) for k in not_claims):
            self.add("not_claims", "must be a list of dotted keys")
            not_claims = []
        self.not_claims = frozenset(not_claims)

    def add(self, where: str, message: str) -> None:
        self.problems.add(f"{self.name}.yaml: {where}", message)

    def refs(self, value: Any, where: str) -> tuple[str, ...]:
        refs = ref_list(value)
        if refs is None:
            self.add(where, "must be a list of reference keys")
            return ()
        unknown = unknown_refs(refs, self.known)
        if unknown:
            self.add(where, f"unknown reference key(s) {', '.join(unknown)}")
        return refs

    def freeze(self, value: Any, where: str, cited: bool) -> Any:
        if isinstance(value, dict):
            own = value.get("refs")
            cited = cited or (isinstance(own, list) and bool(own))
            out = {}
            for key, item in value.items():
                here = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and _is_refs_key(key) and isinstance(item, list):
                    out[key] = self.refs(item, here)
                elif key == "refs" and isinstance(item, dict):  # named groups of keys
                    out[key] = MappingProxyType({str(k): self.refs(v, f"{here}.{k}")
                                                 for k, v in item.items()})
                else:
                    out[str(key)] = self.freeze(item, here, cited)
            return MappingProxyType(out)
        if isinstance(value, list):
            if value and isinstance(value[0], str) and value[0] in self.known:
                return (value[0], *(self.freeze(v, f"{where}[{i + 1}]", True)  # [key, text]
                                    for i, v in enumerate(value[1:])))
            return tuple(self.freeze(v, f"{where}[{i}]", cited) for i, v in enumerate(value))
        if isinstance(value, str):
            self.string(value, where, cited or where in self.not_claims)
        elif value is not None and not isinstance(value, bool | int | float):
            self.add(where, "must be text, a number, a list or a mapping")
        return value

    def string(self, value: str, where: str, cited: bool) -> None:
        if _markdown.has_raw_html(value):
            self.add(where, "contains raw HTML")
        if not has_number(value):
            return
        if self.name in NO_NUMBERS:
            self.add(where, "interface strings must not contain numbers (use a placeholder)")
        elif not cited:
            self.add(where, "contains a number but cites no reference (add `refs` beside it)")


def _lookup(node: Any, key: str) -> Any:
    for part in key.split("."):
        if not (isinstance(node, Mapping) and part in node):
            raise KeyError(key)
        node = node[part]
    return node


def _parse(folder: Path, name: str, root: Path) -> Mapping[str, Any]:
    path = folder / f"{name}.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path}: must be a mapping of strings")
    if name == "timeline":  # "home" phases take the one after-care block
        data = aftercare.fill_timeline(data, root)
    checker = _Checker(name, _load_references(root / "references.yaml"),
                       data.get("not_claims", []))
    frozen = checker.freeze(data, "", False)
    for key in (*REQUIRED.get(name, ()), *checker.not_claims):
        try:
            _lookup(frozen, key)
        except KeyError:
            checker.add(key, "is required but missing")
    for key, count in LENGTHS.get(name, {}).items():
        found = frozen.get(key)
        if not isinstance(found, tuple) or len(found) != count:
            checker.add(key, f"must list {count} entries")
    if checker.problems:
        raise ContentError(f"{path} has {len(checker.problems)} problem(s):\n  "
                           + "\n  ".join(checker.problems))
    return frozen


@lru_cache(maxsize=16)
def _table_at(folder: Path, name: str, root: Path) -> Mapping[str, Any]:
    return _parse(folder, name, root)


def path(name: str) -> Path:
    """The file behind table ``name`` (a figure's background cache key changes with it)."""
    if name not in REQUIRED:
        raise KeyError(f"no string table {name!r}; tables: {', '.join(TABLES)}")
    return paths.strings_dir() / f"{name}.yaml"


def table(name: str) -> Mapping[str, Any]:
    """The whole string table ``name`` (one of ``TABLES``), checked and frozen, parsed once."""
    if name not in REQUIRED:
        raise KeyError(f"no string table {name!r}; tables: {', '.join(TABLES)}")
    return _table_at(paths.strings_dir(), name, paths.assets_dir())


def text(name: str, key: str | None = None, **fields: Any) -> Any:
    """One entry of table ``name`` by dotted key (``text("ui", "buttons.next")``); a string,
    a tuple (a list in the file) or a read-only mapping (a group). ``KeyError`` names the key.

    With ``fields`` the entry must be a string and its ``{placeholders}`` are filled in
    (``text("ui", "step_counter", current=3, total=9)``): the one place a string is formatted by
    name, so a later locale (plural rules, number formats) changes only this function."""
    node = table(name)
    if key is None:
        return node
    try:
        found = _lookup(node, key)
    except KeyError:
        raise KeyError(f"no string {key!r} in the {name} table") from None
    if not fields:
        return found
    if not isinstance(found, str):
        raise TypeError(f"{name}.{key} is not a string; it has no placeholders to fill")
    return found.format(**fields)


@lru_cache(maxsize=4)
def _model_note_at(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path}: cannot read: {exc}") from exc


def model_note() -> str:
    """The trainee model notes of the pain-signal page (Markdown), from the assets folder, so
    an installed package needs no ``docs/`` folder."""
    return _model_note_at(paths.strings_dir() / MODEL_NOTE_FILE)


def clear_cache() -> None:
    """Forget loaded tables (after editing them or changing the assets directory)."""
    _table_at.cache_clear()
    _model_note_at.cache_clear()


def validate(folder: str | Path | None = None, root: str | Path | None = None) -> dict[str, int]:
    """Load every table in ``folder`` (default: the current locale's) afresh, checking each
    rule; raise :class:`ContentError` listing the problems of every broken table."""
    root = Path(root) if root is not None else paths.assets_dir()
    folder = Path(folder) if folder is not None else root / "strings" / paths.locale()
    problems, counts = [], {}
    for name in TABLES:
        try:
            counts[name] = len(_parse(folder, name, root))
        except ContentError as exc:
            problems.append(str(exc))
    if not (folder / MODEL_NOTE_FILE).is_file():
        problems.append(f"{folder / MODEL_NOTE_FILE}: is missing")
    if problems:
        raise ContentError("\n".join(problems))
    return counts
