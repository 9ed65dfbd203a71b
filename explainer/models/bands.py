"""Plasma-concentration bands (ng/mL) linked to pain relief, dissociation and anaesthesia.

These are peak levels seen at particular doses (Zanos 2018, Table 1), not target windows; the
pain-relief and "floaty" bands overlap, so there is no clean therapeutic window.
"""

from __future__ import annotations

from dataclasses import dataclass

MOLAR_MASS_G_PER_MOL = 237.7
"""Ketamine base; 1 µM ≈ 238 ng/mL (clinical-facts.md, Mechanism)."""
MOLAR_MASS_REFS = ("ketamine-molar-mass",)


@dataclass(frozen=True)
class Band:
    """A named concentration range in ng/mL with the reference key it comes from.

    Parameters
    ----------
    key : str
        ``"relief"``, ``"dissociation"`` or ``"anaesthesia"``.
    low_ng_ml, high_ng_ml : float
        The range's ends in ng/mL.
    refs : tuple of str
        Reference keys in ``assets/references.yaml``.

    Examples
    --------
    >>> BANDS["relief"].low_ng_ml, BANDS["relief"].high_ng_ml, BANDS["relief"].middle_ng_ml
    (70.0, 160.0, 115.0)
    """

    key: str
    low_ng_ml: float
    high_ng_ml: float
    refs: tuple[str, ...]

    @property
    def middle_ng_ml(self) -> float:
        """The midpoint, used as the representative level of a named step."""
        return (self.low_ng_ml + self.high_ng_ml) / 2


BANDS: dict[str, Band] = {
    "relief": Band("relief", 70.0, 160.0, ("zanos2018",)),
    "dissociation": Band("dissociation", 100.0, 250.0, ("zanos2018", "bowdle1998")),
    "anaesthesia": Band("anaesthesia", 1200.0, 2400.0, ("zanos2018",)),
}
"""Analgesia 70–160, dissociation 100–250, anaesthesia 1,200–2,400 ng/mL (Zanos 2018)."""


def bands_at(conc_ng_ml: float) -> list[str]:
    """Keys of the bands a concentration falls in (possibly several, since they overlap).

    Parameters
    ----------
    conc_ng_ml : float
        Plasma level in ng/mL.

    Returns
    -------
    list of str
        Band keys, in the order of `BANDS`.

    Examples
    --------
    >>> bands_at(120.0)
    ['relief', 'dissociation']
    """
    return [b.key for b in BANDS.values() if b.low_ng_ml <= conc_ng_ml <= b.high_ng_ml]


BAND_ORDER: tuple[str, ...] = ("relief", "dissociation", "anaesthesia")
"""The bands from the lowest to the highest (the order figures draw and name them in)."""

LEVEL_KEYS: tuple[str, ...] = ("zero", "below_relief", "relief", "relief+dissociation",
                               "dissociation", "between", "anaesthesia", "above")
"""Every value `band_key` can return, from no ketamine to above the anaesthesia band."""


def band_key(conc_ng_ml: float) -> str:
    """Where a level sits among the bands, as one key (one of `LEVEL_KEYS`).

    ``"zero"`` (no ketamine), ``"below_relief"``, the band keys it falls in joined by ``+``
    (``"relief"``, ``"relief+dissociation"``, ``"dissociation"``, ``"anaesthesia"``),
    ``"between"`` (above the floaty band, below anaesthesia) or ``"above"`` (above anaesthesia).
    Views look the key up in their words tables (``level_words``, ``level_short``).

    Parameters
    ----------
    conc_ng_ml : float
        Plasma level in ng/mL (0 or less means no ketamine).

    Returns
    -------
    str
        One of `LEVEL_KEYS`.

    Examples
    --------
    >>> band_key(0.0), band_key(40.0), band_key(120.0), band_key(500.0), band_key(3000.0)
    ('zero', 'below_relief', 'relief+dissociation', 'between', 'above')
    """
    if conc_ng_ml <= 0:
        return "zero"
    inside = bands_at(conc_ng_ml)
    if inside:
        return "+".join(inside)
    if conc_ng_ml < BANDS["relief"].low_ng_ml:
        return "below_relief"
    if conc_ng_ml > BANDS["anaesthesia"].high_ng_ml:
        return "above"
    return "between"
