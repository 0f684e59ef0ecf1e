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
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflows.calendar import WorkingCalendar, local_day
from workflows.checkins.prompts import open_parts
from workflows.delivery.jobs import claim_job, finish_job
from workflows.delivery.planner import (
    Decided,
    cycle_days_for_all,
    open_answerers,
    owner_states,
    write_due,
)
from workflows.delivery.schedule import (
    Cadence,
    CoordinatorState,
    Due,
    OwnerState,
    escalation_due,
    escalation_key,
    look_back,
    silent_in,
)
from workflows.errors import NotFound
from workflows.people.directory import hours_of
from workflows.people.ownership import Answerer, HeldPart, assign_person, held_parts
from workflows.ports import Delivery, Escalation, OpenPart, OwnerSilent, OwnerUnavailable
from workflows.store.messages import CoordinatorEscalation, message_of
from workflows.store.models import Commitment, Job, Outbox, Person
from workflows.types import Institution, OutboxKind
from workflows.updates.status import commitment_statuses

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


def is_coordinator(session: Session, slack_user_id: str, configured: Iterable[str]) -> bool:
    """Tell whether someone is a coordinator, by configuration or as marked in the database."""
    return slack_user_id in coordinator_ids(session, list(configured))


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
            hours=hours_of(people[slack_id]) if slack_id in people else None,
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


def current_subjects(
    session: Session,
    *,
    now: datetime,
    cadence: Cadence,
    states: Sequence[OwnerState] | None = None,
    decided: Decided | None = None,
    calendar: WorkingCalendar | None = None,
) -> frozenset[str]:
    """Name what needs the coordinators now: silent owners, departures, parts nobody answers for
    (`states` and `decided`: as the caller loaded them for this moment)."""
    calendar = calendar or WorkingCalendar()
    if decided is None:
        decided = open_answerers(
            session, now=now, cycle_days=cycle_days_for_all(session, cadence), calendar=calendar
        )
    if states is None:
        states = owner_states(session, now=now, cadence=cadence, decided=decided)
    silent = {
        f"{SILENT}:{owner.person_id}:{cycle}"
        for owner in states
        if (cycle := silent_in(owner, now=now, cadence=cadence, calendar=calendar))
    }
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
    states: Sequence[OwnerState] | None = None,
    decided: Decided | None = None,
) -> list[str]:
    """Write each coordinator's escalation of the day when something new needs them; return
    the keys newly written."""
    listening = _may_hear_now(
        session, coordinator_states(session, coordinators, now=now, cadence=cadence),
        now=now, calendar=calendar,
    )  # fmt: skip
    if not listening:  # nobody at work who has not heard today: no need to weigh the subjects
        return []
    subjects = current_subjects(
        session, now=now, cadence=cadence, states=states, decided=decided, calendar=calendar
    )
    due: Iterable[Due | None] = (
        escalation_due(coordinator, subjects, now=now, calendar=calendar)
        for coordinator in listening
    )
    return [d.key for d in due if d is not None and write_due(session, d, now=now)]


def _may_hear_now(
    session: Session,
    states: Sequence[CoordinatorState],
    *,
    now: datetime,
    calendar: WorkingCalendar,
) -> list[CoordinatorState]:
    """Keep the coordinators at work now who have had no escalation today."""
    keys = {s.slack_user_id: escalation_key(s.slack_user_id, local_day(now, s.tz)) for s in states}
    sent = set(session.scalars(select(Outbox.key).where(Outbox.key.in_(keys.values()))))
    return [
        s
        for s in states
        if keys[s.slack_user_id] not in sent
        and calendar.is_within_working_hours(
            institution=s.institution, tz=s.tz, moment=now, hours=s.hours
        )
    ]


def escalation_of(
    session: Session,
    subjects: Iterable[str],
    *,
    now: datetime,
    cadence: Cadence,
    calendar: WorkingCalendar | None = None,
) -> tuple[Entry, ...]:
    """Describe what an escalation's subjects are now: those settled since are left out.

    Owners who left or are away come first (their parts need someone), then silent owners.
    """
    subjects = list(subjects)
    decided = open_answerers(
        session, now=now, cycle_days=cycle_days_for_all(session, cadence), calendar=calendar
    )
    away = _unavailable(subjects, decided)
    silent = [_silent(s, decided, cadence=cadence) for s in subjects if _is(s, SILENT)]
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
        away_until=next((a.stand_in.away_until for _, a in rows if a.stand_in), None)
        if owner.active
        else None,
        backups=tuple(dict.fromkeys(backups)),
        parts=tuple(open_part(p.commitment, p.institution) for p, a in rows if a.person is None),
    )


def _silent(subject: str, decided: Decided, *, cadence: Cadence) -> OwnerSilent | None:
    """Describe a silent owner from the open parts they answer for now (`decided`, in document
    order); None when there are none: they answered, left, or the parts moved to someone else."""
    person_id = int(subject.split(":")[1])
    theirs = [(p, a.person) for p, a in decided if a.person and a.person.id == person_id]
    if not theirs:
        return None
    person = theirs[0][1]
    return OwnerSilent(
        name=person.name,
        missed=cadence.escalate_after_missed,
        codes=tuple(p.commitment.shown_code for p, _ in theirs),
        person_id=person.id,
        parts=tuple(open_part(p.commitment, p.institution) for p, _ in theirs),
    )


def open_part(commitment: Commitment, institution: Institution) -> OpenPart:
    """Describe an open part the way an escalation names it."""
    return OpenPart(
        commitment.shown_code, commitment.area.title, commitment.text, institution, commitment.key
    )


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


NUDGE_JOB = "nudge:{person_id}"  # a job per owner: nudged at most once a day
NUDGE_EVERY = timedelta(days=1)


@dataclass(frozen=True)
class Nudge:
    """A one-line reminder to an owner: how much is open, by when, and where to say it (under
    their latest check-in, else in their DM)."""

    slack_user_id: str
    name: str
    open_parts: int
    reply_by: date
    today: date
    thread: Delivery | None


def nudge_owner(session: Session, *, person_id: int, now: datetime) -> Nudge | None:
    """Prepare a nudge to an owner; None when they were nudged in the last day already.

    The claim on the owner's nudge job is what keeps two coordinators (or two clicks) from
    nudging twice, whatever process handles the click.
    """
    person = session.get(Person, person_id)
    if person is None or not person.active or person.slack_user_id is None:
        raise NotFound("person_gone", person_id=person_id)
    job = NUDGE_JOB.format(person_id=person_id)
    if not claim_job(session, job, now=now, every=NUDGE_EVERY):
        return None
    finish_job(session, job, now=now)
    latest = session.scalars(
        select(Outbox)
        .where(Outbox.person_id == person_id, Outbox.kind == OutboxKind.CHECKIN)
        .where(Outbox.ts.is_not(None))
        .order_by(Outbox.created_at.desc(), Outbox.id.desc())
        .options(selectinload(Outbox.checkin))
    ).first()
    today = local_day(now, person.tz)
    closes = latest.checkin.closes_on if latest and latest.checkin else None
    where = Delivery(latest.channel or "", latest.ts or "") if latest else None
    return Nudge(
        slack_user_id=person.slack_user_id,
        name=person.name,
        open_parts=len(open_parts(session, person, now=now)),
        reply_by=reply_by(today, closes),
        today=today,
        thread=where,
    )


def nudged_today(session: Session, person_ids: Iterable[int], *, now: datetime) -> frozenset[int]:
    """Return which of these owners were nudged in the last day."""
    names = {NUDGE_JOB.format(person_id=i): i for i in person_ids}
    rows = session.execute(
        select(Job.name).where(Job.name.in_(names), Job.last_run_at > now - NUDGE_EVERY)
    )
    return frozenset(names[name] for (name,) in rows)


def escalation_for(
    session: Session,
    coordinator: str,
    subjects: Iterable[str],
    *,
    now: datetime,
    cadence: Cadence,
    calendar: WorkingCalendar | None = None,
) -> Escalation:
    """Describe a coordinator's escalation as it stands now, with who was nudged today (on the
    calendar the tick planned with)."""
    entries = escalation_of(session, subjects, now=now, cadence=cadence, calendar=calendar)
    people = [e.person_id for e in entries if e.person_id is not None]
    return Escalation(
        coordinators=() if coordinator == CHANNEL else (coordinator,),
        entries=entries,
        at=now,
        nudged=nudged_today(session, people, now=now),
    )


def escalation_at(
    session: Session, *, channel: str, ts: str, now: datetime, cadence: Cadence
) -> Escalation | None:
    """Describe anew the escalation posted as a given Slack message (None: not one of those)."""
    row = escalation_row(session, channel=channel, ts=ts)
    message = message_of(row) if row is not None else None
    if not isinstance(message, CoordinatorEscalation):
        return None
    return escalation_for(session, message.coordinator, message.subjects, now=now, cadence=cadence)


@dataclass(frozen=True)
class ReassignForm:
    """What a coordinator may move from an owner: their parts, and the institution to pre-set."""

    owner_id: int
    owner: str
    institution: Institution
    parts: tuple[OpenPart, ...]


def reassign_form(session: Session, *, owner_id: int, now: datetime) -> ReassignForm:
    """List the parts an owner holds that are still open, to move to someone else."""
    owner = session.get(Person, owner_id)
    if owner is None:
        raise NotFound("person_gone", person_id=owner_id)
    held = [p for p in held_parts(session, person_id=owner_id) if p.owner.id == owner_id]
    closed = _closed(session, [p.commitment for p in held], now=now)
    parts = [open_part(p.commitment, p.institution) for p in held]
    still_open = [p for p in parts if (p.code, p.institution) not in closed] or parts
    institution = still_open[0].institution if still_open else owner.institution
    return ReassignForm(owner_id, owner.name, institution, tuple(still_open))


def _closed(
    session: Session, commitments: Sequence[Commitment], *, now: datetime
) -> set[tuple[str, Institution]]:
    unique = list({c.id: c for c in commitments}.values())
    return {
        (item.code, part.institution)
        for item in commitment_statuses(session, unique, now=now)
        for part in item.parts
        if part.status is not None and part.status.is_closed
    }


@dataclass(frozen=True)
class Reassigned:
    """What a reassignment moved: from whom, to whom, for which institution, which ids."""

    owner: str
    person: str
    slack_user_id: str | None
    institution: Institution
    codes: tuple[str, ...]


def reassign(
    session: Session,
    *,
    owner_id: int,
    to: Person,
    institution: Institution,
    codes: Sequence[str],
    now: datetime,
) -> Reassigned:
    """Make someone the owner of some of an owner's commitments, for an institution."""
    owner = session.get(Person, owner_id)
    if owner is None:
        raise NotFound("person_gone", person_id=owner_id)
    moved: list[str] = []
    for code in dict.fromkeys(codes):
        done = assign_person(
            session, target=code, person=to, institution=institution, backup=False, now=now
        )
        moved += done.report.assigned + list(done.report.replaced) + done.report.unchanged
    return Reassigned(owner.name, to.name, to.slack_user_id, institution, tuple(moved))
