"""The treatment timeline's state: a protocol, a weight, a view, the time cursor, the audience.

    state = TimelineState(protocol="schwartzman-2009", cursor_min=90)
    state.level_ng_ml          # the plasma level at the cursor (an output trait)
    state.curve()              # the session, simulated once per protocol, weight and model

Every value a page can send is checked here: a known protocol, a weight inside the model's
range (40–150 kg), a finite cursor (kept inside the protocol's time axis).
"""

from __future__ import annotations

import math

import traitlets

from explainer.content.clinic.env import shown_protocols
from explainer.figures import routes as routes_fig
from explainer.figures import session as timeline_fig
from explainer.models import pk
from explainer.widgets.audience import PATIENT, Mode

PATIENT_WEIGHT_KG = 70.0
"""Patient mode always draws a 70 kg adult, and says so."""
VIEWS = ("session", "course", "routes")
ROUTE_OF = {"intravenous": "iv"}


def protocol_ids() -> tuple[str, ...]:
    return tuple(shown_protocols())


def route_for(protocol_id: str) -> str | None:
    """The route comparison's key for a protocol's route, or None if it has none."""
    route = shown_protocols()[protocol_id].route
    route = ROUTE_OF.get(route, route)
    return route if route in routes_fig.ROUTE_KEYS else None


def _checked_weight(value) -> float:
    try:
        return pk.validate_weight(value)
    except ValueError as exc:
        raise traitlets.TraitError(str(exc)) from None


class TimelineState(traitlets.HasTraits):
    """What the timeline shows. Controls write here; the views observe it.

    protocol: a protocol id (en-GB/protocols.yaml); weight_kg: body weight used in trainee mode
    (40–150 kg, else TraitError; patient mode always uses 70 kg); route: the route highlighted in
    the comparison; view: 'session', 'course' or 'routes'; cursor_min: the time cursor, minutes
    from the start of the session (kept inside the protocol's time axis); mode: audience;
    model: the PK parameter set. Output: level_ng_ml, the plasma level at the cursor — link the
    NMDA diagram's `conc_ng_ml` to it (`link_to_pain_signal`).
    """

    protocol = traitlets.Unicode(help="A protocol id from assets/en-GB/protocols.yaml")
    weight_kg = traitlets.Float(70.0, help="Body weight in kg (trainee mode)")
    route = traitlets.Enum(routes_fig.ROUTE_KEYS, default_value="iv",
                           help="The route highlighted in the comparison")
    view = traitlets.Enum(VIEWS, default_value="session")
    cursor_min = traitlets.Float(90.0, help="Minutes from the start of the session")
    mode = Mode(PATIENT)
    model = traitlets.Enum(tuple(pk.MODELS), default_value=pk.DEFAULT_MODEL)
    level_ng_ml = traitlets.Float(0.0, read_only=True,
                                  help="Plasma level (ng/mL) at the cursor (output)")
    # issue 12: a weight typed into the personal plan draws the curve in patient mode too.
    personal_weight_kg = traitlets.Float(None, allow_none=True,
                                         help="The plan's weight (kg), or None for 70 kg")

    def __init__(self, **kwargs):
        # The protocol first: it sets the time axis (and the cursor's default) and the route.
        super().__init__(protocol=kwargs.pop("protocol", protocol_ids()[0]))
        for name in ("mode", "model", "weight_kg", "route", "view", "cursor_min"):
            if name in kwargs:
                setattr(self, name, kwargs.pop(name))
        if kwargs:
            raise TypeError(f"unknown TimelineState argument(s): {', '.join(kwargs)}")
        self._update_level()

    @traitlets.validate("protocol")
    def _check_protocol(self, proposal):
        value = proposal["value"]
        if value not in shown_protocols():
            raise traitlets.TraitError(
                f"protocol must be one of {', '.join(shown_protocols())}; got {value!r}")
        return value

    @traitlets.validate("personal_weight_kg")
    def _check_personal_weight(self, proposal):
        value = proposal["value"]
        return None if value is None else _checked_weight(value)

    @traitlets.validate("weight_kg")
    def _check_weight(self, proposal):
        return _checked_weight(proposal["value"])

    @traitlets.validate("cursor_min")
    def _check_cursor(self, proposal):
        value = float(proposal["value"])
        if not math.isfinite(value):
            raise traitlets.TraitError("cursor_min must be a finite number of minutes")
        layout = self.layout
        return min(max(value, layout.lo_min), layout.hi_min)

    @traitlets.observe("protocol")
    def _new_protocol(self, change):
        old = (timeline_fig.layout_for(shown_protocols()[change["old"]])
               if change["old"] else None)
        if old is not self.layout:
            self.cursor_min = self.layout.default_cursor_min
        else:
            self.cursor_min = self.cursor_min  # re-clamp
        route = route_for(change["new"])
        if route is not None:
            self.route = route

    @traitlets.observe("protocol", "weight_kg", "cursor_min", "mode", "model",
                       "personal_weight_kg")
    def _on_inputs(self, change):
        self._update_level()

    def _update_level(self) -> None:
        self.set_trait("level_ng_ml", self.curve().level_at(self.cursor_min))

    @property
    def weight_used(self) -> float:
        """The weight the pictures are drawn for: 70 kg in patient mode, unless the personal
        plan gave one (issue 12)."""
        if self.mode == PATIENT:
            return self.personal_weight_kg or PATIENT_WEIGHT_KG
        return self.weight_kg

    @property
    def layout(self) -> timeline_fig.Layout:
        return timeline_fig.layout_for(shown_protocols()[self.protocol])

    def curve(self) -> timeline_fig.SessionCurve:
        """One session of the protocol at the weight used (cached: never re-simulated)."""
        return timeline_fig.session_curve(self.protocol, self.weight_used, self.model)
