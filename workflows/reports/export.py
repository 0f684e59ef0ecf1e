"""Export the commitments with owners and status, as JSON, CSV or Markdown."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows.catalogue.lookup import area_commitments, current_meeting, list_areas
from workflows.errors import InvalidInput
from workflows.store.models import Area
from workflows.updates.status import CommitmentStatus, Part, commitment_statuses

FORMATS = ("json", "csv", "md")


@dataclass(frozen=True)
class ExportRow:
    """A commitment with the title of its area, ready to be written out."""

    meeting: int
    area: str
    item: CommitmentStatus


def load_rows(session: Session, *, now: datetime) -> list[ExportRow]:
    """Load every live commitment of the current meeting, in document order."""
    meeting = current_meeting(session)
    rows: list[ExportRow] = []
    for area in list_areas(session, meeting):
        rows += _area_rows(session, area, meeting.number, now)
    return rows


def _area_rows(session: Session, area: Area, meeting: int, now: datetime) -> list[ExportRow]:
    items = commitment_statuses(session, area_commitments(session, area), now=now)
    return [ExportRow(meeting, area.title, item) for item in items]


def export_commitments(session: Session, *, fmt: str, now: datetime) -> str:
    """Write every commitment with its owners and status in one format."""
    writers = {"json": to_json, "csv": to_csv, "md": to_markdown}
    if fmt not in writers:
        raise InvalidInput("unknown_export_format", format=fmt, formats=list(FORMATS))
    return writers[fmt](load_rows(session, now=now))


def as_record(row: ExportRow) -> dict[str, Any]:
    """Describe one commitment as a plain JSON-ready dict."""
    item = row.item
    return {
        "id": item.code,
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
                item.code,
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
    cells = [item.code, item.shown_number, _owners_text(item), status, item.text]
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
