"""Naming and freeing owners, the same way from Slack and from the command line.

`/hlm assign`/`/hlm unassign` and `hlm assign`/`hlm unassign` read their arguments differently
but call these functions, so both surfaces follow one set of rules:

- an institution is read by `parse_institution` (`ilo`, `EC`, `Commission`, …);
- `backup` selects the backup role, otherwise the owner (`role_for`);
- unassigning without naming an institution frees the one institution that has someone there,
  and refuses when several do (a joint commitment, or an area whose parts are held by people of
  different institutions): a coordinator who types `/hlm unassign gender-7` expects the person
  they see there to go, but should never free another institution's owner by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.meetings import followed_up
from workflows.errors import InvalidInput, InvalidInstitution
from workflows.people.assignments import AssignReport, assign, resolve_targets, unassign
from workflows.store.models import Absence, Assignment, Commitment, Person
from workflows.types import Institution, Role, StandIn

NOT_AN_INSTITUTION = "“{text}” is not an institution. Use ilo, ec or eeas."
WHOSE_PART = "{institutions} each have {role} there: say whose part to free ({choices})."


@dataclass(frozen=True)
class Assigned:
    """What an assignment did, and to whom."""

    report: AssignReport
    person: str
    institution: Institution
    role: Role

    def summary(self) -> str:
        """Say in one line what changed."""
        return self.report.summary(self.person, self.institution, self.role)


def parse_institution(text: str) -> Institution:
    """Read an institution as a person types it, or say which ones there are."""
    try:
        return Institution.parse(text)
    except ValueError:
        raise InvalidInstitution(NOT_AN_INSTITUTION.format(text=text[:40])) from None


def role_for(*, backup: bool) -> Role:
    """Return the role a command names: the backup when asked, otherwise the owner."""
    return Role.BACKUP if backup else Role.OWNER


def assign_person(
    session: Session,
    *,
    target: str,
    person: Person,
    institution: Institution | None,
    backup: bool,
    now: datetime,
) -> Assigned:
    """Make a person owner (or backup) of a commitment or an area, for an institution."""
    role = role_for(backup=backup)
    report = assign(
        session, target=target, person=person, institution=institution, role=role, now=now
    )
    return Assigned(report, person.name, institution or person.institution, role)


def unassign_part(
    session: Session, *, target: str, institution: Institution | None, backup: bool
) -> list[str]:
    """Free the owner (or backup) of a commitment or an area; return the ids freed.

    Without an institution, frees the one institution that has someone there (see the module
    docstring); raises `InvalidInput` when several do.
    """
    role = role_for(backup=backup)
    chosen = [institution] if institution else held_by(session, target=target, role=role)
    if len(chosen) > 1:
        raise InvalidInput(_whose_part(chosen, role))
    return [
        code
        for one in chosen
        for code in unassign(session, target=target, institution=one, role=role)
    ]


def held_by(session: Session, *, target: str, role: Role) -> list[Institution]:
    """List the institutions that have someone in a role on a target's commitments."""
    ids = [commitment.id for commitment in resolve_targets(session, target)]
    found = set(
        session.scalars(
            select(Assignment.institution).where(
                Assignment.commitment_id.in_(ids), Assignment.role == role
            )
        )
    )
    return [institution for institution in Institution if institution in found]


def _whose_part(institutions: list[Institution], role: Role) -> str:
    labels = [f"the {i.label}" for i in institutions]
    named = ", ".join(labels[:-1]) + " and " + labels[-1]
    return WHOSE_PART.format(
        institutions=named[0].upper() + named[1:],
        role="an owner" if role is Role.OWNER else "a backup",
        choices=" or ".join(i.value for i in institutions),
    )


@dataclass(frozen=True)
class Answerer:
    """Who answers for a part now (None: nobody can, coordinators must reassign it), and why
    when it is not the owner."""

    person: Person | None
    stand_in: StandIn | None = None


@dataclass(frozen=True)
class HeldPart:
    """One institution's part of a commitment in force, with its owner and its backup."""

    commitment: Commitment
    institution: Institution
    owner: Person
    backup: Person | None


def can_answer(person: Person, *, deadline: date) -> bool:
    """Tell whether a person can answer by a deadline: still in Slack and not away on it."""
    return person.active and not person.is_away(deadline)


def answerer(owner: Person, backup: Person | None, *, deadline: date) -> Answerer:
    """Decide who answers for a part by a check-in's deadline: the owner, else the backup.

    An owner who has left, or is away on the deadline, hands the part to the backup, who is told
    why; with no backup able to answer, nobody does and the part goes to the coordinators.
    """
    if can_answer(owner, deadline=deadline):
        return Answerer(owner)
    why = StandIn(owner.name, left=not owner.active, away_until=owner.away_until_on(deadline))
    if backup is not None and backup.id != owner.id and can_answer(backup, deadline=deadline):
        return Answerer(backup, why)
    return Answerer(None, why)


def held_parts(session: Session, *, person_id: int | None = None) -> list[HeldPart]:
    """List the owned parts of commitments in force and followed up (`followed_up`: the current
    meeting's, and an earlier meeting's not carried over while its follow-up is open), in
    document order, with owner and backup (with `person_id`: only the parts that person owns or
    backs up)."""
    query = (
        select(Assignment)
        .join(Assignment.commitment)
        .where(Commitment.retired_at.is_(None), followed_up())
    )
    if person_id is not None:
        theirs = select(Assignment.commitment_id).where(Assignment.person_id == person_id)
        query = query.where(Assignment.commitment_id.in_(theirs))
    rows = session.scalars(
        query.order_by(Commitment.meeting_id, Commitment.area_id, Commitment.position).options(
            selectinload(Assignment.commitment).selectinload(Commitment.actor_rows),
            selectinload(Assignment.commitment).selectinload(Commitment.area),
            # Whether someone can answer reads their absences: loaded with them, not one by one.
            selectinload(Assignment.person).selectinload(Person.absences),
        )
    ).all()
    roles: dict[tuple[int, Institution], dict[Role, Assignment]] = {}
    for row in rows:
        roles.setdefault((row.commitment_id, Institution(row.institution)), {})[row.role] = row
    parts = [_held(held) for held in roles.values() if Role.OWNER in held]
    if person_id is None:
        return parts
    return [p for p in parts if person_id in (p.owner.id, p.backup.id if p.backup else None)]


def _held(held: dict[Role, Assignment]) -> HeldPart:
    owner, backup = held[Role.OWNER], held.get(Role.BACKUP)
    return HeldPart(
        owner.commitment, Institution(owner.institution), owner.person,
        backup.person if backup else None,
    )  # fmt: skip


def answerers(
    parts: Sequence[HeldPart], *, deadline_of: Callable[[Person], date]
) -> list[tuple[HeldPart, Answerer]]:
    """Decide who answers for each part, by its owner's deadline (`deadline_of(owner)`)."""
    deadlines: dict[int, date] = {}
    decided = []
    for part in parts:
        if part.owner.id not in deadlines:
            deadlines[part.owner.id] = deadline_of(part.owner)
        deadline = deadlines[part.owner.id]
        decided.append((part, answerer(part.owner, part.backup, deadline=deadline)))
    return decided


def standing_in_for(
    session: Session, person: Person, parts: Iterable[tuple[str, Institution]], *, day: date
) -> tuple[StandIn, ...]:
    """Say whose parts, among those a person is asked about, they answer for in another's
    stead, and why (one per owner)."""
    wanted = set(parts)
    rows = session.execute(
        select(Commitment.key, Assignment.institution, Person)
        .join(Assignment, Assignment.commitment_id == Commitment.id)
        .join(Person, Person.id == Assignment.person_id)
        .where(Commitment.key.in_([key for key, _ in wanted]), Assignment.role == Role.OWNER)
    ).all()
    owners = {
        owner.id: owner
        for key, institution, owner in rows
        if (key, Institution(institution)) in wanted and owner.id != person.id
    }
    return tuple(
        StandIn(o.name, left=not o.active, away_until=o.away_until_on(day)) for o in owners.values()
    )


def unavailable_people(session: Session, *, today: date) -> list[StandIn]:
    """List the owners and backups who have left Slack or are away today (until when)."""
    away_today = select(Absence.person_id).where(
        Absence.cancelled_at.is_(None), Absence.starts_on <= today, Absence.ends_on >= today
    )
    people = session.scalars(
        select(Person)
        .where(Person.id.in_(select(Assignment.person_id)))
        .where(Person.active.is_(False) | Person.id.in_(away_today))
        .order_by(Person.name)
    ).all()
    return [StandIn(p.name, left=not p.active, away_until=p.away_until_on(today)) for p in people]
