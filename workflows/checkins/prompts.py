"""Check-ins: ask owners where their open commitments stand, and take their answers.

A check-in is an outbox row (kind `checkin`) keyed by owner × cycle, written before the DM is
sent and marked after, so asking twice in one cycle sends one message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from workflows.errors import NotFound, UnknownPerson
from workflows.ports import CheckinItem, CheckinPrompt
from workflows.store.models import Area, Assignment, Commitment, Outbox, Person, Update
from workflows.types import Institution, OutboxKind, Role, Status
from workflows.updates.status import commitment_statuses, current_statuses, report_of
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


def cycle_of(day: date, *, length_days: int = CYCLE_DAYS) -> Cycle:
    """Return the cycle a day falls in."""
    index = (day - CYCLE_EPOCH).days // length_days
    opens = CYCLE_EPOCH + timedelta(days=index * length_days)
    return Cycle(opens, opens + timedelta(days=length_days - 1))


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


def owner_cycle(
    session: Session, person: Person, *, now: datetime, default: int = CYCLE_DAYS
) -> Cycle:
    """Return the cycle a person is in now, counted in their own time zone."""
    local = now.astimezone(ZoneInfo(person.tz or "UTC")).date()
    return cycle_of(local, length_days=cycle_days_of(session, person, default=default))


def open_parts(
    session: Session, person: Person, *, now: datetime
) -> list[tuple[Commitment, Institution]]:
    """List the commitment parts a person owns that are not closed, in document order."""
    assignments = session.scalars(
        select(Assignment)
        .join(Assignment.commitment)
        .where(
            Assignment.person_id == person.id,
            Assignment.role == Role.OWNER,
            Commitment.retired_at.is_(None),
        )
        .order_by(Commitment.meeting_id, Commitment.area_id, Commitment.position)
        .options(selectinload(Assignment.commitment).selectinload(Commitment.actor_rows))
    ).all()
    commitments = list(dict.fromkeys(a.commitment for a in assignments))
    closed = _closed_parts(session, commitments, now)
    return [
        (a.commitment, a.institution)
        for a in assignments
        if (a.commitment.key, a.institution) not in closed
    ]


def _closed_parts(
    session: Session, commitments: Sequence[Commitment], now: datetime
) -> set[tuple[str, Institution]]:
    closed = set()
    for item in commitment_statuses(session, commitments, now=now):
        closed |= {(item.key, p.institution) for p in item.parts if p.status and p.status.is_closed}
    return closed


def owners_with_open_parts(session: Session, *, now: datetime) -> list[Person]:
    """List active owners who have at least one open commitment part."""
    people = session.scalars(
        select(Person)
        .join(Assignment, Assignment.person_id == Person.id)
        .where(Assignment.role == Role.OWNER, Person.active.is_(True))
        .distinct()
        .order_by(Person.id)
    ).all()
    return [p for p in people if p.slack_user_id and open_parts(session, p, now=now)]


def plan_checkin(session: Session, person: Person, *, now: datetime, cycle: Cycle) -> Outbox | None:
    """Write the check-in owed to a person in a cycle, once; None when there is nothing to ask."""
    key = f"checkin:{person.id}:{cycle.key}"
    existing = session.scalar(select(Outbox).where(Outbox.key == key))
    if existing is not None:
        return existing
    parts = open_parts(session, person, now=now)
    if not parts:
        return None
    row = Outbox(
        key=key,
        kind=OutboxKind.CHECKIN,
        person=person,
        cycle=cycle.key,
        due_at=now,
        payload={
            "items": [[c.key, i.value] for c, i in parts],
            "closes_on": cycle.closes.isoformat(),
        },
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def prompt_items(row: Outbox) -> list[tuple[str, Institution]]:
    """Return the (commitment key, institution) pairs a prompt asks about."""
    return [(key, Institution(inst)) for key, inst in row.payload.get("items", [])]


def closes_on(row: Outbox) -> date:
    """Return the last day answers to a prompt count as on time."""
    return date.fromisoformat(row.payload["closes_on"])


def build_prompt(session: Session, row: Outbox, *, now: datetime) -> CheckinPrompt:
    """Describe a prompt as its owner sees it, with what they recorded in it so far."""
    if row.person is None or row.person.slack_user_id is None:
        raise UnknownPerson(str(row.person_id))
    pairs = prompt_items(row)
    commitments = _commitments_by_key(session, [key for key, _ in pairs])
    recorded = _recorded_in(session, row)
    current = _current_statuses(session, list(commitments.values()))
    items = [
        _item(commitments[key], institution, current.get((key, institution)), recorded)
        for key, institution in pairs
        if key in commitments
    ]
    return CheckinPrompt(
        prompt_id=row.id,
        slack_user_id=row.person.slack_user_id,
        name=row.person.name,
        cycle=row.cycle or "",
        closes_on=closes_on(row),
        items=tuple(items),
        reminder=int(row.payload.get("reminder", 0)),
    )


def _commitments_by_key(session: Session, keys: Iterable[str]) -> dict[str, Commitment]:
    rows = session.scalars(
        select(Commitment)
        .where(Commitment.key.in_(list(keys)))
        .options(joinedload(Commitment.area))  # what a check-in shows: one query
    )
    return {c.key: c for c in rows}


def _recorded_in(session: Session, row: Outbox) -> dict[tuple[int, Institution], Update]:
    updates = session.scalars(
        select(Update)
        .where(Update.prompt_id == row.id)
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


def _item(
    commitment: Commitment,
    institution: Institution,
    status: Status | None,
    recorded: dict[tuple[int, Institution], Update],
) -> CheckinItem:
    update = recorded.get((commitment.id, institution))
    return CheckinItem(
        key=commitment.key,
        code=commitment.code,
        area=commitment.area.title,
        number="–" if commitment.number is None else str(commitment.number),
        text=commitment.text,
        institution=institution,
        status=status,
        recorded=report_of(update) if update else None,
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


def find_prompt(session: Session, prompt_id: int) -> Outbox:
    """Return a check-in prompt by id, or raise NotFound."""
    row = session.get(Outbox, prompt_id)
    if row is None or row.kind not in (OutboxKind.CHECKIN, OutboxKind.REMINDER):
        raise NotFound("checkin_gone", checkin_id=prompt_id)
    return row


def prompt_at(session: Session, *, channel: str, ts: str) -> Outbox | None:
    """Return the prompt that was sent as a given Slack message, if any."""
    return session.scalar(select(Outbox).where(Outbox.channel == channel, Outbox.ts == ts))


def checkin_item(
    session: Session, *, key: str, institution: Institution, now: datetime
) -> CheckinItem:
    """Describe one commitment part as a check-in shows it, outside any prompt."""
    commitment = _commitments_by_key(session, [key]).get(key)
    if commitment is None:
        raise NotFound("commitment_gone", key=key)
    current = _current_statuses(session, [commitment])
    return _item(commitment, institution, current.get((key, institution)), {})


def set_cadence(
    session: Session, *, area: str | None = None, person: str | None = None, days: int | None
) -> str:
    """Set (or with None, clear) how often an area's owners, or one person, are asked."""
    from workflows.catalogue.lookup import find_area
    from workflows.errors import InvalidInput
    from workflows.people.directory import find_person

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
