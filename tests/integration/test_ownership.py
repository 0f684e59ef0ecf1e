"""Owners are named and freed by one set of rules, whichever surface asks."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_owner
from tests.saying import refused
from workflows.errors import InvalidInput, InvalidInstitution
from workflows.people.ownership import (
    assign_person,
    held_by,
    parse_institution,
    role_for,
    unassign_part,
)
from workflows.types import Institution, Role


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ilo", Institution.ILO, id="ilo"),
        pytest.param("EC", Institution.COMMISSION, id="upper-case"),
        pytest.param("Commission", Institution.COMMISSION, id="name"),
        pytest.param("eeas", Institution.EEAS, id="eeas"),
    ],
)
def test_an_institution_is_read_as_people_type_it(text: str, expected: Institution) -> None:
    assert parse_institution(text) is expected


def test_an_unknown_institution_names_the_ones_there_are() -> None:
    with refused(InvalidInstitution, "^“unicef” is not an institution. Use ilo, ec or eeas.$"):
        parse_institution("unicef")


def test_backup_selects_the_backup_role_and_otherwise_the_owner() -> None:
    assert role_for(backup=True) is Role.BACKUP
    assert role_for(backup=False) is Role.OWNER


def test_assigning_defaults_to_the_persons_own_institution(
    db_session: Session, now: datetime
) -> None:
    ann = make_owner(db_session, "osh-1", institution=Institution.ILO, now=now, name="Ann")
    assigned = assign_person(
        db_session, target="gender-1", person=ann, institution=None, backup=True, now=now
    )
    assert assigned.summary() == "Ann is now ILO backup of gender-1."


def test_unassign_without_institution_frees_the_only_institution_there(
    db_session: Session, now: datetime
) -> None:
    make_owner(db_session, "gender-7", institution=Institution.COMMISSION, now=now)
    assert held_by(db_session, target="gender-7", role=Role.OWNER) == [Institution.COMMISSION]
    assert unassign_part(db_session, target="gender-7", institution=None, backup=False) == [
        "gender-7"
    ]
    assert held_by(db_session, target="gender-7", role=Role.OWNER) == []


def test_unassign_without_institution_refuses_when_several_hold_parts(
    db_session: Session, now: datetime
) -> None:
    make_owner(db_session, "gender-6", institution=Institution.ILO, now=now)
    make_owner(db_session, "gender-6", institution=Institution.COMMISSION, now=now)
    with pytest.raises(InvalidInput, match="The ILO and the Commission each have an owner there"):
        unassign_part(db_session, target="gender-6", institution=None, backup=False)
    assert held_by(db_session, target="gender-6", role=Role.OWNER) == [
        Institution.ILO,
        Institution.COMMISSION,
    ]


def test_unassign_of_a_named_institution_frees_only_its_part(
    db_session: Session, now: datetime
) -> None:
    make_owner(db_session, "gender-6", institution=Institution.ILO, now=now)
    make_owner(db_session, "gender-6", institution=Institution.COMMISSION, now=now)
    freed = unassign_part(db_session, target="gender-6", institution=Institution.ILO, backup=False)
    assert freed == ["gender-6"]
    assert held_by(db_session, target="gender-6", role=Role.OWNER) == [Institution.COMMISSION]


def test_unassign_where_nobody_is_frees_nothing(db_session: Session) -> None:
    assert unassign_part(db_session, target="gender", institution=None, backup=True) == []
