"""Digests: where each area stands, what changed in a period, and what needs attention.

`compile_digest` is pure: it takes the status of the areas, the updates of the period and who was
asked, and returns a `Digest`. `load_digest` reads those from the database with queries whose cost
follows the number of commitments and the updates of the period, never the whole history.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflows.catalog import current_meeting, list_areas
from workflows.models import (
    Area,
    Commitment,
    Outbox,
    Person,
    TechnicalMeeting,
    Update,
    commitment_actors,
)
from workflows.status import NO_UPDATE, AreaStatus, CommitmentStatus, area_status, derive_overall
from workflows.types import Institution, OutboxKind, OutboxState, Status

Kind = Literal["meeting", "weekly"]
MAX_CHANGES_PER_AREA = 200
PROGRESS_POINTS = 8
ATTENTION = (Status.AT_RISK, Status.BLOCKED)


@dataclass(frozen=True)
class Change:
    """An update recorded during the digest's period."""

    code: str
    area_slug: str
    institution: Institution
    status: Status | None
    text: str
    author: str
    at: datetime
    late: bool = False


@dataclass(frozen=True)
class DigestArea:
    """One area in a digest."""

    slug: str
    title: str
    counts: dict[Institution, Counter[str]]
    changes: tuple[Change, ...]
    attention: tuple[CommitmentStatus, ...]
    silent: tuple[CommitmentStatus, ...]
    unanswered: tuple[str, ...]
    disagreements: tuple[CommitmentStatus, ...]
    total: int


@dataclass(frozen=True)
class Digest:
    """A digest: areas, the period it covers, and overall status counts over time."""

    kind: Kind
    title: str
    since: datetime
    until: datetime
    areas: tuple[DigestArea, ...]
    progress: tuple[tuple[date, Counter[str]], ...]

    @property
    def commitments(self) -> int:
        """Count the commitments the digest covers."""
        return sum(a.total for a in self.areas)

    def summary(self) -> str:
        """Say in one line what needs attention."""
        changes = sum(len(a.changes) for a in self.areas)
        attention = sum(len(a.attention) for a in self.areas)
        silent = sum(len(a.silent) for a in self.areas)
        disagree = sum(len(a.disagreements) for a in self.areas)
        return (
            f"{self.commitments} commitments in {len(self.areas)} areas: {changes} updates since "
            f"{self.since:%d %b}, {attention} at risk or blocked, {silent} without news, "
            f"{disagree} where the institutions disagree."
        )


def compile_digest(
    *,
    kind: Kind,
    title: str,
    areas: Sequence[AreaStatus],
    changes: Sequence[Change],
    asked: dict[str, set[str]],
    progress: Sequence[tuple[date, Counter[str]]],
    since: datetime,
    now: datetime,
) -> Digest:
    """Put a digest together from the areas' status, the period's updates and who was asked."""
    by_area: dict[str, list[Change]] = defaultdict(list)
    for change in sorted(changes, key=lambda c: c.at, reverse=True):
        by_area[change.area_slug].append(change)
    answered = {c.author for c in changes}
    built = tuple(_digest_area(a, by_area[a.slug], asked, answered) for a in areas)
    return Digest(kind, title, since, now, built, tuple(progress))


def _digest_area(
    area: AreaStatus, changes: list[Change], asked: dict[str, set[str]], answered: set[str]
) -> DigestArea:
    codes = {item.code for item in area.items}
    changed = {c.code for c in changes}
    return DigestArea(
        slug=area.slug,
        title=area.title,
        counts=_counts(area.items),
        changes=tuple(changes),
        attention=tuple(i for i in area.items if i.overall in ATTENTION),
        silent=tuple(i for i in area.items if i.code not in changed and not _closed(i)),
        unanswered=tuple(
            sorted(
                name
                for name, asked_codes in asked.items()
                if asked_codes & codes and name not in answered
            )
        ),
        disagreements=tuple(i for i in area.items if i.disagree),
        total=len(area.items),
    )


def _closed(item: CommitmentStatus) -> bool:
    return item.overall is not None and item.overall.is_closed


def _counts(items: Sequence[CommitmentStatus]) -> dict[Institution, Counter[str]]:
    counts: dict[Institution, Counter[str]] = defaultdict(Counter)
    for item in items:
        for part in item.parts:
            counts[part.institution][part.label] += 1
    return dict(counts)


def load_digest(
    session: Session,
    *,
    kind: Kind,
    title: str,
    areas: Sequence[Area] | None,
    since: datetime,
    now: datetime,
) -> Digest:
    """Load a digest of some areas (all of the current meeting's by default) for a period."""
    areas = list(areas) if areas is not None else list_areas(session, current_meeting(session))
    statuses = [area_status(session, area, now=now) for area in areas]
    ids = [c.id for area in areas for c in area.commitments if c.retired_at is None]
    return compile_digest(
        kind=kind,
        title=title,
        areas=statuses,
        changes=_changes(session, ids, since=since, now=now),
        asked=_asked(session, ids, since=since),
        progress=_progress(session, ids, now=now),
        since=since,
        now=now,
    )


def _changes(
    session: Session, ids: Sequence[int], *, since: datetime, now: datetime
) -> list[Change]:
    if not ids:
        return []
    rows = session.scalars(
        select(Update)
        .where(Update.commitment_id.in_(ids), Update.created_at >= since, Update.created_at < now)
        .order_by(Update.created_at.desc())
        .limit(MAX_CHANGES_PER_AREA * 20)
        .options(
            selectinload(Update.author),
            selectinload(Update.commitment).selectinload(Commitment.area),
        )
    )
    return [
        Change(
            u.commitment.code,
            u.commitment.area.slug,
            u.institution,
            u.status,
            u.text,
            u.author.name if u.author else "someone",
            u.created_at,
            u.late,
        )
        for u in rows
    ]


def _asked(session: Session, ids: Sequence[int], *, since: datetime) -> dict[str, set[str]]:
    rows = session.execute(
        select(Person.name, Outbox.payload)
        .join(Outbox, Outbox.person_id == Person.id)
        .where(
            Outbox.kind.in_([OutboxKind.CHECKIN, OutboxKind.REMINDER]),
            Outbox.state == OutboxState.SENT,
            Outbox.sent_at >= since,
        )
    ).all()
    keys = (
        dict(
            session.execute(
                select(Commitment.key, Commitment.code).where(Commitment.id.in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    asked: dict[str, set[str]] = defaultdict(set)
    for name, payload in rows:
        asked[name] |= {keys[key] for key, _ in payload.get("items", []) if key in keys}
    return dict(asked)


def _progress(
    session: Session, ids: Sequence[int], *, now: datetime
) -> list[tuple[date, Counter[str]]]:
    """Count overall statuses at weekly points: the status at the window's start, then its updates."""
    start = now - timedelta(weeks=PROGRESS_POINTS - 1)
    parts = _parts(session, ids)
    state = _status_before(session, ids, start)
    updates = (
        session.execute(
            select(Update.commitment_id, Update.institution, Update.status, Update.created_at)
            .where(
                Update.commitment_id.in_(ids),
                Update.created_at >= start,
                Update.created_at <= now,
                Update.status.is_not(None),
            )
            .order_by(Update.created_at)
        ).all()
        if ids
        else []
    )
    points, cursor = [], 0
    for week in range(PROGRESS_POINTS):
        moment = start + timedelta(weeks=week)
        while cursor < len(updates) and updates[cursor][3] <= moment:
            cid, inst, status, _ = updates[cursor]
            state[(cid, Institution(inst))] = status
            cursor += 1
        points.append((moment.date(), _overall_counts(parts, state)))
    return points


def _parts(session: Session, ids: Sequence[int]) -> dict[int, list[Institution]]:
    parts: dict[int, list[Institution]] = defaultdict(list)
    if ids:
        for cid, inst in session.execute(
            select(commitment_actors.c.commitment_id, commitment_actors.c.institution).where(
                commitment_actors.c.commitment_id.in_(ids)
            )
        ):
            parts[cid].append(Institution(inst))
    return parts


def _status_before(
    session: Session, ids: Sequence[int], moment: datetime
) -> dict[tuple[int, Institution], Status | None]:
    if not ids:
        return {}
    # One index probe per part (ix_updates_latest), as for the current status.
    latest = (
        select(Update.status)
        .where(
            Update.commitment_id == commitment_actors.c.commitment_id,
            Update.institution == commitment_actors.c.institution,
            Update.created_at < moment,
            Update.status.is_not(None),
        )
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(commitment_actors.c.commitment_id, commitment_actors.c.institution, latest).where(
            commitment_actors.c.commitment_id.in_(ids)
        )
    )
    return {(cid, Institution(inst)): Status(s) if s else None for cid, inst, s in rows}


def _overall_counts(
    parts: dict[int, list[Institution]], state: dict[tuple[int, Institution], Status | None]
) -> Counter[str]:
    counts: Counter[str] = Counter()
    for cid, institutions in parts.items():
        overall, _ = derive_overall([state.get((cid, i)) for i in institutions])
        counts[overall.label if overall else NO_UPDATE] += 1
    return counts


def meeting_digest(session: Session, meeting: TechnicalMeeting, *, now: datetime) -> Digest:
    """Compile the digest for a technical meeting: its areas, since the previous meeting."""
    previous = session.scalar(
        select(TechnicalMeeting.held_on)
        .where(TechnicalMeeting.held_on < meeting.held_on)
        .order_by(TechnicalMeeting.held_on.desc())
        .limit(1)
    )
    since = (
        datetime.combine(previous, datetime.min.time(), tzinfo=now.tzinfo)
        if previous
        else now - timedelta(days=30)
    )
    title = f"Before the technical meeting of {meeting.held_on:%d %B %Y}: {meeting.title}"
    return load_digest(
        session, kind="meeting", title=title, areas=meeting.areas or None, since=since, now=now
    )


def weekly_digest(session: Session, *, now: datetime) -> Digest:
    """Compile the weekly digest: every area, the past seven days."""
    return load_digest(
        session,
        kind="weekly",
        title=f"Weekly HLM digest, week of {now:%d %B %Y}",
        areas=None,
        since=now - timedelta(days=7),
        now=now,
    )


def to_markdown(digest: Digest) -> str:
    """Write a digest as Markdown, for `hlm digest preview --format md`."""
    lines = [f"# {digest.title}", "", digest.summary(), ""]
    for area in digest.areas:
        lines += [f"## {area.title}", ""]
        for institution, counts in area.counts.items():
            lines.append(
                f"- {institution.label}: "
                + ", ".join(f"{n} {label.lower()}" for label, n in counts.most_common())
            )
        lines += [
            f"- **{c.code}** ({c.institution.label}) {c.status.label if c.status else 'note'} — {c.author}, {c.at:%d %b}: {c.text}"
            for c in area.changes[:20]
        ]
        lines += (
            [f"- At risk or blocked: {', '.join(i.code for i in area.attention)}"]
            if area.attention
            else []
        )
        lines += [f"- No news: {', '.join(i.code for i in area.silent)}"] if area.silent else []
        lines += [f"- Not answered: {', '.join(area.unanswered)}"] if area.unanswered else []
        lines += (
            [f"- Institutions disagree: {', '.join(i.code for i in area.disagreements)}"]
            if area.disagreements
            else []
        )
        lines.append("")
    return "\n".join(lines)
