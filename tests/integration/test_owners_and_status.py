"""Owners come from files or commands; status shows them with the latest report per institution."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.commands.handlers import run_command
from bot.commands.parse import ShowCommitment
from bot.views.show import HISTORY_SHOWN
from bot.wording import say
from seed.sync import SEED_DIR
from tests.factories import command_context, make_owner, make_person, make_update
from tests.saying import refused
from workflows.catalogue.lookup import find_area, find_commitment
from workflows.errors import BadFile, InvalidInstitution, NotAllowed, UnknownArea
from workflows.people.assignments import assign, unassign
from workflows.people.owners_file import import_owners, read_owners_file
from workflows.store.models import Assignment, Outbox, Person
from workflows.types import Institution, OutboxKind, Role, Status, UpdateSource
from workflows.updates.confirmation import (
    confirm_completion,
    confirmation_request,
    plan_confirmations,
)
from workflows.updates.record import history, record_update, replaced_among
from workflows.updates.status import (
    SILENT_AFTER,
    CommitmentStatus,
    Problem,
    area_status,
    commitment_statuses,
)

EXAMPLE = SEED_DIR / "owners.example.yaml"


def joint_code(session: Session, area: str) -> str:
    area_row = find_area(session, area)
    return next(c.code for c in area_row.commitments if len(c.actors) >= 2)


def test_the_example_owners_file_gives_every_commitment_part_an_owner(
    db_session: Session, now: datetime
) -> None:
    report = import_owners(db_session, read_owners_file(EXAMPLE), now=now)
    assert report.people == 9
    status = area_status(db_session, find_area(db_session, "gender"), now=now)
    assert all(part.owners for item in status.items for part in item.parts)


def test_a_joint_item_has_an_owner_per_institution_and_shows_disagreement(
    db_session: Session, now: datetime
) -> None:
    code = joint_code(db_session, "gender")
    ilo = make_owner(db_session, code, institution=Institution.ILO, now=now, name="Ann ILO")
    ec = make_owner(db_session, code, institution=Institution.COMMISSION, now=now, name="Ben EC")
    make_update(db_session, code, ilo, Status.ON_TRACK, now=now - timedelta(days=2))
    make_update(
        db_session, code, ec, Status.AT_RISK, now=now - timedelta(days=1), text="Funding late"
    )
    make_update(db_session, code, ilo, None, now=now, text="Just a note")

    item = next(
        i
        for i in area_status(db_session, find_area(db_session, "gender"), now=now).items
        if i.code == code
    )
    parts = {p.institution: p for p in item.parts}
    assert parts[Institution.ILO].owners == ("Ann ILO",)
    assert parts[Institution.ILO].status is Status.ON_TRACK  # a note leaves the status as it was
    assert parts[Institution.ILO].last is not None
    assert parts[Institution.ILO].last.text == "Just a note"
    assert parts[Institution.COMMISSION].status is Status.AT_RISK
    assert (item.overall, item.disagree) == (Status.AT_RISK, True)


def test_only_an_owner_or_a_coordinator_may_update(db_session: Session, now: datetime) -> None:
    code = joint_code(db_session, "gender")
    stranger = make_person(db_session)
    with refused(NotAllowed, "not an owner"):
        make_update(db_session, code, stranger, Status.BLOCKED, now=now)
    boss = make_person(db_session, coordinator=True, institution=Institution.COMMISSION)
    update = make_update(db_session, code, boss, Status.BLOCKED, now=now)
    assert update.institution is Institution.COMMISSION


def test_assigning_an_area_skips_items_of_other_institutions(
    db_session: Session, now: datetime
) -> None:
    person = make_person(db_session, institution=Institution.EEAS)
    report = assign(db_session, target="asia", person=person, now=now)
    asia = find_area(db_session, "asia")
    eeas_items = [c.code for c in asia.commitments if Institution.EEAS in c.actors]
    assert report.assigned == eeas_items
    assert set(report.skipped) == {c.code for c in asia.commitments} - set(eeas_items)


def test_assigning_an_item_to_an_institution_it_does_not_name_is_refused(
    db_session: Session, now: datetime
) -> None:
    person = make_person(db_session, institution=Institution.EEAS)
    with refused(InvalidInstitution, "not of the EEAS"):
        assign(db_session, target="gender-7", person=person, now=now)


def test_reassigning_replaces_the_owner_and_unassign_frees_the_item(
    db_session: Session, now: datetime
) -> None:
    first = make_owner(db_session, "gender-6", institution=Institution.ILO, now=now)
    second = make_person(db_session)
    report = assign(db_session, target="gender-6", person=second, now=now)
    assert report.replaced == {"gender-6": first.name}
    assert unassign(db_session, target="gender-6", institution=Institution.ILO) == ["gender-6"]
    assert not db_session.scalars(select(Assignment).where(Assignment.person_id == second.id)).all()


def test_an_owners_file_with_an_unknown_area_writes_nothing(
    db_session: Session, now: datetime, tmp_path: Path
) -> None:
    bad = tmp_path / "owners.yaml"
    bad.write_text(
        "people:\n  - {name: Zed, email: zed@ilo.example, institution: ilo}\n"
        "assignments:\n  - {target: gender, person: zed@ilo.example}\n  - {target: gendr-equality-x, person: zed@ilo.example}\n",
        encoding="utf-8",
    )
    before = db_session.scalar(select(func.count()).select_from(Assignment))
    with refused(BadFile, r"assignments\.2"), db_session.begin_nested():
        import_owners(db_session, read_owners_file(bad), now=now)
    assert db_session.scalar(select(func.count()).select_from(Assignment)) == before
    assert db_session.scalar(select(Person).where(Person.email == "zed@ilo.example")) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("people: [", "not valid YAML", id="broken-yaml"),
        pytest.param(
            "people:\n  - {name: A, email: nope, institution: ilo}\n",
            "people.0.email",
            id="bad-email",
        ),
        pytest.param(
            "people:\n  - {name: A, email: a@b.example, institution: unicef}\n",
            "institution",
            id="bad-institution",
        ),
        pytest.param(
            "people:\n  - {name: A, email: a@b.example, institution: ilo, tz: Mars/Base}\n",
            "time zone",
            id="bad-tz",
        ),
        pytest.param("persons: []\n", "persons", id="unknown-key"),
    ],
)
def test_a_bad_owners_file_is_refused_with_the_reason(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "owners.yaml"
    path.write_text(content, encoding="utf-8")
    with refused(BadFile, message):
        read_owners_file(path)


def test_owners_can_come_from_csv(db_session: Session, now: datetime, tmp_path: Path) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(
        "target,institution,role,name,email,slack_user_id,tz\n"
        "gender,ilo,owner,Cara,cara@ilo.example,U0CARA,Europe/Zurich\n"
        "osh,ilo,backup,Cara,cara@ilo.example,U0CARA,Europe/Zurich\n",
        encoding="utf-8",
    )
    report = import_owners(db_session, read_owners_file(path), now=now)
    assert report.people == 1
    cara = db_session.scalars(select(Person).where(Person.email == "cara@ilo.example")).one()
    roles = {
        a.role
        for a in db_session.scalars(select(Assignment).where(Assignment.person_id == cara.id))
    }
    assert roles == {Role.OWNER, Role.BACKUP}


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        pytest.param("gender", "gender", id="slug"),
        pytest.param("Gender", "gender", id="case"),
        pytest.param("OSH", "osh", id="acronym"),
        pytest.param("gendr", "gender", id="typo"),
        pytest.param("maritime", "maritime", id="word"),
        pytest.param("women", "gender", id="alias-from-the-seed"),
        pytest.param("seafarers", "maritime", id="another-alias-from-the-seed"),
    ],
)
def test_areas_are_found_the_way_people_name_them(
    db_session: Session, query: str, slug: str
) -> None:
    assert find_area(db_session, query).slug == slug


def test_an_area_can_be_named_by_its_number(db_session: Session) -> None:
    gender = find_area(db_session, "gender")
    assert find_area(db_session, str(gender.position)).slug == "gender"


def test_an_unknown_area_suggests_the_closest(db_session: Session) -> None:
    with pytest.raises(UnknownArea) as caught:
        find_area(db_session, "zzqx")
    assert say(caught.value).startswith("No area matches")


def test_an_unknown_commitment_says_how_ids_look(db_session: Session) -> None:
    from workflows.errors import UnknownCommitment

    with pytest.raises(UnknownCommitment):
        find_commitment(db_session, "gender-99")


def test_a_coordinator_by_configuration_may_update_without_being_flagged_in_the_database(
    db_session: Session, now: datetime
) -> None:
    from workflows.types import UpdateSource
    from workflows.updates.service import RecordUpdate, record

    person = make_person(db_session, institution=Institution.COMMISSION)
    command = RecordUpdate(
        commitment="gender-7",
        author_id=person.id,
        status=Status.BLOCKED,
        source=UpdateSource.COMMAND,
    )
    with pytest.raises(NotAllowed):
        record(db_session, command, now=now)
    recorded = record(db_session, replace(command, coordinator=True), now=now)
    assert recorded.update.institution is Institution.COMMISSION
    assert person.is_coordinator is False


def make_history(session: Session, code: str, n: int, *, now: datetime) -> None:
    owner = make_owner(
        session, code, institution=Institution.COMMISSION, now=now - timedelta(days=n + 1)
    )
    for k in range(n):
        make_update(
            session,
            code,
            owner,
            Status.ON_TRACK,
            now=now - timedelta(days=n - k),
            text=f"update {k}",
        )


def test_a_long_history_gives_its_latest_updates_and_counts_them_all(
    db_session: Session, now: datetime
) -> None:
    make_history(db_session, "gender-7", 60, now=now)
    found = history(db_session, find_commitment(db_session, "gender-7"), limit=20)
    assert [u.text for u in found.updates] == [f"update {k}" for k in range(59, 39, -1)]
    assert found.total == 60
    short = history(db_session, find_commitment(db_session, "gender-7"), limit=100)
    assert (len(short.updates), short.total) == (60, 60)
    assert history(db_session, find_commitment(db_session, "gender-1")).total == 0


def test_show_says_how_many_updates_are_not_listed(db_session: Session, now: datetime) -> None:
    make_history(db_session, "gender-7", 75, now=now)
    ctx = command_context(db_session, "show gender-7", now=now)
    [reply] = run_command(ShowCommitment("gender-7"), ctx)
    text = json.dumps(reply.block_dicts(), ensure_ascii=False)
    assert "update 74" in text
    assert "update 54" not in text
    assert f"… and {75 - HISTORY_SHOWN} earlier" in text


# Status with substance, and a joint completion awaiting confirmation


def joint_owners(session: Session, code: str, now: datetime) -> tuple[Person, Person]:
    ilo = make_owner(session, code, institution=Institution.ILO, now=now, name="Ann ILO")
    ec = make_owner(session, code, institution=Institution.COMMISSION, now=now, name="Ben EC")
    return ilo, ec


def item_of(session: Session, code: str, now: datetime) -> CommitmentStatus:
    return commitment_statuses(session, [find_commitment(session, code)], now=now)[0]


def test_a_part_silent_for_two_cycles_is_flagged_and_a_fresh_one_is_not(
    db_session: Session, now: datetime
) -> None:
    code = joint_code(db_session, "gender")
    ilo, ec = joint_owners(db_session, code, now)
    make_update(db_session, code, ilo, Status.ON_TRACK, now=now - SILENT_AFTER)
    make_update(db_session, code, ec, Status.ON_TRACK, now=now - timedelta(days=1))
    item = item_of(db_session, code, now)
    assert item.silent == (Institution.ILO,)
    assert item.problems == (Problem.SILENT,)


def test_a_completion_awaits_the_other_institution_and_is_planned_once(
    db_session: Session, now: datetime
) -> None:
    code = joint_code(db_session, "gender")
    ilo, ec = joint_owners(db_session, code, now)
    done = make_update(db_session, code, ilo, Status.COMPLETED, now=now - timedelta(hours=1))
    item = item_of(db_session, code, now)
    assert (item.completed_by, item.awaiting) == ((Institution.ILO,), (Institution.COMMISSION,))
    assert item.problems == (Problem.AWAITING,)
    assert plan_confirmations(db_session, now=now) == [f"confirm:{done.id}:ec"]
    assert plan_confirmations(db_session, now=now) == []  # exactly once
    row = db_session.scalars(select(Outbox).where(Outbox.key == f"confirm:{done.id}:ec")).one()
    assert (row.kind, row.person_id) == (OutboxKind.CONFIRMATION, ec.id)
    request = confirmation_request(db_session, row, now=now)
    assert request is not None
    assert (request.institution, request.completed_by) == (Institution.COMMISSION, Institution.ILO)


def test_only_the_awaited_owner_or_a_coordinator_may_confirm(
    db_session: Session, now: datetime
) -> None:
    code = joint_code(db_session, "gender")
    ilo, ec = joint_owners(db_session, code, now)
    make_update(db_session, code, ilo, Status.COMPLETED, now=now - timedelta(hours=1))
    key = find_commitment(db_session, code).key
    for who in (ilo, make_person(db_session, institution=Institution.COMMISSION)):
        with refused(NotAllowed, "Only the Commission's owner"):
            confirm_completion(
                db_session, key=key, institution=Institution.COMMISSION,
                slack_user_id=who.slack_user_id or "", coordinator=False, now=now,
            )  # fmt: skip
    answer = confirm_completion(
        db_session, key=key, institution=Institution.COMMISSION,
        slack_user_id=ec.slack_user_id or "", coordinator=False, now=now,
    )  # fmt: skip
    assert answer.recorded.update.text == "Confirmed the ILO's completion"
    assert answer.recorded.update.source is UpdateSource.BUTTON
    item = item_of(db_session, code, now)
    assert (item.overall, item.awaiting, item.problems) == (Status.COMPLETED, (), ())


def test_a_completion_confirmed_or_withdrawn_before_sending_is_not_asked_about(
    db_session: Session, now: datetime
) -> None:
    code = joint_code(db_session, "gender")
    ilo, _ = joint_owners(db_session, code, now)
    done = make_update(db_session, code, ilo, Status.COMPLETED, now=now - timedelta(hours=1))
    plan_confirmations(db_session, now=now)
    row = db_session.scalars(select(Outbox).where(Outbox.kind == OutboxKind.CONFIRMATION)).one()
    done.withdrawn_at = now
    db_session.flush()
    assert confirmation_request(db_session, row, now=now) is None


def test_show_marks_an_update_a_later_one_corrects(db_session: Session, now: datetime) -> None:
    code = joint_code(db_session, "gender")
    ilo, _ = joint_owners(db_session, code, now)
    first = make_update(db_session, code, ilo, Status.AT_RISK, now=now - timedelta(hours=2))
    record_update(
        db_session, commitment=find_commitment(db_session, code), author=ilo,
        status=Status.ON_TRACK, source=UpdateSource.CLI, now=now, text="Fixed",
        corrects=first,
    )  # fmt: skip
    assert replaced_among(
        db_session, history(db_session, find_commitment(db_session, code)).updates
    ) == {first.id}
    [reply] = run_command(
        ShowCommitment(code), command_context(db_session, f"show {code}", now=now)
    )
    text = json.dumps(reply.block_dicts(), ensure_ascii=False)
    assert text.count("Replaced by a correction") == 1
