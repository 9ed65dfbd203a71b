"""The trainee study path: the notebooks read as documents (prose with resolvable citations on
every number, short code that calls the public API, exercises with folded answers, working links),
run headless, and end with their topic's self-check; the models are a documented API."""

from __future__ import annotations

import doctest
import importlib
import inspect
import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from explainer import pages
from explainer.content import ContentError, quiz
from explainer.content.markdown import citations

REPO = Path(__file__).resolve().parents[1]
STUDY = REPO / "notebooks" / "study"
TOPIC_NOTEBOOKS = {"receptor.ipynb": "receptor", "pharmacokinetics.ipynb": "pharmacokinetics",
                   "evidence.ipynb": "evidence", "safety.ipynb": "safety"}
ALL = sorted(STUDY.glob("*.ipynb"))
MODEL_MODULES = ["explainer.models", "explainer.models.pk", "explainer.models.nmda",
                 "explainer.models.bands", "explainer.models.protocol", "explainer.models.session",
                 "explainer.models.route_comparison"]
MODEL_SUBMODULES = ["explainer.models.pk.parameters", "explainer.models.pk.routes",
                    "explainer.models.pk.doses", "explainer.models.pk.solver",
                    "explainer.models.pk.summaries", "explainer.models.nmda.block",
                    "explainer.models.nmda.synapse"]
"""The pk and nmda packages' modules: their examples run too (the API is checked via pk/nmda)."""


def _nb(path: Path):
    return nbformat.read(path, as_version=4)


def _markdown(path: Path) -> list[str]:
    return [c.source for c in _nb(path).cells if c.cell_type == "markdown"]


def _code(path: Path) -> list[str]:
    return [c.source for c in _nb(path).cells if c.cell_type == "code"]


def test_the_study_notebooks_exist():
    names = {p.name for p in ALL}
    assert set(TOPIC_NOTEBOOKS) | {"index.ipynb", "self-check.ipynb"} <= names


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    for cell in _nb(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.notebooks
@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_executes_headless(path):
    nb = _nb(path)
    os.environ.setdefault("MPLBACKEND", "Agg")
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert errors == [], errors
    figures = sum("kx-study-figure" in str(o.get("data", {}).get("text/html", ""))
                  for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    if path.name in TOPIC_NOTEBOOKS:
        assert figures >= 1, f"{path.name} draws no figure"


# --- documents, not scripts ---------------------------------------------------------------------

MAX_LINES_PER_CELL = 12
"""Non-blank lines in one code cell."""
DRAWS = re.compile(r"\b(ax\.|plt\.|study\.figure|study\.axes)")
PUBLIC_API = re.compile(r"\b(pk|nmda|bands)\.[a-z_]+")
REIMPLEMENTS = re.compile(r"\b(np\.exp|math\.exp|np\.log|expm1|odeint|solve_ivp|scipy|def |"
                          r"class |lambda|linalg)")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_mostly_prose_and_short_code(path):
    code, prose = _code(path), _markdown(path)
    for source in code:
        lines = [ln for ln in source.splitlines() if ln.strip()]
        assert len(lines) <= MAX_LINES_PER_CELL, f"{path.name}: long cell\n{source}"
    words = sum(len(s.split()) for s in prose)
    code_words = sum(len(s.split()) for s in code)
    assert words >= 2 * code_words, f"{path.name}: {words} words of prose, {code_words} of code"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_drawing_cells_call_the_public_api(path):
    for source in _code(path):
        assert not REIMPLEMENTS.search(source), f"{path.name} computes a model itself:\n{source}"
        if DRAWS.search(source) and "ax.plot" in source:
            assert PUBLIC_API.search(source), f"{path.name} draws without the models:\n{source}"


def test_widgets_are_embedded_where_they_teach():
    assert "PainSignalWidget(mode=\"trainee\")" in "\n".join(_code(STUDY / "receptor.ipynb"))
    assert "TimelineWidget(mode=\"trainee\")" in "\n".join(_code(STUDY / "pharmacokinetics.ipynb"))


# --- citations ----------------------------------------------------------------------------------

_STRIP = [re.compile(p, re.S) for p in (r"```.*?```", r"`[^`]*`", r"\]\([^)]*\)", r"<[^>]+>")]
_EXEMPT_LINE = re.compile(r"^\s*(#|\d+\.\s|\[Study path\b)")  # headings, lists, the breadcrumb


def _uncited_numbers(text: str) -> list[str]:
    """Blocks (paragraphs, list items, table rows) that hold a digit but no citation."""
    problems = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-|])", text):
        if not re.search(r"[0-9]", block):
            continue
        cited = bool(citations.CITATION.search(block))
        cleaned = citations.CITATION.sub("", block)
        for pattern in _STRIP:
            cleaned = pattern.sub(" ", cleaned)
        lines = [ln for ln in cleaned.splitlines() if not _EXEMPT_LINE.match(ln)]
        if re.search(r"[0-9]", "\n".join(lines)) and not cited:
            problems.append(block.strip())
    return problems


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_key_resolves_and_every_number_cites_one(path):
    prose = _markdown(path)
    numbers = citations.numbering(prose)  # raises on an unknown key
    if path.name in TOPIC_NOTEBOOKS:
        assert len(numbers) >= 5, f"{path.name} cites only {sorted(numbers)}"
    uncited = [b for source in prose for b in _uncited_numbers(source)]
    assert uncited == [], f"{path.name}: numbers without a citation: {uncited}"


def test_uncited_number_rule_catches_a_bare_number():
    assert _uncited_numbers("Pain fell by 1.8 points.") == ["Pain fell by 1.8 points."]
    assert _uncited_numbers("Pain fell by 1.8 points [@orhurhu2019].") == []
    assert _uncited_numbers("| a | 2.68 |\n| b | 5 [@sigtermans2009] |") == ["| a | 2.68 |"]
    assert _uncited_numbers("Call `pk.simulate(70)` now.") == []


def test_citations_render_as_numbered_links_to_the_list():
    numbers = citations.numbering(["A [@ebert1997; @jahr1990].", "B [@ebert1997]."])
    assert numbers == {"ebert1997": 1, "jahr1990": 2}
    html = citations.cite("Block [@jahr1990; @ebert1997].", numbers)
    assert '<a class="kx-cite" href="#ref-jahr1990"' in html and ">2</a>, <a" in html
    assert "[@" not in html
    listing = citations.reference_list_html(numbers)
    assert '<li id="ref-ebert1997" value="1">' in listing and "@jahr1990" in listing
    with pytest.raises(ContentError, match="nobody2099"):
        citations.numbering(["Made up [@nobody2099]."])
    filtered = citations.cite_markdown.__wrapped__ if hasattr(citations.cite_markdown,
                                                                "__wrapped__") else None
    nb = {"cells": [{"cell_type": "markdown", "source": "X [@jahr1990]."},
                    {"cell_type": "markdown", "source": "Y [@ebert1997]."}]}
    out = (filtered or citations.cite_markdown)({"nb": nb}, "Y [@ebert1997].")
    assert 'href="#ref-ebert1997"' in out and ">2</a>" in out


def test_stored_citations_are_numbered_links_in_step_with_the_keys():
    """What JupyterLab shows: each notebook stores its citations as numbered markdown links, in
    order of first use, exactly as `ketamine-explainer sync-citations` writes them."""
    from markdown_it import MarkdownIt

    from explainer import study

    assert study.sync_citations(write=False) == [], "run: ketamine-explainer sync-citations"
    cited = 0
    for path in ALL:
        prose = _markdown(path)
        assert not any(citations.WRITTEN.search(text) for text in prose), path.name
        numbers = citations.numbering(prose)
        seen: list[str] = []
        for text in prose:
            for match in citations.LINKED.finditer(text):
                for n, key in re.findall(r"\[(\d+)\]\(#ref-([\w-]+)\)", match.group(0)):
                    assert numbers[key] == int(n), (path.name, key, n)
                    seen += [key] if key not in seen else []
            html = MarkdownIt("commonmark").enable("table").render(text)  # a plain renderer
            assert "[@" not in html and "](#ref-" not in html, (path.name, text[:80])
            cited += html.count('href="#ref-')
        assert seen == list(numbers), f"{path.name}: numbers not in order of first use"
    assert cited > 50


def test_sync_writes_numbered_links_and_keeps_them(tmp_path, monkeypatch):
    from explainer import study

    folder = tmp_path / "study"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("A [@jahr1990; @ebert1997]."),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("B [[7](#ref-ebert1997)] and [@zanos2018]."),
    ])
    nbformat.write(nb, folder / "x.ipynb")
    monkeypatch.setattr(study, "notebooks_dir", lambda: tmp_path)
    assert study.sync_citations(write=False) == [folder / "x.ipynb"]
    assert study.sync_citations() == [folder / "x.ipynb"]
    stored = [c.source for c in nbformat.read(folder / "x.ipynb", as_version=4).cells]
    assert stored[0] == "A [[1](#ref-jahr1990), [2](#ref-ebert1997)]."
    assert stored[2] == "B [[2](#ref-ebert1997)] and [[3](#ref-zanos2018)]."
    assert stored[1] == "x = 1" and study.sync_citations() == []


def test_the_page_template_links_citations():
    template = (REPO / "explainer/serving/jupyter/voila/templates/kx/index.html.j2").read_text()
    assert "cell.source | cite_markdown | markdown2html" in template
    from explainer.serving.config import ServeOptions, build_config

    filters = build_config(ServeOptions()).VoilaExporter.filters
    assert filters["cite_markdown"] == "explainer.content.markdown.citations.cite_markdown"


# --- exercises, evidence, links, self-check -----------------------------------------------------


@pytest.mark.parametrize("name", TOPIC_NOTEBOOKS)
def test_exercises_predict_first_and_fold_the_answer(name):
    cells = _nb(STUDY / name).cells
    exercises = [i for i, c in enumerate(cells)
                 if c.cell_type == "markdown" and c.source.startswith("**Exercise.**")]
    assert len(exercises) >= 2, name
    for i in exercises:
        after = cells[i + 1]
        assert after.cell_type == "markdown", name
        assert re.match(r'<details class="kx-reveal">\n<summary>[^<]+</summary>\n\n', after.source)
        assert after.source.rstrip().endswith("</details>")
        assert "<details" not in cells[i].source  # the prompt itself gives nothing away


def test_evidence_is_stated_with_its_limits():
    text = " ".join(_markdown(STUDY / "evidence.ipynb"))
    flat = re.sub(r"\s+", " ", text)
    assert re.search(r"week 12[^.|]*no longer significant \(P = 0\.07\)", flat)
    assert "no improvement in function" in flat
    assert "all 7 randomised trials" in flat and "CRPS included" in flat
    assert "6 of 16" in flat and "n = 16" in flat
    assert "do **not** start ketamine for chronic primary pain" in flat
    assert "includes CRPS and fibromyalgia" in flat
    assert "off-label" in flat
    assert "moderate evidence for CRPS" in flat and "P = 0.07" in flat


def test_safety_says_the_hard_things_plainly():
    flat = re.sub(r"\s+", " ", " ".join(_markdown(STUDY / "safety.ipynb")))
    for phrase in ("76 of every 100", "3 of 6", "at least 24 hours", "not a risk only for people",
                   "psychosis now or in the past", "180/100 mmHg", "seeing or hearing things"):
        assert phrase in flat, phrase


_LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)\)")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_links_between_study_notebooks_are_relative_and_exist(path):
    for source in _markdown(path):
        for target in _LINK.findall(source):
            assert not target.startswith(("/", "http")), target  # works in JupyterLab and Voilà
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"


@pytest.mark.parametrize("name, topic", TOPIC_NOTEBOOKS.items())
def test_each_notebook_ends_with_its_topics_self_check_and_references(name, topic):
    code = _code(STUDY / name)
    assert f'study.self_check("{topic}")' in code[-2]
    assert f'study.references("{name}")' in code[-1] and "study.footer()" in code[-1]
    assert quiz.questions(topic)


def test_whole_quiz_page_and_start_page_links():
    assert "study.self_check()" in "\n".join(_code(STUDY / "self-check.ipynb"))
    page = next(p for p in pages.pages() if p.id == "study")
    assert page.notebook == "study/index.ipynb"
    assert 'href="/voila/render/study/index.ipynb"' in pages.page_links_html()


def test_page_links_from_a_study_page_point_at_the_site_root(monkeypatch):
    monkeypatch.setenv("SCRIPT_NAME", "/voila/render/study/receptor.ipynb")
    assert pages.page_url("start.ipynb") == "/voila/render/start.ipynb"
    assert pages.page_url("study/index.ipynb") == "/voila/render/study/index.ipynb"
    monkeypatch.setenv("SCRIPT_NAME", "/clinic/voila/render/start.ipynb")
    assert pages.page_url("study/safety.ipynb") == "/clinic/voila/render/study/safety.ipynb"


# --- the models as a documented API -------------------------------------------------------------

UNIT_WORDS = ("mg", "kg", "min", "ng/mL", "mV", "mM", "µM", "hour", "fraction", "0 to 1",
              "relative", "impulses", "per unit", "L", "(0, 1]")


def _public(module):
    names = getattr(module, "__all__", None) or [
        n for n, o in vars(module).items()
        if not n.startswith("_") and getattr(o, "__module__", None) == module.__name__]
    for name in names:
        obj = getattr(module, name)
        if inspect.isfunction(obj) or (inspect.isclass(obj) and obj.__module__ == module.__name__):
            yield name, obj


def _param_doc(doc: str, param: str) -> str:
    match = re.search(rf"^{re.escape(param)}(?:, [\w, ]+)? : [^\n]*\n((?:    [^\n]*\n?)+)",
                      doc, re.M)
    if not match:
        match = re.search(rf"^[\w, ]*\b{re.escape(param)}\b[\w, ]* : [^\n]*\n((?:    [^\n]*\n?)+)",
                          doc, re.M)
    return match.group(0) if match else ""


@pytest.mark.parametrize("module_name", MODEL_MODULES[1:])
def test_every_public_function_documents_units_and_an_example(module_name):
    module = importlib.import_module(module_name)
    checked = 0
    for name, obj in _public(module):
        doc = inspect.getdoc(obj) or ""
        assert ">>> " in doc, f"{module_name}.{name} has no example"
        target = obj if inspect.isfunction(obj) else obj.__init__
        if inspect.isclass(obj) and name in {"Route", "PKModel", "Summary", "SynapseResult",
                                             "SessionLevels", "RouteCurve"}:
            continue  # records documented field by field in their class text
        params = [p for p in inspect.signature(target).parameters if p != "self"]
        for param in params:
            described = _param_doc(doc, param)
            assert described, f"{module_name}.{name}: parameter {param!r} is not described"
            annotation = inspect.signature(target).parameters[param].annotation
            if any(t in str(annotation) for t in ("float", "int", "ArrayLike", "Sequence")):
                assert any(u in described for u in UNIT_WORDS), \
                    f"{module_name}.{name}: no unit for {param!r}: {described!r}"
        checked += 1
    assert checked >= (2 if module_name in MODEL_MODULES[1:4] else 1)


@pytest.mark.parametrize("module_name", MODEL_MODULES + MODEL_SUBMODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0, result


def test_make_docs_builds_the_api_reference_without_warnings():
    out = REPO / "docs" / "api"
    # The install step first, on its own: pip's build tools may warn about an editable install
    # (setuptools' own notice); this test is about the API reference's build.
    subprocess.run(["make", "-s", ".venv/.docs-installed"], cwd=REPO, capture_output=True,
                   timeout=600, check=True)
    done = subprocess.run(["make", "-s", "docs"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stderr, done.stderr
    pk_page = (out / "explainer" / "models" / "pk.html").read_text(encoding="utf-8")
    for name in ("simulate", "Infusion", "Absorbed", "time_above", "ng/mL", "Examples"):
        assert name in pk_page, name
    assert (out / "explainer" / "models" / "nmda.html").exists()
    ignored = subprocess.run(["git", "check-ignore", "-q", "docs/api/index.html"], cwd=REPO)
    assert ignored.returncode == 0, "docs/api/ must be git-ignored"


@pytest.mark.parametrize("path", [p for p in ALL if p.name != "index.ipynb"], ids=lambda p: p.name)
def test_the_breadcrumb_names_each_place_once(path):
    crumb = next(t for t in _markdown(path) if "](index.ipynb)" in t.splitlines()[0])
    line = crumb.splitlines()[0]
    places = [a or b for a, b in re.findall(r"\[([^]]+)\]\(|\*\*([^*]+)\*\*", line)]
    assert places[0] == "Study path" and len(places) == len(set(places)) == 6, places
    assert re.sub(r"\[([^]]+)\]\([^)]*\)|\*\*([^*]+)\*\*", "", line).strip(" ·") == "", line
