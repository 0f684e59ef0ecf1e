"""Who answers for what: owners and backups of each commitment, per institution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.lookup import (
    area_commitments,
    find_area,
    find_commitment,
    is_commitment_id,
)
from workflows.errors import InvalidInstitution, NotFound
from workflows.store.models import Assignment, Commitment, Person
from workflows.types import Institution, Role


@dataclass
class AssignReport:
    """What an assignment changed."""

    assigned: list[str] = field(default_factory=list)
    replaced: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self, person: str, institution: Institution, role: Role) -> str:
        """Say in one line what changed."""
        done = self.assigned + list(self.replaced)
        if not done and not self.unchanged:
            return f"Nothing to assign: no commitment there names the {institution.label}."
        head = f"{person} is now {institution.label} {role.value} of " + _ids(
            done or self.unchanged
        )
        extra = [f"replacing {who} on {key}" for key, who in self.replaced.items()]
        if self.skipped:
            extra.append(f"skipped {_ids(self.skipped)} (not a {institution.label} commitment)")
        return head + ("" if not extra else "; " + "; ".join(extra)) + "."


def _ids(codes: Sequence[str]) -> str:
    return ", ".join(codes) if len(codes) <= 6 else f"{len(codes)} commitments"


def resolve_targets(session: Session, target: str) -> list[Commitment]:
    """Return the commitments a target names: one id (`gender-7`) or a whole area (`gender`)."""
    if is_commitment_id(target):
        return [find_commitment(session, target)]
    try:
        return area_commitments(session, find_area(session, target))
    except NotFound:
        return [find_commitment(session, target)]


def assign(
    session: Session,
    *,
    target: str,
    person: Person,
    institution: Institution | None = None,
    role: Role = Role.OWNER,
    now: datetime,
) -> AssignReport:
    """Make a person the owner (or backup) of one commitment or of an area's commitments."""
    institution = institution or person.institution
    commitments = resolve_targets(session, target)
    if len(commitments) == 1 and not _binds(commitments[0], institution):
        raise InvalidInstitution(
            "not_its_actor", code=commitments[0].shown_code, actors=commitments[0].actors,
            institution=institution,
        )  # fmt: skip
    report = AssignReport()
    for commitment in commitments:
        if not _binds(commitment, institution):
            report.skipped.append(commitment.shown_code)
            continue
        _assign_one(session, commitment, person, institution, role, now, report)
    session.flush()
    return report


def _assign_one(
    session: Session,
    commitment: Commitment,
    person: Person,
    institution: Institution,
    role: Role,
    now: datetime,
    report: AssignReport,
) -> None:
    current = _assignment(session, commitment, institution, role)
    if current is None:
        session.add(
            Assignment(
                commitment=commitment,
                person=person,
                institution=institution,
                role=role,
                created_at=now,
            )
        )
        report.assigned.append(commitment.shown_code)
    elif current.person_id == person.id:
        report.unchanged.append(commitment.shown_code)
    else:
        report.replaced[commitment.shown_code] = current.person.name
        current.person, current.created_at = person, now


def unassign(
    session: Session, *, target: str, institution: Institution, role: Role = Role.OWNER
) -> list[str]:
    """Remove the owner (or backup) of one commitment or an area's; return the ids freed."""
    freed = []
    for commitment in resolve_targets(session, target):
        current = _assignment(session, commitment, institution, role)
        if current is not None:
            session.delete(current)
            freed.append(commitment.shown_code)
    session.flush()
    return freed


def _assignment(
    session: Session, commitment: Commitment, institution: Institution, role: Role
) -> Assignment | None:
    return session.scalar(
        select(Assignment).where(
            Assignment.commitment_id == commitment.id,
            Assignment.institution == institution,
            Assignment.role == role,
        )
    )


def _binds(commitment: Commitment, institution: Institution) -> bool:
    return institution in commitment.actors


def assignments_of(session: Session, person: Person) -> list[Assignment]:
    """List what a person owns or backs up, in document order."""
    return list(
        session.scalars(
            select(Assignment)
            .join(Assignment.commitment)
            .where(Assignment.person_id == person.id, Commitment.retired_at.is_(None))
            .order_by(Commitment.meeting_id, Commitment.area_id, Commitment.position)
            .options(selectinload(Assignment.commitment).selectinload(Commitment.area))
        )
    )
