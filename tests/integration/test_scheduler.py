"""The scheduler sends each due message once: across ticks, restarts, and a crash mid-send."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.slack_gateway import SlackNotifier, make_client
from bot.views.checkin import build_checkin
from bot.wording import escalation_lines
from fake_slack import FakeSlack
from tests.factories import MONDAY, make_owner, make_person, make_scheduler, make_update
from tests.fakes import RecordingNotifier
from tests.queries import executed, explain
from workflows.calendar import WorkingCalendar
from workflows.catalogue.lookup import list_areas
from workflows.checkins.prompts import checkin_prompt, cycle_of, set_cadence
from workflows.delivery.outbox import (
    LEASE,
    MAX_ATTEMPTS,
    Send,
    claim,
    deliver,
    report_undelivered,
    retry_delay,
)
from workflows.delivery.planner import owner_states, plan
from workflows.delivery.schedule import Cadence
from workflows.delivery.tick import Scheduler
from workflows.people.assignments import assign
from workflows.ports import CheckinPrompt, Delivery, OwnerUnavailable
from workflows.store.db import session_scope
from workflows.store.messages import GivenUp, Undelivered, message_of
from workflows.store.models import Absence, Outbox, Person, TechnicalMeeting
from workflows.types import Institution, OutboxKind, OutboxState, Status

CAL = WorkingCalendar()


def checkins_to(notifier: RecordingNotifier) -> list[str]:
    prompts: list[CheckinPrompt] = notifier.sent("checkin")
    return [p.slack_user_id for p in prompts]


def test_a_tick_asks_every_owner_in_working_hours_and_a_second_tick_sends_nothing(
    owned: sessionmaker[Session],
) -> None:
    notifier = RecordingNotifier()
    first = make_scheduler(owned, notifier).tick(now=MONDAY)
    asked = checkins_to(notifier)
    assert len(asked) == len(set(asked)) >= 6
    assert "U0ILOELENA" not in asked  # New York: 05:30 there, not yet working time
    second = make_scheduler(owned, notifier).tick(now=MONDAY + timedelta(minutes=1))
    assert checkins_to(notifier) == asked
    assert second.planned == []
    assert first.outcomes["sent"] >= len(asked)
    make_scheduler(owned, notifier).tick(now=MONDAY + timedelta(hours=5))  # 10:30 in New York
    assert checkins_to(notifier).count("U0ILOELENA") == 1


def test_a_crash_after_slack_took_the_message_does_not_send_it_again(
    owned: sessionmaker[Session],
) -> None:
    notifier = RecordingNotifier()
    sched = make_scheduler(owned, notifier)
    with session_scope(owned) as session:
        from workflows.delivery.planner import plan

        plan(session, now=MONDAY, cadence=Cadence(), calendar=WorkingCalendar())
        row = session.scalars(
            select(Outbox).where(Outbox.kind == OutboxKind.CHECKIN).order_by(Outbox.id)
        ).first()
        assert row is not None
        # Simulate a process that claimed the row, posted it, and died before marking it sent.
        row.attempts, row.claimed_until = 1, MONDAY + LEASE
        notifier.posted[row.key] = Delivery("DXX", "1700000000.999999")
        key = row.key
    sched.tick(now=MONDAY + timedelta(minutes=1))  # still leased: left alone
    with session_scope(owned) as session:
        assert (
            session.scalars(select(Outbox).where(Outbox.key == key)).one().state
            is OutboxState.PENDING
        )
    sched.tick(now=MONDAY + LEASE + timedelta(minutes=1))  # lease over: found in Slack, not resent
    with session_scope(owned) as session:
        row = session.scalars(select(Outbox).where(Outbox.key == key)).one()
        assert (row.state, row.ts) == (OutboxState.SENT, "1700000000.999999")
    person_ids = [p.slack_user_id for p in notifier.sent("checkin")]
    assert len(person_ids) == len(set(person_ids))


def test_time_that_passed_while_down_is_caught_up_once(owned: sessionmaker[Session]) -> None:
    notifier = RecordingNotifier()
    make_scheduler(owned, notifier).tick(now=MONDAY + timedelta(days=23))  # three weeks later
    assert len(notifier.sent("digest")) == 1
    assert len(checkins_to(notifier)) == len(set(checkins_to(notifier)))


def test_a_departed_owner_is_flagged_to_coordinators_not_retried(
    owned: sessionmaker[Session],
) -> None:
    notifier = RecordingNotifier(gone={"U0ILODANA"})
    sched = make_scheduler(owned, notifier)
    sched.tick(now=MONDAY)
    told = notifier.sent("escalation")
    assert sorted(e.coordinators for e in told) == [("U0ECCOORD",), ("U0ILOCOORD",)]
    [entry] = told[0].entries
    assert isinstance(entry, OwnerUnavailable)
    assert (entry.name, entry.left) == ("Dana Kowalski", True)
    assert "supply-chains-1" in [p.code for p in entry.parts]
    assert "Dana Kowalski has left Slack" in escalation_lines(told[0])[0]
    sched.tick(now=MONDAY + timedelta(days=14))
    assert "U0ILODANA" not in checkins_to(notifier)
    assert len(notifier.sent("escalation")) == 2


def test_slack_failures_leave_messages_due_until_they_go_through(
    owned: sessionmaker[Session],
) -> None:
    notifier = RecordingNotifier(failing=3)
    sched = make_scheduler(owned, notifier)
    first = sched.tick(now=MONDAY)
    assert first.outcomes["retry"] == 3
    sched.tick(now=MONDAY + timedelta(minutes=10))
    with session_scope(owned) as session:
        pending = session.scalar(
            select(func.count())
            .select_from(Outbox)
            .where(Outbox.state == OutboxState.PENDING, Outbox.kind == OutboxKind.CHECKIN)
        )
        assert pending == 0
    assert len(checkins_to(notifier)) == len(set(checkins_to(notifier)))


def test_silent_owners_are_escalated_after_two_cycles(owned: sessionmaker[Session]) -> None:
    notifier = RecordingNotifier()
    sched = make_scheduler(owned, notifier)
    for weeks in (0, 2, 4):
        sched.tick(now=MONDAY + timedelta(weeks=weeks))
    lines = [line for e in notifier.sent("escalation") for line in escalation_lines(e)]
    assert any("has not answered the last 2 check-ins" in line for line in lines)


def test_away_owners_are_skipped_until_they_are_back(owned: sessionmaker[Session]) -> None:
    with session_scope(owned) as session:
        chidi = session.scalars(select(Person).where(Person.slack_user_id == "U0ILOCHIDI")).one()
        session.add(Absence(person=chidi, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 25)))
    notifier = RecordingNotifier()
    sched = make_scheduler(owned, notifier)
    sched.tick(now=MONDAY)
    assert "U0ILOCHIDI" not in checkins_to(notifier)
    sched.tick(now=MONDAY + timedelta(days=3))
    assert checkins_to(notifier).count("U0ILOCHIDI") == 1


def test_a_meeting_digest_goes_out_before_the_meeting_once(owned: sessionmaker[Session]) -> None:
    with session_scope(owned) as session:
        session.add(
            TechnicalMeeting(
                held_on=date(2026, 11, 26), title="Technical meeting on OSH", created_at=MONDAY
            )
        )
    notifier = RecordingNotifier()
    sched = make_scheduler(owned, notifier)
    sched.tick(now=MONDAY)
    sched.tick(now=MONDAY + timedelta(hours=1))
    titles = [d.title for d in notifier.sent("digest")]
    assert sum("OSH" in t for t in titles) == 1


def test_a_reminder_asks_only_what_is_still_unanswered(owned: sessionmaker[Session]) -> None:
    from tests.factories import make_update

    notifier = RecordingNotifier()
    sched = make_scheduler(owned, notifier)
    with session_scope(owned) as session:  # reported this cycle, before the check-in went out
        frans = session.scalars(select(Person).where(Person.slack_user_id == "U0ECFRANS")).one()
        make_update(session, "gender-7", frans, Status.ON_TRACK, now=MONDAY - timedelta(hours=2))
    sched.tick(now=MONDAY)
    [first] = [p for p in notifier.sent("checkin") if p.slack_user_id == "U0ECFRANS"]
    sched.tick(now=MONDAY + timedelta(days=3, hours=1))
    # The reminder shows the check-in as it stands: what is open is what it reminds of.
    [reminder] = [
        p for p in notifier.sent("checkin") if p.slack_user_id == "U0ECFRANS" and p.reminder
    ]
    assert (reminder.prompt_id, reminder.reminder) == (first.prompt_id, 1)
    codes = {item.code for item in reminder.open_items}
    assert "gender-7" in {item.code for item in first.items}
    assert codes == {item.code for item in first.items} - {"gender-7"}


def test_a_failing_send_waits_longer_after_each_attempt_then_is_marked_failed(
    owned: sessionmaker[Session],
) -> None:
    notifier = RecordingNotifier(failing=1000)
    sched = make_scheduler(owned, notifier)
    # A tick every 45 seconds: no retry (1, 2, 4, 8 minutes after a tick) falls due exactly on
    # a tick, where the seconds a tick itself takes would decide it.
    at, attempts_seen = MONDAY, []
    for _ in range(40):
        sched.tick(now=at)
        with session_scope(owned) as session:
            row = session.scalars(
                select(Outbox).where(Outbox.kind == OutboxKind.CHECKIN).order_by(Outbox.id)
            ).first()
            assert row is not None
            attempts_seen.append(row.attempts)
            state = row.state
        at += timedelta(seconds=45)
    # Tried at 0 s, then at the first tick after each wait: 90 s (0 + 60), 225 s (90 + 120),
    # 495 s (225 + 240) and 990 s (495 + 480), then given up.
    changes = [n for n in range(1, 40) if attempts_seen[n] != attempts_seen[n - 1]]
    assert attempts_seen[0] == 1
    assert [n * 45 for n in changes] == [90, 225, 495, 990]
    assert state is OutboxState.FAILED


def tick_on(sched: Scheduler, days: Iterable[date]) -> None:
    for day in days:
        sched.tick(now=datetime.combine(day, time(10, 30), tzinfo=UTC))


def escalated(notifier: RecordingNotifier, words: str) -> int:
    return sum(words in line for e in notifier.sent("escalation") for line in escalation_lines(e))


@pytest.mark.parametrize(
    ("whose", "days"),
    [
        pytest.param("person", 42, id="person-every-6-weeks"),
        pytest.param("area", 28, id="area-every-4-weeks"),
    ],
)
def test_an_owner_on_a_longer_cadence_is_reminded_then_escalated_after_silent_cycles(
    sessions: sessionmaker[Session], whose: str, days: int
) -> None:
    start = cycle_of(date(2026, 9, 1), length_days=days).opens  # also a fortnightly opening
    with session_scope(sessions) as session:
        at = datetime.combine(start, time(), tzinfo=UTC)
        slow = make_owner(session, "gender-1", now=at, name="Sol Slow")
        make_owner(session, "osh-1", now=at, name="Dee Default")
        if whose == "area":
            set_cadence(session, area="gender", days=days)
        else:
            set_cadence(session, person=slow.email or "", days=days)
        slow_id = slow.slack_user_id
    notifier = RecordingNotifier()
    sched = make_scheduler(sessions, notifier)
    for fortnight in range(2 * days // 14):  # nobody answers: a Monday and a Thursday each time
        opens = start + timedelta(days=14 * fortnight)
        tick_on(sched, [opens, opens + timedelta(days=3)])
        assert escalated(notifier, "Dee Default") == max(0, fortnight - 1)
    prompts = [p for p in notifier.sent("checkin") if p.slack_user_id == slow_id]
    reminders = list(range(Cadence().max_reminders + 1))
    assert [p.reminder for p in prompts] == reminders * 2  # asked, then reminded, in two cycles
    assert escalated(notifier, "Sol Slow") == 0
    # The third cycle's first tick comes two days late (an outage): what it owes is still owed.
    tick_on(sched, [start + timedelta(days=2 * days + 2)])
    assert escalated(notifier, "Sol Slow has not answered the last 2 check-ins") == 1


def test_an_owner_asked_every_quarter_is_reminded_when_back_from_a_long_leave(
    sessions: sessionmaker[Session],
) -> None:
    start = cycle_of(date(2026, 9, 1), length_days=91).opens
    with session_scope(sessions) as session:
        owner = make_owner(session, "gender-1", now=datetime.combine(start, time(), tzinfo=UTC))
        set_cadence(session, person=owner.email or "", days=91)
        owner_id, slack_id = owner.id, owner.slack_user_id
    notifier = RecordingNotifier()
    sched = make_scheduler(sessions, notifier)
    tick_on(sched, [start])
    with session_scope(sessions) as session:  # away for two months from the next day
        away = session.get_one(Person, owner_id)
        session.add(
            Absence(
                person=away, starts_on=start + timedelta(days=1), ends_on=start + timedelta(days=60)
            )
        )
    tick_on(sched, [start + timedelta(days=7), start + timedelta(days=63)])
    prompts = [p for p in notifier.sent("checkin") if p.slack_user_id == slack_id]
    assert [(p.cycle, p.reminder) for p in prompts] == [
        (start.isoformat(), 0),
        (start.isoformat(), 1),
    ]


def test_owners_on_several_cadences_are_loaded_in_a_few_queries_not_a_few_per_owner(
    db_session: Session, now: datetime
) -> None:
    areas = [area.slug for area in list_areas(db_session)]
    cadences = (None, 28, 42)

    def add_owners(slugs: list[str]) -> None:
        for n, slug in enumerate(slugs):
            make_owner(db_session, slug, now=now).cadence_days = cadences[n % len(cadences)]
        db_session.flush()

    add_owners(areas[:3])
    with executed(db_session) as few:
        states = owner_states(db_session, now=now, cadence=Cadence())
    assert sorted(s.cycle_days for s in states) == [14, 28, 42]
    add_owners(areas[3:12])
    with executed(db_session) as many:
        states = owner_states(db_session, now=now, cadence=Cadence())
    assert len(states) == 12
    assert len(many) == len(few)


def test_planning_reads_recent_updates_part_by_part_on_the_latest_update_index(
    owned: sessionmaker[Session], backend: str
) -> None:
    make_scheduler(owned, RecordingNotifier()).tick(now=MONDAY)
    with session_scope(owned) as session, executed(session) as statements:
        plan(session, now=MONDAY + timedelta(days=3, hours=1), cadence=Cadence(), calendar=CAL)
        reads = [(sql, params) for sql, params in statements if "updates.created_at >=" in sql]
        assert len(reads) >= 2  # the owners' answers, and what each reminder still asks
        plans = [explain(session, sql, params) for sql, params in reads]
    if backend == "sqlite":
        by_part = "USING COVERING INDEX ix_updates_latest (commitment_id=? AND institution=? AND created_at>?)"
        assert all(by_part in found for found in plans), plans
    else:
        assert all("ix_updates_latest" in found for found in plans), plans
        assert not any("Seq Scan on updates" in found for found in plans), plans


@pytest.mark.parametrize(
    ("tz", "reported_at", "asked_again"),
    [
        pytest.param(
            "Europe/Brussels",
            datetime(2026, 11, 22, 23, 30, tzinfo=UTC),  # Monday 00:30 in Brussels
            False,
            id="just-after-midnight-in-brussels",
        ),
        pytest.param(
            "America/New_York",
            datetime(2026, 11, 23, 2, 0, tzinfo=UTC),  # Sunday 21:00 in New York
            True,
            id="sunday-evening-in-new-york",
        ),
    ],
)
def test_a_reminder_counts_reports_from_midnight_where_the_owner_is(
    sessions: sessionmaker[Session], tz: str, reported_at: datetime, asked_again: bool
) -> None:
    with session_scope(sessions) as session:
        owner = make_owner(session, "gender", tz=tz, now=reported_at - timedelta(days=30))
        make_update(session, "gender-1", owner, Status.ON_TRACK, now=reported_at)
        slack_id = owner.slack_user_id
    notifier = RecordingNotifier()
    sched = make_scheduler(sessions, notifier)
    asked = MONDAY + timedelta(hours=5)  # 16:30 in Brussels, 10:30 in New York
    for moment in (asked, asked + timedelta(days=3)):  # the check-in, then a reminder
        sched.tick(now=moment)
    [reminder] = [p for p in notifier.sent("checkin") if p.slack_user_id == slack_id and p.reminder]
    codes = {item.code for item in reminder.open_items}
    assert "gender-2" in codes
    assert ("gender-1" in codes) is asked_again


def test_a_meeting_digest_is_due_through_the_meeting_day_in_the_digests_time_zone(
    db_session: Session,
) -> None:
    meeting = TechnicalMeeting(held_on=date(2026, 12, 3), title="OSH", created_at=MONDAY)
    db_session.add(meeting)
    db_session.flush()
    evening = datetime(2026, 12, 4, 1, tzinfo=UTC)  # 20:00 on 3 December in New York
    cadence = Cadence(weekly_tz="America/New_York")  # the digest was never sent (a late entry)
    keys = plan(db_session, now=evening, cadence=cadence, calendar=CAL)
    assert f"digest:meeting:{meeting.id}" in keys


def test_a_row_that_cannot_be_prepared_counts_its_attempts_until_it_is_failed(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        session.add(Outbox(key="broken", kind=OutboxKind.DIGEST, due_at=MONDAY))
    notifier = RecordingNotifier()

    def broken(session: Session, row: Outbox) -> Send:
        session.add(Outbox(key="half-done", kind=OutboxKind.DIGEST, due_at=MONDAY))
        session.flush()
        raise ValueError("no such meeting")

    at, outcomes = MONDAY, []
    for _ in range(MAX_ATTEMPTS):
        with session_scope(sessions) as session:
            row_id = session.scalars(select(Outbox.id).where(Outbox.key == "broken")).one()
        outcomes.append(deliver(sessions, notifier, row_id, now=at, prepare=broken).value)
        at += retry_delay(MAX_ATTEMPTS) + timedelta(seconds=1)
    with session_scope(sessions) as session:
        row = session.scalars(select(Outbox).where(Outbox.key == "broken")).one()
        half_done = session.scalar(select(Outbox.id).where(Outbox.key == "half-done"))
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    assert row.attempts == MAX_ATTEMPTS
    assert row.state is OutboxState.FAILED
    assert "no such meeting" in (row.last_error or "")
    assert half_done is None  # what the failed preparation wrote is undone with it
    assert notifier.transcript == []


def test_a_check_in_of_every_area_is_one_message_posted_once_after_slack_failed_it(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        owner = make_person(session, slack_user_id="U0ILOMANY")
        for area in list_areas(session):
            assign(session, target=area.slug, person=owner, institution=Institution.ILO, now=MONDAY)
    with FakeSlack() as fake:
        fake.add_user("U0ILOMANY")
        posts = itertools.count(1)
        fake.error_for("chat.postMessage", "internal_error", when=lambda _: next(posts) == 1)
        sched = make_scheduler(sessions, SlackNotifier(make_client("xoxb-t", fake.base_url)))
        sched.tick(now=MONDAY)
        assert fake.messages("DU0ILOMANY") == []
        sched.tick(now=MONDAY + retry_delay(1) + timedelta(minutes=1))
        with session_scope(sessions) as session:
            row = session.scalars(select(Outbox).where(Outbox.person_id == owner.id)).one()
            assert row.checkin is not None
            prompt = checkin_prompt(session, row.checkin, now=MONDAY)
        [message] = fake.messages("DU0ILOMANY")
        assert len(prompt.items) > 41
        assert (row.state, row.attempts) == (OutboxState.SENT, 2)
        assert message["ts"] == row.ts
        assert message["blocks"] == build_checkin(prompt).block_dicts()
        assert len(message["blocks"]) <= 25


def test_messages_given_up_on_together_are_told_to_coordinators_once_in_one_word(
    owned: sessionmaker[Session],
) -> None:
    with session_scope(owned) as session:
        session.add(TechnicalMeeting(held_on=date(2026, 11, 26), title="OSH", created_at=MONDAY))
    notifier = RecordingNotifier(failing=10_000)  # Slack takes nothing, for twenty minutes
    sched = make_scheduler(owned, notifier)
    for minute in range(20):
        sched.tick(now=MONDAY + timedelta(minutes=minute))
    notifier.failing = 0
    for minute in range(20, 40):
        sched.tick(now=MONDAY + timedelta(minutes=minute))
    with session_scope(owned) as session:
        rows = session.scalars(select(Outbox)).all()
    given_up = [r for r in rows if r.state is OutboxState.FAILED]
    [escalation] = notifier.sent("escalation")
    lines = escalation_lines(escalation)
    assert len(given_up) == len(lines) >= 5
    assert {r.kind for r in given_up} == {OutboxKind.CHECKIN, OutboxKind.DIGEST}
    assert sum("could not be sent after 5 attempts" in line for line in lines) == (
        len(given_up) - 2
    )
    assert (
        "The weekly digest could not be posted after 5 attempts (ratelimited). "
        "`/hlm digest` shows what it says."
    ) in lines
    with session_scope(owned) as session:
        meeting = session.scalars(select(TechnicalMeeting)).one()
    assert (
        "The digest for the meeting of 26 November (OSH) could not be posted after 5 attempts "
        f"(ratelimited). `/hlm digest {meeting.id}` shows what it says."
    ) in lines


def test_a_word_coordinators_could_not_get_is_kept_until_slack_is_back(
    owned: sessionmaker[Session],
) -> None:
    notifier = RecordingNotifier(failing=10_000)  # Slack takes nothing for three hours
    sched = make_scheduler(owned, notifier)
    at = MONDAY
    while at < MONDAY + timedelta(hours=3):
        sched.tick(now=at)
        at += timedelta(minutes=1)
    notifier.failing = 0
    for minute in range(60):
        sched.tick(now=at + timedelta(minutes=minute))
    with session_scope(owned) as session:
        rows = session.scalars(select(Outbox)).all()
    reports = [r for r in rows if isinstance(message_of(r), Undelivered)]
    given_up = sorted(r.id for r in rows if r.state is OutboxState.FAILED and r not in reports)
    [escalation] = notifier.sent("escalation")
    [sent] = [r for r in reports if r.state is OutboxState.SENT]
    assert len(reports) > 2  # tried, given up and carried a few times while Slack was away
    assert sorted(e.row for e in words_of(sent).entries) == given_up
    assert len(escalation_lines(escalation)) == len(given_up)


def words_of(row: Outbox) -> Undelivered:
    message = message_of(row)
    assert isinstance(message, Undelivered)
    return message


def test_a_word_already_tried_or_taken_is_not_added_to(sessions: sessionmaker[Session]) -> None:
    first = GivenUp(row=1, kind=OutboxKind.CHECKIN, attempts=5, cause="x")
    second, third = (first.model_copy(update={"row": n}) for n in (2, 3))
    with session_scope(sessions) as session:
        report_undelivered(session, [first], now=MONDAY)
        report_undelivered(session, [second], now=MONDAY)
    with session_scope(sessions) as session:
        [report] = session.scalars(select(Outbox).where(Outbox.key.startswith("undelivered:")))
        assert [e.row for e in words_of(report).entries] == [1, 2]
        assert claim(session, report.id, now=MONDAY + timedelta(minutes=5))
    with session_scope(sessions) as session:
        report_undelivered(session, [third], now=MONDAY + timedelta(minutes=5))
    with session_scope(sessions) as session:
        reports = session.scalars(
            select(Outbox).where(Outbox.key.startswith("undelivered:")).order_by(Outbox.id)
        ).all()
        assert [[e.row for e in words_of(r).entries] for r in reports] == [[1, 2], [3]]


def test_a_check_in_slack_refuses_and_a_digest_with_no_channel_are_reported_to_coordinators(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        owner = make_person(session, name="Dana Kowalski", slack_user_id="U0ILODANA")
        assign(session, target="gender", person=owner, institution=Institution.ILO, now=MONDAY)
    with FakeSlack() as fake:
        fake.add_user("U0ILOCOORD")
        dana = ("U0ILODANA", "DU0ILODANA")  # posting to the user, or to the DM once opened
        fake.error_for("chat.postMessage", "restricted_action", when=lambda p: p["channel"] in dana)
        sched = make_scheduler(sessions, SlackNotifier(make_client("xoxb-t", fake.base_url)))
        for minute in range(30):
            sched.tick(now=MONDAY + timedelta(minutes=minute))
        [told] = [m["text"] for m in fake.messages("DU0ILOCOORD")]
    assert (
        "A check-in to Dana Kowalski could not be sent after 5 attempts "
        "(chat_postMessage: restricted_action). They will be asked again next cycle."
    ) in told
    assert (
        "The weekly digest could not be posted after 5 attempts "
        "(HLM_DIGEST_CHANNEL is not set). Check HLM_DIGEST_CHANNEL"
    ) in told
