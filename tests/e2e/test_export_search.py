"""Coordinators find what owners wrote with `/hlm search`, and get the status and history as a
file in their DM with `/hlm export`; anyone gets the meetings' calendar with `/hlm meeting ics`.
Through the real app over HTTP, on both databases."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from openpyxl import load_workbook

from bot.listeners.slash import WORKING
from tests.e2e.conftest import CHIDI, COORDINATOR, Harness


def said(replies: list[dict[str, Any]]) -> str:
    """Everything the replies show, blocks included."""
    return json.dumps([r for r in replies if r.get("text") != WORKING], ensure_ascii=False)


def dm_of(harness: Harness, user: str) -> str:
    """The DM the app opened with a user (the stand-in names it D + the user's id)."""
    assert any(c.params.get("users") == user for c in harness.fake.ok_calls("conversations.open"))
    return "D" + user


def test_a_search_finds_an_owners_words_with_who_wrote_them(harness: Harness) -> None:
    harness.slash(
        CHIDI, "update gender-3 at-risk The <b>tender</b> was delayed by procurement & legal"
    )
    replies = harness.slash(COORDINATOR, "search procurement tender")
    text = said(replies)
    assert "gender-3" in text
    assert "Chidi Okafor (ILO)" in text
    assert "*tender*" in text
    assert "*procurement*" in text
    assert "&amp; legal" in text  # the owner's words escaped
    assert "<b>" not in text  # (PostgreSQL's snippets leave out what looks like a tag)
    assert "`/hlm show gender-3`" in text


def test_a_withdrawn_or_absent_word_finds_nothing_and_says_so(harness: Harness) -> None:
    text = said(harness.slash(COORDINATOR, 'search "zzqx nothing like it'))
    assert "Nothing found for" in text


def test_an_export_is_uploaded_to_the_coordinators_dm_and_opens_as_a_workbook(
    harness: Harness,
) -> None:
    harness.slash(CHIDI, "update gender-3 at-risk Tender delayed")
    replies = harness.slash(COORDINATOR, "export gender")
    assert replies[0]["text"] == WORKING  # slow: acknowledged first
    text = said(replies)
    assert "Sent to your DM: hlm15-gender-2026-" in text
    assert ".xlsx (8 commitments, 1 update)" in text
    [upload] = harness.fake.uploaded_files()
    assert upload["filename"].endswith(".xlsx")
    assert upload["channel"] == dm_of(harness, COORDINATOR)
    book = load_workbook(io.BytesIO(upload["content"]))
    assert book.sheetnames == ["Current status", "History"]
    history = [[c.value for c in row] for row in book["History"].iter_rows()]
    assert history[1][1:7] == [
        "gender-3",
        history[1][2],
        "Chidi Okafor",
        "ILO",
        "At risk",
        "Tender delayed",
    ]
    current = [[c.value for c in row] for row in book["Current status"].iter_rows()]
    gender_3 = [row for row in current if row[0] == "gender-3"]
    assert {row[3] for row in gender_3} >= {"ILO"}  # one row per institution
    assert all("," not in str(row[4]) for row in current[1:])  # one status per cell


def test_a_csv_export_sends_the_current_status_and_the_history_as_two_files(
    harness: Harness,
) -> None:
    harness.slash(CHIDI, "update gender-3 on-track Workshop held")
    text = said(harness.slash(COORDINATOR, "export gender csv"))
    assert "-current.csv and hlm15-gender-" in text
    files = {f["filename"].rsplit("-", 1)[1]: f for f in harness.fake.uploaded_files()}
    history = list(csv.reader(io.StringIO(files["history.csv"]["content"].decode("utf-8-sig"))))
    assert history[0][:3] == ["Date (UTC)", "Commitment", "Area"]
    assert [row[1] for row in history[1:]] == ["gender-3"]


def test_an_owner_who_is_not_a_coordinator_is_refused_an_export(harness: Harness) -> None:
    text = said(harness.slash(CHIDI, "export gender"))
    assert "Only coordinators can export" in text
    assert harness.fake.uploaded_files() == []


def test_the_meeting_calendar_is_uploaded_to_the_dm(harness: Harness) -> None:
    harness.slash(COORDINATOR, "meeting add 2026-12-03 Technical meeting areas: osh, gender")
    text = said(harness.slash(CHIDI, "meeting ics"))
    assert "Sent to your DM: hlm-technical-meetings.ics (1 meeting)" in text
    [upload] = harness.fake.uploaded_files()
    calendar = upload["content"].decode()
    assert calendar.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20261203" in calendar
    assert upload["channel"] == dm_of(harness, CHIDI)
