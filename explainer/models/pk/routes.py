"""Non-IV routes of absorption (`Route`, `ROUTES`): bioavailability, time to peak, rate constant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from explainer.models.pk._checks import _number


@dataclass(frozen=True)
class Route:
    """A non-IV route: bioavailability, time to peak and the absorption rate constant used.

    ``f`` is the typical bioavailability used by default; ``f_low``–``f_high`` spans the lowest
    and highest figures reported in the cited sources (including their printed ranges), so a view
    can draw the spread. ``tmax_min`` is the published time to peak the absorption rate constant
    ``ka_per_min`` was chosen to reproduce with the Domino model (see ``docs/model-pk.md``).

    Examples
    --------
    >>> r = ROUTES["intranasal"]
    >>> r.f, r.f_low, r.f_high, r.tmax_min   # bioavailability fractions; minutes to peak
    (0.45, 0.11, 0.45, 20.0)
    """

    name: str
    label: str
    f: float
    f_low: float
    f_high: float
    tmax_min: float
    tmax_range_min: tuple[float, float] | None
    ka_per_min: float
    refs: tuple[str, ...]
    note: str

    def __post_init__(self) -> None:
        for field in ("f", "f_low", "f_high"):
            _number(getattr(self, field), field, low=0.0, strict_low=True, high=1.0)
        if not self.f_low <= self.f <= self.f_high:
            raise ValueError("route bioavailability must satisfy f_low <= f <= f_high")
        _number(self.tmax_min, "tmax_min", strict_low=True)
        _number(self.ka_per_min, "ka_per_min", strict_low=True)
        if not self.refs:
            raise ValueError(f"route {self.name!r} needs at least one reference key")


_ABSORPTION_NOTE = (" Absorption is drawn as first order with one rate constant fitted to the "
                    "time to peak; norketamine (the active metabolite) is not modelled.")

ROUTES: Mapping[str, Route] = MappingProxyType({
    "intramuscular": Route(
        name="intramuscular", label="injection into a muscle",
        f=0.93, f_low=0.93, f_high=0.93,
        tmax_min=10.0, tmax_range_min=(5.0, 15.0),
        ka_per_min=0.0276,
        refs=("clements1982",),
        note="93% is the widely quoted figure (Clements, Nimmo & Grant 1982), not read here; "
             "time to peak about 5–15 min." + _ABSORPTION_NOTE),
    "intranasal": Route(
        name="intranasal", label="nasal spray",
        f=0.45, f_low=0.11, f_high=0.45,
        tmax_min=20.0, tmax_range_min=(14.0, 23.0),
        ka_per_min=0.0115,
        refs=("yanagihara2003", "intranasal2022"),
        note="About 45% in a small study (n = 3, Yanagihara 2003) but only 11–17% in a 2022 "
             "study of 10–50 mg doses: absorption through the nose varies a lot, so the band "
             "11–45% matters more than the typical value." + _ABSORPTION_NOTE),
    "oral": Route(
        name="oral", label="liquid by mouth",
        f=0.20, f_low=0.17, f_high=0.27,
        tmax_min=57.6, tmax_range_min=None,
        ka_per_min=0.00578,
        refs=("yanagihara2003", "chong2009"),
        note="About 20% (Yanagihara 2003); 24% (17–27%) in Chong 2009. Time to peak about 1 h "
             "(0.96 h). Much of a swallowed dose becomes norketamine in the liver, so total "
             "exposure counting the metabolite is higher (combined 54–59%, Chong 2006 "
             "abstract); that is not drawn." + _ABSORPTION_NOTE),
    "sublingual": Route(
        name="sublingual", label="lozenge or wafer under the tongue",
        f=0.29, f_low=0.19, f_high=0.49,
        tmax_min=45.0, tmax_range_min=(15.0, 60.0),
        ka_per_min=0.00647,
        refs=("rolan2014", "chong2009"),
        note="29% (27–31%) in 8 healthy men (Rolan 2014); 24% (19–49%) in Chong 2009. No data "
             "were found for buccal troches specifically. Part of the dose is swallowed; that "
             "is not drawn separately." + _ABSORPTION_NOTE),
})
"""Non-IV routes by name (IV doses are :class:`Bolus` and :class:`Infusion`, F = 1)."""
