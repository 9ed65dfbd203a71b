"""'This is a simplified picture': the note under the NMDA diagram, with the model notes.

    ModelNote(mode="trainee")      # the note; in trainee mode also the model's own notes
    model_notes_html()             # the sections of docs/model-nmda.md the strings file names
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import ipywidgets as widgets

from explainer import pages
from explainer.serving.paths import REPO_DIR
from explainer.widgets.audience import PATIENT, TRAINEE, Mode
from explainer.widgets.pain_signal.state import strings

MODEL_NOTES = REPO_DIR / "docs" / "model-nmda.md"


@lru_cache(maxsize=1)
def model_notes_html() -> str:
    """The sections of docs/model-nmda.md named in the strings file, as safe HTML."""
    text = MODEL_NOTES.read_text(encoding="utf-8")
    wanted = set(strings()["note"]["model_sections"])
    kept, keep = [], False
    for line in text.splitlines():
        if line.startswith("## "):
            keep = line[3:].strip() in wanted
        elif line.startswith("# "):
            keep = False
        if keep:
            kept.append(line)
    return pages.markdown_html("\n".join(kept))


class ModelNote(widgets.HTML):
    """'This is a simplified picture' (kx-note); in trainee mode it also holds the model notes."""

    mode = Mode(PATIENT)

    def __init__(self, mode: str = PATIENT, **kwargs):
        super().__init__(**kwargs)
        self.add_class("kx-model-note")
        self.observe(lambda change: self._update(), names="mode")
        self.mode = mode
        self._update()

    def _update(self) -> None:
        note = strings()["note"]
        html = f'<div class="kx-note"><p>{escape(note["patient"])}</p>'
        if self.mode == TRAINEE:
            html += (f'<details open><summary>{escape(note["trainee_summary"])}</summary>'
                     f"{model_notes_html()}</details>")
        self.value = html + "</div>"
