"""Where each commitment stands: the latest status per institution, and an overall one.

"No update" is never stored: it is what a part of a commitment shows until its owner reports.
A joint commitment has one status per institution; the overall status is derived from them
(`derive_overall`) and a disagreement between the institutions is flagged.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ScalarSelect, Select, select
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.lookup import area_commitments, list_areas, live_commitments
from workflows.store.models import (
    Area,
    Assignment,
    Commitment,
    Meeting,
    Update,
    commitment_actors,
)
from workflows.types import Institution, Role, Status, UpdateSource
from workflows.words import counted

# Three fortnightly check-ins without a word: the item needs a coordinator's eye.
STALE_AFTER = timedelta(days=42)
# Two fortnightly cycles without a word from an institution: `/hlm status` lists it first.
SILENT_AFTER = timedelta(days=28)
NO_UPDATE = "No update"
# Best news first, then what closed without being done, then the unknown: the one order in which
# the reports list statuses (the review's summary table and the chart's bars alike).
REPORT_ORDER = (
    Status.COMPLETED.label,
    Status.ON_TRACK.label,
    Status.NOT_STARTED.label,
    Status.AT_RISK.label,
    Status.BLOCKED.label,
    Status.SUPERSEDED.label,
    Status.DROPPED.label,
    NO_UPDATE,
)

# Worst first: the overall status of a joint item is the worst of its parts.
_SEVERITY = (
    Status.BLOCKED,
    Status.AT_RISK,
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.COMPLETED,
    Status.SUPERSEDED,
    Status.DROPPED,
)


@dataclass(frozen=True)
class Report:
    """One update as a status view shows it.

    `replaced`: a later update corrects it (its `corrects_id` points here); `withdrawn`: its
    author took it back. Both stay in the history, marked, and count nowhere.
    """

    status: Status | None
    text: str
    author: str | None
    at: datetime
    late: bool = False
    next_step: str = ""
    evidence: tuple[str, ...] = ()
    source: UpdateSource | None = None
    institution: Institution | None = None
    replaced: bool = False
    withdrawn: bool = False
    update_id: int | None = None
    of: str = ""  # an earlier commitment's id, when recorded there before it was carried over

    @property
    def confirmed(self) -> bool:
        """Tell whether the update only confirmed the status unchanged ("Nothing changed")."""
        return self.source is UpdateSource.CONFIRMED


@dataclass(frozen=True)
class Part:
    """One institution's part of a commitment: its owners and where it stands."""

    institution: Institution
    owners: tuple[str, ...]
    backups: tuple[str, ...]
    status: Status | None
    status_at: datetime | None
    last: Report | None
    # The latest update that set the status, when a later note left it as it was.
    with_status: Report | None = None

    @property
    def label(self) -> str:
        """Name the status as people read it ("No update" when nothing was reported)."""
        return self.status.label if self.status else NO_UPDATE

    @property
    def heard_at(self) -> datetime | None:
        """Return when the institution last said anything about its part."""
        return self.last.at if self.last else self.status_at


class Problem(enum.Enum):
    """Why a commitment is listed first in an area's status, worst first."""

    BLOCKED = "blocked"
    AT_RISK = "at risk"
    DISAGREE = "the institutions disagree"
    SILENT = "silent for two cycles or more"
    AWAITING = "awaiting confirmation"


@dataclass(frozen=True)
class CommitmentStatus:
    """A commitment with its parts and derived overall status."""

    code: str
    key: str
    area_slug: str
    number: int | None
    number_reconstructed: bool
    text: str
    actors: tuple[Institution, ...]
    parts: tuple[Part, ...]
    overall: Status | None
    disagree: bool
    stale: bool
    # Open parts not heard of for two cycles or more (SILENT_AFTER).
    silent: tuple[Institution, ...] = ()
    # A joint item one institution marked completed, waiting for the others to confirm.
    completed_by: tuple[Institution, ...] = ()
    awaiting: tuple[Institution, ...] = ()

    @property
    def short_code(self) -> str:
        """Return the id within its meeting (`gender-3`), whichever meeting is current: what a
        file about one meeting's conclusions names it by."""
        return self.key.partition("/")[2] or self.key

    @property
    def label(self) -> str:
        """Name the overall status as people read it."""
        return self.overall.label if self.overall else NO_UPDATE

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Say what needs a coordinator's eye, worst first (empty: nothing does)."""
        statuses = {p.status for p in self.parts}
        found = [
            (Problem.BLOCKED, Status.BLOCKED in statuses),
            (Problem.AT_RISK, Status.AT_RISK in statuses),
            (Problem.DISAGREE, self.disagree),
            (Problem.SILENT, bool(self.silent)),
            (Problem.AWAITING, bool(self.awaiting)),
        ]
        return tuple(problem for problem, present in found if present)

    @property
    def shown_number(self) -> str:
        """Return the number as printed, in brackets when reconstructed, or a dash if lost."""
        if self.number is None:
            return "–"
        return f"[{self.number}]" if self.number_reconstructed else str(self.number)


@dataclass(frozen=True)
class AreaStatus:
    """An area's commitments in document order, with counts by overall status."""

    slug: str
    title: str
    position: int
    items: tuple[CommitmentStatus, ...]

    @property
    def counts(self) -> Counter[str]:
        """Count the items by overall status label ("No update" included)."""
        return Counter(item.label for item in self.items)

    @property
    def stale(self) -> int:
        """Count the items nobody has reported on for a while."""
        return sum(item.stale for item in self.items)

    @property
    def disagreements(self) -> int:
        """Count the joint items whose institutions report different statuses."""
        return sum(item.disagree for item in self.items)

    @property
    def problems(self) -> tuple[CommitmentStatus, ...]:
        """List the items that need a coordinator's eye, worst first, in document order within."""
        flagged = [item for item in self.items if item.problems]
        order = list(Problem)
        return tuple(sorted(flagged, key=lambda item: order.index(item.problems[0])))

    def summary(self) -> str:
        """Say in one line how the area stands."""
        return summarise(self.items)


def summarise(items: Sequence[CommitmentStatus]) -> str:
    """Say in one line how a set of commitments stands: counts by status, stale, disagreeing."""
    counts = Counter(item.label for item in items)
    order = [s.label for s in _SEVERITY] + [NO_UPDATE]
    parts = [f"{counts[label]} {label.lower()}" for label in order if counts[label]]
    stale = sum(item.stale for item in items)
    disagree = sum(item.disagree for item in items)
    extra = ([f"{stale} stale"] if stale else []) + ([f"{disagree} disagree"] if disagree else [])
    return (
        f"{counted(len(items), 'commitment')}: " + ", ".join(parts + extra)
        if items
        else "No commitments."
    )


# The disagreement rule (the README states it): the institutions disagree when one reports the
# work behind (not started, at risk, blocked) while another reports it moving or done (on track,
# completed), or when one has dropped it while another still reports it as anything but dropped
# or superseded. "On track" against "completed" is progress, not conflict; two problems of
# different kinds ("at risk" and "blocked") agree that something is wrong.
BEHIND = frozenset({Status.NOT_STARTED, Status.AT_RISK, Status.BLOCKED})
AHEAD = frozenset({Status.ON_TRACK, Status.COMPLETED})


def disagree(statuses: Iterable[Status | None]) -> bool:
    """Tell whether the institutions' reports on one commitment contradict each other."""
    reported = {s for s in statuses if s is not None}
    if reported & BEHIND and reported & AHEAD:
        return True
    return Status.DROPPED in reported and bool(reported - {Status.DROPPED, Status.SUPERSEDED})


def awaiting_confirmation(
    parts: Iterable[tuple[Institution, Status | None]],
) -> tuple[tuple[Institution, ...], tuple[Institution, ...]]:
    """On a joint commitment, say who marked it completed and whose confirmation is awaited.

    Awaited are the other actors still silent or on track; one that reports the work behind
    disagrees instead (see `disagree`), and one that also completed, dropped or superseded it
    has nothing left to confirm. Both tuples are empty unless someone completed it and someone
    is awaited.
    """
    parts = list(parts)
    done = tuple(i for i, s in parts if s is Status.COMPLETED)
    waiting = tuple(i for i, s in parts if s is None or s is Status.ON_TRACK)
    return (done, waiting) if done and waiting else ((), ())


def derive_overall(statuses: Sequence[Status | None]) -> tuple[Status | None, bool]:
    """Derive a commitment's overall status from its parts, and whether the parts disagree."""
    reported = [s for s in statuses if s is not None]
    disagreeing = disagree(reported)
    if not reported:
        return None, False
    worst = min(reported, key=_SEVERITY.index)
    if worst.is_closed and len(reported) < len(statuses):
        # One side has finished but the other has not said a word: not done yet.
        return Status.ON_TRACK if worst is Status.COMPLETED else None, disagreeing
    return worst, disagreeing


def is_stale(parts: Iterable[Part], *, now: datetime, stale_after: timedelta = STALE_AFTER) -> bool:
    """Tell whether an open item's last report is older than `stale_after`.

    An item never reported on shows "No update" instead; it is not also counted as stale.
    """
    parts = list(parts)
    if parts and all(p.status is not None and p.status.is_closed for p in parts):
        return False
    latest = max((p.last.at for p in parts if p.last), default=None)
    return latest is not None and now - latest > stale_after


def turns_stale_at(statuses: Iterable[AreaStatus], *, now: datetime) -> datetime | None:
    """Return when these statuses would first change by the clock alone: an item turning stale
    or an institution turning silent."""
    turns = [
        part.last.at + after
        for status in statuses
        for item in status.items
        for part in item.parts
        for after in (STALE_AFTER, SILENT_AFTER)
        if part.last is not None and part.last.at + after > now
    ]
    return min(turns, default=None)


def silent_parts(
    parts: Iterable[Part], *, now: datetime, silent_after: timedelta = SILENT_AFTER
) -> tuple[Institution, ...]:
    """Name the institutions whose open part has not been heard of for `silent_after` or more.

    A part never reported on shows "No update" instead; it is not also counted as silent.
    """
    return tuple(
        p.institution
        for p in parts
        if not (p.status is not None and p.status.is_closed)
        and p.heard_at is not None
        and now - p.heard_at >= silent_after
    )


def area_status(
    session: Session, area: Area, *, now: datetime, stale_after: timedelta = STALE_AFTER
) -> AreaStatus:
    """Load where every commitment of an area stands."""
    commitments = area_commitments(session, area)
    items = commitment_statuses(session, commitments, now=now, stale_after=stale_after)
    return AreaStatus(area.slug, area.title, area.position, tuple(items))


def overview(
    session: Session,
    *,
    now: datetime,
    stale_after: timedelta = STALE_AFTER,
    meeting: Meeting | None = None,
) -> list[AreaStatus]:
    """Load where every area of a meeting (the current one by default) stands."""
    areas = list_areas(session, meeting)
    return areas_status(session, areas, live_commitments(session, areas), now=now,
                        stale_after=stale_after)  # fmt: skip


def areas_status(
    session: Session,
    areas: Sequence[Area],
    commitments: Sequence[Commitment],
    *,
    now: datetime,
    stale_after: timedelta = STALE_AFTER,
) -> list[AreaStatus]:
    """Build each area's status as `area_status` does, for all the areas at once, from their
    live commitments (`live_commitments`): a handful of queries, not a handful per area."""
    statuses = commitment_statuses(session, commitments, now=now, stale_after=stale_after)
    items: dict[int, list[CommitmentStatus]] = defaultdict(list)
    for commitment, item in zip(commitments, statuses, strict=True):
        items[commitment.area_id].append(item)
    return [AreaStatus(a.slug, a.title, a.position, tuple(items[a.id])) for a in areas]


def commitment_statuses(
    session: Session,
    commitments: Sequence[Commitment],
    *,
    now: datetime,
    stale_after: timedelta = STALE_AFTER,
) -> list[CommitmentStatus]:
    """Load the parts of some commitments and derive their status, in the order given."""
    ids = [c.id for c in commitments]
    latest = _latest_updates(session, ids)
    owners = _owners(session, ids)
    return [
        _commitment_status(c, latest, owners, now=now, stale_after=stale_after) for c in commitments
    ]


def _commitment_status(
    commitment: Commitment,
    latest: dict[tuple[int, Institution], tuple[Update | None, Update | None]],
    owners: dict[tuple[int, Institution, Role], list[str]],
    *,
    now: datetime,
    stale_after: timedelta,
) -> CommitmentStatus:
    parts = tuple(
        _part(commitment.id, institution, latest, owners) for institution in commitment.actors
    )
    overall, disagree = derive_overall([p.status for p in parts])
    completed_by, awaiting = awaiting_confirmation((p.institution, p.status) for p in parts)
    return CommitmentStatus(
        code=commitment.shown_code,
        key=commitment.key,
        area_slug=commitment.area.slug,
        number=commitment.number,
        number_reconstructed=commitment.number_reconstructed,
        text=commitment.text,
        actors=tuple(commitment.actors),
        parts=parts,
        overall=overall,
        disagree=disagree,
        stale=is_stale(parts, now=now, stale_after=stale_after),
        silent=silent_parts(parts, now=now),
        completed_by=completed_by,
        awaiting=awaiting,
    )


def _part(
    commitment_id: int,
    institution: Institution,
    latest: dict[tuple[int, Institution], tuple[Update | None, Update | None]],
    owners: dict[tuple[int, Institution, Role], list[str]],
) -> Part:
    with_status, last = latest.get((commitment_id, institution), (None, None))
    return Part(
        institution=institution,
        owners=tuple(owners.get((commitment_id, institution, Role.OWNER), [])),
        backups=tuple(owners.get((commitment_id, institution, Role.BACKUP), [])),
        status=with_status.status if with_status else None,
        status_at=with_status.created_at if with_status else None,
        last=report_of(last) if last else None,
        with_status=report_of(with_status) if with_status else None,
    )


def report_of(update: Update, *, replaced: bool = False, of: str = "") -> Report:
    """Describe an update as a status view shows it (`replaced`: a later update corrects it;
    `of`: the earlier commitment it was recorded on, in a carried-over history)."""
    return Report(
        status=update.status,
        text=update.text,
        author=update.author.name if update.author else None,
        at=update.created_at,
        late=update.late,
        next_step=update.next_step,
        evidence=tuple(update.evidence or ()),
        source=update.source,
        institution=update.institution,
        replaced=replaced,
        withdrawn=update.withdrawn_at is not None,
        update_id=update.id,
        of=of,
    )


def current_statuses(
    session: Session, commitment_ids: Sequence[int]
) -> dict[tuple[int, Institution], Status | None]:
    """Return the latest reported status of each part of some commitments, in one query."""
    rows = _per_part(session, commitment_ids, _latest_of_part(Update.status, with_status=True))
    return {(cid, Institution(inst)): status for cid, inst, status in rows}


def _per_part(
    session: Session, commitment_ids: Sequence[int], *latest: ScalarSelect[Any]
) -> list[tuple[Any, ...]]:
    """Select each part (commitment, institution) of some commitments, with columns of its own."""
    if not commitment_ids:
        return []
    query = select(commitment_actors.c.commitment_id, commitment_actors.c.institution, *latest)
    rows = session.execute(query.where(commitment_actors.c.commitment_id.in_(commitment_ids)))
    return [tuple(row) for row in rows]


def _latest_of_part(column: Any, *, with_status: bool) -> ScalarSelect[Any]:
    """Select a column of a commitment part's latest update (with a status, if asked)."""
    # One index probe per (commitment, institution) on ix_updates_latest: the cost follows the
    # number of commitments shown, not the length of their history.
    query = (
        select(column)
        .where(
            Update.commitment_id == commitment_actors.c.commitment_id,
            Update.institution == commitment_actors.c.institution,
        )
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(1)
    )
    if with_status:
        query = query.where(Update.status.is_not(None))
    return query.where(Update.withdrawn_at.is_(None)).scalar_subquery()


def _latest_updates(
    session: Session, commitment_ids: Sequence[int]
) -> dict[tuple[int, Institution], tuple[Update | None, Update | None]]:
    rows = _per_part(
        session,
        commitment_ids,
        _latest_of_part(Update.id, with_status=True),
        _latest_of_part(Update.id, with_status=False),
    )
    wanted = {i for row in rows for i in row[2:] if i is not None}
    updates = {
        u.id: u
        for u in session.scalars(
            select(Update).where(Update.id.in_(wanted)).options(selectinload(Update.author))
        )
    }
    return {
        (cid, Institution(inst)): (updates.get(sid), updates.get(lid))
        for cid, inst, sid, lid in rows
    }


def _owners(
    session: Session, commitment_ids: Sequence[int]
) -> dict[tuple[int, Institution, Role], list[str]]:
    owners: dict[tuple[int, Institution, Role], list[str]] = {}
    if not commitment_ids:
        return owners
    rows = session.scalars(
        select(Assignment)
        .where(Assignment.commitment_id.in_(commitment_ids))
        .options(selectinload(Assignment.person))
        .order_by(Assignment.id)
    )
    for row in rows:
        owners.setdefault((row.commitment_id, row.institution, row.role), []).append(
            row.person.name
        )
    return owners


def updates_on(
    parts: Collection[tuple[int, Institution]], *, since: datetime
) -> Select[int, Institution, datetime]:
    """Select when updates on some commitment parts were recorded, from a moment on."""
    # Both leading columns of ix_updates_latest (commitment, institution, created_at) as lists and
    # a range on the third: the index is descended once per part and read from `since` only,
    # however long the history. The pairs the two lists make up but nobody asked for are dropped
    # by the caller.
    return select(Update.commitment_id, Update.institution, Update.created_at).where(
        Update.commitment_id.in_({commitment_id for commitment_id, _ in parts}),
        Update.institution.in_({institution for _, institution in parts}),
        Update.created_at >= since,
    )
