"""What a person's App Home shows: their commitments and, for a coordinator, every area."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workflows.catalogue.meetings import Shown, find_meeting, shown_meeting
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
    meeting: Shown | None = None  # whose conclusions the overview shows, for coordinators


def home_of(
    session: Session,
    *,
    slack_user_id: str,
    coordinators: Collection[str],
    now: datetime,
    meeting: str | None = None,
) -> Home:
    """Gather what a person's App Home shows (coordinators: configured ids, or flagged; their
    overview is of `meeting`, the current one by default)."""
    person = person_by_slack_id(session, slack_user_id)
    owned = [a for a in assignments_of(session, person) if a.role is Role.OWNER] if person else []
    statuses = commitment_statuses(session, [a.commitment for a in owned], now=now)
    mine = [(s, a.institution) for s, a in zip(statuses, owned, strict=True)]
    coordinator = slack_user_id in coordinators or bool(person and person.is_coordinator)
    name = person.name if person else ""
    if not coordinator:
        return Home(name=name, mine=mine, overview=None)
    shown = find_meeting(session, meeting)
    areas = overview(session, now=now, meeting=shown)
    return Home(name=name, mine=mine, overview=areas, meeting=shown_meeting(session, shown))
