"""The browser's frames come from the kernel's own drawing (issue 15): packing an overlay and
unpacking it as the page does gives the kernel's SVG back, for every state of a grid."""

from __future__ import annotations

import json

import pytest

from explainer.content import strings
from explainer.content.clinic.env import shown_protocols
from explainer.figures import pain_signal as pain_fig
from explainer.figures import session as timeline_fig
from explainer.figures.frames import FramePack, document, split_parts
from explainer.widgets import pain_signal as pain
from explainer.widgets import timeline as timeline
from explainer.widgets.browser import packs
from explainer.widgets.browser.overlay import CursorOverlay, DiagramOverlay
from explainer.widgets.inbound import allowed_update
from explainer.widgets.pain_signal.state import simulate

LABEL = strings.text("pain_signal", "figure.label")


def kernel_diagram(conc, pattern, impulse, mode, animate=False) -> str:
    frame = pain_fig.diagram_frame(simulate(float(conc), pattern), impulse, mode,
                                   animate=animate)
    return pain_fig.diagram_scene().svg(pain_fig.diagram_overlay(frame), LABEL)


def test_split_parts_gives_the_document_back_and_cuts_at_the_given_depth():
    doc = kernel_diagram(115, "repeated", 16, "patient")
    pieces = split_parts(doc)
    assert "".join(pieces) == doc
    assert pieces[0].startswith("<svg ") and pieces[-1] == "</svg>"
    assert pieces[1].startswith("<title>")
    assert any(p.startswith('<g class="kx-mg"') and p.endswith("</g>") for p in pieces)
    with pytest.raises(ValueError):
        split_parts("<svg><g></svg>")


def test_numbers_that_never_vary_are_folded_into_the_skeleton():
    pack = FramePack()
    a = pack.add('<svg><circle cx="1.0" cy="5.0"/></svg>')
    b = pack.add('<svg><circle cx="1.0" cy="7.5"/></svg>')
    data = pack.to_json()
    assert [document(data, i) for i in (a, b)] == ['<svg><circle cx="1.0" cy="5.0"/></svg>',
                                                   '<svg><circle cx="1.0" cy="7.5"/></svg>']
    circle = next(s for s in data["skeletons"] if "circle" in "".join(s))
    assert circle == ['<circle cx="1.0" cy="', '"/>'], circle
    assert pack.add('<svg><circle cx="1.0" cy="5.0"/></svg>') == a   # one state, stored once


@pytest.mark.parametrize("mode", ["patient", "trainee"])
def test_every_diagram_state_unpacks_to_the_kernels_svg(mode):
    pack = packs.diagram_pack(mode, LABEL)
    assert pack["axes"] == ["pattern", "level", "impulse"]
    for p, pattern in enumerate(packs.PATTERN_ORDER):
        for i, conc in enumerate(pack["levels"]):
            row = pack["table"][p][i]
            assert len(row) == simulate(conc, pattern).n_impulses + 1
            for k, state in enumerate(row):
                assert document(pack, state) == kernel_diagram(conc, pattern, k, mode)


def test_the_animated_swap_gives_the_kernels_animated_frames():
    pack = packs.diagram_pack("patient", LABEL)
    swap = pack["animated"]
    assert 1 <= len(swap) <= 3
    for i in (0, 9, len(pack["levels"]) - 1):
        for k in (1, 8, 16):
            state = pack["table"][1][i][k]
            swapped = {**pack, "states": [[swap.get(str(pid), pid)
                                           for pid in pack["states"][state]]]}
            assert document(swapped, 0) == kernel_diagram(pack["levels"][i], "repeated", k,
                                                          "patient", animate=True)


def test_the_modes_control_maps_onto_the_level_axis():
    pack = packs.diagram_pack("patient", LABEL)
    named = [pain.level_concs()[lv["key"]] for lv in strings.text("pain_signal", "levels")]
    assert [pack["levels"][i] for i in pack["maps"]["button_level"]] == named
    assert "slider_level" not in pack["maps"]   # hidden for patients; follows the kernel
    trainee = packs.diagram_pack("trainee", LABEL)
    assert [trainee["levels"][i] for i in trainee["maps"]["slider_level"]] == [
        float(c) for c in pain.SLIDER_GRID_NG_ML]
    assert "button_level" not in trainee["maps"]   # a click goes round the kernel, which
    # moves the slider, and the slider moves the picture


@pytest.mark.parametrize("protocol", list(shown_protocols()))
@pytest.mark.parametrize("mode", ["patient", "trainee"])
def test_every_cursor_position_unpacks_to_the_kernels_layer(protocol, mode):
    curve = timeline_fig.session_curve(protocol, 70.0)
    pack = packs.cursor_pack(curve, mode)
    assert pack["positions"] == list(curve.layout.cursor_positions)
    for i, t in enumerate(pack["positions"]):
        expected = timeline_fig.layer_document(timeline_fig.session_cursor(
            curve, t, mode, timeline.cursor_label(curve, t, mode)))
        assert document(pack, pack["table"][i]) == expected


def test_packs_are_small_enough_to_send_once_per_page():
    for mode in ("patient", "trainee"):
        size = len(json.dumps(packs.diagram_pack(mode, LABEL), separators=(",", ":")))
        assert size < 120_000, (mode, size)
    curve = timeline_fig.session_curve("schwartzman-2009", 70.0)
    assert len(json.dumps(packs.cursor_pack(curve, "patient"))) < 40_000


def test_the_inbound_gate_keeps_only_what_a_linked_control_or_play_can_send():
    ov = DiagramOverlay(pack=packs.diagram_pack("patient", LABEL))
    good = {"button_level": 1, "slider_level": 25, "pattern": 0, "impulse": 16,
            "playing": True, "live": True}
    assert allowed_update(ov, good) == good
    bad = {"level": 3, "kernel_level": [1, 2], "button_level": 4, "slider_level": -1,
           "pattern": 2, "impulse": 17, "playing": "yes", "pack": {}, "step_ms": 1,
           "_esm": "alert(1)", "level ": 0, "impulse_": True}
    assert allowed_update(ov, bad) == {}
    cursor = CursorOverlay(pack=packs.cursor_pack(
        timeline_fig.session_curve("schwartzman-2009", 70.0), "patient"))
    assert allowed_update(cursor, {"cursor": 96, "live": True}) == {"cursor": 96, "live": True}
    assert allowed_update(cursor, {"cursor": 97}) == {}
    assert allowed_update(cursor, {"cursor": True}) == {}


def test_a_new_kernel_reads_the_diagrams_frames_from_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("KETAMINE_EXPLAINER_CACHE", str(tmp_path))
    built = packs._from_disk("frames-test", lambda: {"states": [[1]]}, "x")
    assert [p.suffix for p in tmp_path.iterdir()] == [".json"]
    again = packs._from_disk("frames-test", lambda: pytest.fail("read, not built"), "x")
    assert again == built
    packs._from_disk("frames-test", lambda: {"states": []}, "y")   # other inputs: rebuilt,
    assert len(list(tmp_path.iterdir())) == 1                      # the old file goes
    a = packs.diagram_pack("patient", LABEL)
    b = packs.diagram_pack("trainee", LABEL)
    assert a["id"] != b["id"]   # a page tells its packs apart, whoever built them
