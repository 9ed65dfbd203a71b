"""The "this clinic" panel: the clinic's rules, or the note that the pages are generic.

    clinic_panel_html("riverside-day-case")   # 'At <clinic>': the selected treatment, before /
                                              # after, when to call, regulator
    clinic_panel_html()      # without a selection: the treatments the clinic offers
    ClinicPanel()            # the same as a widget (walkthrough step 8 embeds it)

Words from `assets/<locale>/strings/clinic.yaml` through `explainer.content.clinic.text`; every
value escaped.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
import traitlets

from explainer.content import strings
from explainer.content.clinic import text as clinic_text
from explainer.content.clinic.env import current, shown_protocols


def clinic_panel_html(protocol_id: str | None = None) -> str:
    """'At <clinic>': the selected protocol (``protocol_id``; None: the clinic's own protocols,
    as ones it offers), before / after rules, when to call, the regulator line; or the note
    that the pages are not set up for one clinic. All values escaped."""
    cfg = current()
    texts = strings.table("clinic")
    if cfg is None:
        return (f'<div class="kx-clinic-panel kx-clinic-generic"><p>'
                f'{escape(" ".join(texts["generic"]["note"].split()))}</p></div>')
    panel = texts["panel"]
    rules = clinic_text.rules(cfg)

    def ul(items) -> str:
        return "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in items) + "</ul>"

    parts = [f'<h3>{escape(panel["title"].format(name=cfg.clinic.name))}</h3>',
             f'<p>{escape(panel["intro_clinic"].format(name=cfg.clinic.name))}</p>']
    if protocol_id is not None:
        name = shown_protocols()[protocol_id].name
        parts.append(f'<p>{escape(panel["protocol"].format(protocol=name))}</p>')
    elif cfg.protocols:
        names = ", ".join(p.name for p in cfg.protocols.values())
        parts.append(f'<p>{escape(panel["protocols_offered"].format(protocols=names))}</p>')
    parts += [f'<h4>{escape(panel["before"])}</h4>', ul(rules.before)]
    if rules.medicines:
        parts += [f'<p>{escape(panel["medicines"])}</p>', ul(rules.medicines)]
    if rules.bring:
        parts += [f'<p>{escape(panel["bring"])}</p>', ul(rules.bring)]
    parts += [f'<h4>{escape(panel["after"])}</h4>', ul(rules.after),
              f'<h4>{escape(panel["call_title"])}</h4>', f"<p>{escape(rules.call_intro or '')}</p>",
              ul(rules.call)]
    if rules.call_is_default:
        parts.append(f'<p class="kx-muted">'
                     f'{escape(texts["default_when_to_call"]["note"])}</p>')
    parts.append(f'<p class="kx-clinic-emergency"><strong>{escape(rules.emergency_sentence)}'
                 "</strong></p>")
    regulator = clinic_text.regulator(cfg)
    if regulator:
        statement = " ".join(regulator["text"].split())
        parts.append(f'<p class="kx-clinic-regulator">{escape(statement)}</p>')
    return f'<div class="kx-clinic-panel">{"".join(parts)}</div>'


class ClinicPanel(widgets.HTML):
    """The clinic's rules (walkthrough step 8 embeds it); `mode` is accepted and ignored."""

    mode = traitlets.Unicode("patient")

    def __init__(self, mode: str = "patient", **kwargs):
        super().__init__(clinic_panel_html(), **kwargs)
        self.mode = mode
        self.add_class("kx-clinic-panel-view")
