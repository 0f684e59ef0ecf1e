"""The coordinators' escalation: at most one message a day each, in their working hours.

What needs a coordinator is a set of subjects: an owner silent in a cycle (`silent:<person>:
<cycle>`), an owner who has left (`departed:<person>`), a part nobody answers for
(`unanswered:<commitment>:<institution>`). A coordinator's escalation of the day is planned
(an outbox row keyed coordinator × day, so several schedulers never double it and a restart
loses nothing) when a subject they were not told about appears; the message then shows every
subject still standing, and is shown again, without what was settled, after a reassignment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import WorkingCalendar
from workflows.checkins.prompts import open_parts
from workflows.delivery.planner import cycle_days_of, open_answerers, owner_states, write_due
from workflows.delivery.schedule import (
    Cadence,
    CoordinatorState,
    Due,
    escalation_due,
    look_back,
    silent_in,
)
from workflows.people.ownership import Answerer, HeldPart
from workflows.ports import OpenPart, OwnerSilent, OwnerUnavailable
from workflows.store.messages import CoordinatorEscalation, message_of
from workflows.store.models import Commitment, Outbox, Person
from workflows.types import Institution, OutboxKind

SILENT, DEPARTED, UNANSWERED = "silent", "departed", "unanswered"
# With no coordinator named, the escalation goes to the coordinators' channel, if there is one.
CHANNEL = "channel"
Entry = OwnerSilent | OwnerUnavailable


def coordinator_ids(session: Session, configured: Sequence[str]) -> list[str]:
    """Return the Slack ids of the coordinators: configured ones and those marked in the database."""
    marked = session.scalars(
        select(Person.slack_user_id).where(
            Person.is_coordinator.is_(True),
            Person.active.is_(True),
            Person.slack_user_id.is_not(None),
        )
    )
    return list(dict.fromkeys([*configured, *(m for m in marked if m)]))


def coordinator_states(
    session: Session, configured: Sequence[str], *, now: datetime, cadence: Cadence
) -> list[CoordinatorState]:
    """Load each coordinator's zone, institution and what they were told lately.

    A coordinator configured by Slack id alone works on the digest's time zone.
    """
    ids = coordinator_ids(session, configured) or [CHANNEL]
    people = {
        p.slack_user_id: p
        for p in session.scalars(select(Person).where(Person.slack_user_id.in_(ids)))
    }
    told = _told(session, since=now - look_back(cadence.cycle_days, cadence))
    return [
        CoordinatorState(
            slack_user_id=slack_id,
            person_id=people[slack_id].id if slack_id in people else None,
            institution=people[slack_id].institution
            if slack_id in people
            else Institution.COMMISSION,
            tz=people[slack_id].tz if slack_id in people else cadence.weekly_tz,
            told=frozenset(told.get(slack_id, ())),
        )
        for slack_id in ids
    ]


def _told(session: Session, *, since: datetime) -> dict[str, set[str]]:
    rows = session.scalars(
        select(Outbox).where(Outbox.kind == OutboxKind.ESCALATION, Outbox.created_at >= since)
    )
    told: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        message = message_of(row)
        if isinstance(message, CoordinatorEscalation):
            told[message.coordinator] |= set(message.subjects)
    return told


def current_subjects(session: Session, *, now: datetime, cadence: Cadence) -> frozenset[str]:
    """Name what needs the coordinators now: silent owners, departures, parts nobody answers for."""
    silent = {
        f"{SILENT}:{owner.person_id}:{cycle}"
        for owner in owner_states(session, now=now, cadence=cadence)
        if (cycle := silent_in(owner, now=now, cadence=cadence))
    }
    decided = open_answerers(session, now=now, cycle_days=cycle_days_of(session, cadence))
    departed = {f"{DEPARTED}:{part.owner.id}" for part, _ in decided if not part.owner.active}
    nobody = {
        f"{UNANSWERED}:{part.commitment.id}:{part.institution.value}"
        for part, answer in decided
        if answer.person is None
    }
    return frozenset(silent | departed | nobody)


def plan_escalations(
    session: Session,
    *,
    now: datetime,
    cadence: Cadence,
    calendar: WorkingCalendar,
    coordinators: Sequence[str],
) -> list[str]:
    """Write each coordinator's escalation of the day when something new needs them; return
    the keys newly written."""
    states = coordinator_states(session, coordinators, now=now, cadence=cadence)
    if not states:
        return []
    subjects = current_subjects(session, now=now, cadence=cadence)
    due: Iterable[Due | None] = (
        escalation_due(state, subjects, now=now, calendar=calendar) for state in states
    )
    return [d.key for d in due if d is not None and write_due(session, d, now=now)]


def escalation_of(
    session: Session, subjects: Iterable[str], *, now: datetime, cadence: Cadence
) -> tuple[Entry, ...]:
    """Describe what an escalation's subjects are now: those settled since are left out.

    Owners who left or are away come first (their parts need someone), then silent owners.
    """
    subjects = list(subjects)
    decided = open_answerers(session, now=now, cycle_days=cycle_days_of(session, cadence))
    away = _unavailable(subjects, decided)
    silent = [_silent(session, s, now=now, cadence=cadence) for s in subjects if _is(s, SILENT)]
    return (*away, *(entry for entry in silent if entry is not None))


def _is(subject: str, kind: str) -> bool:
    return subject.split(":", 1)[0] == kind


def _unavailable(
    subjects: Sequence[str], decided: Sequence[tuple[HeldPart, Answerer]]
) -> list[OwnerUnavailable]:
    owners = {int(s.split(":")[1]) for s in subjects if _is(s, DEPARTED)}
    parts = {tuple(s.split(":")[1:]) for s in subjects if _is(s, UNANSWERED)}
    owners |= {
        p.owner.id for p, _ in decided if (str(p.commitment.id), p.institution.value) in parts
    }
    by_owner: dict[int, list[tuple[HeldPart, Answerer]]] = defaultdict(list)
    for part, answer in decided:
        if part.owner.id in owners:
            by_owner[part.owner.id].append((part, answer))
    return [
        _unavailable_owner(rows)
        for rows in by_owner.values()
        if not rows[0][0].owner.active or any(a.person is None for _, a in rows)
    ]


def _unavailable_owner(rows: list[tuple[HeldPart, Answerer]]) -> OwnerUnavailable:
    owner = rows[0][0].owner
    backups = [a.person.name for _, a in rows if a.person is not None and a.person.id != owner.id]
    return OwnerUnavailable(
        person_id=owner.id,
        name=owner.name,
        left=not owner.active,
        away_until=owner.away_until if owner.active else None,
        backups=tuple(dict.fromkeys(backups)),
        parts=tuple(open_part(p.commitment, p.institution) for p, a in rows if a.person is None),
    )


def _silent(
    session: Session, subject: str, *, now: datetime, cadence: Cadence
) -> OwnerSilent | None:
    person = session.get(Person, int(subject.split(":")[1]))
    if person is None or not person.active:
        return None
    parts = open_parts(session, person, now=now)
    if not parts:  # they answered for everything, or it moved to someone else
        return None
    return OwnerSilent(
        name=person.name,
        missed=cadence.escalate_after_missed,
        codes=tuple(c.code for c, _ in parts),
        person_id=person.id,
        parts=tuple(open_part(c, i) for c, i in parts),
    )


def open_part(commitment: Commitment, institution: Institution) -> OpenPart:
    """Describe an open part the way an escalation names it."""
    return OpenPart(commitment.code, commitment.area.title, commitment.text, institution)


def escalation_row(session: Session, *, channel: str, ts: str) -> Outbox | None:
    """Return the coordinator's escalation posted as a given Slack message, if any."""
    return session.scalar(
        select(Outbox).where(
            Outbox.kind == OutboxKind.ESCALATION, Outbox.channel == channel, Outbox.ts == ts
        )
    )


def reply_by(today: date, closes_on: date | None) -> date:
    """Return the day a nudged owner is asked to answer by: their check-in's deadline when it
    is still ahead, else the coming Friday (today on a Friday)."""
    if closes_on is not None and closes_on >= today:
        return closes_on
    return today + timedelta(days=(4 - today.weekday()) % 7)
