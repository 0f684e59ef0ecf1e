"""Away ranges and snoozes: the days someone gets no check-in and no reminder.

An absence is a range of days (both ends included) booked ahead or from today, listed and
cancellable; ranges are kept when cancelled or ended early, marked. A snooze is lighter: no
check-in or reminder until a day, for at most two cycles, and it is not shown to anyone else.
Days are the person's own (in their time zone); `today` is passed in, the clock is never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from workflows.calendar import parse_day
from workflows.errors import InvalidDate, InvalidInput, NotFound
from workflows.store.models import Absence, Person

LONGEST_DAYS = 366  # a range longer than a year is a typing mistake
FURTHEST_DAYS = 366  # and so is one starting more than a year from today
REASON_CHARS = 200
SNOOZE_CYCLES = 2

_SPAN = re.compile(r"(?P<n>\d{1,4}) ?(?P<unit>d|days?|w|wks?|weeks?)", re.IGNORECASE)
_UNTIL = {"until", "till", "til", "to", "through"}
_BETWEEN = {"to", "until", "till", "til", "through", "-", "–", "—"}


@dataclass(frozen=True)
class AbsenceRequest:
    """An away range as typed: its first and last day, and why (may be empty)."""

    starts_on: date
    ends_on: date
    reason: str = ""


def parse_absence(text: str, *, today: date) -> AbsenceRequest:
    """Read an away range: `4 Jan to 15 Jan mission`, `until 15 Jan`, `3 days`, or `15 Jan`.

    A single day means from today until that day. Raise InvalidDate on anything else.
    """
    words = text.split()
    if not words:
        raise InvalidDate("unreadable_day", text="")
    if words[0].lower() in {"from", "on"}:
        words = words[1:]
    if words and words[0].lower() in _UNTIL:
        end, reason = split_day(words[1:], today=today)
        return AbsenceRequest(today, end, reason)
    span = _span(words, today=today)
    if span is not None:
        return span
    ranged = _range(words, today=today)
    if ranged is not None:
        return ranged
    end, reason = split_day(words, today=today)
    return AbsenceRequest(today, end, reason)


def _span(words: list[str], *, today: date) -> AbsenceRequest | None:
    for size in (2, 1):
        match = _SPAN.fullmatch(" ".join(words[:size]))
        if match and len(words) >= size:
            days = int(match["n"]) * (7 if match["unit"][0].lower() == "w" else 1)
            if days < 1:
                raise InvalidInput("away_no_days")
            # "3 days" are today and the two days after it.
            return AbsenceRequest(today, today + timedelta(days=days - 1), " ".join(words[size:]))
    return None


def _range(words: list[str], *, today: date) -> AbsenceRequest | None:
    for at, word in enumerate(words):
        if word.lower() not in _BETWEEN or not 0 < at <= 4:
            continue
        try:
            start = parse_day(" ".join(words[:at]), today=today)
        except InvalidDate:
            continue
        # Both ends are read from today: "15 Dec to 10 Dec" is backwards, not a year long.
        end, reason = split_day(words[at + 1 :], today=today)
        return AbsenceRequest(start, end, reason)
    return None


def split_day(words: list[str], *, today: date) -> tuple[date, str]:
    """Read the longest leading words (up to four) that make a day; the rest is the reason."""
    if not words:
        raise InvalidDate("unreadable_day", text="")
    for size in range(min(len(words), 4), 1, -1):
        try:
            return parse_day(" ".join(words[:size]), today=today), " ".join(words[size:])
        except InvalidDate:
            continue
    # The first word alone: its refusal is the one to show ("9999-12-31 is too far from today").
    return parse_day(words[0], today=today), " ".join(words[1:])


def check_absence(request: AbsenceRequest, *, today: date) -> None:
    """Refuse a range in the past, backwards, too long or too far ahead, or with a long reason."""
    start, end = request.starts_on, request.ends_on
    for day in (start, end):
        if day < today:
            raise InvalidDate("day_in_past", day=day)
    if end < start:
        raise InvalidDate("away_ends_before_start", start=start, end=end)
    if (end - start).days + 1 > LONGEST_DAYS:
        raise InvalidDate("away_too_long", days=(end - start).days + 1, most=LONGEST_DAYS)
    if (start - today).days > FURTHEST_DAYS:
        raise InvalidDate("away_too_far", day=start)
    if len(request.reason) > REASON_CHARS:
        raise InvalidInput("away_reason_too_long", most=REASON_CHARS, length=len(request.reason))


def book_absence(
    session: Session, person: Person, request: AbsenceRequest, *, today: date, now: datetime
) -> Absence:
    """Book an away range for a person, refusing one that overlaps a range they already have."""
    check_absence(request, today=today)
    booked = upcoming_absences(person, today=today)
    for number, other in enumerate(booked, start=1):
        if other.starts_on <= request.ends_on and request.starts_on <= other.ends_on:
            raise InvalidDate(
                "away_overlaps", start=other.starts_on, end=other.ends_on, number=number
            )
    absence = Absence(
        person=person,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        reason=request.reason.strip() or None,
        created_at=now,
    )
    session.add(absence)
    session.flush()
    return absence


def upcoming_absences(person: Person, *, today: date) -> list[Absence]:
    """List a person's ranges that are current or to come, not cancelled, first one first."""
    return sorted(
        (a for a in person.absences if a.cancelled_at is None and a.ends_on >= today),
        key=lambda a: (a.starts_on, a.id or 0),
    )


def cancel_absence(person: Person, *, number: int, today: date, now: datetime) -> Absence:
    """Cancel the n-th range of `upcoming_absences`; one already begun ends yesterday instead."""
    booked = upcoming_absences(person, today=today)
    if not 1 <= number <= len(booked):
        raise NotFound("no_such_absence", number=number, count=len(booked))
    return _end(booked[number - 1], today=today, now=now)


def end_current_absence(person: Person, *, today: date, now: datetime) -> Absence | None:
    """End the range a person is in today (they are back); None when they were not away."""
    current = next((a for a in upcoming_absences(person, today=today) if a.covers(today)), None)
    return _end(current, today=today, now=now) if current else None


def _end(absence: Absence, *, today: date, now: datetime) -> Absence:
    # The days already spent away stay in the record; only the rest is given back.
    if absence.starts_on < today:
        absence.ends_on = today - timedelta(days=1)
    else:
        absence.cancelled_at = now
    return absence


def parse_snooze(text: str, *, today: date) -> date:
    """Read how long to snooze (`3 days`, `2d`, `1 week`, `until Monday`); return the day it ends.

    The day returned is the first day check-ins reach the person again.
    """
    words = text.split()
    if words and words[0].lower() in _UNTIL:
        day, rest = split_day(words[1:], today=today)
    else:
        match = _SPAN.fullmatch(" ".join(words))
        if match is None:
            raise InvalidDate("unreadable_snooze", text=text.strip()[:40])
        n = int(match["n"]) * (7 if match["unit"][0].lower() == "w" else 1)
        day, rest = today + timedelta(days=n), ""
    if rest:
        raise InvalidDate("unreadable_snooze", text=text.strip()[:40])
    if day < today:
        raise InvalidDate("day_in_past", day=day)
    if day == today:
        raise InvalidDate("snooze_ends_today")
    return day


@dataclass(frozen=True)
class Snoozed:
    """Until when check-ins are snoozed, and whether the request was cut to the longest snooze."""

    until: date
    capped: bool


def snooze(person: Person, *, until: date, today: date, cycle_days: int) -> Snoozed:
    """Snooze a person's check-ins until a day, at most two of their cycles from today."""
    longest = today + timedelta(days=SNOOZE_CYCLES * cycle_days)
    person.snoozed_until = min(until, longest)
    return Snoozed(person.snoozed_until, capped=until > longest)


def unsnooze(person: Person, *, today: date) -> bool:
    """End a person's snooze; tell whether one was running."""
    running = person.is_snoozed(today)
    person.snoozed_until = None
    return running
