"""The pain-signal widget's trainee notes: the table of the model's numbers, with sources.

    numbers_html(115.0, "repeated", 16)   # level, µM, % blocked, Mg2+ unblock, responses, …

Safe HTML (every value escaped); words from `assets/content/pain_signal.yaml`.
"""

from __future__ import annotations

from html import escape

from explainer import formatting as fmt
from explainer.content import references
from explainer.models import nmda
from explainer.models.bands import BANDS, MOLAR_MASS_G_PER_MOL, bands_at
from explainer.widgets.pain_signal.state import simulate, strings


def _bands_text(conc: float, table: dict) -> str:
    inside = bands_at(conc)
    return "; ".join(
        f"{table['band_names'][b]} {fmt.grouped(BANDS[b].low_ng_ml)}–"
        f"{fmt.grouped(BANDS[b].high_ng_ml)} ng/mL"
        for b in inside) or table["no_band"]


def numbers_html(conc: float, pattern: str, impulse: int) -> str:
    """The trainee's table: level, µM, % blocked, Mg2+ unblock, responses, wind-up, sources."""
    table_strings = strings()["numbers"]
    rows = table_strings["rows"]
    without = table_strings["no_ketamine"]
    result, baseline = simulate(conc, pattern), simulate(0.0, pattern)
    k = min(max(int(impulse), 0), result.n_impulses)
    i = max(k - 1, 0)
    pinch = max(k, 1)
    table = [
        (rows["level"], f"{fmt.conc_text(conc)} ng/mL"),
        (rows["molar"].format(molar_mass=MOLAR_MASS_G_PER_MOL), f"{fmt.ratio(result.conc_um)} µM"),
        (rows["blocked"], f"{fmt.percent(result.fraction_blocked)}%"),
        (rows["membrane"].format(k=pinch), f"{fmt.millivolts(result.membrane_mv[i])} mV"),
        (rows["unblocked"].format(k=pinch), f"{fmt.percent(float(result.mg_unblocked[i]))}%"),
        (rows["response"].format(k=pinch),
         f"{fmt.ratio(result.response[i])} ({without}: {fmt.ratio(baseline.response[i])})"),
        (rows["first_last"],
         f"{fmt.ratio(result.first_response)} → {fmt.ratio(result.last_response)}"),
        (rows["wind_up"], f"{fmt.ratio(result.wind_up_ratio)}× "
                          f"({without}: {fmt.ratio(baseline.wind_up_ratio)}×)"),
        (rows["bands"], _bands_text(conc, table_strings)),
    ]
    body = "".join(f'<tr><th scope="row">{escape(a)}</th><td>{escape(b)}</td></tr>'
                   for a, b in table)
    registry = references()
    items = "".join(
        f"<li>{escape(registry[key].citation)} — "
        f"{escape(what.format(ki_s=nmda.KI_S_KETAMINE_UM, ki_r=nmda.KI_R_KETAMINE_UM))}</li>"
        for key, what in table_strings["sources"])
    return (
        f'<div class="kx-numbers"><table><caption>{escape(table_strings["title"])}</caption>'
        f'{body}</table><p class="kx-sources-title">{escape(table_strings["sources_title"])}'
        f'</p><ul>{items}</ul><p>{escape(table_strings["illustrative"])}</p></div>'
    )
