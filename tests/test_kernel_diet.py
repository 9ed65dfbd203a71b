"""Cheap kernels: a viewer's kernel imports only what its page needs.

With the figures' backgrounds and the rendered Markdown in the cache, building every page's
widgets never imports matplotlib (about 40 MB and a second per kernel) or markdown-it; the
overlay pixel maps, computed from the numbers the axes are placed with, agree with
matplotlib's own transforms. Without a clinic file,
no page imports the clinic schema (pydantic), and the pages without a model (start, about) do
not import numpy either (issue 14: a live page's kernel under 65 MB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from explainer.figures import pain_signal as ps_fig
from explainer.paths import notebooks_dir

BUILD_EVERY_PAGE = """
import json, sys
from explainer.widgets import pain_signal, timeline, walkthrough
from explainer.figures import course, routes
from explainer import pages
pain_signal.PainSignalWidget(mode="trainee")
w = timeline.TimelineWidget(mode="trainee")
for view in ("course", "routes", "session"):
    w.state.view = view
walkthrough.Walkthrough(walkthrough.WalkthroughState(step=3))
pages.references_html()
print(json.dumps({"matplotlib": sorted(m for m in sys.modules if m.startswith("matplotlib"))}))
"""


HEAVY = ("pydantic", "matplotlib", "scipy", "jsonschema", "typst", "PIL", "numpy", "anywidget",
         "psygnal", "markdown_it")
"""Packages a viewer's kernel may only import for a feature that needs them."""
NEEDS_NUMPY = {"walkthrough", "pain-signal", "treatment-timeline"}
"""Pages that run a model: at first paint, or (the walkthrough) when it prefetches the widgets
its steps 3 and 5 embed, two seconds after the page is up."""
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


@pytest.mark.parametrize("page", PAGES)
def test_a_page_imports_only_what_it_needs(warm_cache, page):
    """A viewer's kernel runs the page's notebook: no clinic schema, no matplotlib (the cache
    is warm), and numpy only where a model draws the first paint."""
    code = _notebook_code(notebooks_dir() / f"{page}.ipynb")
    heavy = set(_run(code + IMPORTED, warm_cache)["heavy"])
    allowed = {"numpy"} if page in NEEDS_NUMPY else set()
    assert heavy <= allowed, f"{page} imports {sorted(heavy - allowed)}"


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
