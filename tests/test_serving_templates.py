"""The page templates are compiled once per server process (`explainer.serving.templates`):
Voilà makes a new exporter, and a new Jinja environment, for every page request."""

from __future__ import annotations

import jinja2
import pytest

from explainer import paths
from explainer.serving import templates
from explainer.serving.config import ServeOptions, build_config


@pytest.fixture
def compiles(monkeypatch):
    names: list[str | None] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        names.append(name)
        return compile_(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    templates.COMPILED.clear()
    return names


def test_a_second_page_request_compiles_no_template(compiles, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(paths.JUPYTER_DATA_DIR))
    from voila.exporter import VoilaExporter
    from voila.paths import collect_template_paths

    templates.share_compiled_templates()
    templates.share_compiled_templates()  # idempotent
    template_paths = [*collect_template_paths(["voila", "nbconvert"], "kx"),
                      str(paths.stylesheet().parent)]
    config = build_config(ServeOptions())
    for _ in range(3):  # as Voilà does per request: a new exporter each time
        exporter = VoilaExporter(config=config, template_name="kx",
                                 template_paths=template_paths)
        exporter.environment.get_template("index.html.j2")
    assert compiles == ["index.html.j2"]
    assert len(templates.COMPILED) == 1


def test_a_changed_template_is_compiled_again(compiles):
    sources = {"page.j2": "<p>{{ word }}</p>"}

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.DictLoader(sources), autoescape=True,
                                 bytecode_cache=templates.COMPILED)
        return env.get_template("page.j2").render(word="<b>")

    assert render() == "<p>&lt;b&gt;</p>"
    assert render() == "<p>&lt;b&gt;</p>"
    assert compiles == ["page.j2"]
    sources["page.j2"] = "<div>{{ word }}</div>"
    assert render() == "<div>&lt;b&gt;</div>"
    assert compiles == ["page.j2", "page.j2"]


def test_the_server_shares_compiled_templates(monkeypatch):
    from voila.app import Voila

    from explainer.serving import app

    calls = []
    monkeypatch.setattr(app, "share_compiled_templates", lambda: calls.append(True))
    monkeypatch.setattr(Voila, "initialize", lambda self, argv=None: None)
    app.ExplainerVoila().initialize([])
    assert calls == [True]
