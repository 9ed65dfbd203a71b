"""The pain-signal widget's trainee notes: the table of the model's numbers, with sources.

    numbers_html(115.0, "repeated", 16)   # level, µM, % blocked, Mg2+ unblock, responses, …

Safe HTML (every value escaped); words from the `pain_signal` strings table (joins: `formats`).
"""

from __future__ import annotations

from html import escape

from explainer import formatting as fmt
from explainer.content import references, strings
from explainer.models import nmda
from explainer.models.bands import BANDS, MOLAR_MASS_G_PER_MOL, bands_at
from explainer.widgets.pain_signal.state import simulate


def _bands_text(conc: float, table: dict, forms: dict) -> str:
    inside = bands_at(conc)
    return "; ".join(
        forms["band_range"].format(name=table["band_names"][b],
                                   low=fmt.grouped(BANDS[b].low_ng_ml),
                                   high=fmt.grouped(BANDS[b].high_ng_ml))
        for b in inside) or table["no_band"]


def numbers_html(conc: float, pattern: str, impulse: int) -> str:
    """The trainee's table: level, µM, % blocked, Mg2+ unblock, responses, wind-up, sources."""
    table_strings = strings.text("pain_signal", "numbers")
    forms = strings.text("pain_signal", "formats")
    rows = table_strings["rows"]
    without = table_strings["no_ketamine"]
    result, baseline = simulate(conc, pattern), simulate(0.0, pattern)
    k = min(max(int(impulse), 0), result.n_impulses)
    i = max(k - 1, 0)
    pinch = max(k, 1)

    def with_none(value: str, value0: str) -> str:
        return forms["with_none"].format(value=value, none=without, value0=value0)

    def times(value: float) -> str:
        return forms["ratio"].format(ratio=fmt.ratio(value))

    table = [
        (rows["level"], forms["conc"].format(conc=fmt.conc_text(conc))),
        (rows["molar"].format(molar_mass=MOLAR_MASS_G_PER_MOL),
         forms["molar"].format(um=fmt.ratio(result.conc_um))),
        (rows["blocked"], forms["percent"].format(percent=fmt.percent(result.fraction_blocked))),
        (rows["membrane"].format(k=pinch),
         forms["membrane"].format(mv=fmt.millivolts(result.membrane_mv[i]))),
        (rows["unblocked"].format(k=pinch),
         forms["percent"].format(percent=fmt.percent(float(result.mg_unblocked[i])))),
        (rows["response"].format(k=pinch),
         with_none(fmt.ratio(result.response[i]), fmt.ratio(baseline.response[i]))),
        (rows["first_last"], forms["first_last"].format(
            first=fmt.ratio(result.first_response), last=fmt.ratio(result.last_response))),
        (rows["wind_up"], with_none(times(result.wind_up_ratio), times(baseline.wind_up_ratio))),
        (rows["bands"], _bands_text(conc, table_strings, forms)),
    ]
    body = "".join(f'<tr><th scope="row">{escape(a)}</th><td>{escape(b)}</td></tr>'
                   for a, b in table)
    registry = references()
    items = "".join(
        "<li>" + escape(forms["source_item"].format(
            citation=registry[key].citation,
            what=what.format(ki_s=nmda.KI_S_KETAMINE_UM, ki_r=nmda.KI_R_KETAMINE_UM))) + "</li>"
        for key, what in table_strings["sources"])
    return (
        f'<div class="kx-numbers"><table><caption>{escape(table_strings["title"])}</caption>'
        f'{body}</table><p class="kx-sources-title">{escape(table_strings["sources_title"])}'
        f'</p><ul>{items}</ul><p>{escape(table_strings["illustrative"])}</p></div>'
    )
