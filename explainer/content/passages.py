"""Walkthrough passages, glossary, prediction prompts and UI strings from ``assets/content/``.

File layout (YAML):

- ``NN-<slug>.yaml``: ``step: N`` and ``passages:``, a list of passages, each with ``id``,
  ``step``, ``audience`` (patient / trainee / both), ``text`` (Markdown, no raw HTML) and
  either ``refs`` (registry keys) or ``claim: false`` (no clinical claim at all);
- ``glossary.yaml``: ``terms:``, each with ``id``, ``term``, optional ``aliases``, ``text`` and
  ``refs`` or ``claim: false``;
- ``predictions.yaml``: ``predictions:``, each with ``id``, ``step``, ``audience``,
  ``question``, 2–3 ``choices`` (``id`` and ``text``), ``answer`` (a choice id),
  ``explanation`` and ``refs``;

Interface strings (``assets/strings/<locale>/ui.yaml``) are the ``ui`` table of the one
strings loader, :mod:`explainer.content.strings`; :func:`ui` reads them there.

Everything is loaded and checked once (cached); any broken rule raises :class:`ContentError`
listing every problem, so a bad edit fails at start-up rather than showing unsourced text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from explainer.content import _markdown, aftercare, strings
from explainer.content._assets import ContentError, assets_dir, read_yaml
from explainer.content.references import _load as _load_references

__all__ = [
    "AUDIENCES",
    "STEPS",
    "Choice",
    "GlossaryEntry",
    "Passage",
    "Prediction",
    "cited_keys",
    "clear_cache",
    "glossary",
    "passage",
    "passages",
    "predictions",
    "step_title",
    "step_titles",
    "ui",
    "validate",
]

AUDIENCES: tuple[str, ...] = ("patient", "trainee", "both")
"""Tags a passage may carry. Patient mode shows patient + both; trainee mode shows everything."""
VIEWS: tuple[str, ...] = ("patient", "trainee")
STEPS: tuple[int, ...] = tuple(range(1, 10))

_STEP_FILE = re.compile(r"^(\d{2})-[a-z0-9-]+\.ya?ml$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DIGIT = re.compile(r"\d")

_PASSAGE_KEYS = ({"id", "step", "audience", "text"}, {"refs", "claim"})
_TERM_KEYS = ({"id", "term", "text"}, {"aliases", "refs", "claim"})
_PREDICTION_KEYS = (
    {"id", "step", "audience", "question", "choices", "answer", "explanation", "refs"},
    set(),
)


# --- Data classes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """One block of walkthrough text. ``text`` is plain (Markdown removed); ``html`` is safe."""

    id: str
    step: int
    audience: str
    markdown: str
    text: str
    html: str
    refs: tuple[str, ...]
    claim: bool = True
    source: str = ""

    def visible_to(self, view: str) -> bool:
        """Whether the passage is shown in ``view`` ("patient" or "trainee")."""
        return _visible(self.audience, view)


@dataclass(frozen=True)
class GlossaryEntry:
    """A plain definition of a word used in the walkthrough."""

    id: str
    term: str
    aliases: tuple[str, ...]
    markdown: str
    text: str
    html: str
    refs: tuple[str, ...]
    claim: bool = True

    def matches(self, word: str) -> bool:
        """Case-insensitive match against the term and its aliases."""
        w = word.strip().casefold()
        return w == self.term.casefold() or w in (a.casefold() for a in self.aliases)


@dataclass(frozen=True)
class Choice:
    id: str
    text: str


@dataclass(frozen=True)
class Prediction:
    """A "guess first" prompt: the user picks a choice, then sees the answer and explanation."""

    id: str
    step: int
    audience: str
    question: str
    choices: tuple[Choice, ...]
    answer: str
    explanation: str
    refs: tuple[str, ...]

    @property
    def correct_choice(self) -> Choice:
        return next(c for c in self.choices if c.id == self.answer)

    def is_correct(self, choice_id: str) -> bool:
        return choice_id == self.answer

    def visible_to(self, view: str) -> bool:
        return _visible(self.audience, view)


@dataclass(frozen=True)
class _Bundle:
    passages: tuple[Passage, ...]
    glossary: tuple[GlossaryEntry, ...]
    predictions: tuple[Prediction, ...]


def _visible(audience: str, view: str) -> bool:
    if view not in VIEWS:
        raise ValueError(f"audience must be one of {', '.join(VIEWS)}, not {view!r}")
    return view == "trainee" or audience in ("patient", "both")


# --- Parsing ----------------------------------------------------------------------------------


class _Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def _check_keys(item: Any, keys: tuple[set[str], set[str]], where: str, p: _Problems) -> bool:
    if not isinstance(item, dict):
        p.add(where, "must be a mapping")
        return False
    required, optional = keys
    missing = required - item.keys()
    unknown = item.keys() - required - optional
    if missing:
        p.add(where, f"missing {', '.join(sorted(missing))}")
    if unknown:
        p.add(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    return not missing and not unknown


def _text_field(item: dict, name: str, where: str, p: _Problems) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        p.add(where, f"{name} must be non-empty text")
        return ""
    return value.strip()


def _refs_and_claim(item: dict, where: str, p: _Problems, known: Mapping[str, Any],
                    body: str) -> tuple[tuple[str, ...], bool]:
    refs = item.get("refs", [])
    claim = item.get("claim", True)
    if claim not in (True, False):
        p.add(where, "claim must be true or false")
        claim = True
    if not isinstance(refs, list) or not all(isinstance(r, str) and r for r in refs):
        p.add(where, "refs must be a list of reference keys")
        refs = []
    if len(set(refs)) != len(refs):
        p.add(where, "refs lists a key twice")
    unknown = [r for r in refs if r not in known]
    if unknown:
        p.add(where, f"unknown reference key(s) {', '.join(unknown)}")
    if claim and not refs:
        p.add(where, "has no refs: cite a registry key, or mark it `claim: false`")
    if not claim and refs:
        p.add(where, "has both refs and `claim: false`: choose one")
    if _DIGIT.search(body) and not refs:
        p.add(where, "contains a number but cites no reference")
    return tuple(refs), bool(claim)


def _markdown_field(item: dict, where: str, p: _Problems) -> tuple[str, str, str]:
    md = _text_field(item, "text", where, p)
    if md and _markdown.has_raw_html(md):
        p.add(where, "contains raw HTML (not allowed; use Markdown)")
    return md, _markdown.to_text(md), _markdown.to_html(md)


def _step(item: dict, where: str, p: _Problems) -> int:
    step = item.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step not in STEPS:
        p.add(where, f"step must be a whole number from {STEPS[0]} to {STEPS[-1]}")
        return 0
    return step


def _audience(item: dict, where: str, p: _Problems) -> str:
    audience = item.get("audience")
    if audience not in AUDIENCES:
        p.add(where, f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    return str(audience)


def _id(item: dict, where: str, p: _Problems, seen: dict[str, str]) -> str:
    ident = item.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        p.add(where, "id must be lower-case letters, digits and hyphens")
        return str(ident)
    if ident in seen:
        p.add(where, f"duplicate id {ident!r} (also in {seen[ident]})")
    else:
        seen[ident] = where
    return ident


def _items(path: Path, items: list, noun: str, allowed, p: _Problems):
    """(where, item) for each well-formed entry of a list; `where` names it in messages."""
    for i, item in enumerate(items):
        where = f"{path.name}: {noun} {i + 1}"
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            where = f"{path.name}: {item['id']}"
        if _check_keys(item, allowed, where, p):
            yield where, item


def _parse_step_file(path: Path, known, p: _Problems, seen: dict[str, str]) -> list[Passage]:
    data = read_yaml(path)
    if not isinstance(data, dict) or set(data) != {"step", "passages"}:
        p.add(path.name, "must be a mapping with exactly `step` and `passages`")
        return []
    file_step = _step(data, path.name, p)
    number = int(_STEP_FILE.match(path.name).group(1))
    if file_step and file_step != number:
        p.add(path.name, f"declares step {file_step} but the file name says {number}")
    items = data["passages"]
    if not isinstance(items, list) or not items:
        p.add(path.name, "passages must be a non-empty list")
        return []
    items = [aftercare.expand(item, path.parent.parent) for item in items]  # `block: aftercare`
    out = []
    for where, item in _items(path, items, "passage", _PASSAGE_KEYS, p):
        ident = _id(item, where, p, seen)
        step = _step(item, where, p)
        if step and file_step and step != file_step:
            p.add(where, f"step {step} does not match the file's step {file_step}")
        audience = _audience(item, where, p)
        md, text, html = _markdown_field(item, where, p)
        refs, claim = _refs_and_claim(item, where, p, known, md)
        out.append(Passage(ident, step, audience, md, text, html, refs, claim, path.name))
    return out


def _parse_glossary(path: Path, known, p: _Problems, seen: dict[str, str]):
    if not path.exists():
        return []
    data = read_yaml(path)
    if not isinstance(data, dict) or set(data) != {"terms"} or not isinstance(data["terms"], list):
        p.add(path.name, "must be a mapping with a `terms` list")
        return []
    out = []
    for where, item in _items(path, data["terms"], "term", _TERM_KEYS, p):
        ident = _id(item, where, p, seen)
        term = _text_field(item, "term", where, p)
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            p.add(where, "aliases must be a list of words")
            aliases = []
        md, text, html = _markdown_field(item, where, p)
        refs, claim = _refs_and_claim(item, where, p, known, md)
        out.append(GlossaryEntry(ident, term, tuple(aliases), md, text, html, refs, claim))
    return out


def _parse_predictions(path: Path, known, p: _Problems, seen: dict[str, str]):
    if not path.exists():
        return []
    data = read_yaml(path)
    if (not isinstance(data, dict) or set(data) != {"predictions"}
            or not isinstance(data["predictions"], list)):
        p.add(path.name, "must be a mapping with a `predictions` list")
        return []
    out = []
    for where, item in _items(path, data["predictions"], "prediction", _PREDICTION_KEYS, p):
        ident = _id(item, where, p, seen)
        step = _step(item, where, p)
        audience = _audience(item, where, p)
        question = _text_field(item, "question", where, p)
        explanation = _text_field(item, "explanation", where, p)
        choices: list[Choice] = []
        raw = item["choices"]
        if not isinstance(raw, list) or not 2 <= len(raw) <= 3:
            p.add(where, "choices must be a list of 2 or 3")
            raw = []
        for c in raw:
            if (not isinstance(c, dict) or set(c) != {"id", "text"}
                    or not isinstance(c["text"], str) or not c["text"].strip()):
                p.add(where, "each choice needs exactly an `id` and a `text`")
                continue
            choices.append(Choice(str(c["id"]), c["text"].strip()))
        if len({c.id for c in choices}) != len(choices):
            p.add(where, "choice ids must be unique")
        answer = str(item["answer"])
        if choices and answer not in {c.id for c in choices}:
            p.add(where, f"answer {answer!r} is not one of the choice ids")
        body = " ".join([question, explanation, *(c.text for c in choices)])
        for field, value in (("question", question), ("explanation", explanation)):
            if value and _markdown.has_raw_html(value):
                p.add(where, f"{field} contains raw HTML")
        refs, _ = _refs_and_claim(item, where, p, known, body)
        out.append(Prediction(ident, step, audience, question, tuple(choices), answer,
                              explanation, refs))
    return out


def _parse_all(root: Path) -> _Bundle:
    known = _load_references(root / "references.yaml")
    content = root / "content"
    if not content.is_dir():
        raise ContentError(f"{content}: content directory not found")
    p = _Problems()
    seen: dict[str, str] = {}
    step_files = sorted(f for f in content.iterdir() if _STEP_FILE.match(f.name))
    found: list[Passage] = []
    for path in step_files:
        found.extend(_parse_step_file(path, known, p, seen))
    missing_steps = sorted(set(STEPS) - {x.step for x in found})
    if missing_steps:
        p.add("content", f"no passages for step(s) {', '.join(map(str, missing_steps))}")
    for view in VIEWS:
        for s in STEPS:
            if not any(x.step == s and x.visible_to(view) for x in found if x.step in STEPS
                       and x.audience in AUDIENCES):
                if s not in missing_steps:
                    p.add("content", f"step {s} has nothing to show in {view} mode")
    terms = _parse_glossary(content / "glossary.yaml", known, p, seen)
    preds = _parse_predictions(content / "predictions.yaml", known, p, seen)
    if p:
        raise ContentError(f"content in {root} has {len(p)} problem(s):\n  " + "\n  ".join(p))
    found.sort(key=lambda x: x.step)  # stable: file order within a step
    return _Bundle(tuple(found), tuple(terms), tuple(preds))


@lru_cache(maxsize=4)
def _bundle_at(root: Path) -> _Bundle:
    return _parse_all(root)


def _bundle() -> _Bundle:
    return _bundle_at(assets_dir())


# --- Public API -------------------------------------------------------------------------------


def passages(audience: str = "patient", step: int | None = None) -> tuple[Passage, ...]:
    """The passages shown in ``audience`` mode, in walkthrough order.

    "patient" gives passages tagged patient or both; "trainee" adds the trainee passages, so
    a trainee sees everything. ``step`` (1–9) narrows to one step.
    """
    if step is not None and step not in STEPS:
        raise ValueError(f"step must be 1–9, not {step!r}")
    return tuple(x for x in _bundle().passages
                 if x.visible_to(audience) and (step is None or x.step == step))


def passage(passage_id: str) -> Passage:
    """One passage by id (any audience); ``KeyError`` if there is none."""
    for x in _bundle().passages:
        if x.id == passage_id:
            return x
    raise KeyError(f"no passage {passage_id!r}")


def glossary() -> tuple[GlossaryEntry, ...]:
    """Every glossary entry, in file order (all audiences see the glossary)."""
    return _bundle().glossary


def predictions(step: int | None = None, audience: str = "patient") -> tuple[Prediction, ...]:
    """Prediction prompts for ``step`` (all steps if None) visible in ``audience`` mode."""
    return tuple(x for x in _bundle().predictions
                 if x.visible_to(audience) and (step is None or x.step == step))


def ui(key: str | None = None) -> Any:
    """An interface string by dotted key, e.g. ``ui("disclaimer")``, ``ui("buttons.next")``:
    the ``ui`` table of :mod:`explainer.content.strings` (the one strings loader).

    Returns a ``str``; a list in the file comes back as a tuple and a group as a read-only
    mapping (``ui()`` gives them all). ``KeyError`` names the missing key.
    """
    try:
        return strings.text("ui", key)
    except KeyError:
        raise KeyError(f"no interface string {key!r}") from None


def step_titles() -> tuple[str, ...]:
    """The nine step titles, in order."""
    return ui("step_titles")


def step_title(step: int) -> str:
    """The title of step 1–9."""
    if step not in STEPS:
        raise ValueError(f"step must be 1–9, not {step!r}")
    return step_titles()[step - 1]


def cited_keys() -> frozenset[str]:
    """Every reference key cited by a passage, glossary entry or prediction."""
    b = _bundle()
    items: Iterable[Any] = (*b.passages, *b.glossary, *b.predictions)
    return frozenset(k for item in items for k in item.refs)


def clear_cache() -> None:
    """Forget loaded files (after editing them, or after changing the assets directory)."""
    _bundle_at.cache_clear()
    _load_references.cache_clear()
    aftercare._block_at.cache_clear()
    strings.clear_cache()


def validate(root: str | Path | None = None) -> dict[str, int]:
    """Load and check all content afresh; raise :class:`ContentError` listing every problem.

    Checks: unknown reference keys; duplicate ids (across passages, glossary and predictions);
    bad audience or step; a number in a passage that cites no reference; a passage with
    neither refs nor ``claim: false`` (or with both); raw HTML; unknown fields; predictions
    whose answer is not a choice; numbers in interface strings. Returns counts on success.
    """
    path = Path(root).expanduser().resolve() if root is not None else assets_dir()
    _load_references.cache_clear()
    aftercare._block_at.cache_clear()
    bundle = _parse_all(path)
    strings.validate(root=path)
    return {
        "passages": len(bundle.passages),
        "glossary": len(bundle.glossary),
        "predictions": len(bundle.predictions),
        "references": len(_load_references(path / "references.yaml")),
    }
