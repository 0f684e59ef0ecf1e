"""Technical meetings: when they are, which areas they cover, and a calendar (.ics) of them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflows.catalog import find_area
from workflows.errors import InvalidInput, NotFound
from workflows.models import TechnicalMeeting

MAX_TITLE = 200


def add_meeting(
    session: Session, *, held_on: date, title: str, areas: Sequence[str], now: datetime
) -> TechnicalMeeting:
    """Add a technical meeting covering some areas (named loosely, like `gender` or `OSH`)."""
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"Give the meeting a title of 1 to {MAX_TITLE} characters.")
    clash = session.scalar(
        select(TechnicalMeeting).where(
            TechnicalMeeting.held_on == held_on, TechnicalMeeting.title == title
        )
    )
    if clash is not None:
        raise InvalidInput(
            f"“{title}” on {held_on:%d %B %Y} is already there (meeting {clash.id})."
        )
    meeting = TechnicalMeeting(held_on=held_on, title=title, created_at=now)
    meeting.areas = list(
        {area.id: area for area in (find_area(session, q) for q in areas)}.values()
    )
    session.add(meeting)
    session.flush()
    return meeting


def list_meetings(session: Session, *, from_day: date | None = None) -> list[TechnicalMeeting]:
    """List technical meetings by date (from a day on, when given)."""
    query = (
        select(TechnicalMeeting)
        .options(selectinload(TechnicalMeeting.areas))
        .order_by(TechnicalMeeting.held_on, TechnicalMeeting.id)
    )
    if from_day is not None:
        query = query.where(TechnicalMeeting.held_on >= from_day)
    return list(session.scalars(query))


def find_meeting(session: Session, ref: str) -> TechnicalMeeting:
    """Return a meeting by its number (as listed) or its date (YYYY-MM-DD)."""
    ref = ref.strip().lstrip("#")
    if ref.isdigit():
        meeting = session.get(TechnicalMeeting, int(ref))
    else:
        try:
            day = date.fromisoformat(ref)
        except ValueError:
            raise InvalidInput(
                f"“{ref[:40]}” is not a meeting number or a date like 2026-12-03."
            ) from None
        meeting = session.scalar(
            select(TechnicalMeeting).where(TechnicalMeeting.held_on == day).limit(1)
        )
    if meeting is None:
        raise NotFound(f"No technical meeting “{ref[:40]}”. `hlm meeting list` shows them.")
    return meeting


def remove_meeting(session: Session, ref: str) -> TechnicalMeeting:
    """Remove a technical meeting; return what was removed."""
    meeting = find_meeting(session, ref)
    session.delete(meeting)
    session.flush()
    return meeting


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Fold a content line into lines of at most 75 octets; continuations start with a space."""
    parts, current, limit = [], "", 75
    for char in line:
        if len((current + char).encode()) > limit:
            parts.append(current)
            current, limit = "", 74  # the leading space takes one octet
        current += char
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


def meetings_ics(meetings: Sequence[TechnicalMeeting], *, now: datetime) -> str:
    """Write the meetings as an iCalendar file of all-day events."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//HLM commitments bot//EN",
        "CALSCALE:GREGORIAN",
    ]
    for meeting in meetings:
        areas = ", ".join(area.title for area in meeting.areas) or "All areas"
        lines += [
            "BEGIN:VEVENT",
            f"UID:tm-{meeting.id}@hlm-bot",
            f"DTSTAMP:{now:%Y%m%dT%H%M%SZ}",
            f"DTSTART;VALUE=DATE:{meeting.held_on:%Y%m%d}",
            f"SUMMARY:{_ics_text(meeting.title)}",
            f"DESCRIPTION:{_ics_text('Areas: ' + areas)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
