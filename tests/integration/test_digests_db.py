"""Digests loaded from the database: net change over the period, the meeting's areas, cost."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from tests.factories import make_owner, make_update
from workflows.catalogue.lookup import find_area, find_commitment, list_areas
from workflows.reports.digests import (
    MAX_CHANGES_PER_AREA,
    Digest,
    DigestArea,
    DigestItem,
    load_digest,
    meeting_digest,
    weekly_digest,
)
from workflows.reports.meetings import add_meeting
from workflows.store.models import Checkin, Outbox, Person, Update
from workflows.types import Institution, OutboxKind, OutboxState, Status, UpdateSource
from workflows.updates.record import record_update

ILO, EC = Institution.ILO, Institution.COMMISSION


def area_digest(session: Session, slug: str, *, since: datetime, now: datetime) -> Digest:
    area = find_area(session, slug)
    return load_digest(session, kind="weekly", title="T", areas=[area], since=since, now=now)


def entry(area: DigestArea, code: str) -> DigestItem:
    [found] = [i for i in area.items if i.code == code]
    return found


def test_the_net_change_compares_the_start_of_the_period_with_its_end(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "osh", institution=ILO, now=now)
    make_update(db_session, "osh-1", owner, Status.AT_RISK, now=now - timedelta(days=9), text="old")
    make_update(db_session, "osh-2", owner, Status.ON_TRACK, now=now - timedelta(days=9))
    make_update(db_session, "osh-2", owner, Status.BLOCKED, now=now - timedelta(days=3), text="a")
    make_update(db_session, "osh-2", owner, Status.AT_RISK, now=now - timedelta(days=2), text="b")
    make_update(db_session, "osh-3", owner, None, now=now - timedelta(days=1), text="a note")
    [osh] = area_digest(db_session, "osh", since=now - timedelta(days=7), now=now).areas
    [move] = entry(osh, "osh-2").moves
    assert (move.before, move.after, move.words, move.author) == (
        Status.ON_TRACK, Status.AT_RISK, "b", owner.name,
    )  # fmt: skip
    [note] = entry(osh, "osh-3").moves
    assert (note.changed, note.words) == (False, "a note")
    assert entry(osh, "osh-1").moves == ()  # at risk since before the period: listed, unmoved
    assert osh.updates == 3
    assert osh.net == ((Status.ON_TRACK, Status.AT_RISK),)
    assert [i.code for i in osh.items][:3] == ["osh-1", "osh-2", "osh-3"]


def test_a_withdrawn_update_counts_neither_at_the_start_nor_in_the_period(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "osh", institution=ILO, now=now)
    make_update(db_session, "osh-1", owner, Status.ON_TRACK, now=now - timedelta(days=20))
    wrong = make_update(db_session, "osh-1", owner, Status.BLOCKED, now=now - timedelta(days=9))
    make_update(db_session, "osh-1", owner, Status.AT_RISK, now=now - timedelta(days=2))
    taken_back = make_update(
        db_session, "osh-1", owner, Status.COMPLETED, now=now - timedelta(days=1)
    )
    wrong.withdrawn_at = taken_back.withdrawn_at = now - timedelta(hours=1)
    db_session.flush()
    [osh] = area_digest(db_session, "osh", since=now - timedelta(days=7), now=now).areas
    [move] = entry(osh, "osh-1").moves
    assert (move.before, move.after) == (Status.ON_TRACK, Status.AT_RISK)
    assert osh.updates == 1


def test_a_nothing_changed_confirmation_reads_as_confirmed(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "osh", institution=ILO, now=now)
    make_update(db_session, "osh-1", owner, Status.ON_TRACK, now=now - timedelta(days=20))
    record_update(
        db_session, commitment=find_commitment(db_session, "osh-1"), author=owner,
        status=Status.ON_TRACK, source=UpdateSource.CONFIRMED, now=now - timedelta(days=1),
    )  # fmt: skip
    digest = area_digest(db_session, "osh", since=now - timedelta(days=7), now=now)
    [move] = entry(digest.areas[0], "osh-1").moves
    assert move.confirmed
    assert digest.totals.moved == 0
    assert not digest.quiet


def test_an_area_digest_spots_disagreement_between_the_institutions(
    db_session: Session, now: datetime
) -> None:
    ilo = make_owner(db_session, "gender", institution=ILO, now=now)
    ec = make_owner(db_session, "gender", institution=EC, now=now)
    make_update(db_session, "gender-1", ilo, Status.ON_TRACK, now=now - timedelta(days=1))
    make_update(db_session, "gender-1", ec, Status.AT_RISK, now=now - timedelta(days=1))
    make_update(db_session, "gender-2", ilo, Status.ON_TRACK, now=now - timedelta(days=1))
    digest = area_digest(db_session, "gender", since=now - timedelta(days=7), now=now)
    [gender] = digest.areas
    assert [i.code for i in gender.items if i.disagree] == ["gender-1"]
    assert gender.name == "Gender equality"  # the seed's short title
    assert digest.totals.updates == 3


def test_changes_are_capped_per_area_to_the_newest_and_counted_in_full(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "skills", institution=ILO, now=now)
    commitment = find_commitment(db_session, "skills-1")
    extra = 5
    db_session.execute(
        insert(Update),
        [
            {
                "commitment_id": commitment.id, "institution": ILO, "author_id": owner.id,
                "status": Status.ON_TRACK if n else Status.BLOCKED, "text": f"update {n}",
                "source": UpdateSource.CLI, "created_at": now - timedelta(hours=n + 1),
            }
            for n in range(MAX_CHANGES_PER_AREA + extra)
        ],
    )  # fmt: skip
    [skills] = area_digest(db_session, "skills", since=now - timedelta(days=30), now=now).areas
    [move] = entry(skills, "skills-1").moves
    assert (move.before, move.after, move.words) == (None, Status.BLOCKED, "update 0")
    assert skills.updates == MAX_CHANGES_PER_AREA + extra


def test_owners_asked_in_the_period_who_recorded_nothing_are_unanswered(
    db_session: Session, now: datetime
) -> None:
    quiet = make_owner(db_session, "trade", institution=ILO, now=now)
    busy = make_owner(db_session, "trade", institution=EC, now=now)
    asked_long_ago = make_owner(db_session, "osh", institution=ILO, now=now)
    ask(db_session, quiet, ["trade-1", "trade-2"], sent=now - timedelta(days=3))
    ask(db_session, busy, ["trade-1"], sent=now - timedelta(days=3))
    ask(db_session, asked_long_ago, ["osh-1"], sent=now - timedelta(days=20))
    make_update(db_session, "trade-4", busy, Status.ON_TRACK, now=now - timedelta(days=1))
    digest = weekly_digest(db_session, now=now)
    unanswered = {a.slug: a.unanswered for a in digest.areas if a.unanswered}
    assert unanswered == {"trade": (quiet.name,)}


def ask(session: Session, person: Person, codes: list[str], *, sent: datetime) -> None:
    """Record that a check-in about some commitments was sent to a person."""
    items = [[find_commitment(session, code).key, person.institution.value] for code in codes]
    checkin = Checkin(
        person=person, cycle=f"{sent:%Y-%m-%d}", items=items, closes_on=sent.date(), created_at=sent
    )
    session.add(
        Outbox(
            key=f"checkin:{person.id}:{sent:%Y%m%d}", kind=OutboxKind.CHECKIN,
            person_id=person.id, due_at=sent, state=OutboxState.SENT, sent_at=sent,
            checkin=checkin, created_at=sent,
        )
    )  # fmt: skip
    session.flush()


def test_a_meeting_digest_covers_its_areas_since_the_previous_meeting(
    db_session: Session, now: datetime
) -> None:
    add_meeting(db_session, held_on=date(2026, 11, 10), title="Previous", areas=[], now=now)
    meeting = add_meeting(
        db_session, held_on=date(2026, 12, 3), title="OSH and skills", areas=["osh", "skills"], now=now
    )  # fmt: skip
    owner = make_owner(db_session, "osh", institution=ILO, now=now)
    make_update(db_session, "osh-1", owner, Status.AT_RISK, now=now - timedelta(days=20))
    make_update(db_session, "osh-2", owner, Status.BLOCKED, now=now - timedelta(days=10))
    digest = meeting_digest(db_session, meeting, now=now)
    assert digest.kind == "meeting"
    assert [a.slug for a in digest.areas] == ["osh", "skills"]
    assert digest.since.date() == date(2026, 11, 10)
    assert digest.until == now
    assert [i.code for i in digest.areas[0].items if i.moves] == ["osh-2"]
    assert [i.code for i in digest.areas[0].items] == ["osh-1", "osh-2"]  # to discuss
    assert "OSH and skills" in digest.title


def test_a_first_meeting_digest_looks_back_thirty_days_and_covers_all_areas_if_none_named(
    db_session: Session, now: datetime
) -> None:
    meeting = add_meeting(db_session, held_on=date(2026, 12, 3), title="All", areas=[], now=now)
    digest = meeting_digest(db_session, meeting, now=now)
    assert digest.since == now - timedelta(days=30)
    assert [a.slug for a in digest.areas] == [a.slug for a in list_areas(db_session)]


def test_the_weekly_digest_covers_every_area_over_the_past_week(
    db_session: Session, now: datetime
) -> None:
    digest = weekly_digest(db_session, now=now)
    areas = list_areas(db_session)
    assert digest.kind == "weekly"
    assert [a.slug for a in digest.areas] == [a.slug for a in areas]
    assert digest.since == now - timedelta(days=7)
    assert digest.totals.commitments == sum(len(a.commitments) for a in areas)
    assert digest.quiet


def test_the_number_of_queries_does_not_grow_with_the_history(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender", institution=ILO, now=now)
    make_update(db_session, "gender-2", owner, Status.ON_TRACK, now=now - timedelta(days=1))
    with counted(db_session) as before:
        weekly_digest(db_session, now=now)
    commitment = find_commitment(db_session, "gender-1")
    db_session.execute(
        insert(Update),
        [
            {
                "commitment_id": commitment.id, "institution": ILO, "author_id": owner.id,
                "status": Status.ON_TRACK, "text": "", "source": UpdateSource.CLI,
                "created_at": now - timedelta(days=2 + n % 300, minutes=n),
            }
            for n in range(600)
        ],
    )  # fmt: skip
    with counted(db_session) as after:
        digest = weekly_digest(db_session, now=now)
    assert len(after) == len(before) < 40
    assert digest.totals.updates == 1 + sum(2 + n % 300 < 7 for n in range(600))


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    """Collect the SQL statements a block runs on the session's connection."""
    statements: list[str] = []
    engine = session.get_bind()

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
