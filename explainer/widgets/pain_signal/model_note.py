"""'This is a simplified picture': the note under the NMDA diagram, with the model notes.

    ModelNote(mode="trainee")      # the note; in trainee mode also the model's own notes
    model_notes_html()             # the model notes' sections the strings file names, as HTML

The notes are `assets/<locale>/strings/model_note.md` (the one strings loader), so an installed
package needs no `docs/` folder.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import ipywidgets as widgets

from explainer import pages
from explainer.content import strings
from explainer.content.markdown import render as _markdown
from explainer.widgets.audience import PATIENT, TRAINEE, Mode


@lru_cache(maxsize=1)
def model_notes_html() -> str:
    """The sections of the model notes named in the strings file (`note.model_sections`), as
    safe HTML."""
    wanted = strings.text("pain_signal", "note.model_sections")
    return pages.markdown_html(_markdown.sections(strings.model_note(), wanted))


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
        note = strings.text("pain_signal", "note")
        html = f'<div class="kx-note"><p>{escape(note["patient"])}</p>'
        if self.mode == TRAINEE:
            html += (f'<details open><summary>{escape(note["trainee_summary"])}</summary>'
                     f"{model_notes_html()}</details>")
        self.value = html + "</div>"
