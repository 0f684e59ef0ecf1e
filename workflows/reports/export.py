"""Export the commitments: the catalogue with owners and status (`hlm export commitments`:
JSON, CSV or Markdown), and the coordinators' export of the current status per commitment and
institution with the whole history (`hlm export current|history`, `/hlm export`: xlsx, CSV,
Markdown or JSON; rows in `workflows.reports.history`, writers in `workflows.reports.sheets`)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy.orm import Session

from workflows.catalogue.lookup import area_commitments, find_area, list_areas
from workflows.catalogue.meetings import find_meeting
from workflows.errors import InvalidInput
from workflows.reports.history import chosen_areas, count_updates, current_rows, history_rows
from workflows.reports.sheets import (
    CURRENT_COLUMNS,
    HISTORY_COLUMNS,
    write_csv,
    write_json,
    write_markdown,
    write_workbook,
)
from workflows.store.models import Area, Meeting
from workflows.updates.status import CommitmentStatus, Part, commitment_statuses

FORMATS = ("json", "csv", "md")
SPOOL_BYTES = 8 * 1024 * 1024  # an export larger than this is written to a temporary file


@dataclass(frozen=True)
class ExportRow:
    """A commitment with the title of its area, ready to be written out."""

    meeting: int
    area: str
    item: CommitmentStatus


def load_rows(session: Session, *, now: datetime, meeting: str | None = None) -> list[ExportRow]:
    """Load every live commitment of a meeting (the current one by default), in document order."""
    found = find_meeting(session, meeting)
    rows: list[ExportRow] = []
    for area in list_areas(session, found):
        rows += _area_rows(session, area, found.number, now)
    return rows


def _area_rows(session: Session, area: Area, meeting: int, now: datetime) -> list[ExportRow]:
    items = commitment_statuses(session, area_commitments(session, area), now=now)
    return [ExportRow(meeting, area.title, item) for item in items]


def export_commitments(
    session: Session, *, fmt: str, now: datetime, meeting: str | None = None
) -> str:
    """Write every commitment of a meeting (the current one by default) with its owners and
    status in one format."""
    writers = {"json": to_json, "csv": to_csv, "md": to_markdown}
    if fmt not in writers:
        raise InvalidInput("unknown_export_format", format=fmt, formats=list(FORMATS))
    return writers[fmt](load_rows(session, now=now, meeting=meeting))


def as_record(row: ExportRow) -> dict[str, Any]:
    """Describe one commitment as a plain JSON-ready dict."""
    item = row.item
    return {
        "id": item.short_code,
        "key": item.key,
        "meeting": row.meeting,
        "area": row.area,
        "area_slug": item.area_slug,
        "number": item.number,
        "number_reconstructed": item.number_reconstructed,
        "actors": [a.value for a in item.actors],
        "text": item.text,
        "owners": {p.institution.value: _owners_record(p) for p in item.parts},
        "status": _status_record(item),
    }


def _owners_record(part: Part) -> dict[str, list[str]]:
    return {"owners": list(part.owners), "backups": list(part.backups)}


def _status_record(item: CommitmentStatus) -> dict[str, Any]:
    return {
        "overall": item.overall.value if item.overall else None,
        "disagree": item.disagree,
        "stale": item.stale,
        "by_institution": {
            p.institution.value: {
                "status": p.status.value if p.status else None,
                "since": p.status_at.isoformat() if p.status_at else None,
            }
            for p in item.parts
        },
    }


def to_json(rows: list[ExportRow]) -> str:
    """Write the rows as a JSON list of objects."""
    return json.dumps([as_record(r) for r in rows], indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = ("id", "area", "number", "actors", "owners", "status", "by_institution", "text")


def to_csv(rows: list[ExportRow]) -> str:
    """Write the rows as CSV, one line per commitment."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        item = row.item
        writer.writerow(
            [
                item.short_code,
                row.area,
                "" if item.number is None else item.number,
                "; ".join(a.label for a in item.actors),
                _owners_text(item),
                item.label,
                "; ".join(f"{p.institution.label}: {p.label}" for p in item.parts),
                item.text,
            ]
        )
    return out.getvalue()


def _owners_text(item: CommitmentStatus) -> str:
    return "; ".join(
        f"{p.institution.label}: {', '.join(p.owners) or 'unassigned'}" for p in item.parts
    )


def to_markdown(rows: list[ExportRow]) -> str:
    """Write the rows as Markdown: a heading and a table per area."""
    lines: list[str] = []
    for area in dict.fromkeys(r.area for r in rows):
        lines += [
            f"## {area}",
            "",
            "| Id | No. | Owners | Status | Commitment |",
            "|---|---|---|---|---|",
        ]
        lines += [_md_row(r.item) for r in rows if r.area == area]
        lines.append("")
    return "\n".join(lines)


def _md_row(item: CommitmentStatus) -> str:
    status = "; ".join(f"{p.institution.label}: {p.label}" for p in item.parts)
    if item.disagree:
        status += " (disagree)"
    cells = [item.short_code, item.shown_number, _owners_text(item), status, item.text]
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


# The coordinators' export: the current status per commitment and institution, and the history.

COORDINATOR_FORMATS = ("xlsx", "csv", "md", "json")
PARTS = ("current", "history")
TITLE = "HLM {meeting}: {scope}, status and history on {day.day} {day:%B %Y}"
ALL_AREAS = "all areas"


@dataclass(frozen=True)
class ExportFile:
    """One file of an export, ready to upload or save."""

    filename: str
    title: str
    content: bytes


@dataclass(frozen=True)
class CoordinatorExport:
    """The files of an export and what they hold."""

    files: tuple[ExportFile, ...]
    commitments: int
    updates: int


@dataclass(frozen=True)
class Scope:
    """What an export covers: a meeting, one area or all, as of a moment."""

    meeting: Meeting
    areas: tuple[Area, ...]
    area: Area | None
    now: datetime

    @property
    def stem(self) -> str:
        """Name the files: hlm15-gender-2026-12-01."""
        slug = self.area.slug if self.area else "all"
        return f"hlm{self.meeting.number}-{slug}-{self.now:%Y-%m-%d}"

    @property
    def title(self) -> str:
        """Say what the export holds, for its first line or its title in Slack."""
        scope = self.area.title if self.area else ALL_AREAS
        return TITLE.format(meeting=self.meeting.number, scope=scope, day=self.now)


def export_scope(
    session: Session, *, area: str | None, now: datetime, meeting: str | None = None
) -> Scope:
    """Find what an export covers: a meeting (the current one by default), and one area (named
    loosely) or all."""
    meeting_found = find_meeting(session, meeting)
    found = find_area(session, area, meeting_found) if area else None
    return Scope(meeting_found, tuple(chosen_areas(session, meeting_found, found)), found, now)


def write_export(
    session: Session, out: IO[bytes], *, scope: Scope, fmt: str, part: str | None = None
) -> tuple[int, int]:
    """Write an export onto a stream; return (commitment parts, updates) written.

    `part` is "current" or "history" for CSV (one table a file); the other formats hold both.
    """
    if fmt not in COORDINATOR_FORMATS:
        raise InvalidInput("unknown_export_format", format=fmt, formats=list(COORDINATOR_FORMATS))
    current = current_rows(session, scope.areas, now=scope.now)
    history = history_rows(session, scope.areas)
    if fmt == "csv":
        if part == "history":
            return 0, write_csv(history, HISTORY_COLUMNS, out)
        return write_csv(current, CURRENT_COLUMNS, out), 0
    if fmt == "md":
        return write_markdown(scope.title, current, history, out)
    if fmt == "json":
        meta = {"title": scope.title, "meeting": scope.meeting.number,
                "area": scope.area.slug if scope.area else None, "at": scope.now.isoformat()}  # fmt: skip
        return write_json(meta, current, history, out)
    return write_workbook(current, history, out)


def export_for_coordinators(
    session: Session, *, fmt: str, area: str | None, now: datetime, meeting: str | None = None
) -> CoordinatorExport:
    """Make the files of an export (CSV: the current status and the history, one file each)."""
    scope = export_scope(session, area=area, now=now, meeting=meeting)
    parts = PARTS if fmt == "csv" else (None,)
    files: list[ExportFile] = []
    for part in parts:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
            write_export(session, out, scope=scope, fmt=fmt, part=part)
            out.seek(0)
            name = f"{scope.stem}-{part}.{fmt}" if part else f"{scope.stem}.{fmt}"
            files.append(ExportFile(name, scope.title, out.read()))
    commitments = sum(len(area_commitments(session, a)) for a in scope.areas)
    return CoordinatorExport(tuple(files), commitments, count_updates(session, scope.areas))
