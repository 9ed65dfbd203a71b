"""The timeline's trainee notes: the route table and each protocol's notes and sources.

    routes_table_html(curves)          # peak, time to peak, AUC, bioavailability, sources
    trainee_html("schwartzman-2009")   # the protocol's trainee notes and sources (cached)

Safe HTML (every value escaped); words from `assets/<locale>/strings/timeline.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from explainer import formatting as fmt
from explainer.content import format_refs, strings
from explainer.content.clinic.env import shown_protocols
from explainer.content.strings import per_locale
from explainer.figures import routes as routes_fig
from explainer.figures import session as timeline_fig


def _list_items(texts) -> str:
    return "".join(f"<li>{escape(x)}</li>" for x in texts)


def _bioavailability(key: str, curve: routes_fig.RouteCurve, table: Mapping) -> str:
    if key == "iv":
        return table["iv_f"]
    return strings.text("timeline", "formats.f_range").format(
        f=fmt.percent(curve.f), low=fmt.percent(curve.f_low), high=fmt.percent(curve.f_high))


def routes_table_html(curves: Mapping[str, routes_fig.RouteCurve]) -> str:
    """Trainee table: peak, time to peak, AUC and the bioavailability used, with sources."""
    routes = strings.text("timeline", "routes")
    table = routes["table"]
    minutes = strings.text("timeline", "time.m")
    rows = []
    for key in routes_fig.ROUTE_KEYS:
        curve = curves[key]
        rows.append(
            f"<tr><th scope=\"row\">{escape(routes['buttons'][key])}</th>"
            f"<td>{escape(_bioavailability(key, curve, table))}</td>"
            f"<td>{fmt.level_text(curve.c_peak)}</td><td>{escape(minutes.format(m=fmt.fixed(curve.t_peak_min)))}</td>"
            f"<td>{fmt.grouped(curve.auc_ng_h_ml)}</td></tr>")
    head = "".join(f"<th scope=\"col\">{escape(table[k])}</th>"
                   for k in ("route", "f", "peak", "t_peak", "auc"))
    refs = sorted({k for curve in curves.values() for k in curve.refs}
                  | set(strings.text("timeline", "formats.routes_table_refs"))
                  | set(routes["dose_refs"]))
    return (f'<div class="kx-numbers kx-routes-table"><table><caption>'
            f'{escape(table["caption"])}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<p class="kx-sources-title">{escape(table["sources"])}</p>'
            f"<ul>{_list_items(format_refs(refs))}</ul></div>")


@per_locale(maxsize=64)
def trainee_html(protocol_id: str) -> str:
    """The protocol's trainee notes and sources (shown under the views in trainee mode)."""
    all_strings = strings.table("timeline")
    session = all_strings["session"]["trainee"]
    protocol = shown_protocols()[protocol_id]
    spec = all_strings["patterns"][timeline_fig.pattern_for(protocol)]
    refs = [*protocol.refs, *session["refs"], *spec.get("refs", ())]
    for item in (*spec["phases"], spec["checks"]):
        refs += item["refs"]
    sources = format_refs(refs, confidence=True)
    return (f'<div class="kx-card kx-timeline-trainee">'
            f'<p>{escape(protocol.audience["trainee"])}</p>'
            f"<ul>{_list_items(protocol.notes)}</ul><p>{escape(session['bands'])}</p>"
            f'<details><summary>{escape(session["sources"])}</summary>'
            f"<ul>{_list_items(sources)}</ul></details></div>")
