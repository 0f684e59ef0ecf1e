"""Technical meetings are kept, exported as a calendar, and drive the digests' content."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_owner, make_update
from workflows.digests import meeting_digest, weekly_digest
from workflows.errors import InvalidInput, NotFound, UnknownArea
from workflows.meetings import (
    add_meeting,
    find_meeting,
    list_meetings,
    meetings_ics,
    remove_meeting,
)
from workflows.types import Institution, Status


def test_a_meeting_covers_the_areas_named_loosely(db_session: Session, now: datetime) -> None:
    meeting = add_meeting(
        db_session,
        held_on=date(2026, 12, 3),
        title="OSH and gender",
        areas=["OSH", "gendr"],
        now=now,
    )
    assert [a.slug for a in meeting.areas] == ["osh", "gender"]
    assert find_meeting(db_session, "2026-12-03").id == meeting.id
    assert [m.id for m in list_meetings(db_session, from_day=date(2026, 12, 1))] == [meeting.id]
    with pytest.raises(InvalidInput, match="already there"):
        add_meeting(
            db_session, held_on=date(2026, 12, 3), title="OSH and gender", areas=[], now=now
        )
    with pytest.raises(UnknownArea):
        add_meeting(db_session, held_on=date(2026, 12, 4), title="x", areas=["zzqx"], now=now)
    remove_meeting(db_session, str(meeting.id))
    with pytest.raises(NotFound):
        find_meeting(db_session, str(meeting.id))


def test_the_calendar_is_valid_icalendar(db_session: Session, now: datetime) -> None:
    add_meeting(
        db_session,
        held_on=date(2026, 12, 3),
        title="Supply chains; child labour, forced labour",
        areas=["supply chains", "trade"],
        now=now,
    )
    text = meetings_ics(list_meetings(db_session), now=now)
    lines = text.split("\r\n")
    assert text.endswith("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "DTSTART;VALUE=DATE:20261203" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Supply chains\\; child labour\\, forced labour" in unfolded


def test_a_meeting_digest_covers_its_areas_since_the_previous_meeting(
    db_session: Session, now: datetime
) -> None:
    add_meeting(db_session, held_on=date(2026, 11, 10), title="Previous", areas=[], now=now)
    meeting = add_meeting(
        db_session, held_on=date(2026, 12, 3), title="OSH", areas=["osh"], now=now
    )
    owner = make_owner(db_session, "osh", institution=Institution.ILO, now=now)
    make_update(
        db_session, "osh-1", owner, Status.AT_RISK, now=now - timedelta(days=30), text="old news"
    )
    make_update(
        db_session,
        "osh-2",
        owner,
        Status.BLOCKED,
        now=now - timedelta(days=3),
        text="funding stopped",
    )
    digest = meeting_digest(db_session, meeting, now=now)
    assert [a.slug for a in digest.areas] == ["osh"]
    [osh] = digest.areas
    assert [c.text for c in osh.changes] == ["funding stopped"]
    assert {i.code for i in osh.attention} == {"osh-1", "osh-2"}
    assert "osh-1" in {i.code for i in osh.silent}


def test_the_weekly_digest_covers_all_areas_and_progress_follows_updates(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender", institution=Institution.ILO, now=now)
    make_update(db_session, "gender-1", owner, Status.ON_TRACK, now=now - timedelta(days=20))
    digest = weekly_digest(db_session, now=now)
    assert len(digest.areas) == 14
    first, last = digest.progress[0][1], digest.progress[-1][1]
    assert first["On track"] == 0
    assert last["On track"] == 1
    assert sum(last.values()) == digest.commitments
