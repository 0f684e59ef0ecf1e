"""Write what is due into the outbox, once: load the owners' state, ask `schedule`, insert rows.

Rows are inserted with their idempotency key under a savepoint; a key that exists already (the
same moment planned twice, or by another process) is skipped, never sent twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from workflows.calendar import WorkingCalendar, local_day
from workflows.checkins.prompts import Cycle, plan_checkin
from workflows.delivery.schedule import (
    Cadence,
    Due,
    OwnerState,
    SentPrompt,
    due_for_owner,
    look_back,
    meeting_digest_due,
    weekly_digest_due,
)
from workflows.people.directory import hours_of
from workflows.store.messages import DigestMessage, SilentOwner, write
from workflows.store.models import (
    Absence,
    Area,
    Assignment,
    Checkin,
    Commitment,
    Outbox,
    Person,
    TechnicalMeeting,
)
from workflows.types import Institution, OutboxKind, Role
from workflows.updates.status import commitment_statuses, updates_on


def owner_states(session: Session, *, now: datetime, cadence: Cadence) -> list[OwnerState]:
    """Load every active owner's prompts and recent answers."""
    owners = session.scalars(
        select(Person)
        .where(Person.active.is_(True), Person.slack_user_id.is_not(None))
        .where(Person.id.in_(select(Assignment.person_id).where(Assignment.role == Role.OWNER)))
        .order_by(Person.id)
    ).all()
    area_days = _area_cadences(session)
    cycle_days = {p.id: p.cadence_days or area_days.get(p.id) or cadence.cycle_days for p in owners}
    # Each owner is read back over their own cycles: someone asked every 42 days needs twice as
    # much of the past as someone asked every 21 days before they can be escalated.
    horizons = _horizons(cycle_days, now=now, cadence=cadence)
    prompts = _prompts_since(session, horizons)
    answers = _answers_since(session, horizons)
    # Counted for everyone at once: a tick costs a few queries, not a few per owner.
    open_counts = open_part_counts(session, now=now)
    away = _away_ranges(session, since=(now - timedelta(days=1)).date())
    first = _first_asked(session)
    return [
        replace(
            _state(p, prompts, answers, open_counts.get(p.id, 0), cycle_days[p.id]),
            away=tuple(away.get(p.id, ())),
            first_asked=first.get(p.id),
        )
        for p in owners
    ]


def _away_ranges(session: Session, *, since: date) -> dict[int, list[tuple[date, date]]]:
    """Load the away ranges not cancelled and not over, for everyone at once."""
    rows = session.execute(
        select(Absence.person_id, Absence.starts_on, Absence.ends_on).where(
            Absence.cancelled_at.is_(None), Absence.ends_on >= since
        )
    ).all()
    ranges: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for person_id, starts_on, ends_on in rows:
        ranges[person_id].append((starts_on, ends_on))
    return ranges


def _first_asked(session: Session) -> dict[int, date]:
    """Return the day each owner's first check-in cycle opened: their cycles count from it."""
    rows = session.execute(
        select(Checkin.person_id, func.min(Checkin.cycle))
        .where(Checkin.reminder == 0)
        .group_by(Checkin.person_id)
    ).all()
    return {person_id: date.fromisoformat(first) for person_id, first in rows if first}


def _horizons(
    cycle_days: Mapping[int, int], *, now: datetime, cadence: Cadence
) -> dict[datetime, list[int]]:
    """Group owners by how far back their schedule reads: one query per cadence, not per owner."""
    horizons: dict[datetime, list[int]] = defaultdict(list)
    for person_id, days in cycle_days.items():
        horizons[now - look_back(days, cadence)].append(person_id)
    return horizons


def open_part_counts(session: Session, *, now: datetime) -> dict[int, int]:
    """Count, per owner, the commitment parts they own that are not closed."""
    rows = session.execute(
        select(Assignment.person_id, Assignment.institution, Commitment)
        .join(Commitment, Commitment.id == Assignment.commitment_id)
        .where(Assignment.role == Role.OWNER, Commitment.retired_at.is_(None))
        .options(selectinload(Commitment.actor_rows), selectinload(Commitment.area))
    ).all()
    commitments = list({c.id: c for _, _, c in rows}.values())
    closed = {
        (item.key, part.institution)
        for item in commitment_statuses(session, commitments, now=now)
        for part in item.parts
        if part.status is not None and part.status.is_closed
    }
    counts: dict[int, int] = defaultdict(int)
    for person_id, institution, commitment in rows:
        counts[person_id] += (commitment.key, Institution(institution)) not in closed
    return counts


def _area_cadences(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Assignment.person_id, func.min(Area.cadence_days))
        .join(Commitment, Commitment.id == Assignment.commitment_id)
        .join(Area, Area.id == Commitment.area_id)
        .where(Area.cadence_days.is_not(None))
        .group_by(Assignment.person_id)
    ).all()
    return {person_id: days for person_id, days in rows if days is not None}


def _state(
    person: Person,
    prompts: dict[int, list[Outbox]],
    answers: dict[int, list[datetime]],
    open_count: int,
    cycle_days: int,
) -> OwnerState:
    rows = prompts.get(person.id, [])
    return OwnerState(
        person_id=person.id,
        institution=person.institution,
        tz=person.tz,
        active=person.active,
        snoozed_until=person.snoozed_until,
        hours=hours_of(person),
        cycle_days=cycle_days,
        open_parts=open_count,
        prompts=tuple(
            SentPrompt(r.kind, r.cycle or "", r.checkin.reminder, r.sent_at)
            for r in rows
            if r.checkin is not None
        ),
        answers=tuple(answers.get(person.id, [])),
        escalated=frozenset(r.cycle or "" for r in rows if r.kind is OutboxKind.ESCALATION),
    )


def _prompts_since(
    session: Session, horizons: Mapping[datetime, Sequence[int]]
) -> dict[int, list[Outbox]]:
    by_person: dict[int, list[Outbox]] = defaultdict(list)
    for horizon, people in horizons.items():
        rows = session.scalars(
            select(Outbox)
            .where(Outbox.person_id.in_(people), Outbox.created_at >= horizon)
            .options(selectinload(Outbox.checkin))
        )
        for row in rows:
            by_person[row.person_id or 0].append(row)
    return by_person


def _answers_since(
    session: Session, horizons: Mapping[datetime, Sequence[int]]
) -> dict[int, list[datetime]]:
    # An answer on a part counts for whoever owns the part (a backup or coordinator may answer).
    owned = session.execute(
        select(Assignment.person_id, Assignment.commitment_id, Assignment.institution).where(
            Assignment.role == Role.OWNER
        )
    ).all()
    by_person: dict[int, list[datetime]] = defaultdict(list)
    for horizon, people in horizons.items():
        members = set(people)
        owners: dict[tuple[int, Institution], list[int]] = defaultdict(list)
        for person_id, commitment_id, institution in owned:
            if person_id in members:
                owners[(commitment_id, institution)].append(person_id)
        for commitment_id, institution, at in session.execute(updates_on(owners, since=horizon)):
            for person_id in owners.get((commitment_id, institution), ()):
                by_person[person_id].append(at)
    return by_person


def what_is_due(
    session: Session, *, now: datetime, cadence: Cadence, calendar: WorkingCalendar
) -> list[Due]:
    """List everything due now, for every owner and every digest."""
    due: list[Due] = []
    for owner in owner_states(session, now=now, cadence=cadence):
        due += due_for_owner(owner, now=now, cadence=cadence, calendar=calendar)
    weekly = weekly_digest_due(now=now, cadence=cadence)
    due += [weekly] if weekly else []
    # Meetings are dated in the digest's time zone, as `meeting_digest_due` reads them.
    today = local_day(now, cadence.weekly_tz)
    upcoming = session.execute(
        select(TechnicalMeeting.id, TechnicalMeeting.held_on).where(
            TechnicalMeeting.held_on >= today
        )
    ).all()
    due += meeting_digest_due(
        [(i, d) for i, d in upcoming], now=now, cadence=cadence, calendar=calendar
    )
    return due


def plan(
    session: Session, *, now: datetime, cadence: Cadence, calendar: WorkingCalendar
) -> list[str]:
    """Write every due item into the outbox once; return the keys newly written."""
    written = []
    for due in what_is_due(session, now=now, cadence=cadence, calendar=calendar):
        if _insert(session, due, now=now):
            written.append(due.key)
    return written


def _insert(session: Session, due: Due, *, now: datetime) -> bool:
    if due.kind in (OutboxKind.CHECKIN, OutboxKind.REMINDER):
        return _plan_checkin(session, due, now=now)
    if session.scalar(select(Outbox.id).where(Outbox.key == due.key)) is not None:
        return False
    row = Outbox(
        key=due.key,
        kind=due.kind,
        person_id=due.person_id,
        cycle=due.cycle,
        due_at=now,
        created_at=now,
    )
    write(
        row,
        DigestMessage(meeting_id=due.meeting_id)
        if due.kind is OutboxKind.DIGEST
        else SilentOwner(),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another scheduler wrote the same key a moment ago
        return False
    return True


def _plan_checkin(session: Session, due: Due, *, now: datetime) -> bool:
    """Plan a check-in or reminder the schedule says is due, as a coordinator's would be."""
    if due.person_id is None or due.cycle is None or due.closes_on is None:
        raise ValueError(f"{due.key}: a check-in is due to someone in a cycle")
    person = session.get_one(Person, due.person_id)
    cycle = Cycle(date.fromisoformat(due.cycle), due.closes_on)
    planned = plan_checkin(
        session, person, now=now, cycle=cycle, reminder=due.reminder, keep_empty=True
    )
    return planned.new
