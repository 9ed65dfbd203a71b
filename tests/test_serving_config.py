"""The serving configuration: safe defaults, and the console command's options."""

from __future__ import annotations

import pytest

from explainer.serving import cli
from explainer.serving.config import ServeOptions, build_config


def test_defaults_are_the_safe_ones():
    c = build_config(ServeOptions())
    vc = c.VoilaConfiguration
    assert c.Voila.ip == "127.0.0.1" and c.Voila.port == 8866
    assert vc.strip_sources is True and vc.show_tracebacks is False
    assert vc.allow_template_override == "NO" and vc.allow_theme_override == "NO"
    assert vc.template == "kx"
    assert c.MappingKernelManager.cull_idle_timeout <= 600
    assert c.MappingKernelManager.cull_interval >= 1
    assert c.Voila.tornado_settings["serve_traceback"] is False
    assert "default-src 'self'" in c.Voila.tornado_settings["headers"]["Content-Security-Policy"]


def test_the_policy_names_no_other_host_and_allows_blob_scripts_only_for_anywidget():
    from explainer.serving.edges import CONTENT_SECURITY_POLICY

    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    sources = {s for value in directives.values() for s in value.split()}
    assert sources <= {"'self'", "'unsafe-inline'", "'unsafe-eval'", "data:", "blob:"}, sources
    # issue 15: anywidget imports the overlays' module through a blob: URL (docs/serving.md)
    assert "blob:" in directives["script-src"].split()
    assert directives["connect-src"] == "'self'" and directives["default-src"] == "'self'"


@pytest.mark.parametrize("path", ["start.ipynb", "../pyproject.toml", "x.py", "a/.git/config",
                                  "conf.json", "notes.md"])
def test_file_rules_refuse_sources_and_config(path):
    import re

    from explainer.serving.config import FILE_ALLOWLIST, FILE_DENYLIST

    allowed = any(re.fullmatch(p, path) for p in FILE_ALLOWLIST)
    denied = any(re.fullmatch(p, path) for p in FILE_DENYLIST)
    assert not allowed or denied


def test_images_are_served():
    import re

    from explainer.serving.config import FILE_ALLOWLIST

    assert any(re.fullmatch(p, "images/receptor.png") for p in FILE_ALLOWLIST)


def test_cli_defaults_bind_localhost():
    opts = cli.options_from_args(["serve"])
    assert opts.host == "127.0.0.1" and opts.port == 8866 and not opts.open_browser


def test_cli_options():
    opts = cli.options_from_args(["serve", "--port", "9000", "--host", "0.0.0.0", "--open",
                                  "--cull-idle", "120", "--preheat", "2"])
    assert (opts.port, opts.host, opts.open_browser) == (9000, "0.0.0.0", True)
    assert opts.cull_idle_seconds == 120 and opts.preheat == 2
    c = build_config(opts)
    assert c.VoilaConfiguration.preheat_kernel is True
    assert c.VoilaConfiguration.default_pool_size == 2


def test_a_page_may_have_its_own_pool():
    opts = cli.options_from_args(["serve", "--preheat-page", "start.ipynb=20",
                                  "--preheat-page", "study/index.ipynb=3"])
    assert opts.preheat == 0
    assert opts.preheat_pages == (("start.ipynb", 20), ("study/index.ipynb", 3))
    c = build_config(opts)
    assert c.VoilaConfiguration.preheat_kernel is True
    assert c.VoilaKernelManager.kernel_pools_config == {
        "default": {"pool_size": 0}, "start.ipynb": {"pool_size": 20},
        "study/index.ipynb": {"pool_size": 3}}
    assert build_config(cli.options_from_args(["serve"])).VoilaConfiguration.preheat_kernel is False
    assert c.VoilaKernelManager.fill_delay == 1.0  # Voilà's own default, unless asked


def test_a_pool_may_wait_before_refilling():
    opts = cli.options_from_args(["serve", "--preheat-page", "start.ipynb=20",
                                  "--pool-refill-delay", "30"])
    assert opts.pool_refill_seconds == 30.0
    assert build_config(opts).VoilaKernelManager.fill_delay == 30.0
    assert "fill_delay" not in build_config(cli.options_from_args(["serve"])).VoilaKernelManager


@pytest.mark.parametrize("argv", [["serve", "--port", "0"], ["serve", "--port", "x"],
                                  ["serve", "--cull-idle", "0"], ["serve", "--preheat", "-1"],
                                  ["serve", "--preheat", "201"],
                                  ["serve", "--preheat-page", "start.ipynb"],
                                  ["serve", "--preheat-page", "start.ipynb=-2"],
                                  ["serve", "--preheat-page", "start.ipynb=500"],
                                  ["serve", "--preheat-page", "../x.ipynb=2"],
                                  ["serve", "--preheat-page", "start.py=2"],
                                  ["serve", "--pool-refill-delay", "-1"],
                                  ["serve", "--pool-refill-delay", "nan"],
                                  ["serve", "--pool-refill-delay", "601"]])
def test_cli_rejects_bad_options(argv, capsys):
    with pytest.raises(SystemExit):
        cli.options_from_args(argv)


def test_binding_elsewhere_warns(monkeypatch, capsys):
    launched = {}

    class FakeApp:
        @classmethod
        def launch_instance(cls, argv, config):
            launched["argv"], launched["config"] = argv, config

    import explainer.serving.app as app

    monkeypatch.setattr(app, "ExplainerVoila", FakeApp)
    cli.main(["serve", "--host", "0.0.0.0"])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "WARNING" in err and "0.0.0.0" in err
    assert launched["config"].Voila.ip == "0.0.0.0"
    cli.main(["serve"])
    assert "WARNING" not in capsys.readouterr().err


def test_kernels_use_unix_sockets_unless_the_temporary_folder_is_too_long():
    from explainer.serving.config import kernel_transport

    assert kernel_transport("/tmp") == "ipc"
    assert kernel_transport("/tmp/" + "x" * 80) == "tcp"  # socket paths over 107 characters


def test_kernels_are_forked_unless_told_to_spawn():
    """Forking is the default (explainer.serving.forkserver); `--spawn-kernels` starts each
    kernel as a new process. The kernelspec names the provisioner that reads the choice."""
    import json

    from explainer import paths

    assert build_config(cli.options_from_args(["serve"])).ForkedProvisioner.fork is True
    spawn = cli.options_from_args(["serve", "--spawn-kernels"])
    assert build_config(spawn).ForkedProvisioner.fork is False
    spec = json.loads((paths.JUPYTER_DATA_DIR / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["metadata"]["kernel_provisioner"] == {"provisioner_name": "kx-forked"}
    from importlib.metadata import entry_points

    (point,) = entry_points(group="jupyter_client.kernel_provisioners", name="kx-forked")
    assert point.value == "explainer.serving.provisioner:ForkedProvisioner"
