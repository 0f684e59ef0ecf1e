"""Technical meetings: when they are, which areas they cover, and a calendar (.ics) of them.

A meeting that names no area covers them all. Dates in the past are accepted: coordinators
record meetings after the fact too, and the digest of the next meeting counts from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.lookup import find_area
from workflows.errors import InvalidInput, NotFound
from workflows.store.models import Area, TechnicalMeeting

MAX_TITLE = 200
ALL_AREAS = "All areas"
AREAS_COVERED = "Areas covered:"

# RFC 5545 §3.1: content lines are folded at 75 octets, continuation lines start with a space.
ICS_LINE_OCTETS = 75
CRLF = "\r\n"
PRODID = "-//hlm-bot//Technical meetings//EN"


def add_meeting(
    session: Session, *, held_on: date, title: str, areas: Sequence[str], now: datetime
) -> TechnicalMeeting:
    """Add a technical meeting covering some areas (named loosely, like `gender` or `OSH`)."""
    title = _clean_title(title)
    clash = session.scalar(
        _ordered().where(
            TechnicalMeeting.held_on == held_on,
            func.lower(TechnicalMeeting.title) == title.lower(),
        )
    )
    if clash is not None:
        raise InvalidInput("meeting_exists", title=clash.title, day=held_on, id=clash.id)
    covered = _resolve_areas(session, areas)
    meeting = TechnicalMeeting(held_on=held_on, title=title, created_at=now, areas=covered)
    session.add(meeting)
    session.flush()
    return meeting


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput("meeting_title", limit=MAX_TITLE)
    return title


def _resolve_areas(session: Session, queries: Sequence[str]) -> list[Area]:
    # The same area named twice ("osh", "safety") is covered once, in the order first named.
    found = (find_area(session, q) for q in queries if q.strip())
    return list({area.id: area for area in found}.values())


def _ordered() -> Select[TechnicalMeeting]:
    return (
        select(TechnicalMeeting)
        .options(selectinload(TechnicalMeeting.areas))
        .order_by(TechnicalMeeting.held_on, TechnicalMeeting.id)
    )


def list_meetings(session: Session, *, upcoming_from: date | None = None) -> list[TechnicalMeeting]:
    """List technical meetings by date, only those on or after `upcoming_from` when given."""
    query = _ordered()
    if upcoming_from is not None:
        query = query.where(TechnicalMeeting.held_on >= upcoming_from)
    return list(session.scalars(query))


def find_meeting(session: Session, ref: str | int) -> TechnicalMeeting:
    """Return a meeting by its number (as listed, `3` or `#3`) or its date (2026-12-03)."""
    text = str(ref).strip().lstrip("#")
    if text.isascii() and text.isdecimal():
        if len(text) > 9:  # more than a database integer holds: no such meeting
            raise NotFound("unknown_meeting", ref=text[:40])
        meeting = session.scalar(_ordered().where(TechnicalMeeting.id == int(text)))
        if meeting is None:
            raise NotFound("unknown_meeting", ref=text[:40])
        return meeting
    return _meeting_on(session, _parse_day(text))


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("meeting_ref", ref=text[:40]) from None


def _meeting_on(session: Session, day: date) -> TechnicalMeeting:
    meetings = list(session.scalars(_ordered().where(TechnicalMeeting.held_on == day)))
    if not meetings:
        raise NotFound("unknown_meeting", ref=day.isoformat())
    if len(meetings) > 1:
        choices = [(m.id, m.title) for m in meetings]
        raise InvalidInput("meetings_same_day", day=day, choices=choices)
    return meetings[0]


def remove_meeting(session: Session, ref: str | int) -> TechnicalMeeting:
    """Remove a technical meeting; return what was removed."""
    meeting = find_meeting(session, ref)
    session.delete(meeting)
    session.flush()
    return meeting


def previous_meeting(session: Session, meeting: TechnicalMeeting) -> TechnicalMeeting | None:
    """Return the technical meeting held last before this one, if any."""
    return session.scalar(
        select(TechnicalMeeting)
        .where(TechnicalMeeting.held_on < meeting.held_on)
        .order_by(TechnicalMeeting.held_on.desc(), TechnicalMeeting.id.desc())
        .limit(1)
    )


def next_meeting(session: Session, today: date) -> TechnicalMeeting | None:
    """Return the first technical meeting on or after today, if any."""
    return session.scalar(_ordered().where(TechnicalMeeting.held_on >= today).limit(1))


def meetings_ics(meetings: Sequence[TechnicalMeeting], *, now: datetime) -> str:
    """Write the meetings as an iCalendar (RFC 5545) file of all-day events."""
    stamp = f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines += ["METHOD:PUBLISH", *(line for m in meetings for line in _event(m, stamp))]
    lines.append("END:VCALENDAR")
    return "".join(piece + CRLF for line in lines for piece in fold_line(line))


def _event(meeting: TechnicalMeeting, stamp: str) -> list[str]:
    titles = [area.title for area in meeting.areas]
    description = "\n".join([AREAS_COVERED, *(f"- {t}" for t in titles)]) if titles else ALL_AREAS
    return [
        "BEGIN:VEVENT",
        f"UID:tm-{meeting.id}@hlm-bot",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{meeting.held_on:%Y%m%d}",
        f"DTEND;VALUE=DATE:{meeting.held_on + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ics_text(meeting.title)}",
        f"DESCRIPTION:{ics_text(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def ics_text(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks; drop control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and ch != "\x7f"))
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


def fold_line(line: str) -> list[str]:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        room = ICS_LINE_OCTETS - (1 if pieces else 0)  # continuations spend an octet on the space
        if size + width > room:
            pieces.append(current)
            current, size = "", 0
        current, size = current + char, size + width
    pieces.append(current)
    return [pieces[0], *(" " + piece for piece in pieces[1:])]
