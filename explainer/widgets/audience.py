"""Audience as a feature set: patient mode (default) and trainee mode pick what is shown.

Every widget has a `mode` trait; `mode_switch()` makes the one control that changes it, and
`link_mode` keeps several widgets on the same mode (the walkthrough switches all in place).

What is shown for a mode is one mechanism on every page: a widget that has a mode carries the
class `kx-mode-patient` or `kx-mode-trainee` (`mode_classes`), each part meant for trainees only
carries `kx-trainee-only` (`trainee_only`), and the page's stylesheet hides every trainee-only
part inside a patient-mode widget. Words that differ by mode are rendered for the mode instead.
"""

from __future__ import annotations

import ipywidgets as widgets
import traitlets

from explainer.content import strings

PATIENT = "patient"
TRAINEE = "trainee"
AUDIENCES = (PATIENT, TRAINEE)
TRAINEE_ONLY = "kx-trainee-only"
"""The class of a part shown in trainee mode only (hidden by the stylesheet in patient mode)."""


class Mode(traitlets.Unicode):
    """A trait holding an audience, validated against `AUDIENCES`."""

    def validate(self, obj, value):
        value = super().validate(obj, value)
        if value not in AUDIENCES:
            raise traitlets.TraitError(f"mode must be one of {AUDIENCES}, got {value!r}")
        return value


def mode_switch(value: str = PATIENT) -> widgets.ToggleButtons:
    """The patient / trainee switch (keyboard operable buttons, labelled for screen readers)."""
    words = strings.text("ui", "mode_switch")
    switch = widgets.ToggleButtons(
        options=[(words["patient"], PATIENT), (words["trainee"], TRAINEE)],
        value=value,
        description=words["label"],
        tooltips=[words["patient_tooltip"], words["trainee_tooltip"]],
        style={"description_width": "initial", "button_width": "auto"},
    )
    switch.add_class("kx-mode-switch")
    return switch


def link_mode(source: traitlets.HasTraits, *targets: traitlets.HasTraits) -> list:
    """Keep each target's `mode` equal to the source's (returns the links)."""
    return [traitlets.dlink((source, "value" if hasattr(source, "options") else "mode"),
                            (t, "mode")) for t in targets]


def mode_class(mode: str) -> str:
    """The class a widget in `mode` carries: ``kx-mode-patient`` or ``kx-mode-trainee``."""
    return f"kx-mode-{mode}"


def mode_classes(widget: widgets.DOMWidget) -> None:
    """Keep `widget`'s mode class equal to its `mode` trait, now and on every change."""

    def apply(change=None) -> None:
        for mode in AUDIENCES:
            if mode == widget.mode:
                widget.add_class(mode_class(mode))
            else:
                widget.remove_class(mode_class(mode))

    widget.observe(apply, names="mode")
    apply()


def trainee_only(*parts: widgets.DOMWidget) -> None:
    """Mark parts as trainee-only: hidden while the widget holding them is in patient mode."""
    for part in parts:
        part.add_class(TRAINEE_ONLY)


def shown_in_mode(holder: widgets.DOMWidget, part: widgets.DOMWidget) -> bool:
    """Whether the stylesheet lets `part` (inside `holder`) show in `holder`'s current mode."""
    return not (TRAINEE_ONLY in part._dom_classes and mode_class(PATIENT) in holder._dom_classes)
