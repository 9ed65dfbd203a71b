"""Audience as a feature set: patient mode (default) and trainee mode pick what is shown.

Every widget has a `mode` trait; `mode_switch()` makes the one control that changes it, and
`link_mode` keeps several widgets on the same mode (the walkthrough switches all in place).
"""

from __future__ import annotations

import ipywidgets as widgets
import traitlets

from explainer.content import strings

PATIENT = "patient"
TRAINEE = "trainee"
AUDIENCES = (PATIENT, TRAINEE)


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
