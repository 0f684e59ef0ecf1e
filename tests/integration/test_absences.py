"""Away ranges, snoozes and working hours stored and read back, on both databases; and the
migration that moves the old single away range into the table of ranges, and back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.cli.main import main
from seed.sync import SEED_DIR
from tests.conftest import BACKENDS
from tests.factories import make_owner
from workflows.checkins.prompts import owner_cycle, plan_checkin
from workflows.delivery.planner import owner_states
from workflows.delivery.schedule import Cadence
from workflows.errors import InvalidDate, NotFound
from workflows.people.absences import (
    AbsenceRequest,
    book_absence,
    cancel_absence,
    end_current_absence,
    upcoming_absences,
)
from workflows.people.directory import set_hours
from workflows.store import migrate
from workflows.store.db import make_engine

TODAY = date(2026, 11, 25)
EXAMPLE = SEED_DIR / "owners.example.yaml"


def test_ranges_are_booked_listed_in_order_and_cancelled_by_number(
    db_session: Session, now: datetime
) -> None:
    ann = make_owner(db_session, "gender-1", now=now, name="Ann Ahead")
    later = AbsenceRequest(date(2027, 1, 4), date(2027, 1, 15), "mission")
    sooner = AbsenceRequest(date(2026, 12, 21), date(2026, 12, 24))
    for request in (later, sooner):
        book_absence(db_session, ann, request, today=TODAY, now=now)
    db_session.expire_all()
    listed = upcoming_absences(ann, today=TODAY)
    assert [(a.starts_on, a.reason) for a in listed] == [
        (date(2026, 12, 21), None),
        (date(2027, 1, 4), "mission"),
    ]
    assert ann.is_away(date(2027, 1, 10))
    cancel_absence(ann, number=2, today=TODAY, now=now)
    db_session.flush()
    db_session.expire_all()
    assert not ann.is_away(date(2027, 1, 10))
    assert len(ann.absences) == 2  # the cancelled range is kept, marked
    with pytest.raises(NotFound):
        cancel_absence(ann, number=2, today=TODAY, now=now)


def test_an_overlapping_range_is_refused_and_nothing_is_added(
    db_session: Session, now: datetime
) -> None:
    ann = make_owner(db_session, "gender-1", now=now, name="Ann Overlap")
    book_absence(
        db_session, ann, AbsenceRequest(date(2026, 12, 1), date(2026, 12, 10)), today=TODAY, now=now
    )
    with pytest.raises(InvalidDate) as refused:
        book_absence(
            db_session,
            ann,
            AbsenceRequest(date(2026, 12, 9), date(2026, 12, 12)),
            today=TODAY,
            now=now,
        )
    assert refused.value.values["number"] == 1
    db_session.expire_all()
    assert len(ann.absences) == 1


def test_being_back_ends_a_range_begun_yesterday_and_keeps_the_days_spent(
    db_session: Session, now: datetime
) -> None:
    ann = make_owner(db_session, "gender-1", now=now, name="Ann Back")
    book_absence(db_session, ann, AbsenceRequest(TODAY, date(2026, 12, 10)), today=TODAY, now=now)
    tomorrow = TODAY + timedelta(days=1)
    ended = end_current_absence(ann, today=tomorrow, now=now)
    assert ended is not None
    assert (ended.ends_on, ended.cancelled_at) == (TODAY, None)
    assert not ann.is_away(tomorrow)
    assert end_current_absence(ann, today=tomorrow, now=now) is None


def test_the_schedule_reads_ranges_snoozes_hours_and_the_first_cycle(
    db_session: Session, now: datetime
) -> None:
    ann = make_owner(db_session, "gender-1", now=now, name="Ann Planned", slack_user_id="U0ANN")
    book_absence(
        db_session,
        ann,
        AbsenceRequest(date(2026, 12, 21), date(2026, 12, 23)),
        today=TODAY,
        now=now,
    )
    ann.snoozed_until = date(2026, 11, 27)
    set_hours(ann, (time(8), time(16)))
    plan_checkin(db_session, ann, now=now, cycle=owner_cycle(db_session, ann, now=now))
    db_session.flush()
    [state] = [
        s for s in owner_states(db_session, now=now, cadence=Cadence()) if s.person_id == ann.id
    ]
    assert state.away == ((date(2026, 12, 21), date(2026, 12, 23)),)
    assert state.snoozed_until == date(2026, 11, 27)
    assert state.hours == (time(8), time(16))
    assert state.first_asked == now.date()


# The migration moves the one range a person had into the table, and back.

pytestmark_migration = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
AT = {"at": "2026-11-23 10:30:00+00:00"}


@pytestmark_migration
def test_the_migration_moves_away_ranges_into_their_table_and_back(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config(connection=connection)
            migrate.upgrade(config, "0007")
            connection.execute(
                text(
                    "INSERT INTO people (id, name, institution, tz, is_coordinator, active, "
                    "away_from, away_until, away_reason) VALUES "
                    "(1, 'Ann', 'ilo', 'Europe/Zurich', false, true, '2026-12-01', '2099-12-10', "
                    "'mission'), "
                    "(2, 'Bo', 'ec', 'Europe/Brussels', false, true, NULL, '2099-01-05', NULL), "
                    "(3, 'Cy', 'ec', 'Europe/Brussels', false, true, NULL, NULL, NULL)"
                )
            )
            migrate.upgrade(config, "0009")
            rows = connection.execute(
                text(
                    "SELECT person_id, starts_on, ends_on, reason, cancelled_at FROM absences "
                    "ORDER BY person_id"
                )
            ).all()
            assert [(r[0], str(r[1]), str(r[2]), r[3], r[4]) for r in rows] == [
                (1, "2026-12-01", "2099-12-10", "mission", None),
                (2, "2099-01-05", "2099-01-05", None, None),
            ]
            connection.execute(
                text("UPDATE people SET work_start = '08:00:00', snoozed_until = '2026-12-03'")
            )
            migrate.downgrade(config, "0007")
            back = connection.execute(
                text("SELECT id, away_from, away_until, away_reason FROM people ORDER BY id")
            ).all()
            assert [(r[0], str(r[1]), str(r[2]), r[3]) for r in back] == [
                (1, "2026-12-01", "2099-12-10", "mission"),
                (2, "2099-01-05", "2099-01-05", None),
                (3, "None", "None", None),
            ]
    finally:
        engine.dispose()


def test_times_read_back_as_times(db_session: Session, now: datetime) -> None:
    ann = make_owner(db_session, "gender-1", now=now, name="Ann Hours")
    set_hours(ann, (time(7, 30), time(15, 30)))
    db_session.flush()
    db_session.expire_all()
    assert (ann.work_start, ann.work_end) == (time(7, 30), time(15, 30))
    set_hours(ann, None)
    assert ann.work_start is None
    assert now.tzinfo is UTC


@pytestmark_migration
def test_a_coordinator_sets_someones_hours_on_the_command_line(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for args in (["db", "upgrade"], ["seed"], ["people", "import", str(EXAMPLE)]):
        assert main(args) == 0
    capsys.readouterr()
    assert main(["people", "hours", "chidi.okafor@ilo.example", "8-16"]) == 0
    assert "Chidi Okafor: working hours 08:00–16:00, Europe/Zurich time." in capsys.readouterr().out
    assert main(["people", "hours", "chidi.okafor@ilo.example", "16-8"]) == 2
    assert "must start before they end" in capsys.readouterr().err
    assert main(["people", "hours", "chidi.okafor@ilo.example", "default"]) == 0
    assert "09:00–17:00 (the default)" in capsys.readouterr().out
