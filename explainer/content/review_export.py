"""`ketamine-explainer review-export`: every passage, for a clinical lead to sign off line by line.

Writes two files into a folder, and two more per translation (issue 25):

- ``content-review.csv``: one row per walkthrough passage, glossary entry and prediction prompt
  (kind, id, audience, step, step title, text, the icon arrays shown after it, reference keys,
  citations, how each reference was checked, what each is cited for) and two empty columns,
  ``decision`` and ``reviewer_comment``, for the reviewer;
- ``content-review.md`` (or ``.html``): the same, readable, step by step, with each passage's
  Markdown as written, its sources and a sign-off line, then the whole references registry;
- per locale other than the base, ``translation-review-<locale>.csv`` and ``.html``: every word
  of every file, the source (British English) and the translation side by side, where a word
  falls back to another locale, and the sign-off columns ``decision``, ``reviewer`` and
  ``reviewer_comment``; each cell carries its own ``lang`` in the HTML.

    ketamine-explainer review-export --out review/ --format html
    from explainer.content import review_export
    review_export.rows()            # the CSV rows as dicts
    review_export.write("review/")  # -> the paths written
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from explainer import content
from explainer.content import icon_arrays, strings

__all__ = ["COLUMNS", "FORMATS", "TRANSLATION_COLUMNS", "add_parser", "markdown_document", "rows",
           "run", "translation_html", "translation_rows", "write"]

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
    return (f"<!DOCTYPE html><html lang=\"{strings.paths.BASE_LOCALE}\"><head>"
            "<meta charset=\"utf-8\"><title>Content review</title><style>"
            "body{font-family:sans-serif;max-width:60em;"
            "margin:2em auto;line-height:1.5}blockquote{border-left:4px solid #0072B2;"
            "margin:0;padding:0 1em;background:#f4f6f8}table{border-collapse:collapse}"
            "td,th{border:1px solid #c7ced5;padding:4px 8px;vertical-align:top}</style>"
            f"</head><body>{body}</body></html>\n")


TRANSLATION_COLUMNS = ("file", "key", "source", "translation", "shown_from", "decision",
                       "reviewer", "reviewer_comment")
"""The translation review: the base's words beside the locale's, where each shown word comes
from, and the reviewer's sign-off columns."""


def _pairs(base: Any, shown: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(dotted key, source text, shown text) for every word of a file (code keys skipped)."""
    if isinstance(base, dict):
        for key, value in base.items():
            code = key in strings.CODE_KEYS or key in strings.SAME_KEYS
            if code and not isinstance(value, dict) or str(key).endswith("refs"):
                continue
            yield from _pairs(value, shown.get(key) if isinstance(shown, dict) else None,
                              f"{where}.{key}" if where else str(key))
    elif isinstance(base, list):
        for i, value in enumerate(base):
            ident = value.get("id") if isinstance(value, dict) else None
            other = shown[i] if isinstance(shown, list) and i < len(shown) else None
            yield from _pairs(value, other, f"{where}[{'id=' + str(ident) if ident else i}]")
    elif isinstance(base, str):
        yield where, base, shown if isinstance(shown, str) else base


def translation_rows(code: str) -> list[dict[str, str]]:
    """Every word of every file: the base's text beside what locale ``code`` shows."""
    chain = strings.locales()[code].chain
    out = []
    for rel in strings.base_files():
        own = set(strings.word_keys(rel, code))
        found = (strings.word_keys(rel, layer) for layer in chain[1:-1])
        below = {key: layer for layer, keys in zip(chain[1:-1], found, strict=True)
                 for key in keys}
        if rel.endswith(strings.WHOLE_FILES):
            items = [("(whole file)", strings.load_text(rel, strings.paths.BASE_LOCALE),
                      strings.load_text(rel, code))]
        else:
            items = list(_pairs(strings.load(rel, strings.paths.BASE_LOCALE),
                                strings.load(rel, code), ""))
        for key, source, shown in items:
            origin = code if key in own else below.get(key, strings.paths.BASE_LOCALE)
            out.append({"file": rel, "key": key, "source": source, "translation": shown,
                        "shown_from": origin, "decision": "", "reviewer": "",
                        "reviewer_comment": ""})
    return out


def translation_html(code: str, today: dt.date | None = None) -> str:
    """The translation review as one HTML table, source and translation side by side, each
    cell with its own ``lang``."""
    loc, base = strings.locales()[code], strings.paths.BASE_LOCALE
    today = today or dt.date.today()
    esc = html.escape
    body = []
    for r in translation_rows(code):
        body.append(
            f"<tr><td>{esc(r['file'])}</td><td><code>{esc(r['key'])}</code></td>"
            f'<td lang="{base}">{esc(r["source"])}</td>'
            f'<td lang="{esc(r["shown_from"])}">{esc(r["translation"])}</td>'
            f"<td>{esc(r['shown_from'])}</td><td>[ ] approved [ ] change needed</td>"
            "<td></td><td></td></tr>")
    status = (f"reviewed by {loc.reviewed_by} on {loc.reviewed_on}" if loc.status == "reviewed"
              else "draft: no reviewer has signed it off yet")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Translation review: {esc(loc.name)}</title><style>body{{font-family:"
            "sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid "
            "#c7ced5;padding:4px 8px;vertical-align:top;white-space:pre-wrap}</style></head>"
            f"<body><h1>Translation review: <span lang=\"{esc(code)}\">{esc(loc.name)}</span>"
            f"</h1><p>Exported {today.isoformat()}. Status: {esc(status)}. {esc(loc.note)} "
            f"Fallback: {esc(' → '.join(loc.chain))}. A word shown from another locale is "
            "not translated yet.</p><table><thead><tr>"
            + "".join(f"<th>{c.replace('_', ' ')}</th>" for c in TRANSLATION_COLUMNS)
            + f"</tr></thead><tbody>{''.join(body)}</tbody></table></body></html>\n")


def write(out_dir: str | Path, fmt: str = "markdown") -> list[Path]:
    """Write the CSV and the readable document into ``out_dir``, and each translation's review
    (CSV and HTML); returns every path written."""
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
    written = [csv_path, doc_path]
    for code in strings.locales():
        if code == strings.paths.BASE_LOCALE:
            continue
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=TRANSLATION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(translation_rows(code))
        written.append(folder / f"translation-review-{code}.csv")
        written[-1].write_text(buffer.getvalue(), encoding="utf-8")
        written.append(folder / f"translation-review-{code}.html")
        written[-1].write_text(translation_html(code), encoding="utf-8")
    return written


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
