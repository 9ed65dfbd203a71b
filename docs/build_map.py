"""Write the module map in docs/architecture.md from the package itself.

    python docs/build_map.py          # rewrite the map between the two markers
    python docs/build_map.py --check  # exit 1 if the map is out of date (the tests do this)

Each module is listed under its folder with the first sentence of its docstring, so the map
says what each module is for in the module's own words and cannot go stale unnoticed.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "explainer"
MAP = REPO / "docs" / "architecture.md"
START, END = "<!-- module map: start (docs/build_map.py) -->", "<!-- module map: end -->"


def purpose(path: Path) -> str:
    """The first sentence of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    sentence = paragraph.split(". ")[0].rstrip(".")
    return sentence or "(no docstring)"


def module_map() -> str:
    """The map: one heading per folder, one line per module, in path order."""
    lines: list[str] = []
    folders = sorted({path.parent for path in PACKAGE.rglob("*.py")})
    for folder in folders:
        rel = folder.relative_to(REPO).as_posix()
        init = folder / "__init__.py"
        lines += ["", f"**`{rel}/`**" + (f": {purpose(init)}" if init.exists() else ""), ""]
        for path in sorted(folder.glob("*.py")):
            if path.name != "__init__.py":
                lines.append(f"- `{path.relative_to(PACKAGE).as_posix()}`: {purpose(path)}")
    return "\n".join([START, *lines, "", END])


def rewritten(text: str) -> str:
    """`text` with the map between the markers replaced by the current one."""
    head, found, rest = text.partition(START)
    if not found:
        raise SystemExit(f"{MAP.name} has no '{START}' marker")
    _, found, tail = rest.partition(END)
    if not found:
        raise SystemExit(f"{MAP.name} has no '{END}' marker")
    return head + module_map() + tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args()
    text = MAP.read_text(encoding="utf-8")
    new = rewritten(text)
    if args.check:
        if new != text:
            print(f"{MAP.relative_to(REPO)} is out of date: run python docs/build_map.py")
            return 1
        return 0
    MAP.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
