"""Working days follow each institution's holidays; working hours follow each person's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.calendar import WorkingCalendar, parse_day
from workflows.errors import InvalidDate
from workflows.types import Institution

CAL = WorkingCalendar()
ILO, EC = Institution.ILO, Institution.COMMISSION
TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("day", "ilo_open", "ec_open"),
    [
        pytest.param(date(2026, 4, 3), False, False, id="good-friday-both-closed"),
        pytest.param(date(2026, 4, 2), True, False, id="holy-thursday-commission-only"),
        pytest.param(date(2026, 5, 8), True, True, id="ordinary-friday"),
        pytest.param(date(2026, 5, 11), True, True, id="ordinary-monday"),
        pytest.param(date(2026, 9, 10), False, True, id="jeune-genevois-ilo-only"),
        pytest.param(date(2026, 12, 28), True, False, id="christmas-week-commission-closed"),
        pytest.param(date(2026, 12, 31), False, False, id="restoration-day-geneva-and-eu-closed"),
        pytest.param(date(2026, 11, 28), False, False, id="saturday"),
    ],
)
def test_working_days_follow_each_institutions_holidays(
    day: date, ilo_open: bool, ec_open: bool
) -> None:
    assert (CAL.is_working_day(ILO, day), CAL.is_working_day(EC, day)) == (ilo_open, ec_open)


def test_europe_day_closes_the_commission_on_a_weekday() -> None:
    assert CAL.is_holiday(EC, date(2025, 5, 9))
    assert not CAL.is_holiday(ILO, date(2025, 5, 9))


@pytest.mark.parametrize(
    ("after", "tz", "expected"),
    [
        pytest.param(
            datetime(2026, 11, 27, 18, tzinfo=UTC),
            "Europe/Brussels",
            datetime(2026, 11, 30, 8, tzinfo=UTC),
            id="friday-evening-to-monday",
        ),
        pytest.param(
            datetime(2026, 3, 27, 17, tzinfo=UTC),
            "Europe/Brussels",
            datetime(2026, 3, 30, 7, tzinfo=UTC),
            id="across-spring-dst-change",
        ),
        pytest.param(
            datetime(2026, 10, 23, 17, tzinfo=UTC),
            "Europe/Brussels",
            datetime(2026, 10, 26, 8, tzinfo=UTC),
            id="across-autumn-dst-change",
        ),
        pytest.param(
            datetime(2026, 11, 25, 10, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 11, 25, 14, tzinfo=UTC),
            id="new-york-morning",
        ),
        pytest.param(
            datetime(2026, 11, 25, 10, tzinfo=UTC),
            "Europe/Zurich",
            datetime(2026, 11, 25, 10, tzinfo=UTC),
            id="already-working-time",
        ),
    ],
)
def test_next_working_moment_is_in_the_persons_own_hours(
    after: datetime, tz: str, expected: datetime
) -> None:
    assert CAL.next_working_moment(institution=EC, tz=tz, after=after) == expected


def test_a_person_abroad_keeps_the_holidays_of_their_institution() -> None:
    jeune_genevois = datetime(2026, 9, 10, 12, tzinfo=UTC)
    moment = CAL.next_working_moment(institution=ILO, tz="America/New_York", after=jeune_genevois)
    assert moment.date() == date(2026, 9, 11)
    assert moment.astimezone(UTC).hour == 13  # 09:00 in New York


def test_adding_working_days_skips_weekends_and_holidays_both_ways() -> None:
    assert CAL.add_working_days(EC, date(2026, 12, 21), 3) == date(2027, 1, 4)
    assert CAL.add_working_days(EC, date(2026, 11, 30), -3) == date(2026, 11, 25)
    assert CAL.working_days_between(EC, date(2026, 11, 25), date(2026, 11, 30)) == 3


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        CAL.is_within_working_hours(
            institution=ILO,
            tz="Europe/Zurich",
            moment=datetime(2026, 1, 5, 10),  # noqa: DTZ001 (the point of the test)
        )


@given(
    # hypothesis takes naive bounds and attaches the zone itself
    after=st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001
        max_value=datetime(2030, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    institution=st.sampled_from(list(Institution)),
    tz=st.sampled_from(["Europe/Brussels", "Europe/Zurich", "America/New_York", "Asia/Bangkok"]),
)
def test_next_working_moment_is_never_before_and_always_working_time(
    after: datetime, institution: Institution, tz: str
) -> None:
    moment = CAL.next_working_moment(institution=institution, tz=tz, after=after)
    assert moment >= after
    assert CAL.is_within_working_hours(institution=institution, tz=tz, moment=moment)
    assert moment - after < timedelta(days=20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-12-24", date(2026, 12, 24), id="iso"),
        pytest.param("24/12", date(2026, 12, 24), id="day-month"),
        pytest.param("24.12.2026", date(2026, 12, 24), id="dotted"),
        pytest.param("24 Dec", date(2026, 12, 24), id="day-month-name"),
        pytest.param("December 24", date(2026, 12, 24), id="month-name-day"),
        pytest.param("3 January", date(2027, 1, 3), id="past-day-rolls-to-next-year"),
        pytest.param("tomorrow", date(2026, 11, 26), id="tomorrow"),
        pytest.param("friday", date(2026, 11, 27), id="weekday"),
        pytest.param("wednesday", date(2026, 12, 2), id="same-weekday-is-next-week"),
        pytest.param("next week", date(2026, 11, 30), id="next-week"),
        pytest.param("2w", date(2026, 12, 9), id="weeks"),
        pytest.param("in 3 days", date(2026, 11, 28), id="in-days"),
    ],
)
def test_days_are_read_the_way_people_type_them(text: str, expected: date) -> None:
    assert parse_day(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["soon", "31/02", "", "next year", "2026-13-01"])
def test_unreadable_days_get_examples(text: str) -> None:
    with pytest.raises(InvalidDate, match="Give a day like"):
        parse_day(text, today=TODAY)
