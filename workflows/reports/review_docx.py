"""Write the implementation review as a Word document a person can edit before circulating it.

Real structure, not formatting: the title and headings use Word's Title and Heading styles (so
the navigation pane and a table of contents work), tables use a built-in table style with a
header row that repeats across pages, and lists use the List Bullet style.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from workflows.reports.review import (
    Review,
    ReviewItem,
    day,
    heading,
    parts_in_words,
    status_table,
    subtitle,
    why,
)

TABLE_STYLE = "Light Grid Accent 1"
PART_HEADER = ("Institution", "Status", "Latest account", "Next step", "Evidence", "Last update")
PART_WIDTHS = (Cm(2.6), Cm(2.0), Cm(5.4), Cm(3.2), Cm(2.6), Cm(2.0))


def review_docx(review: Review, *, chart_png: bytes | None = None) -> bytes:
    """Write the review as a .docx file's bytes."""
    document = Document()
    _page(document)
    document.core_properties.title = f"Implementation review: {review.meeting_title}"
    document.add_heading(f"Implementation review: {review.meeting_title}", level=0)
    document.add_paragraph(subtitle(review))
    _summary(document, review, chart_png)
    for area in review.areas:
        document.add_heading(f"{area.position}. {area.title}", level=1)
        for item in area.items:
            _item(document, heading(area, item), item)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document: DocumentObject) -> None:
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    document.styles["Normal"].font.size = Pt(10)


def _summary(document: DocumentObject, review: Review, chart_png: bytes | None) -> None:
    document.add_heading("Summary", level=1)
    header, rows = status_table(review)
    _table(document, header, rows)
    if chart_png:
        document.add_picture(io.BytesIO(chart_png), width=Cm(16))
        document.add_paragraph("Commitments by status, per area.", style="Caption")
    _bullets(document, "Completed", [f"{i.code}: {_first(i.text)}" for i in review.completed])
    _bullets(
        document, "Blocked or at risk", [f"{i.code} ({i.label}): {why(i)}" for i in review.blocked]
    )
    _bullets(
        document,
        "Where the institutions disagree",
        [f"{i.code}: {parts_in_words(i)}" for i in review.disagreements],
    )


def _bullets(document: DocumentObject, title: str, lines: list[str]) -> None:
    document.add_heading(f"{title} ({len(lines)})", level=2)
    if not lines:
        document.add_paragraph("None.")
    for line in lines:
        document.add_paragraph(line, style="List Bullet")


def _item(document: DocumentObject, title: str, item: ReviewItem) -> None:
    document.add_heading(title, level=3)
    text = document.add_paragraph()
    if item.lead_in:
        text.add_run(item.lead_in + " ").italic = True
    text.add_run(item.text)
    notes = []
    if item.targets:
        notes.append("Target: " + "; ".join(item.targets))
    if item.awaiting:
        done = ", ".join(i.label for i in item.completed_by)
        waiting = ", ".join(i.label for i in item.awaiting)
        notes.append(f"Completed by the {done}, awaiting the {waiting}'s confirmation.")
    if item.carried_over_to:
        notes.append("Carried over to " + ", ".join(item.carried_over_to) + ".")
    if item.continues:
        notes.append("Continues " + ", ".join(item.continues) + ".")
    for note in notes:
        document.add_paragraph(note).runs[0].italic = True
    rows = []
    for part in item.parts:
        account = part.latest
        words = account.text if account and account.text else "–"
        if account and account.author and account.text:
            words += f" ({account.author}, {day(account.at)})"
        owners = ", ".join(part.owners)
        rows.append(
            [
                f"{part.institution.label}\n{owners}" if owners else part.institution.label,
                part.label,
                words,
                part.next_step or "–",
                "\n".join(part.evidence) or "–",
                day(part.last_heard),
            ]
        )
    _table(document, list(PART_HEADER), rows, widths=PART_WIDTHS)


def _table(
    document: DocumentObject,
    header: list[str],
    rows: list[list[str]],
    *,
    widths: tuple[Cm, ...] | None = None,
) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    _repeat_header(table)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):  # type: ignore[no-untyped-call]
            cell.text = text
    if widths:
        for column, width in zip(table.columns, widths, strict=True):
            for cell in column.cells:
                cell.width = width
    document.add_paragraph()
    return table


def _repeat_header(table: Table) -> None:
    # Word repeats a row marked as a header at the top of each page the table runs over.
    properties = table.rows[0]._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _first(text: str, words: int = 14) -> str:
    split = text.split()
    return " ".join(split[:words]) + ("…" if len(split) > words else "")
