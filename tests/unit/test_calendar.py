"""Working days follow each institution's holidays; working hours follow each person's zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.wording import say
from workflows.calendar import WorkingCalendar, local_time, parse_day
from workflows.errors import InvalidDate
from workflows.types import Institution

CAL = WorkingCalendar()
ILO, EC, EEAS = Institution.ILO, Institution.COMMISSION, Institution.EEAS
TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-12-24", date(2026, 12, 24), id="iso"),
        pytest.param("24/12/2026", date(2026, 12, 24), id="slashes"),
        pytest.param("24.12.2026", date(2026, 12, 24), id="dots"),
        pytest.param("24/12/26", date(2026, 12, 24), id="two-digit-year"),
        pytest.param("24/12", date(2026, 12, 24), id="day-month"),
        pytest.param("24 Dec", date(2026, 12, 24), id="day-month-name"),
        pytest.param("Dec 24", date(2026, 12, 24), id="month-name-day"),
        pytest.param("24 December 2026", date(2026, 12, 24), id="day-month-name-year"),
        pytest.param("December 24th, 2026", date(2026, 12, 24), id="american-with-ordinal"),
        pytest.param("3 January", date(2027, 1, 3), id="past-day-rolls-to-next-year"),
        pytest.param("25 Nov", date(2026, 11, 25), id="today-by-name-stays-this-year"),
        pytest.param("29 Feb", date(2028, 2, 29), id="leap-day-rolls-to-next-leap-year"),
        pytest.param("2025-01-10", date(2025, 1, 10), id="explicit-year-is-kept-even-past"),
        pytest.param("today", date(2026, 11, 25), id="today"),
        pytest.param("Tomorrow", date(2026, 11, 26), id="tomorrow"),
        pytest.param("monday", date(2026, 11, 30), id="weekday"),
        pytest.param("fri", date(2026, 11, 27), id="weekday-abbreviated"),
        pytest.param("wednesday", date(2026, 12, 2), id="same-weekday-is-next-week"),
        pytest.param("next week", date(2026, 11, 30), id="next-week-is-next-monday"),
        pytest.param("+3d", date(2026, 11, 28), id="plus-days"),
        pytest.param("3d", date(2026, 11, 28), id="days"),
        pytest.param("2w", date(2026, 12, 9), id="weeks"),
        pytest.param("in 2 weeks", date(2026, 12, 9), id="in-weeks"),
        pytest.param("  in   3 days ", date(2026, 11, 28), id="extra-spaces"),
    ],
)
def test_days_are_read_the_way_people_type_them(text: str, expected: date) -> None:
    assert parse_day(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("soon", id="word"),
        pytest.param("31/02", id="no-such-day"),
        pytest.param("2026-13-01", id="no-such-month"),
        pytest.param("next year", id="too-vague"),
        pytest.param("monday holidays", id="trailing-reason"),
        pytest.param("decemberish 24", id="not-a-month"),
        pytest.param("", id="empty"),
    ],
)
def test_unreadable_days_are_refused_with_examples(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_day(text, today=TODAY)
    assert "Give a day like 2026-12-24" in say(caught.value)
    assert text in say(caught.value)


@pytest.mark.parametrize(
    ("day", "ilo_open", "ec_open"),
    [
        pytest.param(date(2026, 4, 2), True, False, id="holy-thursday-commission-only"),
        pytest.param(date(2026, 4, 3), False, False, id="good-friday-geneva-and-eu"),
        pytest.param(date(2026, 5, 1), False, False, id="labour-day-both"),
        pytest.param(date(2025, 5, 9), True, False, id="europe-day-commission-only"),
        pytest.param(date(2026, 5, 15), True, False, id="friday-after-ascension-commission-only"),
        pytest.param(date(2026, 7, 21), True, False, id="belgian-national-day-commission-only"),
        pytest.param(date(2026, 9, 10), False, True, id="jeune-genevois-ilo-only"),
        pytest.param(date(2026, 11, 2), True, False, id="all-souls-commission-only"),
        pytest.param(date(2026, 11, 11), True, True, id="armistice-day-open-for-both"),
        pytest.param(date(2026, 12, 24), True, False, id="christmas-eve-commission-only"),
        pytest.param(date(2026, 12, 25), False, False, id="christmas-both"),
        pytest.param(date(2026, 12, 31), False, False, id="restoration-day-and-eu-year-end"),
        pytest.param(date(2027, 1, 1), False, False, id="new-year-both"),
        pytest.param(date(2027, 1, 4), True, True, id="first-monday-of-the-year-open"),
        pytest.param(date(2026, 11, 28), False, False, id="saturday"),
    ],
)
def test_working_days_follow_each_institutions_holidays(
    day: date, ilo_open: bool, ec_open: bool
) -> None:
    assert (CAL.is_working_day(ILO, day), CAL.is_working_day(EC, day)) == (ilo_open, ec_open)


def test_the_eeas_keeps_the_commissions_holidays() -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    assert [CAL.is_holiday(EEAS, d) for d in days] == [CAL.is_holiday(EC, d) for d in days]


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2030])
def test_the_commission_closes_on_every_belgian_holiday_but_armistice_day(year: int) -> None:
    belgian = holidays.country_holidays("BE", years=year)
    weekdays = [d for d in belgian if d.weekday() < 5 and (d.month, d.day) != (11, 11)]
    assert [d for d in weekdays if not CAL.is_holiday(EC, d)] == []


@pytest.mark.parametrize("day", [date(2026, 12, d) for d in range(24, 32)] + [date(2027, 1, 1)])
def test_the_commission_is_closed_from_christmas_eve_to_new_years_day(day: date) -> None:
    assert CAL.is_holiday(EC, day)


def test_configured_days_close_and_open_one_institution_only() -> None:
    calendar = WorkingCalendar(
        extra_closed={ILO: {date(2026, 3, 31)}},  # say, Eid al-Fitr
        extra_open={EC: {date(2026, 12, 30)}},
    )
    assert not calendar.is_working_day(ILO, date(2026, 3, 31))
    assert calendar.is_working_day(EC, date(2026, 3, 31))
    assert calendar.is_working_day(EC, date(2026, 12, 30))
    assert not calendar.is_working_day(EEAS, date(2026, 12, 30))


def test_impossible_working_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="working hours"):
        WorkingCalendar(start=time(17), end=time(9))


@pytest.mark.parametrize(
    ("institution", "day", "n", "expected"),
    [
        pytest.param(EC, date(2026, 11, 30), -3, date(2026, 11, 25), id="back-across-a-weekend"),
        pytest.param(EC, date(2026, 4, 7), -2, date(2026, 3, 31), id="back-across-easter"),
        pytest.param(ILO, date(2026, 4, 7), -2, date(2026, 4, 1), id="ilo-works-holy-thursday"),
        pytest.param(ILO, date(2026, 9, 14), -2, date(2026, 9, 9), id="back-across-jeune-genevois"),
        pytest.param(EC, date(2026, 12, 21), 3, date(2027, 1, 4), id="forward-across-year-end"),
        pytest.param(EC, date(2026, 11, 28), 0, date(2026, 11, 28), id="zero-stays-put"),
    ],
)
def test_adding_working_days_skips_weekends_and_holidays_both_ways(
    institution: Institution, day: date, n: int, expected: date
) -> None:
    assert CAL.add_working_days(institution, day, n) == expected


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert CAL.working_days_between(EC, start=date(2026, 11, 25), end=date(2026, 11, 30)) == 3
    assert CAL.working_days_between(EC, start=date(2026, 11, 30), end=date(2026, 11, 25)) == -3
    assert CAL.working_days_between(EC, start=date(2026, 12, 23), end=date(2027, 1, 3)) == 0


def test_an_always_closed_calendar_fails_instead_of_looping() -> None:
    closed = {date(2027, 1, 1) + timedelta(days=i) for i in range(400)}
    calendar = WorkingCalendar(extra_closed={EC: closed})
    with pytest.raises(ValueError, match="no working day"):
        calendar.add_working_days(EC, date(2027, 1, 1), 1)


NAIVE = datetime(2026, 1, 5, 10)  # noqa: DTZ001 (the point of the tests)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        CAL.is_within_working_hours(institution=ILO, tz="Europe/Zurich", moment=NAIVE)
    with pytest.raises(ValueError, match="naive"):
        local_time(NAIVE, "Europe/Zurich")


@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 1, 1)),
    n=st.integers(min_value=-40, max_value=40),
    institution=st.sampled_from(list(Institution)),
)
def test_adding_working_days_lands_on_one_counted_n_days_away(
    day: date, n: int, institution: Institution
) -> None:
    moved = CAL.add_working_days(institution, day, n)
    assert n == 0 or CAL.is_working_day(institution, moved)
    assert (moved > day) == (n > 0)
    counted = CAL.working_days_between(institution, start=day, end=moved)
    # counting back from a closed day leaves it out; counting forward includes the landing day
    assert counted == n or (n < 0 and counted == n + 1 and not CAL.is_working_day(institution, day))
