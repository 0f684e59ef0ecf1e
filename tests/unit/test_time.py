"""Time, read as people type it: away ranges, snoozes, working hours; and cycles anchored on the
owner's first check-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.console.clock import SandboxClock, openings, parse_step
from bot.views.away import build_away_list, build_hours, write_days
from workflows.calendar import DEFAULT_HOURS, WorkingCalendar, parse_hours, read_hours
from workflows.checkins.prompts import cycle_of
from workflows.delivery.schedule import Cadence, OwnerState, due_for_owner
from workflows.errors import InvalidDate, InvalidInput
from workflows.people.absences import (
    AbsenceRequest,
    check_absence,
    parse_absence,
    parse_snooze,
    snooze,
    upcoming_absences,
)
from workflows.store.models import Absence, Person
from workflows.types import Institution, OutboxKind

TODAY = date(2026, 12, 1)  # a Tuesday
CAL = WorkingCalendar()


# Away ranges: every form, and the refusals.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "4 Jan to 15 Jan mission",
            AbsenceRequest(date(2027, 1, 4), date(2027, 1, 15), "mission"),
            id="day-month-range",
        ),
        pytest.param(
            "2027-01-04 to 2027-01-15 mission",
            AbsenceRequest(date(2027, 1, 4), date(2027, 1, 15), "mission"),
            id="iso-range",
        ),
        pytest.param(
            "from 4 Jan until 15 Jan",
            AbsenceRequest(date(2027, 1, 4), date(2027, 1, 15)),
            id="from-until",
        ),
        pytest.param(
            "20 Dec - 5 Jan Christmas at home",
            AbsenceRequest(date(2026, 12, 20), date(2027, 1, 5), "Christmas at home"),
            id="dash-across-the-new-year",
        ),
        pytest.param(
            "until 15 Jan", AbsenceRequest(TODAY, date(2027, 1, 15)), id="until-from-today"
        ),
        pytest.param(
            "until 15 Jan trip to Rome",
            AbsenceRequest(TODAY, date(2027, 1, 15), "trip to Rome"),
            id="until-with-a-reason-saying-to",
        ),
        pytest.param("3 days", AbsenceRequest(TODAY, date(2026, 12, 3)), id="three-days"),
        pytest.param(
            "2w leave", AbsenceRequest(TODAY, date(2026, 12, 14), "leave"), id="two-weeks"
        ),
        pytest.param(
            "5 January Holidays",
            AbsenceRequest(TODAY, date(2027, 1, 5), "Holidays"),
            id="one-day-means-until",
        ),
        pytest.param("friday", AbsenceRequest(TODAY, date(2026, 12, 4)), id="weekday"),
    ],
)
def test_an_away_range_is_read_the_way_people_type_it(text: str, expected: AbsenceRequest) -> None:
    assert parse_absence(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("2026-11-20 to 2026-11-27", "day_in_past", id="starts-in-the-past"),
        pytest.param("until 2026-11-27", "day_in_past", id="ends-in-the-past"),
        pytest.param("15 Dec to 10 Dec", "away_ends_before_start", id="backwards"),
        pytest.param("400 days", "away_too_long", id="over-a-year"),
        pytest.param("2028-03-01 to 2028-03-05", "away_too_far", id="starts-over-a-year-ahead"),
        pytest.param("soon-ish", "unreadable_day", id="unreadable"),
        pytest.param("0 days", "away_no_days", id="no-days"),
    ],
)
def test_an_impossible_away_range_is_refused_with_a_reason(text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_absence(parse_absence(text, today=TODAY), today=TODAY)
    assert refused.value.code == code


def test_a_long_reason_is_refused_rather_than_cut() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_absence(AbsenceRequest(TODAY, TODAY, "x" * 201), today=TODAY)
    assert refused.value.code == "away_reason_too_long"


def test_the_list_numbers_ranges_to_come_and_leaves_out_cancelled_and_past_ones() -> None:
    ranges = [
        Absence(id=1, starts_on=date(2027, 1, 4), ends_on=date(2027, 1, 15), reason="mission"),
        Absence(id=2, starts_on=date(2026, 11, 2), ends_on=date(2026, 11, 6)),
        Absence(id=3, starts_on=date(2026, 12, 21), ends_on=date(2026, 12, 24)),
        Absence(
            id=4,
            starts_on=date(2026, 12, 10),
            ends_on=date(2026, 12, 11),
            cancelled_at=datetime(2026, 12, 1, tzinfo=UTC),
        ),
    ]
    booked = upcoming_absences(Person(absences=ranges), today=TODAY)
    text = build_away_list(booked, snoozed_until=date(2026, 12, 4), today=TODAY).text
    assert "1. from Monday 21 December to Thursday 24 December 2026" in text
    assert "2. from Monday 4 January to Friday 15 January 2027 (mission)" in text
    assert "November" not in text
    assert "10 December" not in text
    assert "snoozed until Friday 4 December 2026" in text


@pytest.mark.parametrize(
    ("start", "end", "written"),
    [
        pytest.param(TODAY, date(2026, 12, 4), "from today to Friday 4 December 2026", id="today"),
        pytest.param(TODAY, TODAY, "today", id="just-today"),
        pytest.param(
            date(2026, 12, 28),
            date(2027, 1, 2),
            "from Monday 28 December 2026 to Saturday 2 January 2027",
            id="across-years",
        ),
    ],
)
def test_a_range_is_written_plainly(start: date, end: date, written: str) -> None:
    assert write_days(start, end, today=TODAY) == written


# Snoozes.


@pytest.mark.parametrize(
    ("text", "until"),
    [
        pytest.param("3 days", date(2026, 12, 4), id="days"),
        pytest.param("2d", date(2026, 12, 3), id="short-days"),
        pytest.param("1 week", date(2026, 12, 8), id="week"),
        pytest.param("until Monday", date(2026, 12, 7), id="until-weekday"),
        pytest.param("until 2026-12-10", date(2026, 12, 10), id="until-iso"),
    ],
)
def test_a_snooze_is_read_as_the_day_checkins_resume(text: str, until: date) -> None:
    assert parse_snooze(text, today=TODAY) == until


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a while", id="words"),
        pytest.param("until yesterday-ish", id="unreadable-day"),
        pytest.param("until today", id="today"),
        pytest.param("3 days please", id="extra-words"),
    ],
)
def test_a_snooze_that_cannot_be_read_is_refused(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_snooze(text, today=TODAY)


def test_a_snooze_is_cut_to_two_cycles() -> None:
    person = Person(name="Ann", institution=Institution.ILO)
    kept = snooze(person, until=date(2027, 3, 1), today=TODAY, cycle_days=14)
    assert (kept.until, kept.capped) == (date(2026, 12, 29), True)
    assert person.is_snoozed(date(2026, 12, 28))
    assert not person.is_snoozed(date(2026, 12, 29))


# Working hours.


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        pytest.param("08:00-16:00", (time(8), time(16)), id="clock"),
        pytest.param("8-16", (time(8), time(16)), id="hours-only"),
        pytest.param("8.30 to 16.30", (time(8, 30), time(16, 30)), id="dots-and-to"),
        pytest.param("7:30–15:30", (time(7, 30), time(15, 30)), id="en-dash"),
        pytest.param("8am-4pm", (time(8), time(16)), id="am-pm"),
        pytest.param("12pm - 6pm", (time(12), time(18)), id="noon"),
        pytest.param("14-24", (time(14), time(23, 59)), id="until-midnight"),
    ],
)
def test_working_hours_are_read_the_way_people_type_them(
    text: str, hours: tuple[time, time]
) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("16-8", "hours_backwards", id="backwards"),
        pytest.param("9:00-9:30", "hours_backwards", id="under-an-hour"),
        pytest.param("25-26", "unreadable_hours", id="no-such-hour"),
        pytest.param("9:75-17", "unreadable_hours", id="no-such-minute"),
        pytest.param("13pm-4pm", "unreadable_hours", id="no-such-pm"),
        pytest.param("mornings", "unreadable_hours", id="words"),
    ],
)
def test_impossible_working_hours_are_refused(text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_hours(text)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        pytest.param("default", None, id="default"),
        pytest.param(" Reset ", None, id="reset-in-capitals"),
        pytest.param("off", None, id="off"),
        pytest.param("8-16", (time(8, 0), time(16, 0)), id="hours"),
    ],
)
def test_hours_typed_in_slack_or_the_terminal_read_the_same(
    text: str, hours: tuple[time, time] | None
) -> None:
    assert read_hours(text) == hours


def test_the_default_hours_are_the_calendars() -> None:
    assert WorkingCalendar().hours_of(None) == DEFAULT_HOURS == (time(9, 0), time(17, 0))


def test_a_persons_hours_replace_the_calendars() -> None:
    seven_thirty = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)  # 07:30 in Brussels
    kwargs = {"institution": Institution.COMMISSION, "tz": "Europe/Brussels"}
    assert not CAL.is_within_working_hours(moment=seven_thirty, **kwargs)  # type: ignore[arg-type]
    assert CAL.is_within_working_hours(
        moment=seven_thirty,
        hours=(time(7), time(15)),
        **kwargs,  # type: ignore[arg-type]
    )


def test_hours_are_shown_with_the_default_marked() -> None:
    default = (time(9), time(17))
    assert "09:00–17:00 (the default), Europe/Zurich time" in (
        build_hours(None, default=default, tz="Europe/Zurich").text
    )
    assert "08:00–16:00, Europe/Zurich" in (
        build_hours((time(8), time(16)), default=default, tz="Europe/Zurich").text
    )


# Cycles count from the owner's first check-in and close on a working day.


def owner(**changes: object) -> OwnerState:
    base: dict[str, object] = {
        "person_id": 1, "institution": Institution.ILO, "tz": "Europe/Zurich", "active": True,
        "cycle_days": 14, "open_parts": 2,
    }  # fmt: skip
    return OwnerState(**(base | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "today", "opens", "closes"),
    [
        pytest.param(None, date(2026, 11, 25), "2026-11-25", date(2026, 12, 8), id="never-asked"),
        pytest.param(
            date(2026, 11, 25), date(2026, 12, 8), "2026-11-25", date(2026, 12, 8), id="same-cycle"
        ),
        pytest.param(
            date(2026, 11, 25), date(2026, 12, 9), "2026-12-09", date(2026, 12, 22), id="second"
        ),
        pytest.param(
            date(2026, 11, 20), date(2026, 11, 20), "2026-11-20", date(2026, 12, 3), id="friday"
        ),
        pytest.param(
            date(2026, 11, 23),
            date(2026, 11, 23),
            "2026-11-23",
            date(2026, 12, 4),
            id="sunday-deadline-moves-to-friday",
        ),
        pytest.param(
            date(2026, 12, 14),
            date(2026, 12, 14),
            "2026-12-14",
            date(2026, 12, 24),
            id="christmas-deadline-moves-before-the-holiday",
        ),
    ],
)
def test_an_owners_cycle_counts_from_their_first_checkin(
    first: date | None, today: date, opens: str, closes: date
) -> None:
    cycle = owner(first_asked=first).cycle(today, CAL)
    assert (cycle.key, cycle.closes) == (opens, closes)


def test_the_calendar_cycle_still_counts_from_its_epoch_without_an_anchor() -> None:
    assert cycle_of(date(2026, 11, 25)).key == "2026-11-23"
    assert cycle_of(date(2026, 11, 25), anchor=date(2026, 11, 25)).key == "2026-11-25"


def test_a_snoozed_or_away_owner_gets_nothing_but_may_still_be_escalated() -> None:
    monday = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    snoozed = owner(snoozed_until=date(2026, 12, 1))
    assert due_for_owner(snoozed, now=monday, cadence=Cadence(), calendar=CAL) == []
    woke = due_for_owner(snoozed, now=monday + timedelta(days=1), cadence=Cadence(), calendar=CAL)
    assert [d.kind for d in woke] == [OutboxKind.CHECKIN]
    away = owner(away=((date(2026, 11, 30), date(2026, 11, 30)),))
    assert due_for_owner(away, now=monday, cadence=Cadence(), calendar=CAL) == []


def test_hours_of_an_owner_move_their_checkin() -> None:
    early = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)  # 07:30 in Geneva
    assert due_for_owner(owner(), now=early, cadence=Cadence(), calendar=CAL) == []
    keen = owner(hours=(time(7), time(15)))
    assert [d.kind for d in due_for_owner(keen, now=early, cadence=Cadence(), calendar=CAL)] == [
        OutboxKind.CHECKIN
    ]


# The console's clock.


@pytest.mark.parametrize(
    ("text", "step"),
    [
        pytest.param("+3d", timedelta(days=3), id="days"),
        pytest.param("+2h", timedelta(hours=2), id="hours"),
        pytest.param("30m", timedelta(minutes=30), id="minutes-without-plus"),
        pytest.param("+1w", timedelta(weeks=1), id="week"),
        pytest.param("+2 days", timedelta(days=2), id="words"),
    ],
)
def test_the_console_clock_moves_by_steps_people_type(text: str, step: timedelta) -> None:
    assert parse_step(text) == step


@pytest.mark.parametrize("text", ["-1d", "+0d", "+5y", "soon", "+31d"])
def test_the_console_clock_refuses_going_back_or_too_far(text: str) -> None:
    with pytest.raises(LookupError):
        parse_step(text)


def test_the_sandbox_clock_is_live_plus_its_offset() -> None:
    ticks = iter([datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 1, 0, 1, tzinfo=UTC)])
    clock = SandboxClock(lambda: next(ticks))
    assert clock.advance(timedelta(days=3)) == datetime(2026, 12, 4, tzinfo=UTC)
    assert clock() == datetime(2026, 12, 4, 0, 1, tzinfo=UTC)


def test_the_sandbox_ticks_when_working_days_open_and_at_the_end() -> None:
    start = datetime(2026, 12, 4, 18, tzinfo=UTC)  # a Friday evening
    moments = openings(
        start, start + timedelta(days=3), [("Europe/Zurich", time(9)), ("Europe/Zurich", time(7))]
    )
    assert moments[:2] == [
        datetime(2026, 12, 5, 6, tzinfo=UTC),
        datetime(2026, 12, 5, 8, tzinfo=UTC),
    ]
    assert len(moments) == 7  # three days, two openings each, and the end
    assert moments[-1] == start + timedelta(days=3)


def test_a_day_too_far_ahead_is_refused_as_such_not_as_unreadable() -> None:
    with pytest.raises(InvalidDate) as refused:
        parse_absence("9999-12-31 far away", today=TODAY)
    assert "too far from today" in str(refused.value)
