"""Write what is due into the outbox, once: load the owners' state, ask `schedule`, insert rows.

Rows are inserted with their idempotency key under a savepoint; a key that exists already (the
same moment planned twice, or by another process) is skipped, never sent twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows.calendar import WorkingCalendar
from workflows.checkins import cycle_days_of, open_parts
from workflows.models import (
    Assignment,
    Commitment,
    Outbox,
    Person,
    TechnicalMeeting,
    Update,
)
from workflows.schedule import (
    Cadence,
    Due,
    OwnerState,
    SentPrompt,
    due_for_owner,
    meeting_digest_due,
    weekly_digest_due,
)
from workflows.types import Institution, OutboxKind, Role


def owner_states(session: Session, *, now: datetime, cadence: Cadence) -> list[OwnerState]:
    """Load every active owner's prompts and recent answers."""
    owners = session.scalars(
        select(Person)
        .where(Person.active.is_(True), Person.slack_user_id.is_not(None))
        .where(Person.id.in_(select(Assignment.person_id).where(Assignment.role == Role.OWNER)))
        .order_by(Person.id)
    ).all()
    horizon = now - timedelta(days=cadence.cycle_days * (cadence.escalate_after_missed + 2))
    prompts = _prompts_since(session, horizon)
    answers = _answers_since(session, horizon)
    return [_state(session, p, prompts, answers, now=now, cadence=cadence) for p in owners]


def _state(
    session: Session,
    person: Person,
    prompts: dict[int, list[Outbox]],
    answers: dict[int, list[datetime]],
    *,
    now: datetime,
    cadence: Cadence,
) -> OwnerState:
    rows = prompts.get(person.id, [])
    return OwnerState(
        person_id=person.id,
        institution=person.institution,
        tz=person.tz,
        active=person.active,
        away_from=person.away_from,
        away_until=person.away_until,
        cycle_days=cycle_days_of(session, person, default=cadence.cycle_days),
        open_parts=len(open_parts(session, person, now=now)),
        prompts=tuple(
            SentPrompt(r.kind, r.cycle or "", int(r.payload.get("reminder", 0)), r.sent_at)
            for r in rows
            if r.kind in (OutboxKind.CHECKIN, OutboxKind.REMINDER)
        ),
        answers=tuple(answers.get(person.id, [])),
        escalated=frozenset(r.cycle or "" for r in rows if r.kind is OutboxKind.ESCALATION),
    )


def _prompts_since(session: Session, horizon: datetime) -> dict[int, list[Outbox]]:
    rows = session.scalars(
        select(Outbox).where(Outbox.person_id.is_not(None), Outbox.created_at >= horizon)
    )
    by_person: dict[int, list[Outbox]] = defaultdict(list)
    for row in rows:
        by_person[row.person_id or 0].append(row)
    return by_person


def _answers_since(session: Session, horizon: datetime) -> dict[int, list[datetime]]:
    # An answer on a part counts for whoever owns the part (a backup or coordinator may answer).
    rows = session.execute(
        select(Assignment.person_id, Update.created_at)
        .join(
            Update,
            (Update.commitment_id == Assignment.commitment_id)
            & (Update.institution == Assignment.institution),
        )
        .where(Assignment.role == Role.OWNER, Update.created_at >= horizon)
    )
    by_person: dict[int, list[datetime]] = defaultdict(list)
    for person_id, at in rows:
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
    upcoming = session.execute(
        select(TechnicalMeeting.id, TechnicalMeeting.held_on).where(
            TechnicalMeeting.held_on >= now.date()
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
    if session.scalar(select(Outbox.id).where(Outbox.key == due.key)) is not None:
        return False
    row = Outbox(
        key=due.key,
        kind=due.kind,
        person_id=due.person_id,
        cycle=due.cycle,
        due_at=now,
        payload=_payload(session, due, now=now),
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another scheduler wrote the same key a moment ago
        return False
    return True


def _payload(session: Session, due: Due, *, now: datetime) -> dict[str, object]:
    payload: dict[str, object] = {"reminder": due.reminder}
    if due.closes_on is not None:
        payload["closes_on"] = due.closes_on.isoformat()
    if due.meeting_id is not None:
        payload["meeting_id"] = due.meeting_id
    if due.person_id is not None and due.kind in (OutboxKind.CHECKIN, OutboxKind.REMINDER):
        person = session.get_one(Person, due.person_id)
        parts = open_parts(session, person, now=now)
        if due.kind is OutboxKind.REMINDER and due.cycle:
            parts = _unanswered(session, parts, since=date.fromisoformat(due.cycle))
        payload["items"] = [[c.key, i.value] for c, i in parts]
    return payload


def _unanswered(
    session: Session, parts: list[tuple[Commitment, Institution]], *, since: date
) -> list[tuple[Commitment, Institution]]:
    """Keep the parts nobody reported on since the cycle opened: a reminder asks only those."""
    opened = datetime.combine(since, time(), tzinfo=UTC)
    answered = set(
        session.execute(
            select(Update.commitment_id, Update.institution).where(
                Update.commitment_id.in_([c.id for c, _ in parts]), Update.created_at >= opened
            )
        ).all()
    )
    return [(c, i) for c, i in parts if (c.id, i) not in answered]
