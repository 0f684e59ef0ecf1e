"""The coordinators' export: one row per commitment and institution (never two institutions in
a cell), one row per update, and a workbook a coordinator can filter and sort at once."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from openpyxl import load_workbook

from workflows.reports.history import CurrentRow, HistoryRow
from workflows.reports.sheets import (
    CURRENT_COLUMNS,
    HISTORY_COLUMNS,
    write_csv,
    write_json,
    write_markdown,
    write_workbook,
)
from workflows.types import Institution, Status, UpdateSource

AT = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)


def current(institution: Institution = Institution.ILO, **changes: object) -> CurrentRow:
    fields: dict[str, object] = {
        "code": "gender-3", "area": "Gender", "number": "3", "institution": institution, "status": Status.AT_RISK,
        "owners": ("Chidi Okafor",), "backups": ("Dana Kowalski",), "words": "Tender delayed",
        "next_step": "Relaunch", "evidence": ("https://a.example/1", "https://a.example/2"),
        "heard_at": AT, "text": "Promote pay transparency",
    }  # fmt: skip
    return CurrentRow(**(fields | changes))  # type: ignore[arg-type]


def update(**changes: object) -> HistoryRow:
    fields: dict[str, object] = {
        "at": AT, "code": "gender-3", "area": "Gender", "author": "Chidi Okafor", "institution": Institution.ILO,
        "status": Status.AT_RISK, "words": "Tender delayed", "next_step": "Relaunch",
        "evidence": ("https://a.example/1",), "source": UpdateSource.MODAL, "late": True, "replaced": True,
        "withdrawn_at": None,
    }  # fmt: skip
    return HistoryRow(**(fields | changes))  # type: ignore[arg-type]


def workbook(rows: list[CurrentRow], history: list[HistoryRow]) -> io.BytesIO:
    out = io.BytesIO()
    assert write_workbook(iter(rows), iter(history), out) == (len(rows), len(history))
    out.seek(0)
    return out


def test_the_workbook_has_a_current_status_and_a_history_sheet_ready_to_filter() -> None:
    book = load_workbook(workbook([current(), current(Institution.COMMISSION)], [update()]))
    assert book.sheetnames == ["Current status", "History"]
    for sheet, columns, rows in (
        (book["Current status"], CURRENT_COLUMNS, 3),
        (book["History"], HISTORY_COLUMNS, 2),
    ):
        assert [c.value for c in sheet[1]] == [c.header for c in columns]
        assert all(c.font.b for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{chr(ord('A') + len(columns) - 1)}{rows}"
        assert sheet.column_dimensions["A"].width == columns[0].width


def test_the_workbook_holds_real_dates_and_one_institution_per_row() -> None:
    book = load_workbook(
        workbook([current(), current(Institution.COMMISSION, status=None)], [update()])
    )
    rows = [[c.value for c in row] for row in book["Current status"].iter_rows(min_row=2)]
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("gender-3", "ILO", "At risk"),
        ("gender-3", "Commission", "No update"),
    ]
    assert rows[0][10] == AT.replace(tzinfo=None)  # a date Excel sorts, in UTC
    assert rows[0][9] == "https://a.example/1\nhttps://a.example/2"
    history = next(book["History"].iter_rows(min_row=2))
    assert history[0].is_date
    assert history[0].value == AT.replace(tzinfo=None)
    assert [c.value for c in history][9:12] == ["modal", "yes", "yes"]


def test_an_owners_words_starting_with_an_equals_sign_stay_text_in_the_workbook() -> None:
    book = load_workbook(workbook([current(words='=HYPERLINK("http://evil.example","x")')], []))
    cell = book["Current status"]["H2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","x")'


def test_the_current_status_csv_has_one_row_per_commitment_and_institution() -> None:
    out = io.BytesIO()
    rows = [current(), current(Institution.COMMISSION, status=Status.ON_TRACK)]
    assert write_csv(iter(rows), CURRENT_COLUMNS, out) == 2
    content = out.getvalue()
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads the UTF-8 as UTF-8
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == [c.header for c in CURRENT_COLUMNS]
    assert [(r[3], r[4]) for r in table[1:]] == [("ILO", "At risk"), ("Commission", "On track")]
    assert table[1][10] == "2026-11-25 10:30"


def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_made_inert() -> None:
    out = io.BytesIO()
    write_csv(iter([update(words="=1+1", next_step="@SUM(A1)", author="+x")]), HISTORY_COLUMNS, out)
    row = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))[1]
    assert (row[3], row[6], row[7]) == ("'+x", "'=1+1", "'@SUM(A1)")


def test_the_history_csv_marks_late_replaced_and_withdrawn_updates() -> None:
    out = io.BytesIO()
    write_csv(
        iter([update(withdrawn_at=AT), update(late=False, replaced=False)]), HISTORY_COLUMNS, out
    )
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))[1:]
    assert [(r[10], r[11], r[12]) for r in rows] == [
        ("yes", "yes", "2026-11-25 10:30"),
        ("", "", ""),
    ]


def test_the_json_export_holds_both_tables_with_typed_values() -> None:
    out = io.BytesIO()
    write_json({"title": "T"}, iter([current()]), iter([update(), update()]), out)
    loaded = json.loads(out.getvalue())
    assert loaded["title"] == "T"
    assert loaded["current"][0]["evidence"] == ["https://a.example/1", "https://a.example/2"]
    assert loaded["current"][0]["last_heard_of"] == "2026-11-25T10:30:00+00:00"
    assert [u["late"] for u in loaded["history"]] == [True, True]


def test_the_json_export_of_nothing_is_still_json() -> None:
    out = io.BytesIO()
    write_json({"title": "T"}, iter([]), iter([]), out)
    assert json.loads(out.getvalue()) == {"title": "T", "current": [], "history": []}


def test_the_markdown_export_keeps_a_pipe_or_a_line_break_inside_its_cell() -> None:
    out = io.BytesIO()
    write_markdown("T", iter([current(words="a | b\nc")]), iter([]), out)
    line = next(ln for ln in out.getvalue().decode().splitlines() if ln.startswith("| gender-3"))
    assert "a \\| b c" in line
    assert line.count(" | ") == len(CURRENT_COLUMNS) - 1
