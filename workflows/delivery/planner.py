"""Write what is due into the outbox, once: load the owners' state, ask `schedule`, insert rows.

Rows are inserted with their idempotency key under a savepoint; a key that exists already (the
same moment planned twice, or by another process) is skipped, never sent twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from workflows.calendar import WorkingCalendar, local_day
from workflows.checkins.prompts import Cycle, cycle_on, plan_checkin
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
from workflows.people.ownership import Answerer, HeldPart, answerers, held_parts
from workflows.store.messages import (
    CoordinatorEscalation,
    DigestMessage,
    OutboxMessage,
    insert_once,
)
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
from workflows.updates.confirmation import plan_confirmations
from workflows.updates.status import commitment_statuses, updates_on

Decided = list[tuple[HeldPart, Answerer]]


def owner_states(
    session: Session, *, now: datetime, cadence: Cadence, decided: Decided | None = None
) -> list[OwnerState]:
    """Load every active owner's (and backup's) prompts and recent answers (`decided`: who
    answers for what, when the caller knows it already)."""
    owners = session.scalars(
        select(Person)
        .where(Person.active.is_(True), Person.slack_user_id.is_not(None))
        .where(Person.id.in_(select(Assignment.person_id)))
        .order_by(Person.id)
    ).all()
    days_of = cycle_days_for_all(session, cadence)
    cycle_days = {p.id: days_of(p) for p in owners}
    # Each owner is read back over their own cycles: someone asked every 42 days needs twice as
    # much of the past as someone asked every 21 days before they can be escalated.
    horizons = _horizons(cycle_days, now=now, cadence=cadence)
    prompts = _prompts_since(session, horizons)
    answers = _answers_since(session, horizons)
    # Counted for everyone at once: a tick costs a few queries, not a few per owner.
    if decided is None:
        decided = open_answerers(session, now=now, cycle_days=days_of)
    open_counts = Counter(a.person.id for _, a in decided if a.person is not None)
    away = _away_ranges(session, since=(now - timedelta(days=1)).date())
    first = first_asked_by_all(session)
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


def first_asked_by_all(session: Session) -> dict[int, date]:
    """Return the day each owner's first check-in cycle opened: their cycles count from it."""
    rows = session.execute(
        select(Checkin.person_id, func.min(Checkin.cycle))
        .where(Checkin.reminder == 0)
        .group_by(Checkin.person_id)
    ).all()
    return {person_id: date.fromisoformat(first) for person_id, first in rows if first}


def cycle_days_for_all(session: Session, cadence: Cadence) -> Callable[[Person], int]:
    """Return how often each person is asked: their own cadence, else their areas', else the
    deployment's (the areas read once, for everyone)."""
    area_days = _area_cadences(session)
    return lambda person: person.cadence_days or area_days.get(person.id) or cadence.cycle_days


def _horizons(
    cycle_days: Mapping[int, int], *, now: datetime, cadence: Cadence
) -> dict[datetime, list[int]]:
    """Group owners by how far back their schedule reads: one query per cadence, not per owner."""
    horizons: dict[datetime, list[int]] = defaultdict(list)
    for person_id, days in cycle_days.items():
        horizons[now - look_back(days, cadence)].append(person_id)
    return horizons


def open_answerers(
    session: Session,
    *,
    now: datetime,
    cycle_days: Callable[[Person], int],
    calendar: WorkingCalendar | None = None,
) -> list[tuple[HeldPart, Answerer]]:
    """Decide who answers now for every open part: its owner, a backup standing in, or nobody.

    An owner's deadline is the close of their current cycle, in their own time zone (`cycle_on`,
    as their check-ins count it).
    """
    calendar = calendar or WorkingCalendar()
    parts = held_parts(session)
    closed = {
        (item.key, part.institution)
        for item in commitment_statuses(
            session, list({p.commitment.id: p.commitment for p in parts}.values()), now=now
        )
        for part in item.parts
        if part.status is not None and part.status.is_closed
    }
    still_open = [p for p in parts if (p.commitment.key, p.institution) not in closed]

    first = first_asked_by_all(session)

    def deadline_of(owner: Person) -> date:
        return cycle_on(
            local_day(now, owner.tz or "UTC"), length_days=cycle_days(owner),
            first_asked=first.get(owner.id), institution=owner.institution, calendar=calendar,
        ).closes  # fmt: skip

    return answerers(still_open, deadline_of=deadline_of)


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
    session: Session,
    *,
    now: datetime,
    cadence: Cadence,
    calendar: WorkingCalendar,
    states: Sequence[OwnerState] | None = None,
) -> list[Due]:
    """List everything due now, for every owner and every digest (`states`: the owners' as
    loaded by the caller)."""
    due: list[Due] = []
    if states is None:
        states = owner_states(session, now=now, cadence=cadence)
    for owner in states:
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
    session: Session,
    *,
    now: datetime,
    cadence: Cadence,
    calendar: WorkingCalendar,
    states: Sequence[OwnerState] | None = None,
) -> list[str]:
    """Write every due item into the outbox once; return the keys newly written."""
    written = []
    for due in what_is_due(session, now=now, cadence=cadence, calendar=calendar, states=states):
        if write_due(session, due, now=now):
            written.append(due.key)
    return written + plan_confirmations(session, now=now)


def write_due(session: Session, due: Due, *, now: datetime) -> bool:
    """Write one due item into the outbox; False when its key is there already."""
    if due.kind in (OutboxKind.CHECKIN, OutboxKind.REMINDER):
        return _plan_checkin(session, due, now=now)
    row = Outbox(
        key=due.key,
        kind=due.kind,
        person_id=due.person_id,
        cycle=due.cycle,
        due_at=now,
        created_at=now,
    )
    return insert_once(session, row, _message(due))


def _message(due: Due) -> OutboxMessage:
    if due.kind is OutboxKind.DIGEST:
        return DigestMessage(meeting_id=due.meeting_id)
    if due.coordinator is not None:
        return CoordinatorEscalation(coordinator=due.coordinator, subjects=due.subjects)
    # The schedule gives every escalation its coordinator; nothing else reaches here.
    raise ValueError(f"{due.key}: a {due.kind.value} due has no message to write")


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
