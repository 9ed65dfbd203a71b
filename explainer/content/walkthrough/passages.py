"""Walkthrough passages, glossary, prediction prompts and UI strings from ``assets/en-GB/content/``.

File layout (YAML):

- ``NN-<slug>.yaml``: ``step: N`` and ``passages:``, a list of passages, each with ``id``,
  ``step``, ``audience`` (patient / trainee / both), ``text`` (Markdown, no raw HTML) and
  either ``refs`` (registry keys) or ``claim: false`` (no clinical claim at all);
- ``glossary.yaml``: ``terms:``, each with ``id``, ``term``, optional ``aliases``, ``text`` and
  ``refs`` or ``claim: false``;
- ``predictions.yaml``: ``predictions:``, each with ``id``, ``step``, ``audience``,
  ``question``, 2–3 ``choices`` (``id`` and ``text``), ``answer`` (a choice id),
  ``explanation`` and ``refs``;

Interface strings (``assets/<locale>/strings/ui.yaml``) are the ``ui`` table of the one
strings loader, :mod:`explainer.content.strings` (``strings.text("ui", "buttons.next")``).

Everything is loaded and checked once (cached); any broken rule raises :class:`ContentError`
listing every problem, so a bad edit fails at start-up rather than showing unsourced text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from explainer.content import aftercare, strings
from explainer.content._assets import ContentError, assets_dir
from explainer.content._validate import Problems
from explainer.content.references import _load as _load_references
from explainer.content.walkthrough.glossary import parse_glossary
from explainer.content.walkthrough.predictions import parse_predictions
from explainer.content.walkthrough.records import (
    AUDIENCES,
    STEPS,
    VIEWS,
    Choice,
    GlossaryEntry,
    Passage,
    Prediction,
)
from explainer.content.walkthrough.steps import parse_step_file

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
    "validate",
]

@dataclass(frozen=True)
class _Bundle:
    passages: tuple[Passage, ...]
    glossary: tuple[GlossaryEntry, ...]
    predictions: tuple[Prediction, ...]


def _optional(rel: str, root: Path, locale: str) -> tuple[Path, Any]:
    path = strings.source(rel, root)
    return path, strings.load(rel, locale, root) if path.is_file() else None


def _parse_all(root: Path, locale: str) -> _Bundle:
    known = _load_references(root / "references.yaml")
    content = strings.source("content", root)
    if not content.is_dir():
        raise ContentError(f"{content}: content directory not found")
    p = Problems()
    seen: dict[str, str] = {}
    step_files = strings.step_files(root)
    numbers = [int(strings.STEP_FILE.match(Path(f).name).group(1)) for f in step_files]
    if numbers != list(range(1, len(numbers) + 1)):
        p.add("content", "step files must be numbered 01, 02, … without gaps or repeats; "
              f"found {', '.join(f'{n:02d}' for n in numbers) or 'none'}")
    found: list[Passage] = []
    for rel in step_files:
        found.extend(parse_step_file(strings.source(rel, root), strings.load(rel, locale, root),
                                     locale, known, p, seen))
    missing_steps = sorted(set(STEPS) - {x.step for x in found})
    if missing_steps:
        p.add("content", f"no passages for step(s) {', '.join(map(str, missing_steps))}")
    for view in VIEWS:
        for s in STEPS:
            if not any(x.step == s and x.visible_to(view) for x in found if x.step in STEPS
                       and x.audience in AUDIENCES):
                if s not in missing_steps:
                    p.add("content", f"step {s} has nothing to show in {view} mode")
    terms = parse_glossary(*_optional("content/glossary.yaml", root, locale), known, p, seen)
    preds = parse_predictions(*_optional("content/predictions.yaml", root, locale), known, p,
                              seen)
    if p:
        raise ContentError(f"content in {root} has {len(p)} problem(s):\n  " + "\n  ".join(p))
    found.sort(key=lambda x: x.step)  # stable: file order within a step
    return _Bundle(tuple(found), tuple(terms), tuple(preds))


@lru_cache(maxsize=8)
def _bundle_at(root: Path, locale: str) -> _Bundle:
    return _parse_all(root, locale)


def _bundle() -> _Bundle:
    return _bundle_at(assets_dir(), strings.current())


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


def step_title(step: int) -> str:
    """The title of step 1–9."""
    if step not in STEPS:
        raise ValueError(f"step must be 1–9, not {step!r}")
    return strings.text("ui", "step_titles")[step - 1]


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
    whose answer is not a choice; numbers in interface strings; every locale's overlay (words
    only, keys of the base). Every locale of ``assets/locales.yaml`` is parsed. Returns the
    base locale's counts on success.
    """
    path = Path(root).expanduser().resolve() if root is not None else assets_dir()
    _load_references.cache_clear()
    aftercare._block_at.cache_clear()
    strings.validate(root=path)
    codes = list(strings.locales(path))
    bundle = _parse_all(path, codes[0])
    for code in codes[1:]:
        _parse_all(path, code)
    return {
        "passages": len(bundle.passages),
        "glossary": len(bundle.glossary),
        "predictions": len(bundle.predictions),
        "references": len(_load_references(path / "references.yaml")),
    }
