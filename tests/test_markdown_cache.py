"""Rendered Markdown kept between processes (`explainer.content.markdown.cache`): a later
process gets the same HTML and text without rendering, a changed text or renderer is rendered
again, and a damaged or unwritable cache never breaks a page."""

from __future__ import annotations

import json
import shutil

import pytest

from explainer import pages
from explainer.content.markdown import cache as markdown_cache
from explainer.content.markdown import render as _markdown
from explainer.paths import CACHE_ENV_VAR

TEXT = "Call **111** if you feel *very* unwell -- \"now\".\n\n- one\n- two"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path))
    markdown_cache.clear()
    yield tmp_path
    markdown_cache.clear()


def _never(text):
    raise AssertionError(f"rendered again: {text!r}")


def test_a_later_process_reads_what_an_earlier_one_rendered(cache):
    html, text = _markdown.to_html(TEXT), _markdown.to_text(TEXT)
    page = pages.markdown_html("## About this guide\n\nWords.")
    assert "<strong>111</strong>" in html and text.startswith("Call 111")
    assert 'id="about-this-guide"' in page
    markdown_cache.save()
    saved = json.loads(markdown_cache.file_path().read_text(encoding="utf-8"))
    assert set(saved) == {"html", "text", "page_html"}
    markdown_cache.clear()  # as a new kernel starts
    assert markdown_cache.cached("html", TEXT, _never) == html
    assert markdown_cache.cached("text", TEXT, _never) == text
    assert _markdown.to_html(TEXT) == html and pages.markdown_html(
        "## About this guide\n\nWords.") == page


def test_a_changed_text_is_rendered_again(cache):
    _markdown.to_html(TEXT)
    markdown_cache.save()
    markdown_cache.clear()
    assert _markdown.to_html(TEXT + " More.") != _markdown.to_html(TEXT)


def test_raw_html_is_still_found_and_plain_text_needs_no_parse(cache):
    assert _markdown.has_raw_html("a <script>x</script> b")
    assert not _markdown.has_raw_html("a < b and c > d")
    assert not _markdown.has_raw_html("no tags here")  # no "<": answered without markdown-it


def test_a_damaged_file_is_ignored_and_replaced(cache):
    markdown_cache.file_path().parent.mkdir(parents=True, exist_ok=True)
    markdown_cache.file_path().write_text("{not json", encoding="utf-8")
    html = _markdown.to_html(TEXT)
    markdown_cache.save()
    assert json.loads(markdown_cache.file_path().read_text(encoding="utf-8"))["html"]
    markdown_cache.clear()
    assert markdown_cache.cached("html", TEXT, _never) == html


def test_an_unwritable_folder_leaves_rendering_to_each_process(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(CACHE_ENV_VAR, str(blocker / "cache"))  # cannot be a folder
    markdown_cache.clear()
    try:
        assert "<em>" in _markdown.to_html("*a*")
        markdown_cache.save()  # does not raise
    finally:
        markdown_cache.clear()


def test_a_change_to_a_renderer_starts_a_new_file(tmp_path, monkeypatch):
    package = tmp_path / "explainer"
    for name in markdown_cache.RENDERERS:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(markdown_cache.PACKAGE_DIR / name, package / name)
    monkeypatch.setattr(markdown_cache, "PACKAGE_DIR", package)
    markdown_cache._file_key.cache_clear()
    try:
        before = markdown_cache.file_path().name
        with open(package / "pages.py", "a", encoding="utf-8") as f:
            f.write("\n# a change\n")
        markdown_cache._file_key.cache_clear()
        assert markdown_cache.file_path().name != before
    finally:
        markdown_cache._file_key.cache_clear()
