"""Who answers for a part now: the owner, else the backup, else nobody (the coordinators)."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.people.ownership import answerer
from workflows.store.models import Absence, Person
from workflows.types import Institution, StandIn

DEADLINE = date(2027, 1, 10)


def person(
    pid: int, name: str, *, active: bool = True, away: tuple[date, date] | None = None
) -> Person:
    absences = [Absence(starts_on=away[0], ends_on=away[1])] if away else []
    return Person(
        id=pid, name=name, institution=Institution.ILO, active=active, absences=absences,
    )  # fmt: skip


ANA = "Ana Lopez"


@pytest.mark.parametrize(
    ("owner", "backup", "answers", "why"),
    [
        pytest.param(person(1, ANA), person(2, "Bo"), 1, None, id="owner-there"),
        pytest.param(person(1, ANA, active=False), person(2, "Bo"), 2,
                     StandIn(ANA, left=True), id="owner-left"),
        pytest.param(person(1, ANA, away=(date(2027, 1, 4), date(2027, 1, 15))), person(2, "Bo"), 2,
                     StandIn(ANA, left=False, away_until=date(2027, 1, 15)), id="away-past-deadline"),
        pytest.param(person(1, ANA, away=(date(2027, 1, 4), date(2027, 1, 8))), person(2, "Bo"), 1,
                     None, id="back-before-deadline"),
        pytest.param(person(1, ANA, active=False), None, None, StandIn(ANA, left=True),
                     id="left-no-backup"),
        pytest.param(person(1, ANA, active=False), person(2, "Bo", active=False), None,
                     StandIn(ANA, left=True), id="backup-left-too"),
        pytest.param(person(1, ANA, away=(date(2027, 1, 1), date(2027, 1, 31))),
                     person(2, "Bo", away=(date(2027, 1, 9), date(2027, 1, 12))), None,
                     StandIn(ANA, left=False, away_until=date(2027, 1, 31)), id="both-away"),
    ],
)  # fmt: skip
def test_the_owner_answers_else_the_backup_is_asked_and_told_why_else_nobody(
    owner: Person, backup: Person | None, answers: int | None, why: StandIn | None
) -> None:
    decided = answerer(owner, backup, deadline=DEADLINE)
    assert (decided.person.id if decided.person else None) == answers
    assert decided.stand_in == why
