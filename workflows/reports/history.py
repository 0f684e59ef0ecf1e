"""The rows of the coordinators' exports: the current status per commitment and institution,
and the history (one row per update), read from the database as a stream.

Both are iterators over plain rows, fetched a batch at a time, so that a year of updates never
sits in memory at once; `workflows.reports.sheets` writes them out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from workflows.catalogue.lookup import area_commitments, list_areas
from workflows.store.models import Area, Commitment, Meeting, Person, Update
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.status import commitment_statuses

BATCH = 500  # rows fetched at a time


@dataclass(frozen=True)
class CurrentRow:
    """Where one institution's part of a commitment stands, one field per column."""

    code: str
    area: str
    number: str
    institution: Institution
    status: Status | None
    owners: tuple[str, ...]
    backups: tuple[str, ...]
    words: str  # what the owner last wrote
    next_step: str
    evidence: tuple[str, ...]
    heard_at: datetime | None  # the last update of any kind, a confirmation included
    text: str


@dataclass(frozen=True)
class HistoryRow:
    """One update, as it was recorded, and what became of it."""

    at: datetime
    code: str
    area: str
    author: str | None
    institution: Institution
    status: Status | None
    words: str
    next_step: str
    evidence: tuple[str, ...]
    source: UpdateSource
    late: bool
    replaced: bool  # a later update corrects it
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class Said:
    """The last words of a part: what was written, the next step, the links; and when the part
    was last heard of."""

    words: str = ""
    next_step: str = ""
    evidence: tuple[str, ...] = ()
    heard_at: datetime | None = None


def chosen_areas(session: Session, meeting: Meeting, area: Area | None) -> list[Area]:
    """The areas an export covers: one, or all of the meeting's in document order."""
    return [area] if area is not None else list_areas(session, meeting)


def current_rows(session: Session, areas: Sequence[Area], *, now: datetime) -> Iterator[CurrentRow]:
    """Yield a row per live commitment and institution, area by area, in document order."""
    for area in areas:
        commitments = area_commitments(session, area)
        said = last_said(session, [c.id for c in commitments])
        by_key = {c.key: c.id for c in commitments}
        for item in commitment_statuses(session, commitments, now=now):
            for part in item.parts:
                last = said.get((by_key[item.key], part.institution), Said())
                yield CurrentRow(
                    item.short_code, area.title, item.shown_number, part.institution, part.status,
                    part.owners, part.backups, last.words, last.next_step, last.evidence,
                    last.heard_at, item.text,
                )  # fmt: skip


def last_said(
    session: Session, commitment_ids: Sequence[int]
) -> dict[tuple[int, Institution], Said]:
    """Return, per part, the latest words (of the newest update that says anything) and when it
    was last heard of; withdrawn updates do not count."""
    query = (
        select(Update.commitment_id, Update.institution, Update.text, Update.next_step,
               Update.evidence, Update.created_at)
        .where(Update.commitment_id.in_(commitment_ids), Update.withdrawn_at.is_(None))
        .order_by(Update.created_at, Update.id)
    )  # fmt: skip
    said: dict[tuple[int, Institution], Said] = {}
    for cid, institution, words, next_step, evidence, at in session.execute(query).yield_per(BATCH):
        part = (cid, Institution(institution))
        before = said.get(part, Said())
        if words or next_step or evidence:
            said[part] = Said(words, next_step, tuple(evidence or ()), at)
        else:
            said[part] = Said(before.words, before.next_step, before.evidence, at)
    return said


def history_rows(session: Session, areas: Sequence[Area]) -> Iterator[HistoryRow]:
    """Yield every update on the areas' commitments, oldest first, withdrawn ones included."""
    for row in session.execute(_history_query([a.id for a in areas])).yield_per(BATCH):
        at, code, area, author, institution, status, words, next_step, evidence, *rest = row
        source, late, replaced, withdrawn_at = rest
        yield HistoryRow(
            at, code, area, author, Institution(institution), status, words or "",
            next_step or "", tuple(evidence or ()), source, bool(late), bool(replaced),
            withdrawn_at,
        )  # fmt: skip


def _history_query(area_ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
    correction = aliased(Update)
    replaced = exists().where(
        and_(correction.corrects_id == Update.id, correction.withdrawn_at.is_(None))
    )
    return (
        select(
            Update.created_at, Commitment.code, Area.title, Person.name, Update.institution,
            Update.status, Update.text, Update.next_step, Update.evidence, Update.source,
            Update.late, replaced, Update.withdrawn_at,
        )
        .join(Commitment, Commitment.id == Update.commitment_id)
        .join(Area, Area.id == Commitment.area_id)
        .outerjoin(Person, Person.id == Update.author_id)
        .where(Area.id.in_(area_ids))
        .order_by(Update.created_at, Update.id)
    )  # fmt: skip


def count_updates(session: Session, areas: Sequence[Area]) -> int:
    """Count the updates an export of these areas holds."""
    return session.scalar(
        select(func.count(Update.id))
        .join(Commitment, Commitment.id == Update.commitment_id)
        .where(Commitment.area_id.in_([a.id for a in areas]))
    ) or 0  # fmt: skip
