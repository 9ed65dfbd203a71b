"""Dependencies have one source (pyproject.toml); the lock pins a version of each that satisfies it,
and environment.yml names the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(r) for r in dep.get("pip", [])}
        else:
            conda.add(_name(dep))
    conda.discard("python")
    conda.discard("pip")
    pip.discard("-e")  # the project itself
    assert conda | pip == wanted


def _lock() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements" / "lock.txt").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_the_lock_pins_every_dependency_at_a_version_pyproject_allows():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    pins = _lock()
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements/lock.txt: make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"the lock pins {name}=={pins[name]}; pyproject.toml wants {text!r}: make lock"
        )


def test_every_install_of_the_project_goes_through_the_lock():
    makefile = (REPO / "Makefile").read_text()
    assert "PIP_LOCKED := $(BIN)/pip install -q -c $(LOCK)" in makefile
    recipes = [line.strip() for line in makefile.splitlines() if line.startswith("\t")]
    project_installs = [line for line in recipes if re.search(r" -e ('\.|\.)", line)]
    assert len(project_installs) == 4  # run, test, lab, docs
    assert all(line.startswith("$(PIP_LOCKED) -e") for line in project_installs), project_installs


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in readme and "make serve" in readme
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call exactly the README's command"


def test_make_test_runs_whole_files_in_parallel_workers_with_logs_of_their_own(monkeypatch):
    """`make test` hands a whole file to each pytest-xdist worker (its module-scoped servers
    start once). Not `--dist loadgroup`: pytest-xdist 3.8 ignores `xdist_group` on pytest 9.2
    (pytest-xdist issue 1386), so a file's tests would spread and start its servers twice."""
    from harness.server import worker_log

    makefile = (REPO / "Makefile").read_text()
    command = next(line.strip() for line in makefile.splitlines()
                   if line.startswith("\t$(BIN)/pytest") and "TEST_JOBS" in line)
    assert "-n $(TEST_JOBS)" in command and "--dist loadfile" in command, command
    assert "loadgroup" not in command
    assert re.search(r"^TEST_JOBS \?= [1-9]", makefile, re.M)
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert worker_log("server-clinic") == "server-clinic-gw1.log"
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert worker_log("server") == "server.log"
