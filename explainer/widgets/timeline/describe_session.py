"""The session describer: "A treatment day" in words, at the time cursor.

    describe_session(curve, 90)          # 'At 1 h 30 min, the level in the blood is in the …'
                                         # (where the level is, what happens, when it eases)
    describe_session(curve, 90, "trainee")   # … plus the regimen and the model's numbers
    describe_session(curve, 90, clock=lambda t: "10:30")   # 'At 10:30, …' (clock times on)
    cursor_label(curve, 90, "patient")   # 'relief-linked + “floaty”' (beside the cursor)

`curve` is a `SessionCurve` (one protocol's session, simulated once); words come from
`assets/<locale>/strings/timeline.yaml`, numbers are formatted by `explainer.formatting`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from explainer import formatting as fmt
from explainer.content import strings
from explainer.figures import session as timeline_fig
from explainer.models import pk
from explainer.models.bands import band_key
from explainer.models.session import FLOATY_NG_ML, RELIEF_NG_ML
from explainer.widgets.audience import PATIENT, TRAINEE


def level_words(conc: float, short: bool = False) -> str:
    """The level in words (`level_words`, or `level_short` beside the cursor)."""
    return strings.table("timeline")["level_short" if short else "level_words"][band_key(conc)]


def cursor_label(curve: timeline_fig.SessionCurve, t_min: float, mode: str) -> str:
    """The level beside the time cursor: words (patient) or ng/mL (trainee)."""
    level = curve.level_at(t_min)
    if mode == TRAINEE:
        return strings.text("timeline", "formats.conc").format(conc=fmt.level_text(level))
    return level_words(level, short=True)


Clock = Callable[[float], str] | None
"""How a moment of the session reads when the chart shows clock times (minutes from the start
-> ``10:30``, the time cursor's readout), or None: as time from the start."""


def moment_text(curve: timeline_fig.SessionCurve, t_min: float, clock: Clock = None) -> str:
    """A moment of the session in words: its clock time (`clock`), else the time from the
    start, as the time cursor's readout says it."""
    return timeline_fig.short_time(t_min, curve.layout) if clock is None else clock(t_min)


def session_sentences(curve: timeline_fig.SessionCurve, t_min: float,
                      clock: Clock = None) -> list[str]:
    """The patient sentences (also the first part of the trainee describer); the moment in
    clock time when `clock` is given."""
    session = strings.text("timeline", "session")
    describer = session["describer"]
    level = curve.level_at(t_min)
    when = moment_text(curve, t_min, clock)
    out: list[str] = []
    if t_min < 0:
        out.append(describer["before"])
    elif level <= 0:
        out.append(describer["none_yet"].format(time=when))
    else:
        out.append(describer["at"].format(time=when, level=level_words(level)))
    phase = curve.phase_at(t_min)
    if phase is not None:
        out.append(phase.now)
    if curve.in_checks(t_min) and (phase is None or phase.key not in ("arrive",)):
        out.append(curve.checks.now)
    if curve.feeling(t_min):
        feel = session["feel"]
        out.append(feel["now_drip"] if curve.protocol.route == "intravenous" else feel["now_dose"])
    out += _eases_sentences(curve)
    return out


def _eases_sentences(curve: timeline_fig.SessionCurve) -> list[str]:
    eases = strings.text("timeline", "session.eases")
    iv = curve.protocol.route == "intravenous"
    out: list[str] = []
    if curve.below_floaty_after_min is not None:
        after = timeline_fig.duration_words(curve.below_floaty_after_min)
        out.append((eases["drip"] if iv else eases["dose"]).format(after=after))
    elif not curve.feel_spans:
        out.append(eases["never_floaty"] if curve.c_peak >= RELIEF_NG_ML
                   else eases["never_relief"])
    if not iv and curve.protocol.route in ("oral", "sublingual"):
        out.append(eases["norketamine"])
    return out


def regimen_text(curve: timeline_fig.SessionCurve) -> str:
    """The session's doses at the curve's weight, as the trainee reads them."""
    templates = strings.text("timeline", "session.trainee")
    minutes = strings.text("timeline", "time.m")
    layouts = timeline_fig.LAYOUTS
    protocol = curve.protocol
    parts = []
    for dose in protocol.regimen(curve.weight_kg):
        if isinstance(dose, pk.Infusion):
            axis = layouts["days"] if dose.duration_min >= 1440 else layouts["hours"]
            parts.append(templates["infusion"].format(
                rate=fmt.fixed(dose.mg_per_h, 1),
                duration=timeline_fig.short_time(dose.duration_min, axis)))
        elif isinstance(dose, pk.Bolus):
            parts.append(templates["bolus"].format(mg=fmt.plain(dose.mg),
                                                   at=minutes.format(m=fmt.plain(dose.at_min))))
        else:
            parts.append(templates["absorbed"].format(
                mg=fmt.plain(dose.mg), route=dose.route,
                at=timeline_fig.short_time(dose.at_min, layouts["hours"]),
                f=fmt.ratio(dose.fraction)))
    text = "; ".join(parts)
    if protocol.is_capped(curve.weight_kg):
        text += strings.text("timeline", "formats.capped")
    return text


def _minutes_or_dash(minutes: float | None) -> str:
    if minutes is None:
        return strings.text("timeline", "formats.no_value")
    return strings.text("timeline", "time.m").format(m=fmt.fixed(minutes))


def session_numbers(curve: timeline_fig.SessionCurve, t_min: float, clock: Clock = None) -> str:
    """The trainee's extra sentences: the model's numbers at the cursor (its moment and the
    peak's in clock time when `clock` is given)."""
    templates = strings.text("timeline", "session.trainee")
    text = templates["numbers"].format(
        time=moment_text(curve, t_min, clock),
        conc=fmt.level_text(curve.level_at(t_min)), weight=fmt.plain(curve.weight_kg),
        regimen=regimen_text(curve), peak=fmt.level_text(curve.c_peak),
        t_peak=moment_text(curve, curve.t_peak_min, clock))
    if curve.below_floaty_after_min is None and curve.c_peak < FLOATY_NG_ML:
        return f"{text} {templates['fall_never']}"
    return text + " " + templates["fall"].format(
        t100=_minutes_or_dash(curve.below_floaty_after_min),
        t70=_minutes_or_dash(curve.below_relief_after_min))


def describe_session(curve: timeline_fig.SessionCurve, t_min: float,
                     mode: str = PATIENT, clock: Clock = None) -> str:
    """The session describer as plain text; trainee mode adds the numbers. Moments read in
    clock time when `clock` is given (the chart shows clock times)."""
    text = " ".join(session_sentences(curve, t_min, clock))
    if mode == TRAINEE:
        text += " " + session_numbers(curve, t_min, clock)
    return text


def session_html(curve: timeline_fig.SessionCurve, t_min: float, mode: str,
                 clock: Clock = None) -> str:
    """The session describer as safe HTML: the sentences, then (trainee) the numbers line."""
    html = f"<p>{escape(' '.join(session_sentences(curve, t_min, clock)))}</p>"
    if mode == TRAINEE:
        # trainee-only by class as well: a describer left from trainee mode is hidden by the
        # page's mode even before the kernel's patient words arrive
        html += (f'<p class="kx-numbers-line kx-trainee-only">'
                 f'{escape(session_numbers(curve, t_min, clock))}</p>')
    return html
