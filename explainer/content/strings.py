"""The one loader of visible words: every word file of every locale (``assets/<locale>/``).

    from explainer.content import strings
    words = strings.table("timeline")           # read-only mapping, parsed once per locale
    words["session"]["lanes"]["feel"]            # "You may feel"
    strings.text("ui", "buttons.next")           # one string by dotted key: "Next"
    strings.text("ui", "step_counter", current=3, total=9)  # "Step 3 of 9"
    strings.text("site", "pages")                # a list comes back as a tuple of mappings
    strings.model_note()                         # the trainee model notes (Markdown)
    strings.validate()                           # check every table afresh; raise on problems
    strings.key("timeline")                      # changes when the table may (cache keys)
    strings.load("content/glossary.yaml")        # any word file, merged for the page's locale
    strings.load_text("pages/start.md")          # a page, the first along the locale's chain
    strings.use("es")                            # the page's locale (from its link's ?lang=)

This module is the one way code reaches a word: no other module opens a word file, names a
locale folder, or wraps :func:`table` / :func:`text` in an accessor of its own
(``tests/test_architecture.py``), and every literal ``text("table", "dotted.key")`` and
``table("name")`` in ``explainer/`` is checked against the en-GB tables by
``tests/test_strings.py``, so a mistyped key fails in CI rather than on a page.

Locales (``assets/locales.yaml``, :func:`locales`): ``en-GB`` is the base, its folder complete;
every other locale's folder is an overlay holding only the words that differ, read along the
locale's fallback chain (``es → en-US → en-GB``). :func:`load` lays each overlay over the base
key by key (:func:`_merge`): mappings merge, lists of entries with ``id`` merge by ``id``, other
lists are replaced entry by entry at the base's length; an overlay never carries numbers,
booleans, reference lists, ids or code keys (``CODE_KEYS``), never a key the base lacks, and
keeps every ``{placeholder}`` (:func:`overlay_problems` lists each broken rule on its own line).
Markdown files are replaced whole. Caches are keyed by locale.

A table is a YAML file (``TABLES``) under ``strings/`` in a locale folder.

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

import copy
import hashlib
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path
from types import MappingProxyType
from typing import Any

from explainer import formatting as fmt
from explainer import paths
from explainer.content._assets import ContentError, read_yaml
from explainer.content._validate import Problems, has_number, ref_list, unknown_refs
from explainer.content.markdown import render as _markdown
from explainer.content.references import _load as _load_references

__all__ = ["MODEL_NOTE_FILE", "NO_NUMBERS", "REQUIRED", "TABLES", "clear_cache", "model_note",
           "per_locale",
           "path", "table", "text", "validate"]

REQUIRED: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "ui": ("app_title", "disclaimer", "disclaimer_long", "step_counter", "step_menu_title",
           "step_titles", "buttons", "audience", "prediction", "labels", "walkthrough",
           "mode_switch", "errors", "quiz", "icon_array", "formats"),
    "site": ("brand", "disclaimer", "skip_link", "footer_about", "pages", "sources",
             "connection.title", "connection.text", "connection.button", "nav_label",
             "links_label", "language_label", "translation_status.source",
             "translation_status.draft", "translation_status.reviewed"),
    "pain_signal": ("refs", "strength", "levels", "band_phrases", "controls", "figure",
                    "shares", "describer", "numbers", "chart", "note", "formats"),
    "timeline": ("example_tag", "weight_note", "model_note", "education_note", "controls",
                 "time", "level_words", "level_short", "session", "patterns", "course",
                 "routes", "formats"),
    "clinic": ("generic", "footer", "example_rules", "regulator", "aftercare_match", "panel",
               "default_when_to_call", "plan", "handout", "duration"),
})
"""Per table, the keys (dotted for nested ones) the code reads: missing one fails at load."""
STEP_FILE = re.compile(r"^(\d{2})-[a-z0-9-]+\.ya?ml$")
"""A walkthrough step's file in ``assets/<locale>/content/``: ``NN-<slug>.yaml``, NN its number."""
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


# --- Locales: the registry, the fallback chain and the overlay merge ---------------------------

LOCALES_FILE = "locales.yaml"
"""The registry of locales in the assets folder: name in itself, fallback chain, review status."""
STATUSES = ("source", "draft", "reviewed")
"""``source``: the base locale's own text; ``draft``: a translation no reviewer has signed off
(offered only where a clinic says ``offer_unreviewed = true``); ``reviewed``: signed off, with
``reviewed_by`` and ``reviewed_on``."""
CODE_KEYS = frozenset({"step", "audience", "kind", "topic", "condition", "drug", "route", "block",
                       "schema_version", "claim", "example", "region", "correct", "answer",
                       "tolerance", "unit", "id"})
"""Keys whose values are identifiers, not words: an overlay never carries them (an ``id`` only
as the key that matches a list entry). Where the base's value under such a key is words, not an
identifier (``ui.prediction.correct: "Yes, that's right."``, a figure's ``key: "KEY"``, a
protocol's ``audience`` prose), it is translated like any word (:func:`_is_code`)."""
SAME_KEYS = frozenset({"key", "icon", "aftercare", "notebook"})
"""The string tables' own identifiers (a level's key, an icon name, a timeline phase's flag, a
page's notebook): an overlay that mirrors the base may repeat them, unchanged."""
_IDENTIFIER = re.compile(r"[a-z0-9_.:-]*")
"""An identifier value: lower case, no spaces (``patient``, ``intravenous``, ``s-ketamine``)."""


def _is_code(key: object, base_value: Any, keys: frozenset[str]) -> bool:
    """Whether ``key`` (one of ``keys``) holds an identifier at this place of the base: not a
    mapping (prose inside, as a protocol's ``audience``) and not words."""
    if key not in keys or isinstance(base_value, dict):
        return False
    return not (isinstance(base_value, str) and not _IDENTIFIER.fullmatch(base_value))


WHOLE_FILES = (".md",)
"""Files replaced whole by an overlay (pages, the model note) rather than merged key by key."""
_PLACEHOLDER = string.Formatter()


@dataclass(frozen=True)
class Locale:
    """One entry of ``assets/locales.yaml``."""

    code: str                      # the folder name and the BCP 47 tag (``lang``/``hreflang``)
    name: str                      # its name in itself ("Español")
    fallback: tuple[str, ...]      # where a missing key is looked up next, in order
    status: str                    # one of STATUSES
    reviewed_by: str | None
    reviewed_on: str | None
    note: str

    @property
    def chain(self) -> tuple[str, ...]:
        """This locale then its fallbacks: the folders a file is read from, first to last."""
        return (self.code, *self.fallback)

    @property
    def signed_off(self) -> bool:
        return self.status in ("source", "reviewed")


def _parse_locales(root: Path) -> dict[str, Locale]:
    path = root / LOCALES_FILE
    if not path.is_file():  # an assets copy made before locales: the base alone
        return {paths.BASE_LOCALE: Locale(paths.BASE_LOCALE, paths.BASE_LOCALE, (), "source",
                                          None, None, "")}
    data = read_yaml(path)
    problems = Problems()
    entries = data.get("locales") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or data.get("base") != paths.BASE_LOCALE:
        raise ContentError(f"{path}: must name `base: {paths.BASE_LOCALE}` and a `locales` mapping")
    found: dict[str, Locale] = {}
    for code, e in entries.items():
        if not isinstance(e, dict) or not isinstance(e.get("name"), str):
            problems.add(f"{path.name}: {code}", "needs a `name` (the language named in itself)")
            continue
        fallback = tuple(e.get("fallback") or ())
        status = e.get("status")
        if status not in STATUSES or (status == "source") != (code == paths.BASE_LOCALE):
            problems.add(f"{path.name}: {code}", "status must be draft or reviewed (source: the "
                         "base locale only)")
        if status == "reviewed" and not (e.get("reviewed_by") and e.get("reviewed_on")):
            problems.add(f"{path.name}: {code}", "a reviewed locale names reviewed_by and "
                         "reviewed_on")
        if code != paths.BASE_LOCALE and (not fallback or fallback[-1] != paths.BASE_LOCALE):
            problems.add(f"{path.name}: {code}", f"fallback must end with {paths.BASE_LOCALE}")
        found[code] = Locale(str(code), e["name"], fallback, str(status),
                             e.get("reviewed_by"), str(e["reviewed_on"])
                             if e.get("reviewed_on") else None, str(e.get("note") or ""))
    for code, loc in found.items():
        unknown = [f for f in loc.fallback if f not in found or f == code]
        if unknown:
            problems.add(f"{path.name}: {code}", f"unknown fallback {', '.join(unknown)}")
    if problems:
        raise ContentError(f"{path}:\n  " + "\n  ".join(problems))
    return found


@lru_cache(maxsize=4)
def _locales_at(root: Path) -> Mapping[str, Locale]:
    return MappingProxyType(_parse_locales(root))


def locales(root: Path | None = None) -> Mapping[str, Locale]:
    """Every locale of the registry (``assets/locales.yaml``), in file order."""
    return _locales_at(root if root is not None else paths.assets_dir())


_current: list[str] = [paths.DEFAULT_LOCALE]
"""The locale this process shows (one viewer per kernel): set once by the page from its link's
``?lang=`` (:func:`use`), never stored anywhere."""


def current() -> str:
    """The locale every accessor reads when none is passed."""
    return _current[0]


def per_locale(maxsize: int = 128):
    """``functools.lru_cache`` for anything built from words (a figure's background, a
    protocol's translated name, a describer's phases): the current locale is part of the key, so
    a kernel that changes its language (or a test that walks every locale) never gets another
    language's words from the cache. ``cache_clear`` works as on ``lru_cache``."""
    def decorate(func):
        cached = lru_cache(maxsize=maxsize)(lambda _locale, *args, **kwargs: func(*args, **kwargs))

        @wraps(func)
        def wrapper(*args, **kwargs):
            return cached(current(), *args, **kwargs)

        wrapper.cache_clear = cached.cache_clear
        wrapper.cache_info = cached.cache_info
        return wrapper
    return decorate


def use(code: str | None) -> str:
    """Make ``code`` this process's locale (a known one; anything else keeps the default) for
    the words and for :mod:`explainer.formatting`; return the locale now in use."""
    _current[0] = code if code in locales() else paths.DEFAULT_LOCALE
    fmt.set_locale(_current[0])
    return _current[0]


def _chain(code: str | None, root: Path) -> tuple[str, ...]:
    known = locales(root)
    code = code or current()
    if code not in known:
        raise KeyError(f"no locale {code!r}; locales: {', '.join(known)}")
    return known[code].chain


def _placeholders(text: str) -> frozenset[str]:
    try:
        return frozenset(name for _, name, _, _ in _PLACEHOLDER.parse(text) if name is not None)
    except ValueError:
        return frozenset({"<unbalanced braces>"})


def _merge(base: Any, over: Any, where: str, problems: Problems, known: Mapping) -> Any:
    """``base`` with ``over``'s words laid over it (LOCALES.md's rules); a broken rule is one
    line in ``problems`` and keeps the base value."""
    if isinstance(base, dict):
        if not isinstance(over, dict):
            problems.add(where or "(top)", "must be a mapping, as in the base")
            return base
        out = dict(base)
        for key, value in over.items():
            here = f"{where}.{key}" if where else str(key)
            if _is_code(key, base.get(key), CODE_KEYS) or (isinstance(key, str)
                                                            and _is_refs_key(key)):
                problems.add(here, "is a code key or a reference list: delete it from the "
                             "overlay (it comes from the base)")
            elif key not in base:
                problems.add(here, "is not in the base file (a key an overlay may not add)")
            elif _is_code(key, base[key], SAME_KEYS):
                if value != base[key]:
                    problems.add(here, "is an identifier: it stays as in the base")
            else:
                out[key] = _merge(base[key], value, here, problems, known)
        return out
    if isinstance(base, list):
        if not isinstance(over, list):
            problems.add(where, "must be a list, as in the base")
            return base
        if base and all(isinstance(b, dict) and "id" in b for b in base):
            out = [dict(b) for b in base]
            index = {b["id"]: i for i, b in enumerate(base)}
            for entry in over:
                ident = entry.get("id") if isinstance(entry, dict) else None
                if ident not in index:
                    problems.add(f"{where}[id={ident}]", "matches no entry of the base (by id)")
                    continue
                rest = {k: v for k, v in entry.items() if k != "id"}
                out[index[ident]] = _merge(base[index[ident]], rest, f"{where}[id={ident}]",
                                           problems, known)
            return out
        if len(over) != len(base):
            problems.add(where, f"must have exactly the base's {len(base)} entries, "
                         f"not {len(over)}")
            return base
        return [_merge(b, o, f"{where}[{i}]", problems, known)
                for i, (b, o) in enumerate(zip(base, over, strict=True))]
    if isinstance(base, str):
        if not isinstance(over, str):
            problems.add(where, "must be text, as in the base")
            return base
        if base in known and over != base:
            problems.add(where, "is a reference key: it stays as in the base")
            return base
        if _placeholders(over) != _placeholders(base):
            problems.add(where, "must keep the base's placeholders "
                         f"{{{'}, {'.join(sorted(_placeholders(base)))}}}")
            return base
        return over
    problems.add(where, "is a number, a yes/no or empty in the base: only the base holds it")
    return base


def _overlay(rel: str, code: str, root: Path) -> tuple[Any, Problems]:
    """The merged data of file ``rel`` for locale ``code`` (its chain laid over the base, last
    fallback first) and the overlay problems found on the way."""
    chain = _chain(code, root)
    known = _load_references(root / "references.yaml")
    data = read_yaml(paths.locale_dir(chain[-1], root) / rel)
    problems = Problems()
    for layer in reversed(chain[:-1]):
        path = paths.locale_dir(layer, root) / rel
        if path.is_file():
            found = Problems()
            data = _merge(data, read_yaml(path), "", found, known)
            for line in found:
                problems.add(f"{layer}/{rel}", line)
    return data, problems


@lru_cache(maxsize=128)
def _load_at(rel: str, code: str, root: Path) -> Any:
    data, problems = _overlay(rel, code, root)
    if problems:
        raise ContentError(f"{root / code / rel}: the overlay breaks {len(problems)} rule(s) "
                           "(an overlay holds words only):\n  " + "\n  ".join(problems))
    return data


def load(rel: str, locale: str | None = None, root: Path | None = None) -> Any:
    """The data of one word file (``rel`` relative to a locale folder, e.g.
    ``"content/glossary.yaml"``) in ``locale`` (default :func:`current`): the base file with
    each overlay along the locale's chain laid over it. A fresh copy each call (loaders change
    what they parse); :class:`ContentError` lists every overlay problem, one per line."""
    root = root if root is not None else paths.assets_dir()
    return copy.deepcopy(_load_at(rel, locale or current(), root))


def load_text(rel: str, locale: str | None = None, root: Path | None = None) -> str:
    """A whole-file text (a page's Markdown, the model note): the first file along the locale's
    chain that exists."""
    root = root if root is not None else paths.assets_dir()
    for layer in _chain(locale, root):
        path = paths.locale_dir(layer, root) / rel
        if path.is_file():
            return _read_text(path)
    raise ContentError(f"{paths.locale_dir(paths.BASE_LOCALE, root) / rel}: is missing")


def source(rel: str, root: Path | None = None) -> Path:
    """The base locale's file ``rel`` (a name for messages and cache keys; its structure and
    numbers are every locale's)."""
    return paths.locale_dir(paths.BASE_LOCALE, root) / rel


def step_files(root: Path | None = None) -> tuple[str, ...]:
    """The walkthrough's step files (``content/NN-<slug>.yaml``, relative to a locale folder),
    in order: the base locale's, which every locale shares."""
    folder = source("content", root)
    if not folder.is_dir():
        return ()
    return tuple(f"content/{f.name}" for f in sorted(folder.iterdir())
                 if STEP_FILE.match(f.name))


STEP_FILES: tuple[str, ...] = step_files()
"""The walkthrough's step files at start-up (``walkthrough.records.STEPS`` is their numbers)."""


def overrides(code: str, root: Path | None = None) -> dict[str, list[str]]:
    """Per overlay file of ``code`` (its own folder only), the dotted keys it overrides;
    whole-file replacements list ``(whole file)``."""
    root = root if root is not None else paths.assets_dir()
    folder = paths.locale_dir(code, root)
    found: dict[str, list[str]] = {}
    if code == paths.BASE_LOCALE or not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(folder).as_posix()
        found[rel] = (["(whole file)"] if path.suffix in WHOLE_FILES
                      else list(_leaf_keys(read_yaml(path), "")))
    return found


def base_files(root: Path | None = None) -> tuple[str, ...]:
    """Every word file of the base locale, relative to its folder (``strings/ui.yaml``,
    ``pages/about.md``, …): what each other locale may override."""
    folder = paths.locale_dir(paths.BASE_LOCALE, root)
    return tuple(f.relative_to(folder).as_posix() for f in sorted(folder.rglob("*"))
                 if f.is_file())


def word_keys(rel: str, code: str | None = None, root: Path | None = None) -> tuple[str, ...]:
    """The dotted keys of the words (text values, not code keys or refs) in file ``rel`` of
    locale ``code``'s own folder (default: the base's); ``()`` when that folder has no such
    file, ``("(whole file)",)`` for a Markdown page."""
    file = paths.locale_dir(code or paths.BASE_LOCALE, root) / rel
    if not file.is_file():
        return ()
    if file.suffix in WHOLE_FILES:
        return ("(whole file)",)
    return tuple(_leaf_keys(read_yaml(file), "", words_only=True))


def own(rel: str, code: str, root: Path | None = None) -> Any:
    """What locale ``code``'s own folder holds for file ``rel`` (no merge, no fallback): the
    parsed YAML, a page's Markdown text, or None when it has no such file."""
    file = paths.locale_dir(code, root) / rel
    if not file.is_file():
        return None
    return _read_text(file) if file.suffix in WHOLE_FILES else read_yaml(file)


def _leaf_keys(node: Any, where: str, words_only: bool = False):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "id" and where.endswith("]"):
                continue
            code = _is_code(key, value, CODE_KEYS | SAME_KEYS)
            if words_only and (code or _is_refs_key(str(key))):
                continue
            yield from _leaf_keys(value, f"{where}.{key}" if where else str(key), words_only)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            ident = value.get("id") if isinstance(value, dict) else None
            yield from _leaf_keys(value, f"{where}[{'id=' + str(ident) if ident else i}]",
                                  words_only)
    elif isinstance(node, str) or not words_only:
        yield where


def overlay_problems(code: str, root: Path | None = None) -> list[str]:
    """Every rule the overlay files of ``code`` break (keys missing from the base, numbers,
    refs, code keys, list lengths, placeholders, files the base does not have), one per line."""
    root = root if root is not None else paths.assets_dir()
    found = []
    for rel in overrides(code, root):
        if not source(rel, root).is_file():
            found.append(f"{code}/{rel}: the base ({paths.BASE_LOCALE}) has no such file")
        elif not rel.endswith(WHOLE_FILES):
            merged = Problems()
            known = _load_references(root / "references.yaml")
            _merge(read_yaml(source(rel, root)), read_yaml(paths.locale_dir(code, root) / rel),
                   "", merged, known)
            found += [f"{code}/{rel}: {line}" for line in merged]
    return found


# --- The string tables -------------------------------------------------------------------------


def _fill_timeline(data: dict, code: str, root: Path) -> dict:
    """The timeline table with each phase marked ``aftercare: true`` given the after-care
    block's ``label2``, ``now`` and ``refs`` (the phase keeps its own label, short form and
    anchors): the block is written once (``content/aftercare.yaml``)."""
    block = load("content/aftercare.yaml", code, root).get("aftercare", {})
    timeline = block.get("timeline") or {}
    for pattern in data.get("patterns", {}).values():
        for phase in pattern.get("phases", ()):
            if phase.pop("aftercare", False):
                phase.update(label2=str(timeline.get("label2", "")).strip(),
                             now=str(timeline.get("now", "")).strip(),
                             refs=list(block.get("refs") or []), example=True)
    return data


def _parse(code: str, name: str, root: Path) -> Mapping[str, Any]:
    rel = f"strings/{name}.yaml"
    path = paths.locale_dir(code, root) / rel
    data = load(rel, code, root)
    if not isinstance(data, dict):
        raise ContentError(f"{path}: must be a mapping of strings")
    if name == "timeline":  # "home" phases take the one after-care block
        data = _fill_timeline(data, code, root)
    checker = _Checker(name, _load_references(root / "references.yaml"),
                       data.get("not_claims", []))
    frozen = checker.freeze(data, "", False)
    for key in (*REQUIRED.get(name, ()), *checker.not_claims):
        try:
            _lookup(frozen, key)
        except KeyError:
            checker.add(key, "is required but missing")
    if name == "ui":  # one title per walkthrough step
        count = len(step_files(root) or STEP_FILES)  # a tables-only tree: the default's
        found = frozen.get("step_titles")
        if not isinstance(found, tuple) or len(found) != count:
            checker.add("step_titles", f"must list {count} entries")
    if checker.problems:
        raise ContentError(f"{path} has {len(checker.problems)} problem(s):\n  "
                           + "\n  ".join(checker.problems))
    return frozen


@lru_cache(maxsize=64)
def _table_at(code: str, name: str, root: Path) -> Mapping[str, Any]:
    return _parse(code, name, root)


def path(name: str) -> Path:
    """The file behind table ``name`` in the current locale's folder, or the base's where the
    locale has none (a figure's background cache key changes with it)."""
    if name not in REQUIRED:
        raise KeyError(f"no string table {name!r}; tables: {', '.join(TABLES)}")
    root = paths.assets_dir()
    for layer in _chain(None, root):
        found = paths.locale_dir(layer, root) / "strings" / f"{name}.yaml"
        if found.is_file():
            return found
    return source(f"strings/{name}.yaml", root)


def key(name: str) -> str:
    """A short digest that changes whenever table ``name`` in the current locale may have: the
    locale and every file it is merged from (for the timeline, the after-care block's too).
    A figure's rendered background is cached under it."""
    if name not in REQUIRED:
        raise KeyError(f"no string table {name!r}; tables: {', '.join(TABLES)}")
    root = paths.assets_dir()
    rels = (f"strings/{name}.yaml", *(("content/aftercare.yaml",) if name == "timeline" else ()))
    digest = hashlib.sha256(current().encode())
    for layer in _chain(None, root):
        for rel in rels:
            file = paths.locale_dir(layer, root) / rel
            if file.is_file():
                digest.update(f"{layer}/{rel}".encode() + file.read_bytes())
    return digest.hexdigest()[:24]


def table(name: str, locale: str | None = None) -> Mapping[str, Any]:
    """The whole string table ``name`` (one of ``TABLES``) in ``locale`` (default: the current
    one), checked and frozen, parsed once per locale."""
    if name not in REQUIRED:
        raise KeyError(f"no string table {name!r}; tables: {', '.join(TABLES)}")
    return _table_at(locale or current(), name, paths.assets_dir())


def text(name: str, key: str | None = None, **fields: Any) -> Any:
    """One entry of table ``name`` by dotted key (``text("ui", "buttons.next")``); a string,
    a tuple (a list in the file) or a read-only mapping (a group). ``KeyError`` names the key.

    With ``fields`` the entry must be a string and its ``{placeholders}`` are filled in
    (``text("ui", "step_counter", current=3, total=9)``): the one place a string is formatted by
    name."""
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


@lru_cache(maxsize=32)
def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path}: cannot read: {exc}") from exc


def model_note() -> str:
    """The trainee model notes of the pain-signal page (Markdown), from the assets folder, so
    an installed package needs no ``docs/`` folder."""
    return load_text(f"strings/{MODEL_NOTE_FILE}")


def clear_cache() -> None:
    """Forget loaded tables (after editing them or changing the assets directory)."""
    _table_at.cache_clear()
    _read_text.cache_clear()
    _load_at.cache_clear()
    _locales_at.cache_clear()


def validate(root: str | Path | None = None, locale: str | None = None) -> dict[str, int]:
    """Load every table of ``locale`` (default: every locale) afresh, checking each rule and
    every overlay; raise :class:`ContentError` listing the problems of every broken table."""
    root = Path(root) if root is not None else paths.assets_dir()
    clear_cache()
    codes = [locale] if locale else list(locales(root)) if (root / LOCALES_FILE).is_file() \
        else [paths.BASE_LOCALE]
    problems, counts = [], {}
    for code in codes:
        problems += overlay_problems(code, root)
        for name in TABLES:
            try:
                counts[name] = len(_parse(code, name, root))
            except ContentError as exc:
                problems.append(str(exc))
    if not source(f"strings/{MODEL_NOTE_FILE}", root).is_file():
        problems.append(f"{source(f'strings/{MODEL_NOTE_FILE}', root)}: is missing")
    if problems:
        raise ContentError("\n".join(problems))
    return counts
