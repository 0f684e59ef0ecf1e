"""Technical meetings are kept, found by number or date, and exported as an iCalendar file."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from tests.saying import refused
from workflows.errors import InvalidInput, NotFound, UnknownArea
from workflows.reports.meetings import (
    add_meeting,
    find_meeting,
    fold_line,
    list_meetings,
    meetings_ics,
    next_meeting,
    previous_meeting,
    remove_meeting,
)
from workflows.store.models import TechnicalMeeting

DEC_3 = date(2026, 12, 3)


def add(session: Session, now: datetime, day: date, title: str, *areas: str) -> TechnicalMeeting:
    return add_meeting(session, held_on=day, title=title, areas=list(areas), now=now)


def test_a_meeting_covers_the_areas_named_loosely_once_each(
    db_session: Session, now: datetime
) -> None:
    meeting = add(db_session, now, DEC_3, "  OSH and   gender ", "OSH", "gendr", "safety")
    assert meeting.title == "OSH and gender"
    assert [a.slug for a in meeting.areas] == ["osh", "gender"]
    assert meeting.created_at == now


def test_a_meeting_naming_no_area_is_kept_without_areas(db_session: Session, now: datetime) -> None:
    assert add(db_session, now, DEC_3, "Everything").areas == []


def test_the_same_title_on_the_same_day_is_refused(db_session: Session, now: datetime) -> None:
    first = add(db_session, now, DEC_3, "OSH review", "osh")
    with refused(InvalidInput, rf"already there \(meeting {first.id}\)"):
        add(db_session, now, DEC_3, "osh REVIEW")
    assert add(db_session, now, date(2026, 12, 4), "OSH review").id != first.id


def test_an_unknown_area_is_refused_with_suggestions_and_nothing_is_added(
    db_session: Session, now: datetime
) -> None:
    with refused(UnknownArea, "No area matches “zzqx”"):
        add(db_session, now, DEC_3, "Mystery", "osh", "zzqx")
    assert list_meetings(db_session) == []


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_meeting_needs_a_title_of_sensible_length(
    db_session: Session, now: datetime, title: str
) -> None:
    with refused(InvalidInput, "title of 1 to 200"):
        add(db_session, now, DEC_3, title)


def test_a_meeting_in_the_past_is_accepted(db_session: Session, now: datetime) -> None:
    past = add(db_session, now, date(2026, 10, 1), "Held last month", "trade")
    assert past.held_on < now.date()
    assert list_meetings(db_session) == [past]


def test_meetings_are_listed_by_date_and_upcoming_ones_on_request(
    db_session: Session, now: datetime
) -> None:
    later = add(db_session, now, date(2027, 1, 14), "Later")
    past = add(db_session, now, date(2026, 11, 2), "Past")
    today = add(db_session, now, now.date(), "Today")
    assert list_meetings(db_session) == [past, today, later]
    assert list_meetings(db_session, upcoming_from=now.date()) == [today, later]


def test_a_meeting_is_found_by_number_or_date(db_session: Session, now: datetime) -> None:
    meeting = add(db_session, now, DEC_3, "OSH", "osh")
    assert find_meeting(db_session, str(meeting.id)) is meeting
    assert find_meeting(db_session, f"#{meeting.id}") is meeting
    assert find_meeting(db_session, meeting.id) is meeting
    assert find_meeting(db_session, " 2026-12-03 ") is meeting


@pytest.mark.parametrize(
    ("ref", "error", "message"),
    [
        pytest.param("999999", NotFound, "No technical meeting “999999”", id="unknown-number"),
        pytest.param("2031-01-01", NotFound, "No technical meeting “2031-01-01”", id="no-meeting-that-day"),
        pytest.param("next tuesday", InvalidInput, "not a meeting number or a date", id="not-a-ref"),
    ],
)  # fmt: skip
def test_a_reference_that_matches_no_meeting_says_why(
    db_session: Session, ref: str, error: type[Exception], message: str
) -> None:
    with refused(error, message):
        find_meeting(db_session, ref)


def test_two_meetings_on_one_day_are_told_apart_by_number(
    db_session: Session, now: datetime
) -> None:
    first = add(db_session, now, DEC_3, "Morning")
    second = add(db_session, now, DEC_3, "Afternoon")
    with refused(InvalidInput, rf"{first.id} \(Morning\), {second.id} \(Afternoon\)"):
        find_meeting(db_session, "2026-12-03")


def test_a_removed_meeting_is_gone(db_session: Session, now: datetime) -> None:
    meeting = add(db_session, now, DEC_3, "OSH", "osh")
    removed = remove_meeting(db_session, str(meeting.id))
    assert removed.title == "OSH"
    with pytest.raises(NotFound):
        find_meeting(db_session, str(meeting.id))


def test_the_previous_and_next_meetings_follow_the_dates(
    db_session: Session, now: datetime
) -> None:
    october = add(db_session, now, date(2026, 10, 1), "October")
    november = add(db_session, now, date(2026, 11, 10), "November")
    december = add(db_session, now, DEC_3, "December")
    assert previous_meeting(db_session, december) == november
    assert previous_meeting(db_session, october) is None
    assert next_meeting(db_session, now.date()) == december
    assert next_meeting(db_session, date(2026, 11, 10)) == november
    assert next_meeting(db_session, date(2027, 1, 1)) is None


# The calendar.


def unfold(text: str) -> list[str]:
    """Undo RFC 5545 line folding and split into content lines."""
    assert text.endswith("\r\n")
    return text[:-2].replace("\r\n ", "").split("\r\n")


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def events(text: str) -> list[dict[str, str]]:
    """Parse the VEVENTs of a calendar into {name(;params): unescaped value}."""
    found: list[dict[str, str]] = []
    for line in unfold(text):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            found.append({})
        elif found and line != "END:VEVENT":
            found[-1][name] = unescape(value)
    return found


def test_the_calendar_is_icalendar_with_one_all_day_event_per_meeting(
    db_session: Session, now: datetime
) -> None:
    osh = add(db_session, now, DEC_3, "OSH review", "osh", "gender")
    everything = add(db_session, now, date(2027, 1, 14), "Everything")
    text = meetings_ics(list_meetings(db_session), now=now)
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-1] == "END:VCALENDAR"
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    first, second = events(text)
    assert first["UID"] == f"tm-{osh.id}@hlm-bot"
    assert second["UID"] == f"tm-{everything.id}@hlm-bot"
    assert first["DTSTAMP"] == "20261125T100000Z"
    assert first["DTSTART;VALUE=DATE"] == "20261203"
    assert first["DTEND;VALUE=DATE"] == "20261204"
    assert first["SUMMARY"] == "OSH review"
    titles = [a.title for a in osh.areas]
    assert first["DESCRIPTION"] == "\n".join(["Areas covered:", *(f"- {t}" for t in titles)])
    assert second["DESCRIPTION"] == "All areas"


def test_the_calendar_is_stable_for_the_same_meetings(db_session: Session, now: datetime) -> None:
    add(db_session, now, DEC_3, "OSH", "osh")
    meetings = list_meetings(db_session)
    assert meetings_ics(meetings, now=now) == meetings_ics(meetings, now=now)


def test_calendar_text_is_escaped_and_long_lines_fold_at_75_octets(
    db_session: Session, now: datetime
) -> None:
    title = "Santé et sécurité; travail forcé, chaînes d'approvisionnement \\ Œuvre — 安全 " * 2
    meeting = add(db_session, now, DEC_3, title[:200], "supply chains", "trade", "osh")
    text = meetings_ics([meeting], now=now)
    raw = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in raw)
    assert any(line.startswith(" ") for line in raw)
    summary = next(line for line in unfold(text) if line.startswith("SUMMARY:"))
    assert "\\;" in summary
    assert "\\," in summary
    assert "\\\\" in summary
    [event] = events(text)
    assert event["SUMMARY"] == meeting.title


def test_folding_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "é安😀" * 40
    pieces = fold_line(line)
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == line
