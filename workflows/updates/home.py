"""What a person's App Home shows: their commitments and, for a coordinator, every area."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workflows.people.assignments import assignments_of
from workflows.people.directory import person_by_slack_id
from workflows.types import Institution, Role
from workflows.updates.status import AreaStatus, CommitmentStatus, commitment_statuses, overview


@dataclass(frozen=True)
class Home:
    """A person's App Home, as plain values."""

    name: str
    mine: list[tuple[CommitmentStatus, Institution]]
    overview: list[AreaStatus] | None  # every area, for coordinators only


def home_of(
    session: Session, *, slack_user_id: str, coordinators: Collection[str], now: datetime
) -> Home:
    """Gather what a person's App Home shows (coordinators: configured ids, or flagged)."""
    person = person_by_slack_id(session, slack_user_id)
    owned = [a for a in assignments_of(session, person) if a.role is Role.OWNER] if person else []
    statuses = commitment_statuses(session, [a.commitment for a in owned], now=now)
    mine = [(s, a.institution) for s, a in zip(statuses, owned, strict=True)]
    coordinator = slack_user_id in coordinators or bool(person and person.is_coordinator)
    areas = overview(session, now=now) if coordinator else None
    return Home(name=person.name if person else "", mine=mine, overview=areas)
