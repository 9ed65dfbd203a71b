"""Cheap kernels: a viewer's kernel imports only what its page needs.

With the figures' backgrounds in the cache, building every page's widgets never imports
matplotlib (about 40 MB and a second per kernel); the overlay pixel maps, computed from the
numbers the axes are placed with, agree with matplotlib's own transforms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from explainer.figures import pain_signal as ps_fig

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


def _run(code: str, cache: str) -> dict:
    env = {**os.environ, "KETAMINE_EXPLAINER_CACHE": cache, "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=240, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_kernel_with_cached_backgrounds_never_imports_matplotlib(tmp_path):
    cache = str(tmp_path / "backgrounds")
    first = _run(BUILD_EVERY_PAGE, cache)  # a fresh install: draws and caches every background
    assert first["matplotlib"], "a cache miss draws with matplotlib"
    assert len(os.listdir(cache)) >= 5
    second = _run(BUILD_EVERY_PAGE, cache)
    assert second["matplotlib"] == [], second


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
