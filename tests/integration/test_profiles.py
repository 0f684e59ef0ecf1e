"""The daily sweep of Slack's directory: time zones kept current, departures found, once a day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.wording import escalation_lines
from tests.factories import MONDAY, make_scheduler
from tests.fakes import RecordingNotifier
from workflows.delivery.jobs import LEASE, claim_job, finish_job
from workflows.delivery.profiles import SWEEP, SWEEP_EVERY, apply_profiles
from workflows.ports import CheckinPrompt, DeliveryFailed, SlackProfile
from workflows.store.db import session_scope
from workflows.store.messages import DepartedOwner, message_of
from workflows.store.models import Checkin, Job, Outbox, Person
from workflows.types import OutboxKind, OutboxState


def profile(
    slack_id: str, tz: str | None = "Europe/Brussels", *, deleted: bool = False
) -> SlackProfile:
    return SlackProfile(slack_id, slack_id, None, tz, deleted=deleted)


def person(session: Session, slack_id: str) -> Person:
    return session.scalars(select(Person).where(Person.slack_user_id == slack_id)).one()


def test_a_sweep_updates_known_zones_and_ignores_strangers_and_unknown_zones(
    owned: sessionmaker[Session], now: datetime
) -> None:
    with session_scope(owned) as session:
        before = person(session, "U0ILOCHIDI").tz
        report = apply_profiles(
            session,
            [
                profile("U0ILODANA", "Asia/Bangkok"),
                profile("U0ILOCHIDI", "Mars/Olympus_Mons"),
                profile("U0SOMEONEELSE", "Europe/Lisbon"),
            ],
            now=now,
        )
    with session_scope(owned) as session:
        assert person(session, "U0ILODANA").tz == "Asia/Bangkok"
        assert person(session, "U0ILOCHIDI").tz == before
        assert session.scalar(select(Person).where(Person.slack_user_id == "U0SOMEONEELSE")) is None
    assert report.seen == 3
    assert report.zones == ["Dana Kowalski"]


def test_a_deactivated_owner_is_switched_off_and_reported_once(
    owned: sessionmaker[Session], now: datetime
) -> None:
    gone = [profile("U0ILODANA", deleted=True)]
    with session_scope(owned) as session:
        first = apply_profiles(session, gone, now=now)
    with session_scope(owned) as session:
        second = apply_profiles(session, gone, now=now + timedelta(days=1))
        dana = person(session, "U0ILODANA")
        reports = session.scalars(
            select(Outbox).where(Outbox.kind == OutboxKind.ESCALATION, Outbox.person_id == dana.id)
        ).all()
        assert dana.active is False
    assert first.departed == ["Dana Kowalski"]
    assert second.departed == []
    assert [message_of(r) for r in reports] == [DepartedOwner(reason="deactivated")]


def test_the_scheduler_sweeps_once_a_day_before_planning_and_skips_who_left(
    owned: sessionmaker[Session],
) -> None:
    notifier = RecordingNotifier(directory=[profile("U0ILODANA", deleted=True)])
    first = make_scheduler(owned, notifier).tick(now=MONDAY)
    make_scheduler(owned, notifier).tick(now=MONDAY + timedelta(hours=1))
    asked = [p.slack_user_id for p in notifier.sent("checkin")]
    coordinators_told = notifier.sent("escalation")
    assert first.profiles is not None
    assert first.profiles.departed == ["Dana Kowalski"]
    assert "departed" in first.summary()
    assert notifier.sent("directory") == [1]  # read once in the day, not at every tick
    assert "U0ILODANA" not in asked
    assert len(asked) >= 5
    assert any("Dana Kowalski" in line for e in coordinators_told for line in escalation_lines(e))
    make_scheduler(owned, notifier).tick(now=MONDAY + SWEEP_EVERY + timedelta(minutes=1))
    assert notifier.sent("directory") == [1, 1]


def test_an_owner_who_left_after_the_check_in_was_planned_is_not_messaged(
    owned: sessionmaker[Session], now: datetime
) -> None:
    notifier = RecordingNotifier()
    with session_scope(owned) as session:  # the sweep has run today: only planning is due
        claim_job(session, SWEEP, now=MONDAY, every=SWEEP_EVERY)
        finish_job(session, SWEEP, now=MONDAY)
        chidi = person(session, "U0ILOCHIDI")
        checkin = Checkin(person=chidi, cycle="2026-11-23", items=[], closes_on=date(2026, 12, 6))
        session.add(
            Outbox(key="checkin:test", kind=OutboxKind.CHECKIN, due_at=MONDAY,
                   person_id=chidi.id, checkin=checkin)
        )  # fmt: skip
        person(session, "U0ILOCHIDI").active = False
    make_scheduler(owned, notifier).tick(now=MONDAY)
    prompts: list[CheckinPrompt] = notifier.sent("checkin")
    with session_scope(owned) as session:
        row = session.scalars(select(Outbox).where(Outbox.key == "checkin:test")).one()
        assert row.state is OutboxState.SKIPPED
    assert "U0ILOCHIDI" not in [p.slack_user_id for p in prompts]


class BrokenDirectory(RecordingNotifier):
    def profiles(self):  # type: ignore[no-untyped-def]
        self.transcript.append(("directory", 0))
        raise DeliveryFailed("users.list: 503")


def test_a_failed_sweep_does_not_stop_the_tick_and_is_tried_again_after_its_lease(
    owned: sessionmaker[Session],
) -> None:
    notifier = BrokenDirectory()
    report = make_scheduler(owned, notifier).tick(now=MONDAY)
    make_scheduler(owned, notifier).tick(now=MONDAY + timedelta(minutes=1))
    assert report.profiles is None
    assert len(notifier.sent("checkin")) >= 6  # check-ins still went out
    assert notifier.sent("directory") == [0]  # not hammered at every tick
    with session_scope(owned) as session:
        assert "503" in (session.get_one(Job, SWEEP).last_error or "")
    make_scheduler(owned, notifier).tick(now=MONDAY + LEASE + timedelta(minutes=1))
    assert notifier.sent("directory") == [0, 0]


def test_only_one_of_two_schedulers_takes_a_due_job(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        first = claim_job(session, "profiles", now=MONDAY, every=SWEEP_EVERY)
    with session_scope(sessions) as session:
        second = claim_job(
            session, "profiles", now=MONDAY + timedelta(seconds=1), every=SWEEP_EVERY
        )
        finish_job(session, "profiles", now=MONDAY)
    with session_scope(sessions) as session:
        soon = claim_job(session, "profiles", now=MONDAY + timedelta(hours=23), every=SWEEP_EVERY)
        later = claim_job(session, "profiles", now=MONDAY + timedelta(hours=24), every=SWEEP_EVERY)
    assert (first, second, soon, later) == (True, False, False, True)
