"""The frames the browser draws from, built by the same functions that draw the kernel's overlay.

    pack = diagram_pack("patient", label)     # every level x pattern x impulse of the diagram
    pack = cursor_pack(curve, "patient")      # every time-cursor position of one session
    pack = diagram_pack("patient", label, "portrait")   # the same, in the narrow layout

Each is a `FramePack` (explainer.figures.frames) plus `axes` (the overlay traits that pick a
state, in order) and `table` (nested lists: axis values -> state index). The diagram also has
`maps` (a level button's or the slider's index -> the level axis) and `animated` (the parts
that carry the pulse animation, swapped in when an impulse follows the last one).

Each also carries `words` (issue 26): the describer's HTML for every state, written by the same
functions that write the kernel's describer (`describer_html`, `session_html`), packed like the
frames (a `FramePack` of clauses: each distinct clause's text once, its numbers apart) with
a `table` on the same axes; the diagram's also has `play_start` (per pattern, the words Play
starts with). The page puts them in the describer and the live region in the same frame as the
picture (overlay.js).

Built once per process, mode and layout (landscape, or portrait for a narrow page: built and
sent only when a page asks for it; cached; the diagram's, and a patient-weight session's read
as time from the start, also on disk between kernels): the
diagram is about 500 overlay documents, 0.3 s of kernel time and 84 KB of JSON, plus 10 KB of
words (35 KB for trainees, whose words carry the model's numbers); a session's cursor
positions about 100, 15 ms and 23-38 KB, plus 3-8 KB of words (7-14 KB for trainees; about
35 ms to write). A level off the grid (a timeline's cursor sets any level) is not packed: the
kernel's layer and words show it.
"""

from __future__ import annotations

import inspect
import itertools
from pathlib import Path

from explainer import formatting as fmt
from explainer.content import strings
from explainer.content.strings import per_locale
from explainer.figures import pain_signal as pain_fig
from explainer.figures import session as timeline_fig
from explainer.figures.frames import FramePack, split_clauses, split_parts
from explainer.figures.stored import stored
from explainer.models.plan import Plan, clock_label
from explainer.widgets.pain_signal import state as pain_state
from explainer.widgets.pain_signal.describe import describer_html, play_start_html
from explainer.widgets.pain_signal.state import simulate
from explainer.widgets.timeline.describe_session import cursor_label, session_html

__all__ = ["PATTERN_ORDER", "cursor_pack", "diagram_pack"]

PATTERN_ORDER = ("single", "repeated")
"""The pattern axis, in the order of the pattern buttons."""
_ids = itertools.count(1)


def _diagram_document(conc: float, pattern: str, impulse: int, mode: str, label: str,
                      shape: str = "landscape", animate: bool = False) -> str:
    frame = pain_fig.diagram_frame(simulate(float(conc), pattern), impulse, mode,
                                   animate=animate)
    return pain_fig.diagram_scene(shape).svg(
        pain_fig.diagram_overlay(frame, pain_fig.GEOMETRIES[shape]), label)


def _level_table(pack: FramePack, words: FramePack, conc: float, mode: str, label: str,
                 shape: str) -> tuple[list[list[int]], list[list[int]]]:
    """[pattern][impulse] -> state, for one level: the picture's and the words'."""
    table, said = [], []
    for pattern in PATTERN_ORDER:
        n = simulate(float(conc), pattern).n_impulses
        table.append([pack.add(_diagram_document(conc, pattern, k, mode, label, shape))
                      for k in range(n + 1)])
        said.append([words.add(describer_html(float(conc), pattern, k, mode))
                     for k in range(n + 1)])
    return table, said


def _animated(pack: FramePack, conc: float, mode: str, label: str,
              shape: str) -> dict[str, int]:
    """Part id -> its animated form (only the pulse and the glutamate differ)."""
    still = split_parts(_diagram_document(conc, "repeated", 1, mode, label, shape))
    moving = split_parts(_diagram_document(conc, "repeated", 1, mode, label, shape,
                                           animate=True))
    swap = {}
    for a, b in zip(still, moving, strict=True):
        if a != b:
            swap[str(pack._part(a))] = pack._part(b)
    return swap


def _finish(pack: FramePack, **extra) -> dict:
    return {**pack.to_json(), "id": next(_ids), **extra}


_PACK_KEYS = frozenset({"skeletons", "parts", "states", "axes", "table", "words"})
_WORDS_KEYS = frozenset({"skeletons", "parts", "states", "table"})


def _checked_pack(data) -> dict:
    """A stored pack, if it has a pack's parts (else ValueError: it is built again)."""
    if (not isinstance(data, dict) or not _PACK_KEYS <= data.keys()
            or not isinstance(data["words"], dict) or not _WORDS_KEYS <= data["words"].keys()):
        raise ValueError("not a frame pack")
    return data


def _from_disk(name: str, build, *inputs, load=lambda data: data) -> dict:
    """`build()`'s JSON, kept on disk (`explainer.figures.stored`) under a key that also
    changes with the modules that write the frames and their words: a new kernel reads it in
    about a millisecond instead of drawing some 500 overlays (about 0.3 s). A file that `load`
    refuses is built again."""
    return stored(name, build, Path(__file__), Path(pain_state.__file__),
                  Path(inspect.getfile(describer_html)), Path(fmt.__file__), *inputs, load=load)


@per_locale(maxsize=8)
def diagram_pack(mode: str, label: str, shape: str = "landscape") -> dict:
    """Every state the diagram's controls can reach in one layout: levels of the trainee
    slider (which hold the named levels) x patterns x impulses. Kept on disk between kernels
    (`_from_disk`)."""
    name = f"frames-diagram-{mode}" if shape == "landscape" else f"frames-{shape}-{mode}"
    data = _from_disk(name, lambda: _diagram_pack(mode, label, shape),
                      pain_fig.strings_file(), label, load=_checked_pack)
    return {**data, "id": next(_ids)}   # ids tell one page's packs apart, never kernels'


def _diagram_pack(mode: str, label: str, shape: str = "landscape") -> dict:
    pack, words = FramePack(), FramePack(split=split_clauses)
    grid = [float(c) for c in pain_state.SLIDER_GRID_NG_ML]
    per_level = [_level_table(pack, words, c, mode, label, shape) for c in grid]
    table = [[per_level[i][0][p] for i in range(len(grid))] for p in range(len(PATTERN_ORDER))]
    said = [[per_level[i][1][p] for i in range(len(grid))] for p in range(len(PATTERN_ORDER))]
    play_start = [words.add(play_start_html(simulate(grid[0], p).n_impulses))
                  for p in PATTERN_ORDER]
    buttons = [grid.index(pain_state.level_concs()[lv["key"]])
               for lv in strings.text("pain_signal", "levels")]
    animated = _animated(pack, grid[-1], mode, label, shape)
    # One control moves the level in the page: the buttons for patients, the slider for
    # trainees. The other one follows the kernel (which sets it to match), and a value it
    # receives from the kernel mid-drag would be stale, so the page does not draw from it.
    maps = ({"slider_level": list(range(len(grid)))} if mode == "trainee"
            else {"button_level": buttons})
    return _finish(pack, axes=["pattern", "level", "impulse"], table=table, levels=grid,
                   maps=maps, sizes={"button_level": len(buttons), "slider_level": len(grid)},
                   animated=animated,
                   words={**words.to_json(), "table": said, "play_start": play_start})


@per_locale(maxsize=32)
def cursor_pack(curve: timeline_fig.SessionCurve, mode: str, shape: str = "landscape",
                clock_plan: Plan | None = None) -> dict:
    """The session view's cursor layer at every position of the time slider, in one layout,
    its readout and its words in clock times when `clock_plan` is given (the chart shows clock
    times). A session whose numbers are kept on disk (patient mode's weight), read as time
    from the start, is kept on disk too (`_from_disk`: about 2 ms to read instead of 50-100 ms
    to write)."""
    if clock_plan is not None or curve.stored_as is None:
        return _cursor_pack(curve, mode, shape, clock_plan)
    data = _from_disk(f"frames-cursor-{mode}-{shape}-{curve.stored_as}",
                      lambda: _cursor_pack(curve, mode, shape, None),
                      Path(inspect.getfile(session_html)), timeline_fig.strings_key("cursor"),
                      repr((curve.protocol, curve.weight_kg, curve.model)), load=_checked_pack)
    return {**data, "id": next(_ids)}


def _cursor_pack(curve: timeline_fig.SessionCurve, mode: str, shape: str,
                 clock_plan: Plan | None) -> dict:
    pack, words = FramePack(), FramePack(split=split_clauses)
    positions = curve.layout.cursor_positions
    canvas = timeline_fig.CANVASES[shape]
    days = curve.layout.key == "days"
    clock = None if clock_plan is None else (lambda t: clock_label(clock_plan, t, days))
    table = [pack.add(timeline_fig.layer_document(timeline_fig.session_cursor(
        curve, t, mode, cursor_label(curve, t, mode), shape,
        None if clock is None else clock(t)),
        canvas.width, canvas.height)) for t in positions]
    said = [words.add(session_html(curve, t, mode, clock)) for t in positions]
    return _finish(pack, axes=["cursor"], table=table, positions=list(positions),
                   words={**words.to_json(), "table": said})
