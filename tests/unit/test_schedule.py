"""What is due when: check-ins in each owner's working hours, reminders, escalation, digests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from workflows.calendar import WorkingCalendar
from workflows.checkins.prompts import cycle_of
from workflows.delivery.schedule import (
    Cadence,
    CoordinatorState,
    OwnerState,
    SentPrompt,
    due_for_owner,
    escalation_due,
    meeting_digest_due,
    missed_cycles,
    silent_in,
    weekly_digest_due,
)
from workflows.types import Institution, OutboxKind

CAL = WorkingCalendar()
CADENCE = Cadence()
MONDAY = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # 10:30 in Brussels, first day of a cycle


def owner(**changes: object) -> OwnerState:
    base: dict[str, object] = {
        "person_id": 1, "institution": Institution.COMMISSION, "tz": "Europe/Brussels", "active": True,
        "cycle_days": 14, "open_parts": 3,
    }  # fmt: skip
    prompts: tuple[SentPrompt, ...] = changes.get("prompts", ())  # type: ignore[assignment]
    checkins = [p.cycle for p in prompts if p.kind is OutboxKind.CHECKIN]
    if checkins and "first_asked" not in changes:  # as the planner reads it from the check-ins
        changes["first_asked"] = date.fromisoformat(min(checkins))
    return OwnerState(**(base | changes))  # type: ignore[arg-type]


def kinds(due: list) -> list[OutboxKind]:  # type: ignore[type-arg]
    return [d.kind for d in due]


def test_a_checkin_is_due_on_a_working_day_in_working_hours() -> None:
    [due] = due_for_owner(owner(), now=MONDAY, cadence=CADENCE, calendar=CAL)
    assert due.kind is OutboxKind.CHECKIN
    assert due.key == "checkin:1:2026-11-23"
    assert due.closes_on == date(2026, 12, 4)  # the Friday: the cycle's Sunday is no working day


@pytest.mark.parametrize(
    ("now", "tz"),
    [
        pytest.param(
            datetime(2026, 11, 23, 6, tzinfo=UTC), "Europe/Brussels", id="before-nine-brussels"
        ),
        pytest.param(
            datetime(2026, 11, 23, 10, tzinfo=UTC), "America/New_York", id="before-nine-new-york"
        ),
        pytest.param(datetime(2026, 11, 28, 10, tzinfo=UTC), "Europe/Brussels", id="saturday"),
        pytest.param(
            datetime(2026, 12, 28, 10, tzinfo=UTC),
            "Europe/Brussels",
            id="commission-christmas-closure",
        ),
    ],
)
def test_no_checkin_outside_the_owners_working_time(now: datetime, tz: str) -> None:
    assert due_for_owner(owner(tz=tz), now=now, cadence=CADENCE, calendar=CAL) == []


def test_nobody_is_asked_while_away_inactive_or_with_nothing_open() -> None:
    assert (
        due_for_owner(
            owner(away=((date(2026, 11, 20), date(2026, 11, 30)),)),
            now=MONDAY,
            cadence=CADENCE,
            calendar=CAL,
        )
        == []
    )
    assert due_for_owner(owner(active=False), now=MONDAY, cadence=CADENCE, calendar=CAL) == []
    assert due_for_owner(owner(open_parts=0), now=MONDAY, cadence=CADENCE, calendar=CAL) == []


def test_an_owner_back_from_leave_is_asked_that_cycle() -> None:
    back = owner(away=((date(2026, 11, 16), date(2026, 11, 24)),))
    assert (
        due_for_owner(back, now=MONDAY + timedelta(days=2), cadence=CADENCE, calendar=CAL)[0].kind
        is OutboxKind.CHECKIN
    )


def test_the_cycle_follows_the_dst_change_without_moving_the_local_hour() -> None:
    # 30 March 2026 (after the spring change): 09:00 in Brussels is 07:00 UTC, no longer 08:00.
    monday = datetime(2026, 3, 30, 7, 5, tzinfo=UTC)
    assert kinds(due_for_owner(owner(), now=monday, cadence=CADENCE, calendar=CAL)) == [
        OutboxKind.CHECKIN
    ]
    assert (
        due_for_owner(owner(), now=monday - timedelta(minutes=10), cadence=CADENCE, calendar=CAL)
        == []
    )


def sent(kind: OutboxKind, cycle: str, at: datetime, reminder: int = 0) -> SentPrompt:
    return SentPrompt(kind, cycle, reminder, at)


def test_a_reminder_follows_after_working_days_without_an_answer_then_stops() -> None:
    cycle = "2026-11-23"
    asked = owner(prompts=(sent(OutboxKind.CHECKIN, cycle, MONDAY),))
    assert due_for_owner(asked, now=MONDAY + timedelta(days=2), cadence=CADENCE, calendar=CAL) == []
    [reminder] = due_for_owner(asked, now=MONDAY + timedelta(days=3), cadence=CADENCE, calendar=CAL)
    assert (reminder.kind, reminder.reminder, reminder.key) == (
        OutboxKind.REMINDER,
        1,
        "reminder:1:2026-11-23:1",
    )
    twice = owner(
        prompts=(
            sent(OutboxKind.CHECKIN, cycle, MONDAY),
            sent(OutboxKind.REMINDER, cycle, MONDAY + timedelta(days=3), 1),
            sent(OutboxKind.REMINDER, cycle, MONDAY + timedelta(days=8), 2),
        )
    )
    assert (
        due_for_owner(twice, now=MONDAY + timedelta(days=11), cadence=CADENCE, calendar=CAL) == []
    )


def test_no_reminder_once_the_owner_answered() -> None:
    answered = owner(
        prompts=(sent(OutboxKind.CHECKIN, "2026-11-23", MONDAY),),
        answers=(MONDAY + timedelta(hours=2),),
    )
    assert (
        due_for_owner(answered, now=MONDAY + timedelta(days=5), cadence=CADENCE, calendar=CAL) == []
    )


def test_an_owner_is_silent_after_consecutive_unanswered_cycles() -> None:
    prompts = tuple(
        sent(OutboxKind.CHECKIN, c, datetime.combine(date.fromisoformat(c), time(9), tzinfo=UTC))
        for c in ("2026-10-26", "2026-11-09")
    )
    silent = owner(prompts=prompts)
    assert missed_cycles(silent, cycle_of(date(2026, 11, 23))) == 2
    assert silent_in(silent, now=MONDAY, cadence=CADENCE, calendar=CAL) == "2026-11-23"
    assert OutboxKind.ESCALATION not in kinds(
        due_for_owner(silent, now=MONDAY, cadence=CADENCE, calendar=CAL)
    )  # the coordinators' escalation is planned per coordinator, not per owner
    answered_once = owner(prompts=prompts, answers=(datetime(2026, 11, 10, 10, tzinfo=UTC),))
    assert missed_cycles(answered_once, cycle_of(date(2026, 11, 23))) == 0
    assert silent_in(answered_once, now=MONDAY, cadence=CADENCE, calendar=CAL) is None


ZURICH = CoordinatorState("U0C", 1, Institution.ILO, "Europe/Zurich")


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        pytest.param(datetime(2026, 11, 23, 23, 30, tzinfo=UTC), False, id="00:30-in-zurich"),
        pytest.param(datetime(2026, 11, 24, 8, 30, tzinfo=UTC), True, id="09:30-in-zurich"),
        pytest.param(datetime(2026, 11, 28, 10, 0, tzinfo=UTC), False, id="saturday"),
    ],
)
def test_a_coordinators_escalation_is_due_only_in_their_working_hours(
    moment: datetime, due: bool
) -> None:
    found = escalation_due(ZURICH, frozenset({"silent:4:2026-11-23"}), now=moment, calendar=CAL)
    assert (found is not None) == due


def test_a_coordinators_own_working_hours_decide_when_their_escalation_is_due() -> None:
    late = CoordinatorState("U0C", 1, Institution.ILO, "Europe/Zurich", hours=(time(13), time(17)))
    subjects = frozenset({"silent:4:2026-11-23"})
    morning = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)  # 09:30 in Zurich
    assert escalation_due(late, subjects, now=morning, calendar=CAL) is None
    assert escalation_due(late, subjects, now=morning + timedelta(hours=4), calendar=CAL)


def test_a_coordinator_gets_one_escalation_a_day_and_only_about_something_new() -> None:
    subjects = frozenset({"silent:4:2026-11-23", "silent:7:2026-11-23"})
    at = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    due = escalation_due(ZURICH, subjects, now=at, calendar=CAL)
    assert due is not None
    assert (due.key, due.subjects) == ("escalation:U0C:2026-11-24", tuple(sorted(subjects)))
    later = escalation_due(ZURICH, subjects, now=at + timedelta(hours=5), calendar=CAL)
    assert later is not None
    assert later.key == due.key  # the same day: the outbox keeps the first
    told = CoordinatorState("U0C", 1, Institution.ILO, "Europe/Zurich", told=subjects)
    assert escalation_due(told, subjects, now=at + timedelta(days=1), calendar=CAL) is None
    new = subjects | {"departed:9"}
    assert escalation_due(told, new, now=at + timedelta(days=1), calendar=CAL) is not None


@pytest.mark.parametrize(
    ("answered", "missed"),
    [
        pytest.param(datetime(2026, 11, 9, 7, 30, tzinfo=UTC), 0, id="08:30-before-the-checkin"),
        pytest.param(datetime(2026, 11, 8, 23, 30, tzinfo=UTC), 0, id="00:30-in-brussels"),
        pytest.param(datetime(2026, 11, 8, 22, 30, tzinfo=UTC), 1, id="sunday-23:30-in-brussels"),
    ],
)
def test_a_report_made_in_a_cycle_before_its_checkin_went_out_counts_for_it(
    answered: datetime, missed: int
) -> None:
    prompts = tuple(
        sent(OutboxKind.CHECKIN, c, datetime.combine(date.fromisoformat(c), time(9), tzinfo=UTC))
        for c in ("2026-10-26", "2026-11-09")
    )
    early = owner(prompts=prompts, answers=(answered,))
    assert missed_cycles(early, cycle_of(date(2026, 11, 23))) == missed
    assert OutboxKind.ESCALATION not in kinds(
        due_for_owner(early, now=MONDAY, cadence=CADENCE, calendar=CAL)
    )


def test_the_weekly_digest_is_due_from_monday_nine_in_brussels_and_only_for_this_week() -> None:
    assert weekly_digest_due(now=datetime(2026, 11, 23, 7, 59, tzinfo=UTC), cadence=CADENCE) is None
    due = weekly_digest_due(now=datetime(2026, 11, 23, 8, 0, tzinfo=UTC), cadence=CADENCE)
    assert due is not None
    assert due.key == "digest:weekly:2026-W48"
    later = weekly_digest_due(now=datetime(2026, 12, 10, 12, tzinfo=UTC), cadence=CADENCE)
    assert later is not None
    assert later.key == "digest:weekly:2026-W50"  # three weeks down: one digest, this week's


def test_a_meeting_digest_is_due_working_days_before_the_meeting() -> None:
    meeting = [(7, date(2026, 12, 3))]  # a Thursday; three working days before is Monday 30 Nov
    assert (
        meeting_digest_due(
            meeting, now=datetime(2026, 11, 27, 12, tzinfo=UTC), cadence=CADENCE, calendar=CAL
        )
        == []
    )
    [due] = meeting_digest_due(
        meeting, now=datetime(2026, 11, 30, 8, 30, tzinfo=UTC), cadence=CADENCE, calendar=CAL
    )
    assert due.key == "digest:meeting:7"
    assert (
        meeting_digest_due(
            meeting, now=datetime(2026, 12, 4, 8, tzinfo=UTC), cadence=CADENCE, calendar=CAL
        )
        == []
    )
