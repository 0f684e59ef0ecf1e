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
from docx.shared import Cm, Length, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from workflows.reports.review import (
    Review,
    ReviewItem,
    heading,
    parts_in_words,
    short_day,
    status_table,
    subtitle,
    why,
)

TABLE_STYLE = "Light Grid Accent 1"
PART_HEADER = ("Institution", "Status", "Latest account", "Next step", "Evidence", "Last update")
PART_WIDTHS = (Cm(3.0), Cm(2.5), Cm(4.6), Cm(2.9), Cm(2.0), Cm(2.0))  # A4 less 2 cm margins


def review_docx(review: Review, *, chart_png: bytes | None = None) -> bytes:
    """Write the review as a .docx file's bytes."""
    writer = _Writer(Document())
    document = writer.document
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    document.styles["Normal"].font.size = Pt(10)
    document.core_properties.title = f"Implementation review: {review.meeting_title}"
    writer.paragraph("Implementation review", "Title")
    writer.paragraph(review.meeting_title, "Subtitle")
    writer.paragraph(subtitle(review))
    _summary(writer, review, chart_png)
    for area in review.areas:
        writer.paragraph(f"{area.position}. {area.title}", "Heading 1")
        for item in area.items:
            _item(writer, heading(area, item), item)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _Writer:
    """Adds paragraphs and tables with Word styles, each style looked up once.

    python-docx resolves a style by name on every use, scanning the whole style sheet; a review
    has hundreds of headings and tables, so the ids are resolved once and set directly.
    """

    def __init__(self, document: DocumentObject) -> None:
        self.document = document
        self._ids: dict[str, str] = {}

    def _id(self, name: str) -> str:
        if name not in self._ids:
            self._ids[name] = self.document.styles[name].style_id
        return self._ids[name]

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        paragraph = self.document.add_paragraph(text)
        if style:
            paragraph._p.style = self._id(style)
        return paragraph

    def table(
        self, header: list[str], rows: list[list[str]], *, widths: tuple[Length, ...] = ()
    ) -> Table:
        table: Table = self.document.add_table(rows=1 + len(rows), cols=len(header))
        table._tbl.tblStyle_val = self._id(TABLE_STYLE)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row, texts in zip(table.rows, [header, *rows], strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
        _repeat_header(table)
        if widths:
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=True):
                column.width = width
        self.paragraph()
        return table


def _summary(writer: _Writer, review: Review, chart_png: bytes | None) -> None:
    writer.paragraph("Summary", "Heading 1")
    header, rows = status_table(review)
    writer.table(header, rows)
    if chart_png:
        writer.document.add_picture(io.BytesIO(chart_png), width=Cm(16))
        writer.paragraph("Commitments by status, per area.", "Caption")
    _bullets(writer, "Completed", [f"{i.code}: {_first(i.text)}" for i in review.completed])
    _bullets(
        writer, "Blocked or at risk", [f"{i.code} ({i.label}): {why(i)}" for i in review.blocked]
    )
    _bullets(
        writer,
        "Where the institutions disagree",
        [f"{i.code}: {parts_in_words(i)}" for i in review.disagreements],
    )


def _bullets(writer: _Writer, title: str, lines: list[str]) -> None:
    writer.paragraph(f"{title} ({len(lines)})", "Heading 2")
    if not lines:
        writer.paragraph("None.")
    for line in lines:
        writer.paragraph(line, "List Bullet")


def _item(writer: _Writer, title: str, item: ReviewItem) -> None:
    writer.paragraph(title, "Heading 3")
    text = writer.paragraph()
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
        writer.paragraph().add_run(note).italic = True
    rows = []
    for part in item.parts:
        account = part.latest
        words = account.text if account and account.text else "–"
        if account and account.author and account.text:
            words += f" ({account.author}, {short_day(account.at)})"
        owners = ", ".join(part.owners)
        rows.append(
            [
                f"{part.institution.label}\n{owners}" if owners else part.institution.label,
                part.label,
                words,
                part.next_step or "–",
                "\n".join(part.evidence) or "–",
                short_day(part.last_heard),
            ]
        )
    writer.table(list(PART_HEADER), rows, widths=PART_WIDTHS)


def _repeat_header(table: Table) -> None:
    # Word repeats a row marked as a header at the top of each page the table runs over, and
    # keeps a row marked "can't split" whole on one page.
    for n, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        for tag in ("w:cantSplit", "w:tblHeader") if n == 0 else ("w:cantSplit",):
            marker = OxmlElement(tag)
            marker.set(qn("w:val"), "true")
            properties.append(marker)


def _first(text: str, words: int = 14) -> str:
    split = text.split()
    return " ".join(split[:words]) + ("…" if len(split) > words else "")
