"""Write the coordinators' exports (current status and history) as CSV, Markdown, JSON or a
workbook (xlsx), row by row onto a binary stream.

Every writer takes the rows as iterators and writes as it reads, so a year of updates is never
held in memory (the workbook is written by openpyxl's write-only mode, which streams too).
Moments are written in UTC, and the headers say so.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, Generic, TypeVar

from workflows.reports.history import CurrentRow, HistoryRow
from workflows.updates.status import NO_UPDATE

R = TypeVar("R")
Value = str | bool | datetime | tuple[str, ...] | None
CURRENT_SHEET = "Current status"
HISTORY_SHEET = "History"
DATE_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of an export: its header, its JSON key, its width in a workbook, its value."""

    header: str
    key: str
    width: int
    value: Callable[[R], Value]


def _label(value: Any) -> str:
    return value.label if value is not None else ""


CURRENT_COLUMNS: tuple[Column[CurrentRow], ...] = (
    Column("Commitment", "id", 14, lambda r: r.code),
    Column("Area", "area", 28, lambda r: r.area),
    Column("No.", "number", 6, lambda r: r.number),
    Column("Institution", "institution", 12, lambda r: r.institution.label),
    Column("Status", "status", 12, lambda r: r.status.label if r.status else NO_UPDATE),
    Column("Owner", "owner", 24, lambda r: ", ".join(r.owners)),
    Column("Backup", "backup", 24, lambda r: ", ".join(r.backups)),
    Column("Last words", "last_words", 50, lambda r: r.words),
    Column("Next step", "next_step", 36, lambda r: r.next_step),
    Column("Evidence", "evidence", 36, lambda r: r.evidence),
    Column("Last heard of (UTC)", "last_heard_of", 18, lambda r: r.heard_at),
    Column("Commitment text", "text", 60, lambda r: r.text),
)
HISTORY_COLUMNS: tuple[Column[HistoryRow], ...] = (
    Column("Date (UTC)", "date", 18, lambda r: r.at),
    Column("Commitment", "id", 14, lambda r: r.code),
    Column("Area", "area", 28, lambda r: r.area),
    Column("Author", "author", 24, lambda r: r.author or ""),
    Column("Institution", "institution", 12, lambda r: r.institution.label),
    Column("Status", "status", 12, lambda r: _label(r.status)),
    Column("Words", "words", 50, lambda r: r.words),
    Column("Next step", "next_step", 36, lambda r: r.next_step),
    Column("Evidence", "evidence", 36, lambda r: r.evidence),
    Column("Source", "source", 10, lambda r: r.source.value),
    Column("Late", "late", 6, lambda r: r.late),
    Column("Replaced", "replaced", 9, lambda r: r.replaced),
    Column("Withdrawn (UTC)", "withdrawn", 18, lambda r: r.withdrawn_at),
)


# A spreadsheet reads a cell starting with one of these as a formula: an owner's words must
# never run as one (OWASP "CSV injection"), so such a cell is written with a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: Value) -> str:
    """Write a value as CSV and Markdown show it."""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        return f"{value.astimezone(UTC):%Y-%m-%d %H:%M}"
    if isinstance(value, tuple):
        return " ".join(value)
    return value or ""


def as_json(value: Value) -> Any:
    """Write a value as JSON holds it (moments in ISO 8601, links as a list)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return list(value) if isinstance(value, tuple) else value


def as_cell(value: Value) -> Any:
    """Write a value as a workbook cell holds it: a moment as a real date (in UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, bool):
        return "yes" if value else ""
    return "\n".join(value) if isinstance(value, tuple) else value


def write_csv(rows: Iterable[R], columns: tuple[Column[R], ...], out: IO[bytes]) -> int:
    """Write one table as CSV (UTF-8 with a byte order mark, which Excel needs); return the rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(c.header for c in columns)
    count = 0
    for row in rows:
        writer.writerow(_inert(as_text(c.value(row))) for c in columns)
        count += 1
    text.flush()
    text.detach()  # the caller's stream stays open
    return count


def write_markdown(
    title: str, current: Iterable[CurrentRow], history: Iterable[HistoryRow], out: IO[bytes]
) -> tuple[int, int]:
    """Write both tables as a Markdown document; return how many rows each had."""
    out.write(f"# {title}\n\n## {CURRENT_SHEET}\n\n".encode())
    counts = _md_table(current, CURRENT_COLUMNS, out)
    out.write(f"\n## {HISTORY_SHEET}\n\n".encode())
    return counts, _md_table(history, HISTORY_COLUMNS, out)


def _inert(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _md_table(rows: Iterable[R], columns: tuple[Column[R], ...], out: IO[bytes]) -> int:
    out.write(_md_line(c.header for c in columns) + ("|---" * len(columns) + "|\n").encode())
    count = 0
    for row in rows:
        out.write(_md_line(as_text(c.value(row)) for c in columns))
        count += 1
    return count


def _md_line(cells: Iterable[str]) -> bytes:
    escaped = (c.replace("\\", "\\\\").replace("|", "\\|") for c in cells)
    return ("| " + " | ".join(" ".join(c.split()) for c in escaped) + " |\n").encode()


def write_json(
    meta: dict[str, Any],
    current: Iterable[CurrentRow],
    history: Iterable[HistoryRow],
    out: IO[bytes],
) -> tuple[int, int]:
    """Write both tables as one JSON object, a row at a time; return how many rows each had."""
    out.write(json.dumps(meta, ensure_ascii=False)[:-1].encode())  # the object stays open
    out.write(b', "current": [')
    counts = _json_list(current, CURRENT_COLUMNS, out)
    out.write(b'], "history": [')
    updates = _json_list(history, HISTORY_COLUMNS, out)
    out.write(b"]}\n")
    return counts, updates


def _json_list(rows: Iterable[R], columns: tuple[Column[R], ...], out: IO[bytes]) -> int:
    count = 0
    for row in rows:
        record = {c.key: as_json(c.value(row)) for c in columns}
        out.write(
            (",\n" if count else "\n").encode() + json.dumps(record, ensure_ascii=False).encode()
        )
        count += 1
    return count


def write_workbook(
    current: Iterable[CurrentRow], history: Iterable[HistoryRow], out: IO[bytes]
) -> tuple[int, int]:
    """Write a workbook with the sheets "Current status" and "History"; return their row counts.

    Each sheet has a bold header row kept in view, set column widths, real dates and a filter.
    openpyxl is imported here, not at start-up: only a workbook export needs it.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    counts = (
        _sheet(book.create_sheet(CURRENT_SHEET), current, CURRENT_COLUMNS),
        _sheet(book.create_sheet(HISTORY_SHEET), history, HISTORY_COLUMNS),
    )
    book.save(out)
    return counts


# A write-only sheet (typed loosely: the openpyxl stubs miss its dimensions and filter).
Sheet = Any


def _sheet(sheet: Sheet, rows: Iterable[R], columns: tuple[Column[R], ...]) -> int:
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for n, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    sheet.append(_header_cells(sheet, columns))
    count = 0
    for row in rows:
        sheet.append(list(_cells(sheet, row, columns)))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _header_cells(sheet: Sheet, columns: tuple[Column[R], ...]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _cells(sheet: Sheet, row: R, columns: tuple[Column[R], ...]) -> Iterator[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    for column in columns:
        value = as_cell(column.value(row))
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = DATE_FORMAT
            yield cell
        elif isinstance(value, str) and value:
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"  # text, even when it starts with "=": never a formula
            if "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            yield cell
        else:
            yield value
