"""Check-ins: ask owners where their open commitments stand.

A check-in is a `Checkin` record (owner, cycle, what it asks, when it closes) delivered by an
outbox row keyed by owner × cycle (× reminder), written before the DM is sent and marked after,
so asking twice in one cycle sends one message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from workflows.calendar import WorkingCalendar
from workflows.catalogue.lookup import find_area
from workflows.errors import InvalidInput, NotFound, UnknownPerson
from workflows.people.directory import find_person
from workflows.people.ownership import answerers, held_parts, standing_in_for
from workflows.ports import CheckinItem, CheckinPrompt
from workflows.store.messages import CheckinMessage, ReminderMessage, write
from workflows.store.models import Area, Assignment, Checkin, Commitment, Outbox, Person, Update
from workflows.types import Institution, OutboxKind, Status, UpdateSource
from workflows.updates.status import (
    commitment_statuses,
    current_statuses,
    report_of,
    updates_on,
)
from workflows.words import counted

# Cycles are counted from a Monday, so a fortnightly cycle always opens on a Monday.
CYCLE_EPOCH = date(2026, 1, 5)
CYCLE_DAYS = 14


@dataclass(frozen=True)
class Cycle:
    """A check-in period: answers within it count for it; later ones are marked late."""

    opens: date
    closes: date

    @property
    def key(self) -> str:
        """Name the cycle by the day it opens."""
        return self.opens.isoformat()


def cycle_of(day: date, *, length_days: int = CYCLE_DAYS, anchor: date = CYCLE_EPOCH) -> Cycle:
    """Return the cycle a day falls in, cycles running every `length_days` from `anchor`."""
    index = (day - anchor).days // length_days
    opens = anchor + timedelta(days=index * length_days)
    return Cycle(opens, opens + timedelta(days=length_days - 1))


def first_asked(session: Session, person: Person) -> date | None:
    """Return the day a person's first check-in cycle opened, if they were ever asked.

    Their cycles are counted from it, so every cycle, the first included, lasts a full cycle.
    """
    first = session.scalar(
        select(func.min(Checkin.cycle)).where(Checkin.person_id == person.id, Checkin.reminder == 0)
    )
    return date.fromisoformat(first) if first else None


def cycle_days_of(session: Session, person: Person, *, default: int = CYCLE_DAYS) -> int:
    """Return how often a person is asked: their own cadence, else their areas', else the default."""
    if person.cadence_days:
        return person.cadence_days
    area_days = session.scalar(
        select(func.min(Area.cadence_days))
        .join(Commitment, Commitment.area_id == Area.id)
        .join(Assignment, Assignment.commitment_id == Commitment.id)
        .where(Assignment.person_id == person.id, Area.cadence_days.is_not(None))
    )
    return area_days or default


def cycle_on(
    today: date,
    *,
    length_days: int,
    first_asked: date | None,
    institution: Institution,
    calendar: WorkingCalendar,
) -> Cycle:
    """Return an owner's cycle on a day of their calendar: the one rule for every caller.

    Cycles count from the day the owner was first asked (today, if never), so that the first
    lasts a full cycle; each closes on the last working day of the owner's institution.
    """
    cycle = cycle_of(today, length_days=length_days, anchor=first_asked or today)
    return with_deadline(cycle, institution, calendar)


def owner_cycle(
    session: Session, person: Person, *, now: datetime, default: int = CYCLE_DAYS
) -> Cycle:
    """Return the cycle a person is in now, in their own time zone (`cycle_on`)."""
    return cycle_on(
        now.astimezone(ZoneInfo(person.tz or "UTC")).date(),
        length_days=cycle_days_of(session, person, default=default),
        first_asked=first_asked(session, person),
        institution=person.institution,
        calendar=WorkingCalendar(),
    )


def with_deadline(cycle: Cycle, institution: Institution, calendar: WorkingCalendar) -> Cycle:
    """Close a cycle on its last working day for the institution (never before it opens)."""
    return Cycle(
        cycle.opens, max(cycle.opens, calendar.last_working_day(institution, cycle.closes))
    )


def open_parts(
    session: Session, person: Person, *, now: datetime
) -> list[tuple[Commitment, Institution]]:
    """List the open commitment parts a person answers for now, in document order: those they
    own, and those they back up for an owner who has left or is away past the deadline
    (`workflows.people.ownership.answerer`)."""
    decided = answerers(
        held_parts(session, person_id=person.id),
        deadline_of=lambda owner: owner_cycle(session, owner, now=now).closes,
    )
    mine = [
        (p.commitment, p.institution) for p, a in decided if a.person and a.person.id == person.id
    ]
    closed = _closed_parts(session, list(dict.fromkeys(c for c, _ in mine)), now)
    return [(c, i) for c, i in mine if (c.key, i) not in closed]


def _closed_parts(
    session: Session, commitments: Sequence[Commitment], now: datetime
) -> set[tuple[str, Institution]]:
    closed = set()
    for item in commitment_statuses(session, commitments, now=now):
        closed |= {(item.key, p.institution) for p in item.parts if p.status and p.status.is_closed}
    return closed


def owners_with_open_parts(session: Session, *, now: datetime) -> list[Person]:
    """List active people who answer for at least one open commitment part (owners, and
    backups standing in for owners who cannot answer), in id order."""
    # Every part at once, each owner's deadline once: not `open_parts` person by person.
    decided = answerers(
        held_parts(session),
        deadline_of=lambda owner: owner_cycle(session, owner, now=now).closes,
    )
    answering = [(p.commitment, p.institution, a.person) for p, a in decided if a.person]
    closed = _closed_parts(session, list(dict.fromkeys(c for c, _, _ in answering)), now)
    people = {
        person.id: person
        for commitment, institution, person in answering
        if (commitment.key, institution) not in closed and person.active and person.slack_user_id
    }
    return [people[person_id] for person_id in sorted(people)]


@dataclass(frozen=True)
class Planned:
    """The check-in's outbox row (None: nothing to ask), and whether this call wrote it."""

    row: Outbox | None
    new: bool


def plan_checkin(
    session: Session,
    person: Person,
    *,
    now: datetime,
    cycle: Cycle,
    reminder: int = 0,
    keep_empty: bool = False,
) -> Planned:
    """Write the check-in (or n-th reminder) owed to a person in a cycle, once, with the outbox
    row that delivers it; whoever asks (the scheduler, a coordinator) gets the same one.

    A reminder asks only about what nobody reported on since the cycle opened. With nothing to
    ask nothing is written, unless `keep_empty` (the scheduler keeps the row, skipped when sent,
    so that it is not planned again).
    """
    kind = OutboxKind.REMINDER if reminder else OutboxKind.CHECKIN
    key = checkin_key(person.id, cycle.key, reminder)
    existing = session.scalar(select(Outbox).where(Outbox.key == key))
    if existing is not None:
        return Planned(existing, new=False)
    parts = open_parts(session, person, now=now)
    first = first_checkin(session, person.id, cycle.key) if reminder else None
    if reminder:
        # The cycle opened at midnight where the owner is, as the schedule counts it.
        opened = datetime.combine(cycle.opens, time(), ZoneInfo(person.tz or "UTC"))
        skipped = first is not None and first.skipped_at is not None
        parts = [] if skipped else unanswered(session, parts, since=opened)
    if not parts and not keep_empty:
        return Planned(None, new=False)
    checkin = Checkin(
        person=person,
        cycle=cycle.key,
        reminder=reminder,
        items=[[c.key, i.value] for c, i in parts],
        closes_on=cycle.closes,
        created_at=now,
    )
    row = Outbox(
        key=key, kind=kind, person=person, cycle=cycle.key, due_at=now, created_at=now,
        checkin=checkin,
    )  # fmt: skip
    write(
        row,
        ReminderMessage(checkin_id=first.id if first else None) if reminder else CheckinMessage(),
    )
    try:
        with session.begin_nested():  # another process may plan the same check-in now
            session.add_all([checkin, row])
    except IntegrityError:
        return Planned(session.scalars(select(Outbox).where(Outbox.key == key)).one(), new=False)
    return Planned(row, new=True)


def first_checkin(session: Session, person_id: int, cycle: str) -> Checkin | None:
    """Return the first ask of a person's cycle (the message reminders go under), if any."""
    return session.scalar(
        select(Checkin).where(
            Checkin.person_id == person_id, Checkin.cycle == cycle, Checkin.reminder == 0
        )
    )


def checkin_key(person_id: int, cycle: str, reminder: int = 0) -> str:
    """Name the outbox row of a check-in: it exists once per owner, cycle and reminder."""
    if reminder:
        return f"reminder:{person_id}:{cycle}:{reminder}"
    return f"checkin:{person_id}:{cycle}"


def unanswered(
    session: Session, parts: list[tuple[Commitment, Institution]], *, since: datetime
) -> list[tuple[Commitment, Institution]]:
    """Keep the parts nobody reported on since a moment: a reminder asks only those."""
    if not parts:
        return []
    rows = session.execute(updates_on({(c.id, i) for c, i in parts}, since=since))
    answered = {(commitment_id, institution) for commitment_id, institution, _ in rows}
    return [(c, i) for c, i in parts if (c.id, i) not in answered]


def cycle_opened(checkin: Checkin) -> datetime:
    """Return when a check-in's cycle opened: midnight where its owner is, as the schedule
    counts it (when it was written, for a cycle not named by its first day)."""
    try:
        opens = date.fromisoformat(checkin.cycle)
    except ValueError:
        return checkin.created_at
    return datetime.combine(opens, time(), ZoneInfo(checkin.person.tz or "UTC"))


def prompt_items(checkin: Checkin) -> list[tuple[str, Institution]]:
    """Return the (commitment key, institution) pairs a check-in asks about."""
    return [(key, Institution(inst)) for key, inst in checkin.items]


def checkin_prompt(session: Session, checkin: Checkin, *, now: datetime) -> CheckinPrompt:
    """Describe a check-in as its owner sees it, with what they recorded in it so far."""
    if checkin.person.slack_user_id is None:
        raise UnknownPerson(str(checkin.person_id))
    pairs = prompt_items(checkin)
    commitments = _commitments_by_key(session, [key for key, _ in pairs])
    recorded = _recorded_in(session, checkin, commitments.values())
    current = _current_statuses(session, list(commitments.values()))
    # A short id answers the check-in's own item (`workflows.checkins.answers`): an earlier
    # meeting's is qualified only where the check-in holds two items of that id.
    twice = _codes_twice(commitments.values())
    items = [
        _item(commitments[key], institution, current.get((key, institution)), recorded, twice)
        for key, institution in pairs
        if key in commitments
    ]
    return CheckinPrompt(
        prompt_id=checkin.id,
        slack_user_id=checkin.person.slack_user_id,
        name=checkin.person.name,
        cycle=checkin.cycle,
        closes_on=checkin.closes_on,
        items=tuple(items),
        reminder=checkin.reminder,
        stand_ins=standing_in_for(session, checkin.person, pairs, day=checkin.closes_on),
        skipped_at=checkin.skipped_at,
        skip_reason=checkin.skip_reason or "",
    )


def _commitments_by_key(session: Session, keys: Iterable[str]) -> dict[str, Commitment]:
    rows = session.scalars(
        select(Commitment)
        .where(Commitment.key.in_(list(keys)))
        # What a check-in shows, in two queries whatever the number of items.
        .options(joinedload(Commitment.area), selectinload(Commitment.actor_rows))
    )
    return {c.key: c for c in rows}


def _recorded_in(
    session: Session, checkin: Checkin, commitments: Iterable[Commitment]
) -> dict[tuple[int, Institution], Update]:
    """Return the latest answer on each part in this check-in, or given elsewhere in its cycle
    (a /hlm update, a reminder's buttons): the part is answered for this cycle, as reminders
    count it. A withdrawn update answers nothing."""
    ids = [c.id for c in commitments]
    since = min(cycle_opened(checkin), checkin.created_at)
    updates = session.scalars(
        select(Update)
        .where(
            or_(
                Update.checkin_id == checkin.id,
                and_(Update.commitment_id.in_(ids), Update.created_at >= since),
            ),
            Update.withdrawn_at.is_(None),
        )
        .order_by(Update.created_at, Update.id)
        .options(selectinload(Update.author))
    )
    return {(u.commitment_id, u.institution): u for u in updates}


def _current_statuses(
    session: Session, commitments: list[Commitment]
) -> dict[tuple[str, Institution], Status | None]:
    # One query for all the prompt's items, not one per item.
    keys = {c.id: c.key for c in commitments}
    return {
        (keys[cid], institution): status
        for (cid, institution), status in current_statuses(session, list(keys)).items()
    }


def _codes_twice(commitments: Iterable[Commitment]) -> set[str]:
    counted = Counter(c.code for c in commitments)
    return {code for code, n in counted.items() if n > 1}


def _item(
    commitment: Commitment,
    institution: Institution,
    status: Status | None,
    recorded: dict[tuple[int, Institution], Update],
    twice: set[str] | None,
) -> CheckinItem:
    """Describe one part; `twice`: the short ids a check-in holds twice (None: no check-in, so
    an earlier meeting's item keeps its meeting in its id)."""
    update = recorded.get((commitment.id, institution))
    meeting = commitment.area.meeting
    return CheckinItem(
        key=commitment.key,
        code=commitment.code
        if twice is not None and commitment.code not in twice
        else commitment.shown_code,
        area=commitment.area.title
        if meeting.is_current
        else f"HLM {meeting.number} · {commitment.area.title}",
        number="–" if commitment.number is None else str(commitment.number),
        text=commitment.text,
        institution=institution,
        status=status,
        recorded=report_of(update) if update else None,
        joint=len(commitment.actors) > 1,
        confirmed=update is not None and update.source is UpdateSource.CONFIRMED,
    )


@dataclass
class SendReport:
    """What a round of check-ins did."""

    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    nothing_open: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Say in one line what was sent."""
        parts = [f"{counted(len(self.sent), 'check-in')} sent"]
        for label, names in (
            ("already asked this cycle", self.already),
            ("with nothing open", self.nothing_open),
            ("no longer in Slack", self.gone),
            ("failed (will be retried)", self.failed),
        ):
            if names:
                parts.append(f"{len(names)} {label}")
        return ", ".join(parts) + "."


def find_prompt(session: Session, checkin_id: int) -> Checkin:
    """Return a check-in by id, or raise NotFound."""
    checkin = session.get(Checkin, checkin_id)
    if checkin is None:
        raise NotFound("checkin_gone", checkin_id=checkin_id)
    return checkin


def prompt_at(session: Session, *, channel: str, ts: str) -> Checkin | None:
    """Return the check-in that was sent as a given Slack message, if any."""
    return session.scalar(
        select(Checkin).join(Outbox.checkin).where(Outbox.channel == channel, Outbox.ts == ts)
    )


def checkin_item(
    session: Session, *, key: str, institution: Institution, now: datetime
) -> CheckinItem:
    """Describe one commitment part as a check-in shows it, outside any prompt."""
    commitment = _commitments_by_key(session, [key]).get(key)
    if commitment is None:
        raise NotFound("commitment_gone", key=key)
    current = _current_statuses(session, [commitment])
    return _item(commitment, institution, current.get((key, institution)), {}, None)


def set_cadence(
    session: Session, *, area: str | None = None, person: str | None = None, days: int | None
) -> str:
    """Set (or with None, clear) how often an area's owners, or one person, are asked."""
    if days is not None and not 1 <= days <= 366:
        raise InvalidInput("cadence_out_of_range", days=days)
    if (area is None) == (person is None):
        raise InvalidInput("cadence_needs_target")
    target = find_area(session, area) if area is not None else find_person(session, person or "")
    target.cadence_days = days
    name = target.title if area is not None else target.name  # type: ignore[union-attr]
    return (
        f"{name}: check-ins every {days} days."
        if days
        else f"{name}: back to the deployment's cadence."
    )
