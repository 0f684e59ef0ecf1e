"""Several High Level Meetings in one database: the current one, closed follow-ups, carry-over.

One meeting is current: `/hlm status`, exports, digests and the review default to it. Owners are
asked about the current meeting's commitments, and about an earlier meeting's that are still open
and not carried over, until coordinators close that meeting's follow-up. A commitment can
continue one or more earlier commitments ("carried over"): its history shows theirs, and the
earlier one reads "carried over to hlm16/osh-2".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from workflows.catalogue.lookup import current_meeting
from workflows.errors import InvalidInput, UnknownMeeting
from workflows.store.models import Assignment, Commitment, Meeting, carry_overs
from workflows.store.revision import bump


@dataclass(frozen=True)
class MeetingInfo:
    """A meeting as `hlm conclusions list` shows it."""

    number: int
    title: str
    held_on: date
    current: bool
    closed_at: datetime | None
    commitments: int


@dataclass(frozen=True)
class Shown:
    """Which meeting's conclusions a reply shows, and which other meetings there are (newest
    first), so that a reader knows what they are looking at and how to see the others."""

    number: int
    current: bool
    others: tuple[int, ...] = ()


def shown_meeting(session: Session, meeting: Meeting) -> Shown:
    """Describe the meeting a reply shows, among the meetings loaded."""
    numbers = session.scalars(select(Meeting.number).order_by(Meeting.number.desc()))
    others = tuple(n for n in numbers if n != meeting.number)
    return Shown(meeting.number, meeting.id == current_meeting(session).id, others)


def find_meeting(session: Session, name: str | None) -> Meeting:
    """Return the meeting named `hlm15`, `HLM 15` or `15`; the current one when not named."""
    if name is None or not name.strip():
        return current_meeting(session)
    digits = "".join(ch for ch in name if ch.isascii() and ch.isdigit())
    word = "".join(ch for ch in name.lower() if not ch.isdigit()).replace(" ", "").strip("-")
    meeting = None
    if digits and len(digits) <= 9 and word in ("", "hlm"):
        meeting = session.scalar(select(Meeting).where(Meeting.number == int(digits)))
    if meeting is None:
        raise UnknownMeeting(name, known=known_meetings(session))
    return meeting


def known_meetings(session: Session) -> str:
    """Name the meetings loaded, newest first, the current one marked: "hlm16, hlm15 (current)"."""
    current = current_meeting(session).number
    numbers = session.scalars(select(Meeting.number).order_by(Meeting.number.desc()))
    return ", ".join(f"hlm{n}" + (" (current)" if n == current else "") for n in numbers)


def set_current(session: Session, meeting: Meeting) -> Meeting | None:
    """Make a meeting the current one; return the one that was current before (if another)."""
    before = current_meeting(session)
    session.execute(update(Meeting).values(is_current=Meeting.id == meeting.id))
    bump(session)  # a bulk update passes no flush: what status shows changed all the same
    session.flush()
    session.expire_all()
    return before if before.id != meeting.id else None


def close_followup(session: Session, meeting: Meeting, *, now: datetime) -> bool:
    """End a meeting's follow-up (its owners are no longer asked); False if it already was."""
    if meeting.is_current:
        raise InvalidInput("current_meeting_open", meeting=meeting.number)
    if meeting.followup_closed_at is not None:
        return False
    meeting.followup_closed_at = now
    session.flush()
    return True


def reopen_followup(session: Session, meeting: Meeting) -> bool:
    """Ask owners about a meeting's open commitments again; False if its follow-up was open."""
    if meeting.followup_closed_at is None:
        return False
    meeting.followup_closed_at = None
    session.flush()
    return True


def list_meetings(session: Session) -> list[MeetingInfo]:
    """List the meetings, newest first, with their live commitments counted."""
    counts = dict(
        session.execute(
            select(Commitment.meeting_id, func.count())
            .where(Commitment.retired_at.is_(None))
            .group_by(Commitment.meeting_id)
        ).all()
    )
    current = current_meeting(session).id if counts else None
    return [
        MeetingInfo(
            m.number, m.title, m.held_on, m.id == current, m.followup_closed_at, counts.get(m.id, 0)
        )
        for m in session.scalars(select(Meeting).order_by(Meeting.number.desc()))
    ]


def followed_up() -> ColumnElement[bool]:
    """Say, in SQL about `Commitment`, whether its owners are still asked about it.

    The current meeting's commitments are; an earlier meeting's are while its follow-up is open
    and no later commitment continues them.
    """
    meeting = select(Meeting.id).where(Meeting.id == Commitment.meeting_id)
    current = meeting.where(Meeting.is_current.is_(True)).exists()
    still_open = meeting.where(Meeting.followup_closed_at.is_(None)).exists()
    continued = exists().where(carry_overs.c.continues_id == Commitment.id)
    has_current = select(Meeting.id).where(Meeting.is_current.is_(True)).exists()
    latest = meeting.where(Meeting.number == select(func.max(Meeting.number)).scalar_subquery())
    return or_(
        current,
        and_(~has_current, latest.exists()),
        and_(still_open, ~continued),
    )


def carry_over(
    session: Session,
    *,
    commitment: Commitment,
    earlier: Commitment,
    with_owners: bool = False,
    now: datetime,
) -> list[Assignment]:
    """Record that `commitment` continues `earlier`; copy the owners along if asked.

    Returns the assignments added. The earlier commitment must belong to an earlier meeting.
    """
    meetings = dict(
        session.execute(
            select(Meeting.id, Meeting.number).where(
                Meeting.id.in_([commitment.meeting_id, earlier.meeting_id])
            )
        ).all()
    )
    if meetings[earlier.meeting_id] >= meetings[commitment.meeting_id]:
        raise InvalidInput("carry_over_backwards", later=commitment.key, earlier=earlier.key)
    known = session.execute(
        select(carry_overs).where(
            carry_overs.c.commitment_id == commitment.id, carry_overs.c.continues_id == earlier.id
        )
    ).first()
    if known is None:
        session.execute(
            insert(carry_overs).values(commitment_id=commitment.id, continues_id=earlier.id)
        )
        bump(session)
    added: list[Assignment] = []
    if with_owners:
        taken = {(a.institution, a.role) for a in commitment.assignments}
        actors = set(commitment.actors)
        for old in earlier.assignments:
            if old.institution in actors and (old.institution, old.role) not in taken:
                new = Assignment(commitment=commitment, institution=old.institution,
                                 role=old.role, person_id=old.person_id, created_at=now)  # fmt: skip
                session.add(new)
                taken.add((old.institution, old.role))
                added.append(new)
    session.flush()
    return added


def undo_carry_over(session: Session, *, commitment: Commitment, earlier: Commitment) -> bool:
    """Forget that `commitment` continues `earlier`; False if it did not."""
    result = session.execute(
        delete(carry_overs).where(
            carry_overs.c.commitment_id == commitment.id, carry_overs.c.continues_id == earlier.id
        )
    )
    bump(session)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def carried_over_to(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """Map earlier commitments to the keys of the later ones that continue them."""
    return _links(session, ids, carry_overs.c.continues_id, carry_overs.c.commitment_id)


def continues(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """Map later commitments to the keys of the earlier ones they continue."""
    return _links(session, ids, carry_overs.c.commitment_id, carry_overs.c.continues_id)


def _links(
    session: Session, ids: Sequence[int], side: object, other: object
) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(side, Commitment.key)  # type: ignore[call-overload]
        .join(Commitment, Commitment.id == other)
        .where(side.in_(ids))  # type: ignore[attr-defined]
        .order_by(Commitment.key)
    )
    for own, key in rows:
        found.setdefault(own, []).append(key)
    return found


def history_ids(session: Session, commitment_id: int) -> list[int]:
    """Return a commitment and every earlier one it continues, transitively, newest first."""
    seen, frontier = [commitment_id], [commitment_id]
    while frontier:
        earlier = session.scalars(
            select(carry_overs.c.continues_id).where(carry_overs.c.commitment_id.in_(frontier))
        ).all()
        frontier = [i for i in earlier if i not in seen]
        seen += frontier
    return seen
