"""`ketamine-explainer review-export`: every passage, for a clinical lead to sign off line by line.

Writes two files into a folder:

- ``content-review.csv``: one row per walkthrough passage, glossary entry and prediction prompt
  (kind, id, audience, step, step title, text, the icon arrays shown after it, reference keys,
  citations, how each reference was checked, what each is cited for) and two empty columns,
  ``decision`` and ``reviewer_comment``, for the reviewer;
- ``content-review.md`` (or ``.html``): the same, readable, step by step, with each passage's
  Markdown as written, its sources and a sign-off line, then the whole references registry.

    ketamine-explainer review-export --out review/ --format html
    from explainer.content import review_export
    review_export.rows()            # the CSV rows as dicts
    review_export.write("review/")  # -> the paths written
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

from markdown_it import MarkdownIt

from explainer import content
from explainer.content import icon_arrays, strings

__all__ = ["COLUMNS", "FORMATS", "add_parser", "markdown_document", "rows", "run", "write"]

COLUMNS = ("kind", "id", "audience", "step", "step_title", "text", "figures", "refs",
           "citations", "how_checked", "supports", "decision", "reviewer_comment")
FORMATS = ("markdown", "html")
SEP = " | "
"""Separates the entries of a list inside one CSV cell (references, figures)."""


def _figures(passage_id: str) -> str:
    return SEP.join(icon_arrays.describe(a) for a in icon_arrays.after(passage_id))


def _ref_cells(keys: Iterable[str]) -> dict[str, str]:
    refs = [content.reference(k) for k in keys]
    return {
        "refs": SEP.join(r.key for r in refs),
        "citations": SEP.join(r.format(confidence=True) for r in refs),
        "how_checked": SEP.join(f"{r.key}: {', '.join(r.checked)}" for r in refs),
        "supports": SEP.join(f"{r.key}: {r.supports}" for r in refs),
    }


def rows() -> list[dict[str, str]]:
    """Every passage (both audiences, walkthrough order), then the glossary and the prompts."""
    out = []
    for p in content.passages("trainee"):
        out.append({"kind": "passage", "id": p.id, "audience": p.audience, "step": str(p.step),
                    "step_title": content.step_title(p.step), "text": p.text,
                    "figures": _figures(p.id), **_ref_cells(p.refs),
                    "decision": "", "reviewer_comment": ""})
    for g in content.glossary():
        out.append({"kind": "glossary", "id": g.id, "audience": "both", "step": "",
                    "step_title": "", "text": f"{g.term}: {g.text}", "figures": "",
                    **_ref_cells(g.refs), "decision": "", "reviewer_comment": ""})
    for q in content.predictions(audience="trainee"):
        choices = " / ".join(f"{c.text}{' (answer)' if q.is_correct(c.id) else ''}"
                             for c in q.choices)
        out.append({"kind": "prediction", "id": q.id, "audience": q.audience,
                    "step": str(q.step), "step_title": content.step_title(q.step),
                    "text": f"{q.question} Choices: {choices} Explanation: {q.explanation}",
                    "figures": "", **_ref_cells(q.refs), "decision": "",
                    "reviewer_comment": ""})
    return out


def csv_text() -> str:
    """The rows as CSV text (every field quoted where needed; one header row)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())
    return buffer.getvalue()


def _sources_md(keys: Iterable[str]) -> list[str]:
    lines = []
    for key in keys:
        r = content.reference(key)
        lines.append(f"  - `{key}`: {r.format(confidence=True)} *How checked:* "
                     f"{', '.join(r.checked)}. *Cited for:* {r.supports}")
    return lines or ["  - none (the passage makes no clinical claim)"]


def _quote(markdown: str) -> list[str]:
    return [f"> {line}" if line.strip() else ">" for line in markdown.splitlines()]


SIGN_OFF = "**Sign-off:** [ ] approved  [ ] change needed  Reviewer: ________  Date: ________"


def markdown_document(today: dt.date | None = None) -> str:
    """The readable review document, step by step, then the glossary, prompts and registry."""
    today = today or dt.date.today()
    items = content.passages("trainee")
    out = [f"# Content review: {strings.text('ui', 'app_title')}", "",
           f"Exported {today.isoformat()}. {len(items)} passages, {len(content.glossary())} "
           f"glossary entries, {len(content.predictions(audience='trainee'))} prediction "
           "prompts. Each passage is quoted as written (Markdown), with the sources it cites, "
           "how each source was checked for this guide, and what it is cited for. The after-care "
           "passages (`block: aftercare`) come from the one after-care block: they are the "
           "typical rules that the clinic confirms.", ""]
    for step in content.STEPS:
        out += [f"## Step {step}: {content.step_title(step)}", ""]
        for p in (x for x in items if x.step == step):
            out += [f"### `{p.id}` ({p.audience})", "", *_quote(p.markdown), ""]
            for a in icon_arrays.after(p.id):
                out += [f"*Icon array `{a.id}` shown after it:* {icon_arrays.describe(a)}", ""]
            out += ["Sources:", *_sources_md(p.refs), "", SIGN_OFF, ""]
    out += ["## Glossary", ""]
    for g in content.glossary():
        out += [f"### `{g.id}`: {g.term}", "", *_quote(g.markdown), "", "Sources:",
                *_sources_md(g.refs), "", SIGN_OFF, ""]
    out += ["## Guess-first prompts", ""]
    for q in content.predictions(audience="trainee"):
        out += [f"### `{q.id}` (step {q.step}, {q.audience})", "", f"> {q.question}", ">"]
        out += [f"> - {c.text}{' **(answer)**' if q.is_correct(c.id) else ''}"
                for c in q.choices]
        out += [">", f"> {q.explanation}", "", "Sources:", *_sources_md(q.refs), "",
                SIGN_OFF, ""]
    out += ["## The references registry", "",
            "| key | confidence | how checked | cited for |", "|---|---|---|---|"]
    for key, r in content.references().items():
        cells = [f"`{key}`", r.confidence, ", ".join(r.checked), r.supports]
        out.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(out) + "\n"


def _html_document(markdown: str) -> str:
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Content review</title><style>body{font-family:sans-serif;max-width:60em;"
            "margin:2em auto;line-height:1.5}blockquote{border-left:4px solid #0072B2;"
            "margin:0;padding:0 1em;background:#f4f6f8}table{border-collapse:collapse}"
            "td,th{border:1px solid #c7ced5;padding:4px 8px;vertical-align:top}</style>"
            f"</head><body>{body}</body></html>\n")


def write(out_dir: str | Path, fmt: str = "markdown") -> list[Path]:
    """Write the CSV and the readable document into ``out_dir``; returns both paths."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "content-review.csv"
    csv_path.write_text(csv_text(), encoding="utf-8")
    doc = markdown_document()
    if fmt == "html":
        doc_path = folder / "content-review.html"
        doc_path.write_text(_html_document(doc), encoding="utf-8")
    else:
        doc_path = folder / "content-review.md"
        doc_path.write_text(doc, encoding="utf-8")
    return [csv_path, doc_path]


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the ``review-export`` subcommand on the console command's subparsers."""
    p = sub.add_parser("review-export",
                       help="write every passage with its sources for a clinical review")
    p.add_argument("--out", type=Path, default=Path("content-review"),
                   help="folder to write into (default ./content-review)")
    p.add_argument("--format", choices=FORMATS, default="markdown",
                   help="the readable document's format (default markdown); a CSV is always "
                        "written too")
    return p


def run(args: argparse.Namespace) -> None:
    """The subcommand: validate the content, write both files, print where they went."""
    content.validate()
    for path in write(args.out, args.format):
        print(f"wrote {path}")
