"""Load a meeting's conclusions from YAML and bring the database in line with them.

Seeding is idempotent: a second run changes nothing. An edited seed updates texts and adds
items; an item the seed no longer lists is retired, never deleted, so its updates and
assignments stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from seed.schema import SeedArea, SeedCommitment, SeedMeeting
from workflows.catalogue.meetings import carry_over
from workflows.errors import BadFile
from workflows.store.models import Area, Commitment, CommitmentActor, Meeting

SEED_DIR = Path(__file__).parent


@dataclass
class SyncReport:
    """What a seed run changed."""

    meeting: int
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        """Tell whether the run wrote anything."""
        return bool(self.added or self.updated or self.retired)

    def summary(self) -> str:
        """Say in one line what changed."""
        if not self.changed:
            return f"HLM {self.meeting}: up to date ({self.unchanged} items unchanged)."
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated"]
        parts += [f"{len(self.retired)} retired", f"{self.unchanged} unchanged"]
        return f"HLM {self.meeting}: " + ", ".join(parts) + "."

    def details(self) -> list[str]:
        """List each change, one line per item."""
        lines = [f"added {key}" for key in self.added]
        lines += [f"updated {key}: {', '.join(fields)}" for key, fields in self.updated.items()]
        return lines + [f"retired {key} (its history is kept)" for key in self.retired]


def default_seed_files() -> list[Path]:
    """List the seed files shipped with the product, oldest meeting first."""
    return sorted(SEED_DIR.glob("hlm*.yaml"), key=lambda p: int(p.stem.removeprefix("hlm")))


def load_seed(path: Path) -> SeedMeeting:
    """Read and validate one meeting's seed file; raise BadFile with the reason."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadFile("file_unreadable", path=str(path), reason=exc.strerror) from exc
    except UnicodeDecodeError as exc:
        raise BadFile("file_not_utf8", path=str(path), byte=exc.start) from exc
    except yaml.YAMLError as exc:
        raise BadFile("file_not_yaml", path=str(path), reason=_first_line(exc)) from exc
    try:
        return SeedMeeting.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise BadFile("file_invalid", path=str(path), problem=f"{where}: {error['msg']}.") from exc


def sync_seed(session: Session, seed: SeedMeeting, *, now: datetime) -> SyncReport:
    """Make the database hold exactly the seed's meeting, areas and commitments."""
    meeting = _upsert_meeting(session, seed)
    report = SyncReport(meeting=seed.number)
    areas = _sync_areas(session, meeting, seed.areas)
    existing = {
        c.key: c
        for c in session.scalars(select(Commitment).where(Commitment.meeting_id == meeting.id))
    }
    _park_positions(session, existing.values())
    for area in seed.areas:
        for position, item in enumerate(area.commitments, start=1):
            key = seed.key(item.id)
            values = _commitment_values(item, areas[area.slug], position)
            commitment = existing.pop(key, None)
            if commitment is None:
                _add_commitment(session, meeting, key, item, values)
                report.added.append(key)
                continue
            changes = _apply(commitment, values, item)
            if changes:
                report.updated[key] = changes
            else:
                report.unchanged += 1
    _retire(existing.values(), report, now=now)
    session.flush()
    _carry_overs(session, seed, now=now)
    return report


def _carry_overs(session: Session, seed: SeedMeeting, *, now: datetime) -> None:
    """Link each commitment to the earlier ones the seed says it continues."""
    wanted = {seed.key(item.id): item.carried_over_from for item in seed.commitments}
    if not any(wanted.values()):
        return
    keys = set(wanted) | {k for earlier in wanted.values() for k in earlier}
    found = {c.key: c for c in session.scalars(select(Commitment).where(Commitment.key.in_(keys)))}
    for key, earlier_keys in wanted.items():
        for earlier_key in earlier_keys:
            if earlier_key not in found:
                raise BadFile("seed_unknown_carry_over", key=key, earlier=earlier_key)
            carry_over(session, commitment=found[key], earlier=found[earlier_key], now=now)


def _upsert_meeting(session: Session, seed: SeedMeeting) -> Meeting:
    meeting = session.scalar(select(Meeting).where(Meeting.number == seed.number))
    if meeting is None:
        # The first meeting loaded is current; a later one waits until coordinators switch to
        # it (`hlm conclusions current`), so loading the next conclusions changes no one's work.
        first = session.scalar(select(Meeting.id).limit(1)) is None
        meeting = Meeting(number=seed.number, is_current=first)
        session.add(meeting)
    meeting.title, meeting.held_on, meeting.place = seed.title, seed.held_on, seed.place
    session.flush()
    return meeting


def _sync_areas(session: Session, meeting: Meeting, seeds: Iterable[SeedArea]) -> dict[str, Area]:
    by_slug = {area.slug: area for area in meeting.areas}
    _park_positions(session, by_slug.values())
    for position, seed_area in enumerate(seeds, start=1):
        area = by_slug.get(seed_area.slug)
        if area is None:
            area = Area(meeting=meeting, slug=seed_area.slug)
            session.add(area)
            by_slug[seed_area.slug] = area
        area.title, area.section = seed_area.title, seed_area.section
        area.short_title = seed_area.short_title
        area.position, area.preamble = position, seed_area.preamble
        if area.aliases != list(seed_area.aliases):  # (an equal list written again is a write)
            area.aliases = list(seed_area.aliases)
    session.flush()
    return by_slug


def _park_positions(session: Session, rows: Iterable[Area | Commitment]) -> None:
    # Positions are unique; moving rows to negative positions first lets a reordered seed
    # swap two of them without tripping the constraint mid-way.
    rows = list(rows)
    for row in rows:
        row.position = -abs(row.position) - 1_000_000_000
    session.flush()


def _commitment_values(item: SeedCommitment, area: Area, position: int) -> dict[str, Any]:
    return {
        "area_id": area.id,
        "position": position,
        "number": item.number,
        "number_reconstructed": item.number_reconstructed,
        "lead_in": item.lead_in,
        "text": item.text,
        "targets": [target.model_dump(exclude_none=True) for target in item.targets],
        "source_line": item.source_line,
        "retired_at": None,
    }


def _add_commitment(
    session: Session, meeting: Meeting, key: str, item: SeedCommitment, values: dict[str, Any]
) -> None:
    commitment = Commitment(key=key, code=item.id, meeting_id=meeting.id, **values)
    commitment.actor_rows = [CommitmentActor(institution=actor) for actor in item.actors]
    session.add(commitment)


def _apply(commitment: Commitment, values: dict[str, Any], item: SeedCommitment) -> list[str]:
    changes = [name for name, value in values.items() if getattr(commitment, name) != value]
    for name, value in values.items():
        setattr(commitment, name, value)
    changes = [name for name in changes if name != "position" or "area_id" in changes]
    if set(commitment.actors) != set(item.actors):
        kept = [row for row in commitment.actor_rows if row.institution in item.actors]
        known = {row.institution for row in kept}
        kept += [CommitmentActor(institution=a) for a in item.actors if a not in known]
        commitment.actor_rows = kept
        changes.append("actors")
    return changes


def _retire(gone: Iterable[Commitment], report: SyncReport, *, now: datetime) -> None:
    for commitment in gone:
        commitment.position = _free_position(commitment)
        if commitment.retired_at is None:
            commitment.retired_at = now
            report.retired.append(commitment.key)


def _free_position(commitment: Commitment) -> int:
    # A retired item keeps a position outside the seed's range, unique by its primary key.
    return -commitment.id


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
