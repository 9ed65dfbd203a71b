"""Cheap kernels: a viewer's kernel imports only what its page needs.

With the figures' backgrounds and the rendered Markdown in the cache, building every page's
widgets never imports matplotlib (about 40 MB and a second per kernel) or markdown-it; the
overlay pixel maps, computed from the numbers the axes are placed with, agree with
matplotlib's own transforms. Without a clinic file,
no page imports the clinic schema (pydantic), and no page imports numpy to reach its first
screen (issue 14: a live page's kernel under 65 MB; issue 26: under 60 MB): what the first
screens show of a model run (the diagram's runs, the patient-weight sessions, their cursor
packs) is stored on disk (`explainer.figures.stored`) and equals a fresh model run, and a
control that needs a new run imports numpy then and shows the model's numbers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from explainer.content import strings
from explainer.content.clinic.env import shown_protocols
from explainer.figures import pain_signal as ps_fig
from explainer.figures import session as timeline_fig
from explainer.figures.pain_signal import frame as pain_frame
from explainer.figures.session import curve as session_curve_module
from explainer.figures.stored import stored
from explainer.models import nmda, pk
from explainer.models.session import session_levels
from explainer.paths import notebooks_dir
from explainer.widgets import timeline
from explainer.widgets.browser import packs
from explainer.widgets.pain_signal import state as pain_state

BUILD_EVERY_PAGE = """
import json, sys
from explainer.widgets import pain_signal, timeline, walkthrough
from explainer.figures import course, routes
from explainer import pages
pain_signal.PainSignalWidget(mode="trainee")
w = timeline.TimelineWidget(mode="trainee")
timeline.page_widgets("trainee")[2].section.build()  # the diagram, once a viewer comes near
for view in ("course", "routes", "session"):
    w.state.view = view
walkthrough.Walkthrough(walkthrough.WalkthroughState(step=3))
pages.references_html()
print(json.dumps({"matplotlib": sorted(m for m in sys.modules if m.startswith("matplotlib"))}))
"""


HEAVY = ("pydantic", "matplotlib", "scipy", "jsonschema", "typst", "PIL", "numpy", "anywidget",
         "psygnal", "markdown_it")
"""Packages a viewer's kernel may only import for a feature that needs them."""
IMPORTED = ("\nimport json, sys\nprint(json.dumps({'heavy': sorted({m.split('.')[0] for m in "
            f"sys.modules if sys.modules[m] is not None}} & set({HEAVY!r}))}}))")


def _run(code: str, cache: str) -> dict:
    env = {**os.environ, "KETAMINE_EXPLAINER_CACHE": cache, "MPLBACKEND": "Agg"}
    env.pop("KETAMINE_EXPLAINER_CLINIC", None)  # no clinic configured
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=240, check=True, cwd=notebooks_dir())
    return json.loads(out.stdout.strip().splitlines()[-1])


PAGES = ["start", "about", "walkthrough", "pain-signal", "treatment-timeline"]


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory):
    """A cache filled by building every widget and running every page once (a fresh install's
    first views): the backgrounds, the frames and the rendered Markdown."""
    cache = str(tmp_path_factory.mktemp("kernel-diet") / "backgrounds")
    first = _run(BUILD_EVERY_PAGE, cache)  # a fresh install: draws and caches every background
    assert first["matplotlib"], "a cache miss draws with matplotlib"
    assert len(os.listdir(cache)) >= 5
    for page in PAGES:
        _run(_notebook_code(notebooks_dir() / f"{page}.ipynb") + IMPORTED, cache)
    assert any(name.startswith("markdown-") for name in os.listdir(cache)), "rendered Markdown"
    return cache


def test_a_kernel_with_cached_backgrounds_never_imports_matplotlib(warm_cache):
    second = _run(BUILD_EVERY_PAGE, warm_cache)
    assert second["matplotlib"] == [], second


def _notebook_code(path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


AFTER_THE_PAGE = ("\nimport threading\nfor t in threading.enumerate():\n"
                  "    if isinstance(t, threading.Timer):\n        t.join()\n")
"""What the page starts once it is up runs to its end, as in the kernel: the walkthrough's
prefetch of the widgets its steps 3 and 5 embed (a timer, two seconds after the page)."""


@pytest.mark.parametrize("page", PAGES)
def test_a_page_imports_only_what_it_needs(warm_cache, page):
    """A viewer's kernel runs the page's notebook, and what the page starts afterwards: no
    clinic schema, no matplotlib (the cache is warm), and no numpy (the first screens' model
    runs are stored)."""
    code = _notebook_code(notebooks_dir() / f"{page}.ipynb")
    heavy = set(_run(code + AFTER_THE_PAGE + IMPORTED, warm_cache)["heavy"])
    assert heavy == set(), f"{page} imports {sorted(heavy)}"


TIMELINE_CURSOR = """
import json, sys
from explainer.widgets.timeline import page_widgets
switch, timeline, pain_box, note, links = page_widgets("patient")
pain = pain_box.section.build()
for t in timeline.state.layout.cursor_positions:
    timeline.state.cursor_min = t
print(json.dumps({"numpy": "numpy" in sys.modules,
                  "follows": pain.state.conc_ng_ml == timeline.state.level_ng_ml > 0}))
"""


def test_the_timelines_diagram_follows_the_time_cursor_without_a_model_run(warm_cache):
    """The diagram under the timeline follows the time cursor to levels off its grid: their
    runs are stored with the page's first screen, so moving the cursor imports no numpy."""
    assert _run(TIMELINE_CURSOR, warm_cache) == {"numpy": False, "follows": True}


PAIN_CONTROL = """
import json, sys
from explainer import formatting as fmt
from explainer.figures import pain_signal as fig
from explainer.models import nmda, pk
from explainer.widgets import pain_signal
w = pain_signal.PainSignalWidget(mode="trainee")
before = "numpy" in sys.modules
w.state.conc_ng_ml = 123.0   # off the slider's grid (as a timeline's cursor sets it)
r = nmda.simulate(123.0, "repeated")
drawn = fig.diagram_scene().svg(fig.diagram_overlay(fig.diagram_frame(r, 16, "trainee")),
                                w.view.label)
words = w.view.describer.value
print(json.dumps({"before": before, "after": "numpy" in sys.modules,
                  "picture": w.view.overlay.value == drawn,
                  "words": fmt.percent(r.fraction_blocked) in words
                  and fmt.millivolts(r.membrane_mv[-1]) in words}))
"""
TIMELINE_CONTROL = """
import json, sys
from explainer import formatting as fmt
from explainer.figures.geometry import AxisMap
from explainer.figures.session import CANVASES
from explainer.widgets import timeline
w = timeline.TimelineWidget(mode="trainee")
before = "numpy" in sys.modules
w.weight_input.value = 82.0   # a weight that is not stored: the model runs
from explainer.models.session import session_levels
state = w.state
protocol = state.curve().protocol
levels = session_levels(protocol.doses, 82.0, state.layout.hi_min,
                        intravenous=protocol.route == "intravenous")
level = levels.level_at(state.cursor_min)
y = AxisMap(CANVASES["landscape"].plot, state.layout.lo_min, state.layout.hi_min).y(level)
print(json.dumps({"before": before, "after": "numpy" in sys.modules,
                  "picture": f'cy="{y:.1f}"' in w.cursor_layer.value
                  and state.level_ng_ml == level,
                  "words": fmt.level_text(level) in w.session_view.describer.value}))
"""


@pytest.mark.parametrize("code", [PAIN_CONTROL, TIMELINE_CONTROL], ids=["pain-level", "weight"])
def test_a_control_that_needs_a_model_run_imports_numpy_then(warm_cache, code):
    """After a first screen without numpy, a control that needs a new model run (a level off
    the grid, a trainee's weight) runs it: numpy is imported then, and the picture and the
    words carry the model's numbers."""
    found = _run(code, warm_cache)
    assert found == {"before": False, "after": True, "picture": True, "words": True}


def test_the_clinic_schema_loads_only_with_a_clinic_file(tmp_path):
    code = ("import json, sys\nfrom explainer.content.clinic import env as clinic_env\n"
            "cfg = clinic_env.current()\n"
            "print(json.dumps({'name': cfg and cfg.clinic.name, 'schema': 'pydantic' in "
            "sys.modules, 'protocols': len(clinic_env.shown_protocols())}))")
    without = _run(code, str(tmp_path))
    assert without["name"] is None and not without["schema"] and without["protocols"] > 0
    env = {**os.environ, "KETAMINE_EXPLAINER_CLINIC": str(notebooks_dir().parent / "examples"
                                                          / "clinic.toml")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    with_file = json.loads(out.stdout.strip().splitlines()[-1])
    assert with_file["name"] and with_file["schema"] and with_file["protocols"] > 0


def test_chart_geometry_matches_matplotlib():
    scene, geo = ps_fig.chart_scene()
    ax = scene.fig.axes[0]
    xs, ys = scene.px(ax, [1, 16, 8], [0, 3.5, 1])
    ours = [geo.px(x, y) for x, y in zip([1, 16, 8], [0, 3.5, 1], strict=True)]
    np.testing.assert_allclose(xs, [p[0] for p in ours], atol=0.5)
    np.testing.assert_allclose(ys, [p[1] for p in ours], atol=0.5)


def test_the_viewer_kernel_leaves_out_the_debugger_and_history():
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    from explainer import paths

    ksm = KernelSpecManager(kernel_dirs=[str(paths.JUPYTER_DATA_DIR / "kernels")])
    km = KernelManager(kernel_name="python3", kernel_spec_manager=ksm)
    assert "explainer.serving.kernel" in km.kernel_spec.argv
    km.start_kernel()
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        code = ("import sys; print([m for m in ('debugpy', 'matplotlib') if sys.modules.get(m)],"
                " get_ipython().history_manager.enabled)")
        kc.execute(code)
        out = ""
        while "\n" not in out:
            msg = kc.get_iopub_msg(timeout=30)
            if msg["msg_type"] == "stream":
                out += msg["content"]["text"]
        assert out.strip() == "[] False"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_the_background_key_reads_matplotlibs_version_without_importing_it(tmp_path):
    """The cache key names matplotlib's version, read from the file its package ships: no
    matplotlib, and no scan of every installed package's metadata, in a viewer's kernel."""
    from importlib.metadata import version

    code = ("import json, sys\nfrom explainer.figures.scene import matplotlib_version\n"
            "print(json.dumps([matplotlib_version(), 'matplotlib' in sys.modules, "
            "'importlib.metadata' in sys.modules]))")
    found, imported_matplotlib, scanned_metadata = _run(code, str(tmp_path))
    assert found == version("matplotlib")
    assert not imported_matplotlib and not scanned_metadata


@pytest.mark.parametrize("page", ["study/index", "study/self-check"])
def test_a_study_page_leaves_out_nbformat_and_the_iri_checker(warm_cache, page):
    """A study page reads its own notebook as JSON (nbformat imports jsonschema and its format
    checkers), and its kernel leaves out `rfc3987_syntax` (a grammar built at import, about
    1.4 s): the self-check still validates its questions with jsonschema."""
    leave_out = "from explainer.serving.kernel import leave_out\nleave_out()\n"
    code = _notebook_code(notebooks_dir() / f"{page}.ipynb")
    probe = ("\nimport json, sys\nprint(json.dumps(sorted(m for m in ('nbformat', 'jsonschema', "
             "'rfc3987_syntax', 'lark') if sys.modules.get(m))))")
    loaded = _run(leave_out + code + probe, warm_cache)
    assert loaded == (["jsonschema"] if page == "study/self-check" else []), loaded


def test_no_schema_in_a_viewers_kernel_checks_a_format():
    """jsonschema checks `format` only with a format checker, and the one for "iri" is left out
    of the viewer's kernel (`explainer.serving.kernel.NEVER_IMPORTED`)."""
    from explainer.content import quiz

    assert '"format"' not in json.dumps(quiz._SCHEMA)


def test_jupyters_event_schemas_check_no_format_the_server_leaves_out():
    """The server leaves out `rfc3987_syntax` too (`kernel.leave_out`): the formats Jupyter's
    event schemas check are ones jsonschema checks without it."""
    import importlib.util
    from pathlib import Path

    import yaml

    formats = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                formats.add(node["format"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for package in ("jupyter_events", "jupyter_server"):
        root = Path(importlib.util.find_spec(package).origin).parent
        for path in [*root.rglob("*.yml"), *root.rglob("*.yaml")]:
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert formats and not formats & {"iri", "iri-reference"}, formats
    code = ("from explainer.serving.kernel import leave_out\nleave_out()\nimport json, sys\n"
            "import jsonschema\nfrom jupyter_server.serverapp import ServerApp\n"
            "checker = jsonschema.Draft7Validator.FORMAT_CHECKER\n"
            "print(json.dumps(['rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] "
            "is not None, checker.conforms('not a uri', 'uri'), "
            "checker.conforms('https://example.org/x', 'uri')]))")
    assert _run(code, "") == [False, False, True]


def _forget_in_process():
    """Drop what this process keeps of the stored first screens (the next read is the file's)."""
    pain_state._grid_runs.cache_clear()
    pain_state.simulate.cache_clear()
    pain_state._kept_levels.clear()
    pain_frame.mg_travel.cache_clear()
    timeline_fig.session_curve.cache_clear()
    packs.cursor_pack.cache_clear()


def _first_screens(mode: str):
    """What the first screens read of model runs: the diagram's runs on the slider's grid, the
    plug's travel, every protocol's patient-weight session, the diagram's runs at the levels of
    the first session's cursor positions, and that session's cursor pack."""
    runs = {(c, p): pain_state.simulate(c, p)
            for c in pain_state.SLIDER_GRID_NG_ML for p in pain_state.PATTERNS}
    curves = {pid: timeline_fig.session_curve(pid, timeline.PATIENT_WEIGHT_KG)
              for pid in shown_protocols()}
    first = curves[next(iter(curves))]
    levels = [first.level_at(t) for t in first.layout.cursor_positions]
    pain_state.keep(levels)
    runs.update({(c, p): pain_state.simulate(c, p) for c in levels for p in pain_state.PATTERNS})
    pack = {k: v for k, v in packs.cursor_pack(first, mode).items() if k != "id"}
    return runs, pain_frame.mg_travel(), curves, pack


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KETAMINE_EXPLAINER_CACHE", str(tmp_path))
    _forget_in_process()
    yield tmp_path
    _forget_in_process()
    strings.use(None)


@pytest.mark.parametrize("mode", ["patient", "trainee"])
def test_the_stored_first_screens_equal_a_fresh_model_run(fresh_cache, monkeypatch, mode):
    """Written by one kernel and read by the next (no model run: it would fail here), the
    stored numbers equal the model's, and the stored cursor pack's frames and words equal a
    fresh build's, in every locale."""
    for locale in strings.locales():
        strings.use(locale)
        _first_screens(mode)   # a fresh install's first kernel: runs the models, stores them
    _forget_in_process()
    with monkeypatch.context() as m:
        m.setattr(nmda, "simulate", lambda *a, **k: pytest.fail("a model run, not a read"))
        m.setattr(session_curve_module, "session_levels",
                  lambda *a, **k: pytest.fail("a model run, not a read"))
        stored = {}
        for locale in strings.locales():
            strings.use(locale)
            stored[locale] = _first_screens(mode)
            packs.cursor_pack.cache_clear()
    for locale, (runs, travel, curves, pack) in stored.items():
        strings.use(locale)
        for (conc, pattern), numbers in runs.items():
            assert numbers == pain_state.SynapseNumbers.of(nmda.simulate(conc, pattern))
            assert numbers.response == tuple(nmda.simulate(conc, pattern).response)
        r0 = nmda.simulate(0.0)
        assert travel == (r0.mg_unblocked[0], r0.mg_unblocked.max())
        for pid, curve in curves.items():
            protocol = shown_protocols()[pid]
            model = session_levels(protocol.doses, 70.0, curve.layout.hi_min,
                                   intravenous=protocol.route == "intravenous")
            np.testing.assert_array_equal(curve.conc, model.conc)
            np.testing.assert_array_equal(curve.times_min, model.times_min)
            for name in ("end_min", "dose_times_min", "t_peak_min", "c_peak", "fall_ref_min",
                         "below_floaty_after_min", "below_relief_after_min", "feel_spans"):
                assert getattr(curve, name) == getattr(model, name), (pid, name)
        first = next(iter(curves.values()))
        fresh = packs._cursor_pack(first, mode, "landscape", None)
        assert pack == {k: v for k, v in json.loads(json.dumps(fresh)).items() if k != "id"}, \
            locale


def test_a_corrupt_or_foreign_stored_file_is_built_again(fresh_cache):
    built = []

    def build():
        built.append(1)
        return {"levels": [1.0, 2.0]}

    def load(data):
        if len(data["levels"]) != 2:
            raise ValueError("not two levels")
        return data

    assert stored("test-levels", build, "x", load=load) == {"levels": [1.0, 2.0]}
    assert stored("test-levels", build, "x", load=load) and len(built) == 1   # read
    (path,) = fresh_cache.iterdir()
    for bad in ("{not json", '{"levels": [1.0]}', "[]", '{"other": 1}', ""):
        path.write_text(bad, encoding="utf-8")
        assert stored("test-levels", build, "x", load=load) == {"levels": [1.0, 2.0]}, bad
        assert json.loads(path.read_text(encoding="utf-8")) == {"levels": [1.0, 2.0]}, bad
    assert len(built) == 6
    # a real one: the diagram's runs on another grid are not trusted
    pain_state._grid_runs()
    (grid,) = fresh_cache.glob("synapse-grid-*.json")
    runs = json.loads(grid.read_text(encoding="utf-8"))
    grid.write_text(json.dumps(runs[2:]), encoding="utf-8")
    pain_state._grid_runs.cache_clear()
    assert len(pain_state._grid_runs()) == len(runs)
    assert len(json.loads(grid.read_text(encoding="utf-8"))) == len(runs)


def test_patient_modes_sessions_are_the_ones_kept_on_disk():
    """The timeline's first screen (patient mode's weight, the default model) reads its session
    from disk; a trainee's weight or another model runs the model."""
    assert timeline.PATIENT_WEIGHT_KG in session_curve_module.KEPT_WEIGHTS_KG
    pid = next(iter(shown_protocols()))
    assert timeline_fig.session_curve(pid, timeline.PATIENT_WEIGHT_KG).stored_as
    assert timeline_fig.session_curve(pid, 82.0).stored_as is None
    other = next(m for m in pk.MODELS if m != pk.DEFAULT_MODEL)
    assert timeline_fig.session_curve(pid, timeline.PATIENT_WEIGHT_KG, other).stored_as is None
