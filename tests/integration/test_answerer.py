"""Nobody silently owns nothing: the backup answers for an owner who left or is away, on both
databases; with no backup, the part is for the coordinators."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tests.factories import make_owner, make_person, make_update
from workflows.checkins.prompts import (
    checkin_prompt,
    open_parts,
    owner_cycle,
    owners_with_open_parts,
    plan_checkin,
)
from workflows.delivery.escalations import current_subjects, escalation_of, reassign
from workflows.delivery.planner import owner_states
from workflows.delivery.schedule import Cadence
from workflows.people.ownership import unavailable_people
from workflows.ports import OwnerUnavailable
from workflows.store.models import Absence, Person
from workflows.types import Institution, Role, StandIn, Status


def owned_with_backup(session: Session, now: datetime) -> tuple[Person, Person]:
    ana = make_owner(session, "gender-1", now=now, name="Ana Lopez")
    bo = make_owner(session, "gender-1", now=now, name="Bo Backup", role=Role.BACKUP)
    return ana, bo


def codes(session: Session, person: Person, now: datetime) -> list[str]:
    return [c.code for c, _ in open_parts(session, person, now=now)]


def test_an_owner_in_slack_answers_and_their_backup_is_not_asked(
    db_session: Session, now: datetime
) -> None:
    ana, bo = owned_with_backup(db_session, now)
    assert codes(db_session, ana, now) == ["gender-1"]
    assert codes(db_session, bo, now) == []
    assert bo not in owners_with_open_parts(db_session, now=now)


def test_people_asked_are_those_with_open_parts_they_answer_for_in_id_order(
    db_session: Session, now: datetime
) -> None:
    ana, bo = owned_with_backup(db_session, now)
    ana.active = False  # Bo answers for gender-1 in her stead
    cy = make_owner(db_session, "gender-2", now=now, name="Cy Closed")
    make_update(db_session, "gender-2", cy, Status.COMPLETED, now=now)
    dee = make_owner(db_session, "gender-3", now=now, name="Dee Deux")
    make_owner(db_session, "gender-3", now=now, name="Ed Backup", role=Role.BACKUP)
    asked = owners_with_open_parts(db_session, now=now)
    assert asked == [bo, dee]
    assert asked == [p for p in (ana, bo, cy, dee) if p.active and codes(db_session, p, now)]


def test_the_backup_answers_for_an_owner_who_left_and_is_told_why(
    db_session: Session, now: datetime
) -> None:
    ana, bo = owned_with_backup(db_session, now)
    ana.active = False
    assert codes(db_session, bo, now) == ["gender-1"]
    assert bo in owners_with_open_parts(db_session, now=now)
    planned = plan_checkin(db_session, bo, now=now, cycle=owner_cycle(db_session, bo, now=now))
    assert planned.row is not None
    assert planned.row.checkin is not None
    prompt = checkin_prompt(db_session, planned.row.checkin, now=now)
    assert [i.code for i in prompt.items] == ["gender-1"]
    assert prompt.stand_ins == (StandIn("Ana Lopez", left=True, away_until=None),)
    [state] = [
        s for s in owner_states(db_session, now=now, cadence=Cadence()) if s.person_id == bo.id
    ]
    assert state.open_parts == 1


def test_the_backup_answers_for_an_owner_away_past_the_deadline_only(
    db_session: Session, now: datetime
) -> None:
    ana, bo = owned_with_backup(db_session, now)
    closes = owner_cycle(db_session, ana, now=now).closes
    away = Absence(person=ana, starts_on=now.date(), ends_on=closes - timedelta(days=1))
    db_session.add(away)
    db_session.flush()
    assert codes(db_session, ana, now) == ["gender-1"]  # back before the deadline: still hers
    away.ends_on = closes + timedelta(days=10)
    db_session.flush()
    assert codes(db_session, ana, now) == []
    assert codes(db_session, bo, now) == ["gender-1"]
    assert unavailable_people(db_session, today=now.date()) == [
        StandIn("Ana Lopez", left=False, away_until=away.ends_on)
    ]


def test_a_part_with_no_backup_able_to_answer_goes_to_the_coordinators(
    db_session: Session, now: datetime
) -> None:
    ana, bo = owned_with_backup(db_session, now)
    ana.active, bo.active = False, False
    cadence = Cadence()
    subjects = current_subjects(db_session, now=now, cadence=cadence)
    assert f"departed:{ana.id}" in subjects
    assert any(s.startswith("unanswered:") for s in subjects)
    [entry] = [e for e in escalation_of(db_session, subjects, now=now, cadence=cadence)
               if isinstance(e, OwnerUnavailable) and e.name == "Ana Lopez"]  # fmt: skip
    assert [p.code for p in entry.parts] == ["gender-1"]
    assert entry.left
    assert entry.backups == ()


def test_a_closed_part_needs_nobody(db_session: Session, now: datetime) -> None:
    ana, _ = owned_with_backup(db_session, now)
    make_update(db_session, "gender-1", ana, Status.COMPLETED, now=now)
    ana.active = False
    subjects = current_subjects(db_session, now=now + timedelta(minutes=1), cadence=Cadence())
    assert not any(s.startswith("unanswered:") for s in subjects)


def test_reassigning_moves_the_owners_commitments_through_the_ownership_rules(
    db_session: Session, now: datetime
) -> None:
    ana, _ = owned_with_backup(db_session, now)
    carla = make_person(db_session, name="Carla New", institution=Institution.ILO)
    done = reassign(db_session, owner_id=ana.id, to=carla, institution=Institution.ILO,
                    codes=["gender-1"], now=now + timedelta(hours=1))  # fmt: skip
    assert done.codes == ("gender-1",)
    assert codes(db_session, carla, now) == ["gender-1"]
    assert codes(db_session, ana, now) == []
