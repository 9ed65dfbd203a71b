"""The records of the walkthrough's text: passages, glossary entries and prediction prompts.

Built by the parsers (``steps``, ``glossary``, ``predictions``); read through
:mod:`explainer.content` (``content.passages()``, ``content.glossary()``, …).
"""

from __future__ import annotations

from dataclasses import dataclass

from explainer.content.strings import STEP_FILE, STEP_FILES

__all__ = ["AUDIENCES", "STEPS", "VIEWS", "Choice", "GlossaryEntry", "Passage",
           "Prediction", "visible"]

AUDIENCES: tuple[str, ...] = ("patient", "trainee", "both")
"""Tags a passage may carry. Patient mode shows patient + both; trainee mode shows everything."""
VIEWS: tuple[str, ...] = ("patient", "trainee")


STEPS: tuple[int, ...] = tuple(int(STEP_FILE.match(rel.rpartition("/")[2]).group(1))
                               for rel in STEP_FILES)
"""The walkthrough's steps, derived from the content: one per step file (1 to 9 today). Adding
``assets/en-GB/content/10-<slug>.yaml`` adds step 10 everywhere (the counter, the step menu,
deep links, a clinic's ``[show] steps``, the string tables' lengths); nothing else holds the
count."""


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
    part: str = ""
    """The title of the section this passage opens as (closed at first), or "" (always open)."""

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
