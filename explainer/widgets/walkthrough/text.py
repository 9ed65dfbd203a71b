"""The walkthrough's words as safe HTML: pure functions of (step, mode), cached.

Every visible string comes from the content layer (``assets/en-GB/content/*.yaml``); text from the
content files is already rendered to safe HTML there, and everything else is escaped here.

    step_html(3, "trainee")        # the passages of step 3, each trainee passage with its sources
    heading_html(3)                # "Step 3 of 9", a progress strip and the step title
    heading_html(9, (1, 2, 3, 4, 5, 6, 7, 9))   # "Step 8 of 8": only the steps shown count
    feedback_html(prediction, "b", "patient")   # right or not, the answer, the explanation
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from html import escape

from explainer import content
from explainer.content import icon_arrays, strings
from explainer.figures import icon_array
from explainer.widgets.audience import PATIENT, TRAINEE
from explainer.widgets.walkthrough.deeplink import NOTE_CODES

__all__ = [
    "TOTAL_STEPS",
    "announce_text",
    "clear_cache",
    "feedback_html",
    "glossary_html",
    "glossary_options",
    "heading_html",
    "note_html",
    "sources_html",
    "step_html",
    "step_options",
]

TOTAL_STEPS = len(content.STEPS)


def step_options(shown: tuple[int, ...] = tuple(content.STEPS)) -> list[tuple[str, int]]:
    """The step list's (label, step) pairs for the steps `shown`, numbered as they are shown:
    "3. What ketamine does" (a clinic that hides a step numbers the rest 1, 2, 3, …)."""
    return [(strings.text("ui", "walkthrough.step_option", number=position,
                          title=content.step_title(n)), n)
            for position, n in enumerate(_shown(shown), start=1)]


def _shown(shown: Iterable[int]) -> tuple[int, ...]:
    return tuple(n for n in content.STEPS if n in set(shown))


def counter_text(step: int, shown: tuple[int, ...] = tuple(content.STEPS)) -> str:
    """"Step 3 of 9": where `step` is among the steps `shown` (a hidden step is not counted)."""
    steps = _shown(shown)
    return strings.text("ui", "step_counter", current=steps.index(step) + 1, total=len(steps))


def announce_text(step: int, shown: tuple[int, ...] = tuple(content.STEPS)) -> str:
    """What a screen reader hears after a step change: "Step 3 of 9: What ketamine does"."""
    return strings.text("ui", "walkthrough.announce", counter=counter_text(step, shown),
                        title=content.step_title(step))


@lru_cache(maxsize=4 * len(content.STEPS))
def heading_html(step: int, shown: tuple[int, ...] = tuple(content.STEPS)) -> str:
    """The counter, a progress strip (decorative: the counter says it in words) and the title,
    counting only the steps `shown`. The title can take focus from a script (tabindex -1): the
    page moves focus to it after Back or Next (the template's ``a11y.js``)."""
    steps = _shown(shown)
    dots = "".join(
        f'<span class="kx-wt-dot{" kx-wt-dot-done" if n < step else ""}'
        f'{" kx-wt-dot-current" if n == step else ""}"></span>'
        for n in steps)
    return (
        f'<div class="kx-wt-heading" data-kx-step="{step}"><p class="kx-wt-counter">'
        f'{escape(counter_text(step, steps))}</p>'
        f'<div class="kx-wt-progress" aria-hidden="true">{dots}</div>'
        f'<h2 class="kx-wt-title" tabindex="-1">{escape(content.step_title(step))}</h2></div>'
    )


def sources_html(refs: Iterable[str]) -> str:
    """A short "Sources: …" line (one citation per registry key, in order), or "" for none."""
    cites = content.format_refs(refs)
    if not cites:
        return ""
    items = "".join(f"<li>{escape(c)}</li>" for c in cites)
    heading = strings.text("ui", "formats.sources_heading",
                           sources=strings.text("ui", "labels.sources"))
    return (f'<div class="kx-wt-sources"><span class="kx-wt-sources-label">'
            f'{escape(heading)}</span><ul>{items}</ul></div>')


@lru_cache(maxsize=2 * len(content.STEPS))
def step_html(step: int, mode: str = PATIENT) -> str:
    """Step ``step``'s passages in ``mode``. Trainee passages are tagged and carry their sources;
    in trainee mode every passage that cites anything shows its sources. A passage with a
    ``part`` title is a section the reader opens (``<details>``, closed at first)."""
    parts = []
    for p in content.passages(mode, step=step):
        trainee_only = p.audience == TRAINEE
        tag = (f'<p class="kx-wt-tag">{escape(strings.text("ui", "walkthrough.trainee_tag"))}</p>'
               if trainee_only else "")
        sources = sources_html(p.refs) if mode == TRAINEE else ""
        icon_count = strings.text("ui", "formats.icon_count")
        figures = "".join(icon_array.html(a, icon_count)  # numbers as people
                          for a in icon_arrays.after(p.id))
        body = f"{tag}{p.html}{figures}{sources}"
        if p.part:  # a part the reader opens on its own: one idea per screen
            body = (f'<details class="kx-passage-part"><summary>{escape(p.part)}</summary>'
                    f"{body}</details>")
        parts.append(
            f'<section class="kx-passage kx-passage-{escape(p.audience)}" '
            f'data-passage="{escape(p.id)}">{body}</section>')
    return f'<div class="kx-wt-passages">{"".join(parts)}</div>'


def glossary_options() -> list[tuple[str, str]]:
    """The word list, alphabetical, after a "Choose a word" entry whose value is ""."""
    terms = sorted(content.glossary(), key=lambda g: g.term.casefold())
    return ([(strings.text("ui", "walkthrough.glossary_placeholder"), "")]
            + [(g.term, g.id) for g in terms])


@lru_cache(maxsize=128)
def glossary_html(term_id: str, mode: str = PATIENT) -> str:
    """A plain definition ("" for no word); trainee mode adds its sources."""
    entry = next((g for g in content.glossary() if g.id == term_id), None)
    if entry is None:
        return ""
    sources = sources_html(entry.refs) if mode == TRAINEE else ""
    return (f'<div class="kx-wt-definition"><p class="kx-wt-term">{escape(entry.term)}</p>'
            f"{entry.html}{sources}</div>")


def feedback_html(prediction: content.Prediction, choice_id: str | None,
                  mode: str = PATIENT) -> str:
    """After a guess: whether it was right, the right answer if not, and the explanation."""
    if choice_id is None:
        return ""
    chosen = next((c for c in prediction.choices if c.id == choice_id), None)
    if chosen is None:
        return ""
    right = prediction.is_correct(choice_id)
    verdict = strings.text("ui", "prediction.correct" if right else "prediction.incorrect")
    answer = "" if right else " " + escape(
        strings.text("ui", "walkthrough.prediction_answer", answer=prediction.correct_choice.text))
    cls = "kx-wt-right" if right else "kx-wt-wrong"
    sources = sources_html(prediction.refs) if mode == TRAINEE else ""
    guess = escape(strings.text("ui", "walkthrough.prediction_choice", choice=chosen.text))
    return (
        f'<div class="kx-wt-feedback-body {cls}">'
        f'<p class="kx-wt-guess">{guess}</p><p><strong>{escape(verdict)}</strong>{answer}</p>'
        f"<p>{escape(prediction.explanation)}</p>{sources}</div>"
    )


def note_html(codes: Iterable[str]) -> str:
    """The gentle note for a link that could not be followed ("" if there is nothing to say).
    Only fixed sentences: nothing from the link itself is shown."""
    known = [c for c in NOTE_CODES if c in set(codes)]
    if not known:
        return ""
    if "query" in known:
        known = ["query"]
    lines = "".join(f"<p>{escape(strings.text('ui', f'walkthrough.notes.{c}'))}</p>"
                    for c in known)
    return f'<div class="kx-note kx-wt-link-note">{lines}</div>'


def clear_cache() -> None:
    """Forget the rendered HTML and the loaded content (after editing the content files)."""
    content.clear_cache()
    icon_arrays._arrays_at.cache_clear()
    for cached in (heading_html, step_html, glossary_html):
        cached.cache_clear()
