"""The pain-signal describer: the picture in words, for both audiences.

    describe(115.0, "repeated", 16)     # 'With repeated pinches, the signal still builds up, …'
    describe(115.0, "repeated", 16, "trainee")    # … plus the model's numbers
    describe_sentences(0.0, "single", 0)          # ['No pinch yet. Press Play to send …']
    describer_html(115.0, "repeated", 16, "patient")   # the same as the page shows it (HTML)
    play_start_html(16)                           # what Play's start says
    chart_description(state)                      # the trainee chart's one sentence

Words come from `assets/<locale>/strings/pain_signal.yaml`; numbers are formatted by
`explainer.formatting`. Pure functions of the state's values (the model is cached).
"""

from __future__ import annotations

from html import escape

from explainer import formatting as fmt
from explainer.content import strings
from explainer.figures import pain_signal as pain_fig
from explainer.models.bands import band_key
from explainer.widgets.audience import PATIENT, TRAINEE
from explainer.widgets.pain_signal.state import (
    PainSignalState,
    level_key,
    named_level,
    simulate,
)


def level_phrase(conc: float, mode: str = PATIENT) -> str:
    """How the describer names a level (> 0 unless named): 'a level linked with pain relief',
    'a low level'; trainee mode adds the ng/mL ('a low level (50 ng/mL)')."""
    key = level_key(conc)
    name = (named_level(key)["in_sentence"] if key
            else strings.text("pain_signal", "band_phrases")[band_key(conc)])
    if mode == TRAINEE and conc > 0:
        name = strings.text("pain_signal", "describer.trainee.level").format(name=name,
                                                                 conc=fmt.conc_text(conc))
    return name


def _strength_word(response: float) -> str:
    return strings.text("pain_signal", "strength.words")[pain_fig.strength_index(response)]


def _impulses_so_far(impulse: int, n_impulses: int) -> int:
    return min(max(int(impulse), 0), n_impulses)


def describe_sentences(conc: float, pattern: str, impulse: int, mode: str = PATIENT) -> list[str]:
    """The plain sentences that put the picture into words (same for both audiences)."""
    templates = strings.text("pain_signal", "describer.patient")
    result = simulate(conc, pattern)
    n = result.n_impulses
    k = _impulses_so_far(impulse, n)
    ketamine = conc > 0
    words = {
        "level": level_phrase(conc, mode),
        "share": pain_fig.share_phrase(result.fraction_blocked),
        "k": k,
        "n": n,
        "strength": _strength_word(float(result.response[k - 1])) if k else "",
    }
    if k == 0:
        keys = ["no_pinch"] + (["ketamine_only"] if ketamine else [])
    elif pattern == "single":
        keys = ["single_with_ketamine", "ketamine_only"] if ketamine else ["single", "single_none"]
    elif k < n:
        keys = ["playing", "playing_ketamine" if ketamine else "playing_none"]
    elif not ketamine:
        keys = ["repeated_none", "repeated_none_end"]
    elif result.wind_up_ratio < strings.text("pain_signal", "strength.flat_wind_up"):
        keys = ["repeated_flat", "ketamine_flat"]
    else:
        keys = ["repeated_ketamine", "ketamine_build_up"]
    out = []
    for key in keys:
        sentence = templates[key].format(**words)
        out.append(sentence[0].upper() + sentence[1:])
    return out


def numbers_sentence(conc: float, pattern: str, impulse: int) -> str:
    """The trainee's extra sentence: the model's numbers for this state."""
    templates = strings.text("pain_signal", "describer.trainee")
    result, baseline = simulate(conc, pattern), simulate(0.0, pattern)
    k = _impulses_so_far(impulse, result.n_impulses)
    common = {"conc": fmt.conc_text(conc), "um": fmt.ratio(result.conc_um),
              "blocked": fmt.percent(result.fraction_blocked)}
    if k == 0:
        return templates["numbers_no_pinch"].format(
            unblocked=fmt.percent(float(result.mg_unblocked[0])), **common)
    return templates["numbers"].format(
        k=k, vm=fmt.millivolts(result.membrane_mv[k - 1]),
        unblocked=fmt.percent(float(result.mg_unblocked[k - 1])),
        response=fmt.ratio(result.response[k - 1]),
        response0=fmt.ratio(baseline.response[k - 1]),
        wind_up=fmt.ratio(result.wind_up_ratio), wind_up0=fmt.ratio(baseline.wind_up_ratio),
        **common)


def describe(conc: float, pattern: str, impulse: int, mode: str = PATIENT) -> str:
    """The describer as plain text: one or two sentences; trainee mode adds the numbers."""
    text = " ".join(describe_sentences(conc, pattern, impulse, mode))
    if mode == TRAINEE:
        text += " " + numbers_sentence(conc, pattern, impulse)
    return text


def describer_html(conc: float, pattern: str, impulse: int, mode: str) -> str:
    """The describer as safe HTML: the sentences, then (trainee) the numbers line."""
    html = f"<p>{escape(' '.join(describe_sentences(conc, pattern, impulse, mode)))}</p>"
    if mode == TRAINEE:
        html += f'<p class="kx-numbers-line">{escape(numbers_sentence(conc, pattern, impulse))}</p>'
    return html


def play_start_html(n_impulses: int) -> str:
    """What the live region says when Play starts (safe HTML): 'Playing 16 pinches…'."""
    start = strings.text("pain_signal", "describer.patient.play_start", n=n_impulses)
    return f"<p>{escape(start)}</p>"


def chart_description(state: PainSignalState) -> str:
    """The trainee chart's text alternative (safe HTML): first and last responses and the
    wind-up, with and without ketamine."""
    result, baseline = state.result(), state.baseline()
    chart = strings.text("pain_signal", "chart")
    words = {"first0": fmt.ratio(baseline.first_response),
             "last0": fmt.ratio(baseline.last_response),
             "wind_up0": fmt.ratio(baseline.wind_up_ratio),
             "first": fmt.ratio(result.first_response), "last": fmt.ratio(result.last_response),
             "wind_up": fmt.ratio(result.wind_up_ratio),
             "conc": fmt.conc_text(state.conc_ng_ml), "k": max(state.impulse, 1)}
    template = chart["describer_single"] if state.pattern == "single" else chart["describer"]
    return f"<p>{escape(template.format(**words))}</p>"
