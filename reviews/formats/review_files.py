"""Bilingual review files for people who review outside the app: a .docx table and an .html page,
one row per paragraph row (number, Korean, English, status, comments), with the credit line and,
before approval, a draft mark."""

import html
import io
from dataclasses import dataclass, field

from .docx import core_property, frees_documents
from .interchange import xml_safe

HEADINGS = ("#", "Korean", "English", "Status", "Comments")


@dataclass
class ReviewRow:
    number: int
    source: str
    target: str
    status: str
    comments: list[str] = field(default_factory=list)


@frees_documents
def write_review_docx(title: str, rows: list[ReviewRow], credit: str, draft_mark: str) -> bytes:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.title = core_property(xml_safe(title))
    if title:
        document.add_heading(xml_safe(title), level=1)
    if draft_mark:
        document.add_paragraph().add_run(draft_mark).bold = True
    table = document.add_table(rows=len(rows) + 1, cols=len(HEADINGS))
    table.style = "Table Grid"
    # All cells at once: python-docx's row.cells walks the whole table each time, which made a
    # 2,000-row table take seconds (bench/interchange.py).
    cells = table._cells
    width = len(HEADINGS)
    for cell, heading in zip(cells[:width], HEADINGS, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    for index, row in enumerate(rows, start=1):
        values = (str(row.number), row.source, row.target, row.status, "\n\n".join(row.comments))
        for cell, value in zip(cells[index * width : (index + 1) * width], values, strict=True):
            # Blank lines keep the paragraphs of a merged row apart, as on the page.
            pieces = [xml_safe(piece) for piece in value.split("\n\n")]
            cell.text = pieces[0]
            for piece in pieces[1:]:
                cell.add_paragraph(piece)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)
    if credit:
        document.add_paragraph().add_run(xml_safe(credit)).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cell(text: str, lang: str = "") -> str:
    pieces = [html.escape(piece, quote=True) for piece in text.split("\n\n") if piece]
    attribute = f' lang="{lang}"' if lang else ""
    return f"<td{attribute}>" + "".join(f"<p>{piece}</p>" for piece in pieces) + "</td>"


def write_review_html(title: str, rows: list[ReviewRow], credit: str, draft_mark: str) -> bytes:
    esc = html.escape
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em;"
        "vertical-align:top}.draft{font-weight:bold;color:#a00}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(title)}</h1>",
    ]
    if draft_mark:
        lines.append(f'<p class="draft">{esc(draft_mark)}</p>')
    lines.append("<table>")
    lines.append("<thead><tr>" + "".join(f"<th>{h}</th>" for h in HEADINGS) + "</tr></thead>")
    lines.append("<tbody>")
    for row in rows:
        lines.append(
            "<tr>"
            f"<td>{row.number}</td>"
            + _cell(row.source, "ko")
            + _cell(row.target, "en")
            + f"<td>{esc(row.status)}</td>"
            + _cell("\n\n".join(row.comments))
            + "</tr>"
        )
    lines += ["</tbody>", "</table>"]
    if credit:
        lines.append(f'<p class="credit">{esc(credit)}</p>')
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")
