"""Read conclusions from a `.txt`, `.docx` or `.pdf` file into `Line`s.

Readers only transcribe: a paragraph or visual paragraph becomes a line, a table row a line of
tab-separated cells, a heading (a Word heading style, a bold line of a PDF) a heading line.
Judging what the lines mean is `seed.draft.layout`'s work.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pypdf
from docx.table import Table
from docx.text.paragraph import Paragraph

from seed.draft.lines import Line

SUFFIXES = (".txt", ".docx", ".pdf")
PARAGRAPH_GAP = 1.3  # a gap this many times the usual line spacing starts a new paragraph


def read_lines(path: Path) -> list[Line]:
    """Read a conclusions file by its suffix; raise ValueError for another kind of file."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return txt_lines(path.read_text(encoding="utf-8"))
    if suffix == ".docx":
        return docx_lines(path)
    if suffix == ".pdf":
        return pdf_lines(path)
    raise ValueError(f"{path.name}: not one of {', '.join(SUFFIXES)}")


def txt_lines(text: str) -> list[Line]:
    """Make one line per non-blank line of a text; a form feed marks a new page."""
    lines: list[Line] = []
    new_page = False
    for number, raw in enumerate(text.split("\n"), start=1):
        new_page = new_page or "\f" in raw
        raw = raw.replace("\f", "")
        if raw.strip():
            lines.append(Line(raw.rstrip(), number, after_break=new_page))
            new_page = False
    return lines


def docx_lines(path: Path) -> list[Line]:
    """Make one line per paragraph and table row of a Word document, headings marked."""
    lines: list[Line] = []
    for block in _docx_blocks(docx.Document(str(path))):
        number = len(lines) + 1
        if isinstance(block, Table):
            lines += [Line(row, number + i) for i, row in enumerate(_rows(block))]
        elif block.text.strip():
            lines.append(_docx_paragraph(block, number))
    return lines


def _docx_blocks(document: docx.document.Document) -> Iterator[Paragraph | Table]:
    yield from document.iter_inner_content()


def _rows(table: Table) -> list[str]:
    return ["\t".join(cell.text.replace("\n", " ") for cell in row.cells) for row in table.rows]


def _docx_paragraph(paragraph: Paragraph, number: int) -> Line:
    style = paragraph.style.name if paragraph.style is not None else ""
    text = paragraph.text.strip()
    if style == "Title":
        return Line(text, number, kind="heading", level=1)
    if style.startswith("Heading"):
        level = style.removeprefix("Heading").strip()
        return Line(text, number, kind="heading", level=int(level) if level.isdigit() else 0)
    return Line(text, number)


@dataclass
class _Run:
    page: int
    y: float
    x: float
    text: str
    bold: bool
    size: float


def pdf_lines(path: Path) -> list[Line]:
    """Make one line per visual paragraph of a PDF; bold paragraphs are headings, by font size."""
    runs: list[_Run] = []
    for page_number, page in enumerate(pypdf.PdfReader(str(path)).pages, start=1):
        runs += _page_runs(page, page_number)
    visual = _visual_lines(runs)
    sizes = sorted({round(line.size) for line in visual if line.bold}, reverse=True)
    paragraphs = _paragraphs(visual)
    lines: list[Line] = []
    for number, group in enumerate(paragraphs, start=1):
        first = group[0]
        text = _join_wrapped([line.text for line in group])
        new_page = bool(lines) and first.page != paragraphs[number - 2][-1].page
        if first.bold:
            level = sizes.index(round(first.size)) + 1
            lines.append(Line(text, number, kind="heading", level=level, after_break=new_page))
        else:
            lines.append(Line(text, number, after_break=new_page))
    return lines


def _page_runs(page: pypdf.PageObject, page_number: int) -> list[_Run]:
    runs: list[_Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
            y, x = tm[5] * cm[3] + cm[5], tm[4] * cm[0] + cm[4]
            bold = "bold" in name.lower()
            runs.append(_Run(page_number, round(y, 1), x, text.strip("\n"), bold, size * cm[3]))

    page.extract_text(visitor_text=visit)
    return runs


def _visual_lines(runs: list[_Run]) -> list[_Run]:
    lines: list[_Run] = []
    for run in sorted(runs, key=lambda r: (r.page, -r.y, r.x)):
        last = lines[-1] if lines else None
        if last is not None and last.page == run.page and abs(last.y - run.y) < 1:
            last.text = f"{last.text} {run.text}".strip()
            last.bold = last.bold and run.bold
            continue
        lines.append(_Run(run.page, run.y, run.x, run.text.strip(), run.bold, run.size))
    return lines


def _paragraphs(lines: list[_Run]) -> list[list[_Run]]:
    pairs = itertools.pairwise(lines)
    gaps = sorted((a.y - b.y) / a.size for a, b in pairs if a.page == b.page and a.size)
    gaps = [gap for gap in gaps if gap > 0] or [1.2]
    usual = gaps[len(gaps) // 5]  # the usual spacing of lines in a paragraph, per point of font
    groups: list[list[_Run]] = []
    for line in lines:
        last = groups[-1][-1] if groups else None
        same = last is not None and (last.page, last.bold) == (line.page, line.bold)
        same = same and last is not None and round(last.size) == round(line.size)
        if same and last is not None and 0 < last.y - line.y <= usual * line.size * PARAGRAPH_GAP:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _join_wrapped(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text.endswith("-") and not text.endswith(" -") and part[:1].islower():
            text += part
        else:
            text = f"{text} {part}" if text else part
    return text
