"""People: owners and coordinators, found by Slack id, email or name."""

from __future__ import annotations

from collections.abc import Collection
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from workflows.calendar import Hours
from workflows.errors import InvalidInput, UnknownPerson
from workflows.store.models import Person
from workflows.types import Institution


def find_person(session: Session, ref: str) -> Person:
    """Return the person a reference names: Slack user id, email or full name."""
    text = ref.strip().removeprefix("@")
    if "@" in text:
        query = select(Person).where(func.lower(Person.email) == text.lower())
    else:
        by_id = session.scalars(select(Person).where(Person.slack_user_id == text)).all()
        if by_id:
            return by_id[0]
        query = select(Person).where(func.lower(Person.name) == text.lower())
    person = session.scalars(query.limit(2)).all()
    if len(person) != 1:
        raise UnknownPerson(ref.strip())
    return person[0]


def person_by_slack_id(session: Session, slack_user_id: str) -> Person | None:
    """Return the person with a Slack user id, if known."""
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def upsert_person(
    session: Session,
    *,
    name: str,
    institution: Institution,
    email: str | None = None,
    slack_user_id: str | None = None,
    tz: str | None = None,
    is_coordinator: bool | None = None,
    slack_team_id: str | None = None,
) -> Person:
    """Add a person, or update the one with the same Slack id or email."""
    person = _existing(session, email=email, slack_user_id=slack_user_id)
    if person is None:
        person = Person(name=name, institution=institution)
        session.add(person)
    person.name, person.institution = name, institution
    person.active = True  # named again (an import, an assignment): ask them again
    person.email = email or person.email
    person.slack_user_id = slack_user_id or person.slack_user_id
    person.slack_team_id = slack_team_id or person.slack_team_id
    person.tz = check_timezone(tz) if tz else (person.tz or "Europe/Brussels")
    if is_coordinator is not None:
        person.is_coordinator = is_coordinator
    session.flush()
    return person


def _existing(session: Session, *, email: str | None, slack_user_id: str | None) -> Person | None:
    if slack_user_id:
        found = person_by_slack_id(session, slack_user_id)
        if found:
            return found
    if email:
        return session.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
    return None


# Where an email address says which institution someone works for.
_DOMAINS = {
    "ilo.org": Institution.ILO,
    "ec.europa.eu": Institution.COMMISSION,
    "eeas.europa.eu": Institution.EEAS,
}


def institution_of_email(email: str | None) -> Institution | None:
    """Return the institution an email address belongs to, if its domain says."""
    return _DOMAINS.get((email or "").rsplit("@", 1)[-1].lower())


def check_timezone(name: str) -> str:
    """Return an IANA time zone name unchanged, or raise if it does not exist."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("not_a_timezone", name=name) from exc
    return name


def set_hours(person: Person, hours: Hours | None) -> None:
    """Set a person's own working hours, or with None give them the calendar's again."""
    person.work_start, person.work_end = hours or (None, None)


def hours_of(person: Person) -> Hours | None:
    """Return a person's own working hours, if they set them."""
    if person.work_start is None or person.work_end is None:
        return None
    return person.work_start, person.work_end


def coordinator_names(session: Session, configured: Collection[str]) -> str:
    """Name the coordinators, by database flag or configured Slack id (plain names, not mentions)."""
    names = session.scalars(
        select(Person.name)
        .where(or_(Person.is_coordinator.is_(True), Person.slack_user_id.in_(configured)))
        .order_by(Person.name)
    ).all()
    return ", ".join(names) or "the coordinators"
