"""Keep what Slack says about people current without asking Slack once per message.

Slack still delivers a DM to a deactivated account, so a departure must be looked up, and a
lookup per check-in (users.info, about 100 a minute) would slow a large fan-out to a crawl.
Instead a sweep reads the whole directory (users.list, 200 people a page) once a day: time
zones are refreshed, and owners whose accounts were deactivated are switched off and reported
to the coordinators once, with what now needs a new owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.errors import InvalidInput
from workflows.people.directory import check_timezone
from workflows.ports import SlackProfile
from workflows.store.messages import DepartedOwner, write
from workflows.store.models import Outbox, Person
from workflows.types import OutboxKind

SWEEP = "profiles"
SWEEP_EVERY = timedelta(hours=24)


@dataclass
class SweepReport:
    """What a sweep of the directory changed."""

    seen: int = 0
    zones: list[str] = field(default_factory=list)  # people whose time zone changed
    departed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Say in one line what the sweep did."""
        return (
            f"{self.seen} Slack accounts read; {len(self.zones)} time zones updated; "
            f"{len(self.departed)} departed"
        )


def apply_profiles(
    session: Session, profiles: Iterable[SlackProfile], *, now: datetime
) -> SweepReport:
    """Update the people Slack knows about: time zones, and accounts deactivated."""
    people = {
        p.slack_user_id: p
        for p in session.scalars(select(Person).where(Person.slack_user_id.is_not(None)))
    }
    report = SweepReport()
    for profile in profiles:
        report.seen += 1
        person = people.get(profile.slack_user_id)
        if person is None:
            continue
        if profile.deleted:
            if person.active:
                depart(session, person, reason="deactivated", now=now)
                report.departed.append(person.name)
        elif profile.tz and profile.tz != person.tz:
            try:
                person.tz = check_timezone(profile.tz)
            except InvalidInput:  # a zone this machine does not know: keep the stored one
                continue
            report.zones.append(person.name)
    return report


def depart(session: Session, person: Person, *, reason: str, now: datetime) -> None:
    """Switch off an owner who left Slack; coordinators hear once what needs a new owner."""
    person.active = False
    key = f"departed:{person.id}"
    if session.scalar(select(Outbox.id).where(Outbox.key == key)) is None:
        row = Outbox(
            key=key, kind=OutboxKind.ESCALATION, person_id=person.id, due_at=now, created_at=now
        )
        write(row, DepartedOwner(reason=reason))
        session.add(row)
