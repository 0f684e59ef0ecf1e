"""Time as owners live it: away ranges booked ahead, their own working hours, a snooze, the first
cycle's deadline, and the console's sandbox with a clock that moves."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import build
from bot.cli.main import main
from bot.console.clock import SandboxClock
from bot.console.session import run_console
from bot.settings import Settings
from bot.views import ids
from bot.views.away import A_FROM, A_REASON, A_UNTIL, AWAY_MODAL, B_FROM, B_REASON, B_UNTIL
from tests.e2e.conftest import CHIDI, DANA, FRANS, Harness
from workflows.store.db import session_scope
from workflows.store.models import Checkin, Person

MONDAY_30 = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # 10:30 in Geneva and Brussels


def said(replies: list[dict[str, Any]]) -> str:
    """Return everything the replies say, blocks included."""
    return json.dumps(replies, ensure_ascii=False).replace("\\n", "\n")


def tick(harness: Harness, at: datetime) -> None:
    harness.clock.now = at
    harness.deps.scheduler().tick(now=at)


def checkins(harness: Harness, user: str) -> list[dict[str, Any]]:
    """Return the check-ins in a user's DM (messages with the *Update…* button)."""
    return [
        m
        for m in harness.fake.messages(f"D{user}")
        if "thread_ts" not in m and f'"{ids.FORM_OPEN}"' in json.dumps(m.get("blocks", []))
    ]


def test_an_away_range_booked_ahead_holds_the_checkin_until_it_is_over(harness: Harness) -> None:
    booked = said(harness.slash(CHIDI, "away 30 Nov to 4 Dec mission"))
    assert "from Monday 30 November to Friday 4 December 2026 (mission)" in booked
    listed = said(harness.slash(CHIDI, "away list"))
    assert "1. from Monday 30 November to Friday 4 December 2026 (mission)" in listed
    tick(harness, MONDAY_30)
    assert checkins(harness, CHIDI) == []
    assert checkins(harness, DANA)  # others are asked as usual
    tick(harness, datetime(2026, 12, 4, 9, 30, tzinfo=UTC))
    assert checkins(harness, CHIDI) == []
    tick(harness, datetime(2026, 12, 7, 9, 30, tzinfo=UTC))
    assert len(checkins(harness, CHIDI)) == 1


def test_a_range_in_the_past_or_backwards_is_refused_and_books_nothing(harness: Harness) -> None:
    assert "is in the past" in said(harness.slash(CHIDI, "away 2026-11-20 to 2026-11-27"))
    assert "before it starts" in said(harness.slash(CHIDI, "away 15 Dec to 10 Dec"))
    assert "more than a year" in said(harness.slash(CHIDI, "away 400 days"))
    assert "no away days booked" in said(harness.slash(CHIDI, "away list"))


def test_cancelling_a_range_lets_the_checkin_through(harness: Harness) -> None:
    harness.slash(CHIDI, "away 30 Nov to 4 Dec")
    assert "Cancelled: away from Monday 30 November" in said(harness.slash(CHIDI, "away cancel 1"))
    assert "no away range number 1" in said(harness.slash(CHIDI, "away cancel 1"))
    tick(harness, MONDAY_30)
    assert len(checkins(harness, CHIDI)) == 1


def test_back_ends_the_range_one_is_in(harness: Harness) -> None:
    harness.slash(CHIDI, "away until 10 Dec")
    tick(harness, MONDAY_30)
    assert checkins(harness, CHIDI) == []
    assert "Welcome back" in said(harness.slash(CHIDI, "back"))
    tick(harness, datetime(2026, 11, 30, 10, 30, tzinfo=UTC))
    assert len(checkins(harness, CHIDI)) == 1


def test_working_hours_decide_when_the_checkin_goes_out(harness: Harness) -> None:
    early = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)  # 07:30 in Brussels and Geneva
    tick(harness, early)
    assert checkins(harness, FRANS) == []
    shown = said(harness.slash(FRANS, "hours"))
    assert "09:00–17:00 (the default), Europe/Brussels time" in shown
    changed = said(harness.slash(FRANS, "hours 07:00-15:00"))
    assert "now 07:00–15:00, Europe/Brussels time" in changed
    assert "must start before they end" in said(harness.slash(FRANS, "hours 16-8"))
    assert "are not working hours I can read" in said(harness.slash(FRANS, "hours mornings"))
    tick(harness, early)
    assert len(checkins(harness, FRANS)) == 1
    assert checkins(harness, CHIDI) == []  # still before nine for the others
    assert harness.person(FRANS).work_start is not None


def test_a_snooze_holds_checkins_and_ends_by_itself(harness: Harness) -> None:
    snoozed = said(harness.slash(DANA, "snooze 3 days"))
    assert "until Saturday 28 November 2026" in snoozed
    tick(harness, harness.clock.now)
    assert checkins(harness, DANA) == []
    assert checkins(harness, CHIDI)
    tick(harness, MONDAY_30)
    assert len(checkins(harness, DANA)) == 1


def test_a_snooze_is_capped_at_two_cycles(harness: Harness) -> None:
    capped = said(harness.slash(DANA, "snooze 10 weeks"))
    assert "two cycles, the longest a snooze lasts" in capped
    assert harness.person(DANA).snoozed_until == date(2026, 12, 23)


def test_the_first_checkin_gives_a_full_cycle_ending_on_a_working_day(harness: Harness) -> None:
    tick(harness, harness.clock.now)  # Wednesday 25 November
    [message] = checkins(harness, CHIDI)
    with session_scope(harness.sessions) as session:
        chidi = session.scalars(select(Person).where(Person.slack_user_id == CHIDI)).one()
        first = session.scalars(select(Checkin).where(Checkin.person_id == chidi.id)).one()
        assert first.cycle == "2026-11-25"
        assert first.closes_on == date(2026, 12, 8)  # 14 days from Wednesday: a Tuesday
    assert "Tuesday 8 December" in json.dumps(message["blocks"])
    # The next cycle opens two weeks after the first, not on the calendar's fixed Monday.
    tick(harness, datetime(2026, 12, 9, 9, 30, tzinfo=UTC))
    with session_scope(harness.sessions) as session:
        cycles = session.scalars(
            select(Checkin.cycle).where(Checkin.reminder == 0).join(Person)
            .where(Person.slack_user_id == CHIDI)
        ).all()  # fmt: skip
        assert sorted(cycles) == ["2026-11-25", "2026-12-09"]


# The *I'm away…* button opens a modal that books a range as `/hlm away` does.


def away_modal(harness: Harness, user: str, start: str | None, end: str | None) -> tuple[int, str]:
    values: dict[str, dict[str, Any]] = {
        B_FROM: {A_FROM: {"type": "datepicker", "selected_date": start}},
        B_UNTIL: {A_UNTIL: {"type": "datepicker", "selected_date": end}},
        B_REASON: {A_REASON: harness.requests.text_value("mission")},
    }
    return harness.post(harness.requests.view_submission(user, AWAY_MODAL, values))


def test_the_away_button_opens_a_modal_that_books_the_range(harness: Harness) -> None:
    status, _ = harness.post(harness.requests.block_action(CHIDI, ids.AWAY_OPEN))
    assert status == 200
    [opened] = harness.fake.wait_for("views.open")
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == AWAY_MODAL
    assert view["blocks"][0]["element"]["initial_date"] == "2026-11-25"
    status, body = away_modal(harness, CHIDI, "2026-11-30", "2026-12-04")
    assert (status, body.strip()) == (200, "")
    [confirmed] = harness.fake.wait_for("chat.postMessage")
    assert "from Monday 30 November to Friday 4 December 2026 (mission)" in json.dumps(
        confirmed.params, ensure_ascii=False
    )
    tick(harness, MONDAY_30)
    assert checkins(harness, CHIDI) == []


@pytest.mark.parametrize(
    ("start", "end", "block", "words"),
    [
        pytest.param("2026-12-04", "2026-11-30", B_UNTIL, "before it starts", id="backwards"),
        pytest.param("2026-11-20", "2026-11-30", B_FROM, "is in the past", id="past"),
        pytest.param(None, "2026-11-30", B_FROM, "Pick a day", id="no-first-day"),
    ],
)
def test_a_refused_away_modal_stays_open_saying_why(
    harness: Harness, start: str | None, end: str | None, block: str, words: str
) -> None:
    status, body = away_modal(harness, CHIDI, start, end)
    assert status == 200
    reply = json.loads(body)
    assert reply["response_action"] == "errors"
    assert words in reply["errors"][block]
    assert "no away days booked" in said(harness.slash(CHIDI, "away list"))


# The console is a sandbox: its own database and a clock that moves.


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_moving_the_consoles_clock_runs_the_scheduler_and_a_reminder_arrives(
    in_tmp: Path,
) -> None:
    lines: list[str] = []
    script = iter(
        ["checkin", "as dana", "clock", "clock +3d", "inbox", "clock -1d", "clock +60d", "quit"]
    )
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    settings = Settings(_env_file=None, database_url="sqlite:///var/sandbox.sqlite3")  # type: ignore[call-arg]
    deps = build(settings, clock=SandboxClock(lambda: monday))
    try:
        assert run_console(deps, out=lines.append, read=lambda prompt: next(script)) == 0
    finally:
        deps.close()
    text = "\n".join(lines)
    assert "It is Monday 23 November 2026 08:00 UTC." in text
    assert "The clock moves from Mon 23 Nov 08:00 to Thu 26 Nov 08:00 UTC." in text
    assert "→ DM to Dana Kowalski (in its thread): " in text
    assert "commitments have no answer yet — reply by" in text
    assert "→ in #C0SANDBOXDIGEST: Weekly HLM digest" in text
    assert "only moves forward" in text
    assert "Move at most 30 days" in text
    inbox = text.split("--- DM to Dana Kowalski ---")[-1]
    assert "[ Nothing changed ]" in inbox
    assert "more lines" not in inbox  # whole messages


def test_the_console_keeps_off_the_deployment_database(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    deployment = in_tmp / "var" / "hlm.sqlite3"
    before = deployment.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.StringIO("/hlm status osh\nquit\n"))
    assert main(["console"]) == 0
    out = capsys.readouterr().out
    assert "sandbox on sqlite:///var/console.sqlite3" in out
    assert "osh-1" in out
    assert deployment.read_bytes() == before
    assert (in_tmp / "var" / "console.sqlite3").exists()
