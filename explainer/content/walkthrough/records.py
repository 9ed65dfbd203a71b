"""The records of the walkthrough's text: passages, glossary entries and prediction prompts.

Built by the parsers (``parse_steps``, ``parse_glossary``, ``parse_predictions``); read through
:mod:`explainer.content` (``content.passages()``, ``content.glossary()``, …).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AUDIENCES", "STEPS", "VIEWS", "Choice", "GlossaryEntry", "Passage", "Prediction",
           "visible"]

AUDIENCES: tuple[str, ...] = ("patient", "trainee", "both")
"""Tags a passage may carry. Patient mode shows patient + both; trainee mode shows everything."""
VIEWS: tuple[str, ...] = ("patient", "trainee")
STEPS: tuple[int, ...] = tuple(range(1, 10))


def visible(audience: str, view: str) -> bool:
    """Whether an item tagged ``audience`` is shown in ``view`` ("patient" or "trainee")."""
    if view not in VIEWS:
        raise ValueError(f"audience must be one of {', '.join(VIEWS)}, not {view!r}")
    return view == "trainee" or audience in ("patient", "both")


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
        return visible(self.audience, view)


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
        return visible(self.audience, view)
