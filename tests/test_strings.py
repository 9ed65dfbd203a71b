"""The one strings loader (explainer.content.strings) and the strict YAML reader."""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from explainer import paths
from explainer.content import ContentError, strings
from explainer.content._assets import DuplicateKeyError, parse_yaml, read_yaml
from explainer.content.markdown import render as _markdown

REPO = Path(__file__).resolve().parents[1]
ASSETS = REPO / "assets"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A throw-away assets folder holding a copy of the string tables; the loader reads it."""
    root = tmp_path / "assets"
    (root / "en-GB" / "content").mkdir(parents=True)
    shutil.copy(ASSETS / "references.yaml", root / "references.yaml")
    shutil.copy(ASSETS / "en-GB" / "content" / "aftercare.yaml",
                root / "en-GB" / "content" / "aftercare.yaml")
    shutil.copytree(ASSETS / "en-GB" / "strings", root / "en-GB" / "strings")
    monkeypatch.setenv(paths.ASSETS_ENV_VAR, str(root))
    strings.clear_cache()
    yield root
    monkeypatch.delenv(paths.ASSETS_ENV_VAR)
    strings.clear_cache()


def _edit(root: Path, name: str, change) -> None:
    path = root / "en-GB" / "strings" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_every_table_loads_and_is_checked():
    assert set(strings.validate()) == set(strings.TABLES)
    assert paths.strings_dir() == paths.assets_dir() / "en-GB" / "strings"
    for name in strings.TABLES:
        assert (paths.strings_dir() / f"{name}.yaml").is_file(), name


def test_tables_are_parsed_once_and_frozen():
    ui = strings.table("ui")
    assert strings.table("ui") is ui
    with pytest.raises(TypeError):
        ui["app_title"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        ui["buttons"]["next"] = "changed"  # type: ignore[index]
    assert isinstance(ui["step_titles"], tuple)
    assert isinstance(strings.table("site")["pages"][0]["id"], str)
    with pytest.raises(TypeError):
        strings.table("site")["pages"][0]["id"] = "x"  # type: ignore[index]


def test_text_looks_up_dotted_keys():
    assert strings.text("ui", "buttons.next") == "Next"
    with pytest.raises(KeyError, match="buttons.nope"):
        strings.text("ui", "buttons.nope")
    with pytest.raises(KeyError, match="no string table"):
        strings.table("nope")


def test_text_fills_placeholders_and_refuses_a_group():
    assert strings.text("ui", "step_counter", current=3, total=9) == "Step 3 of 9"
    with pytest.raises(TypeError, match="not a string"):
        strings.text("ui", "buttons", next="x")


def test_the_other_readers_return_the_accessors_tables():
    from explainer import pages
    from explainer.figures import pain_signal, session

    assert pages.site() is strings.table("site")
    assert session.strings() is strings.table("timeline")
    assert pain_signal.strings() is strings.table("pain_signal")
    assert strings.path("timeline") == paths.strings_dir() / "timeline.yaml"


FAMILY_TABLES = {"explainer.figures.session": "timeline",
                 "explainer.figures.session.words": "timeline",
                 "explainer.widgets.timeline": "timeline",
                 "explainer.figures.pain_signal": "pain_signal",
                 "explainer.figures.pain_signal.geometry": "pain_signal"}
"""The figure families' ``strings()`` (their table named once) and the table each returns."""


def _literal_keys(source: str, module: str):
    """Every literal string key the code reads: ``strings.text("ui", "buttons.next")``,
    ``strings.table("timeline")["session"]["lanes"]``, a family's ``strings()["figure"]``;
    yields (line, table, dotted key). Keys built at run time (f-strings, variables) are not
    literal and are left to the tables' own checks."""
    tree = ast.parse(source)
    accessor, family = set(), {}  # names bound to the accessor module; to a family's strings
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if full == "explainer.content.strings":
                    accessor.add(a.asname or a.name)
                elif a.name == "strings" and node.module in FAMILY_TABLES:
                    family[a.asname or a.name] = FAMILY_TABLES[node.module]
                elif full in FAMILY_TABLES:
                    family[f"{a.asname or a.name}.strings"] = FAMILY_TABLES[full]
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "explainer.content.strings" and a.asname:
                    accessor.add(a.asname)
    if module in FAMILY_TABLES:
        family["strings"] = FAMILY_TABLES[module]
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def constant(node):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        return node.value if is_text else None

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        table, parts = None, []
        if (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                and node.func.value.id in accessor and node.func.attr in ("table", "text")):
            table = constant(node.args[0]) if node.args else None
            if table is None:
                continue
            if node.func.attr == "text" and len(node.args) > 1:
                key = constant(node.args[1])
                if key is None:
                    continue
                parts = key.split(".")
        elif name in family and not node.args:
            table = family[name]
        else:
            continue
        up = node
        while (isinstance(parents.get(up), ast.Subscript) and parents[up].value is up
               and constant(parents[up].slice) is not None):
            up = parents[up]
            parts.append(constant(up.slice))
        yield node.lineno, table, ".".join(parts)


def _missing_keys(pairs) -> list[str]:
    missing = []
    for where, table, key in pairs:
        if table not in strings.TABLES:
            missing.append(f"{where}: no table {table!r}")
            continue
        node = strings.table(table)
        for part in key.split(".") if key else ():
            if not isinstance(node, Mapping):
                break  # a list or a string: its items are indexed at run time
            if part not in node:
                missing.append(f"{where}: no key {key!r} in the {table} table")
                break
            node = node[part]
    return missing


def test_every_literal_key_in_the_code_is_in_the_en_gb_tables():
    """The validated accessor (PhET generates a typed one from its strings file): every
    literal ``strings.text(table, "dotted.key")``, ``strings.table(name)[...]`` and figure
    family ``strings()[...]`` in ``explainer/`` names a key the en-GB tables hold, so a
    mistyped key fails here rather than on a page."""
    pairs = []
    for path in sorted((REPO / "explainer").rglob("*.py")):
        module = path.relative_to(REPO).with_suffix("").as_posix().replace("/", ".")
        module = module.removesuffix(".__init__")
        pairs += [(f"{path.relative_to(REPO)}:{line}", table, key)
                  for line, table, key in _literal_keys(path.read_text(encoding="utf-8"), module)]
    assert len(pairs) > 150, "the key finder found too few reads: is it still matching calls?"
    assert {table for _, table, _ in pairs} == set(strings.TABLES)
    assert not _missing_keys(pairs), "\n".join(_missing_keys(pairs))


def test_a_mistyped_key_is_caught():
    source = ("from explainer.content import strings\n"
              "from explainer.figures import session as fig\n"
              "a = strings.text('ui', 'buttons.nxet')\n"
              "b = strings.table('clinic')['plan']['nope']\n"
              "c = fig.strings()['sesion']\n"
              "d = strings.text('uii', 'buttons.next')\n"
              "e = strings.text('ui', 'buttons.next')\n")
    found = _missing_keys(sorted(_literal_keys(source, "x")))
    assert found == ["3: no key 'buttons.nxet' in the ui table",
                     "4: no key 'plan.nope' in the clinic table",
                     "5: no key 'sesion' in the timeline table", "6: no table 'uii'"]


REFUSED = [
    ("timeline", lambda d: d.pop("education_note"), "education_note: is required but missing"),
    ("pain_signal", lambda d: d["chart"].pop("y_label"), "chart.y_label: is required but missing"),
    ("timeline", lambda d: d["controls"].update(protocol="Treatment for 45 minutes"),
     "controls.protocol: contains a number but cites no"),
    ("timeline", lambda d: d["model_note"].update(refs=["made-up2024"]), "unknown reference key"),
    ("ui", lambda d: d["buttons"].update(next="Next 2"), "must not contain numbers"),
    ("ui", lambda d: d["step_titles"].pop(), "step_titles: must list 9"),
    ("site", lambda d: d.update(brand="<b>Ketamine</b>"), "raw HTML"),
]


@pytest.mark.parametrize(("name", "change", "message"), REFUSED,
                         ids=[f"{n}-{m.split(':')[0]}" for n, _, m in REFUSED])
def test_a_broken_table_is_refused_at_load_and_by_validate(tree, name, change, message):
    _edit(tree, name, change)
    with pytest.raises(ContentError, match=message):
        strings.table(name)
    with pytest.raises(ContentError, match=message):
        strings.validate()


def test_a_number_beside_refs_is_accepted(tree):
    _edit(tree, "timeline", lambda d: d["controls"].update(
        protocol="Treatment for 45 minutes", refs=["domino1982"]))
    assert "45" in strings.table("timeline")["controls"]["protocol"]


def test_a_second_locale_is_an_overlay_of_what_differs_chosen_in_one_place(tree):
    shutil.copy(ASSETS / "locales.yaml", tree / "locales.yaml")
    (tree / "en-US" / "strings").mkdir(parents=True)
    (tree / "en-US" / "strings" / "ui.yaml").write_text('buttons:\n  next: "Onward"\n',
                                                        encoding="utf-8")
    strings.clear_cache()
    assert strings.table("ui", "en-US")["buttons"]["next"] == "Onward"
    assert strings.table("ui", "en-US")["buttons"]["back"] == strings.text("ui", "buttons.back")
    try:
        assert strings.use("en-US") == "en-US"
        assert strings.text("ui", "buttons.next") == "Onward"
        assert strings.path("ui") == tree / "en-US" / "strings" / "ui.yaml"
        assert strings.path("site") == tree / "en-GB" / "strings" / "site.yaml"  # fell back
    finally:
        strings.use(None)
    assert strings.text("ui", "buttons.next") == "Next"


def test_model_note_is_read_from_assets_and_matches_the_docs():
    """The page's model notes come from assets/ (an installed package has no docs/ folder);
    they are the sections of docs/model-nmda.md the pain-signal table names."""
    doc = (REPO / "docs" / "model-nmda.md").read_text(encoding="utf-8")
    wanted = strings.table("pain_signal")["note"]["model_sections"]
    kept = _markdown.sections(doc, wanted)
    assert strings.model_note().strip() == kept.strip()


# --- Duplicate keys: every YAML file the project loads ------------------------------------------

YAML_FILES = sorted({p.resolve() for p in ASSETS.rglob("*.yaml")})


def test_the_strict_reader_refuses_a_repeated_key():
    with pytest.raises(DuplicateKeyError, match="duplicate key 'a' at line 3"):
        parse_yaml("a: 1\nb: 2\na: 3\n")
    with pytest.raises(DuplicateKeyError, match="duplicate key 'x'"):
        parse_yaml("outer:\n  - x: 1\n    x: 2\n")


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ASSETS)))
def test_every_yaml_file_has_no_repeated_key_and_a_repeat_is_refused(path, tmp_path):
    read_yaml(path)  # the file as it stands reads cleanly
    text = path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if re.match(r"^[A-Za-z_][\w-]*:", line))
    broken = tmp_path / path.name
    key = first.split(":", 1)[0]
    broken.write_text(f"{text.rstrip()}\n{key}: repeated\n", encoding="utf-8")
    with pytest.raises(ContentError, match=f"duplicate key '{key}'"):
        read_yaml(broken)


def test_every_yaml_reader_uses_the_strict_loader():
    loose = []
    for path in sorted((REPO / "explainer").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        text = path.read_text(encoding="utf-8")
        if re.search(r"yaml\.(safe_load|load|full_load|unsafe_load)\(", text):
            if rel != "explainer/content/_assets.py":
                loose.append(rel)
    assert not loose, f"read YAML with explainer.content._assets.read_yaml: {loose}"


def test_serve_checks_every_table_before_it_listens(tree, capsys):
    from explainer.serving import cli

    assert cli.check_strings() == 0
    _edit(tree, "site", lambda d: d.pop("brand"))
    strings.clear_cache()
    assert cli.check_strings() == 2
    err = capsys.readouterr().err
    assert "brand: is required but missing" in err and "Traceback" not in err


def test_the_connection_banner_takes_its_words_from_the_site_table():
    import json

    from explainer import pages
    from explainer.serving.config import ServeOptions, build_config

    words = json.loads(pages.words_json("connection"))
    assert words == dict(strings.table("site")["connection"])
    assert "<" not in pages.words_json("connection")
    assert build_config(ServeOptions()).VoilaExporter.filters["site_words_json"] == \
        "explainer.pages.words_json"
    kx = REPO / "explainer" / "serving" / "jupyter" / "voila" / "templates" / "kx"
    assert 'id="kx-connection-words">{{ "connection" | site_words_json' in (
        kx / "index.html.j2").read_text(encoding="utf-8")
    script = (kx / "static" / "connection.js").read_text(encoding="utf-8")
    assert "kx-connection-words" in script and "The connection was lost" not in script
