"""Owners write in the bot's DM in their own words, anywhere; edit, delete and undo them."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.views.values import PickOption
from tests.e2e.conftest import CHIDI, Harness
from tests.e2e.test_checkins import as_json, dm, send_all, updates
from workflows.store.db import session_scope
from workflows.store.models import Checkin, Update
from workflows.types import Status, UpdateSource


def under(
    harness: Harness, channel: str, ts: str, count: int = 1, saying: str = ""
) -> list[dict[str, Any]]:
    """Wait for the bot's answers in the thread of a message (those `saying` something); return
    them."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [
            m for m in harness.fake.messages(channel)
            if m.get("thread_ts") == ts and saying in m.get("text", "")
        ]  # fmt: skip
        if len(found) >= count:
            time.sleep(0.1)  # what else the same listener does (refreshing) has its moment
            return found
        time.sleep(0.02)
    raise TimeoutError(f"no answer under {ts}")


def write(harness: Harness, text: str, *, ts: str, thread_ts: str | None = None) -> str:
    """Write words in Chidi's DM (outside any thread unless `thread_ts`); return the channel."""
    channel = f"D{CHIDI}"
    event = harness.requests.dm_message(CHIDI, text, channel=channel, ts=ts, thread_ts=thread_ts)
    assert harness.post(harness.requests.event(event))[0] == 200
    return channel


def edit(harness: Harness, ts: str, old: str, new: str, *, at: str) -> None:
    """Send the event Slack sends when Chidi edits a message of his in the DM."""
    said = {"type": "message", "user": CHIDI, "ts": ts}
    event = {
        "type": "message", "subtype": "message_changed", "hidden": True, "channel": f"D{CHIDI}",
        "channel_type": "im", "ts": at, "event_ts": at,
        "message": said | {"text": new, "edited": {"user": CHIDI, "ts": at}},
        "previous_message": said | {"text": old},
    }  # fmt: skip
    assert harness.post(harness.requests.event(event))[0] == 200


def delete(harness: Harness, ts: str, old: str, *, at: str) -> None:
    """Send the event Slack sends when Chidi deletes a message of his in the DM."""
    event = {
        "type": "message", "subtype": "message_deleted", "hidden": True, "channel": f"D{CHIDI}",
        "channel_type": "im", "ts": at, "event_ts": at, "deleted_ts": ts,
        "previous_message": {"type": "message", "user": CHIDI, "ts": ts, "text": old},
    }  # fmt: skip
    assert harness.post(harness.requests.event(event))[0] == 200


def chidis_checkin(harness: Harness) -> int:
    with session_scope(harness.sessions) as session:
        person = harness.person(CHIDI)
        return session.scalars(select(Checkin.id).where(Checkin.person_id == person.id)).one()


def test_a_line_outside_the_thread_records_at_risk_with_its_text(harness: Harness) -> None:
    send_all(harness)
    refreshed = len(harness.fake.ok_calls("chat.update"))
    channel = write(harness, "gender-4 at risk: tender delayed", ts="1800000000.000100")
    [answer] = under(harness, channel, "1800000000.000100")
    assert answer["text"] == "✓ Recorded At risk for gender-4"
    [update] = updates(harness)
    assert (update.status, update.text, update.source) == (
        Status.AT_RISK,
        "tender delayed",
        UpdateSource.THREAD,
    )
    assert update.checkin_id == chidis_checkin(harness)  # his latest open check-in
    harness.fake.wait_for("chat.update", refreshed + 1)  # the check-in shows the answer


def test_two_lines_record_two_updates_confirmed_in_one_message(harness: Harness) -> None:
    send_all(harness)
    text = "gender 4: at risk – tender delayed\nOSH2 on track\nInspections resumed in May."
    channel = write(harness, text, ts="1800000000.000200")
    [answer] = under(harness, channel, "1800000000.000200")
    assert answer["text"] == "✓ Recorded At risk for gender-4 · ✓ Recorded On track for osh-2"
    first, second = updates(harness)
    assert (first.status, first.text) == (Status.AT_RISK, "tender delayed")
    assert (second.status, second.text) == (Status.ON_TRACK, "Inspections resumed in May.")


def test_words_about_a_commitment_someone_else_owns_are_refused_naming_it(
    harness: Harness,
) -> None:
    channel = write(harness, "gender-4 on track\ntrade-1 done", ts="1800000000.000300")
    [answer] = under(harness, channel, "1800000000.000300")
    assert answer["text"].startswith("✓ Recorded On track for gender-4 · ✗ trade-1: ")
    assert "not an owner of trade-1" in answer["text"]
    assert [u.commitment.code for u in _with_codes(harness)] == ["gender-4"]


def test_a_reply_without_an_id_asks_only_about_the_parts_still_open(harness: Harness) -> None:
    send_all(harness)
    checkin = dm(harness, CHIDI)
    channel = write(harness, "gender-1 done", ts="1800000000.000400", thread_ts=checkin["ts"])
    under(harness, channel, checkin["ts"], saying="✓ Recorded Completed for gender-1")
    write(harness, "We met the social partners.", ts="1800000000.000500", thread_ts=checkin["ts"])
    [question] = under(harness, channel, checkin["ts"], saying="Which commitment")
    select_menu = next(
        e for b in as_json(question["blocks"]) if b["type"] == "actions" for e in b["elements"]
    )
    offered = [PickOption.parse(o["value"]).key for o in select_menu["options"]]
    assert "hlm15/gender-1" not in offered  # answered in this check-in
    assert "hlm15/gender-2" in offered


def test_an_edited_reply_corrects_what_it_recorded(harness: Harness) -> None:
    send_all(harness)
    channel = write(harness, "gender-4 at risk: tender delayed", ts="1800000000.000600")
    under(harness, channel, "1800000000.000600")
    edit(harness, "1800000000.000600", "gender-4 at risk: tender delayed",
         "gender-4 on track: tender signed", at="1800000000.000700")  # fmt: skip
    [_, corrected] = under(harness, channel, "1800000000.000600", 2)
    assert corrected["text"] == "✓ Corrected: On track for gender-4"
    old, new = updates(harness)
    assert (new.status, new.text, new.corrects_id) == (Status.ON_TRACK, "tender signed", old.id)
    shown = json.dumps(harness.slash(CHIDI, "show gender 4"), ensure_ascii=False)
    assert "_Replaced by a correction; does not count._" in shown
    assert "On track" in shown
    edit(
        harness,
        "1800000000.000600",
        "gender-4 at risk: tender delayed",
        "gender-4 on track: tender signed",
        at="1800000000.000700",
    )  # fmt: skip  (retried)
    time.sleep(0.5)
    assert len(updates(harness)) == 2


def test_a_deleted_reply_withdraws_what_it_recorded(harness: Harness) -> None:
    send_all(harness)
    channel = write(harness, "gender-4 blocked: no funds", ts="1800000000.000800")
    under(harness, channel, "1800000000.000800")
    delete(harness, "1800000000.000800", "gender-4 blocked: no funds", at="1800000000.000900")
    [_, withdrawn] = under(harness, channel, "1800000000.000800", 2)
    assert withdrawn["text"] == "✓ Withdrew Blocked for gender-4"
    [update] = updates(harness)
    assert update.withdrawn_at is not None
    shown = json.dumps(harness.slash(CHIDI, "show gender-4"), ensure_ascii=False)
    assert "_Withdrawn by its author; does not count._" in shown


def test_undo_withdraws_the_last_update_then_says_there_is_none_left(harness: Harness) -> None:
    channel = write(harness, "5.4 at risk", ts="1800000000.001000")
    under(harness, channel, "1800000000.001000")
    [reply] = harness.slash(CHIDI, "undo")
    assert reply["text"] == "Withdrew your update on gender-4 (At risk, 10:00 UTC)."
    assert updates(harness)[0].withdrawn_at is not None
    [again] = harness.slash(CHIDI, "undo")
    assert again["text"] == "Your last update, on gender-4, is already withdrawn."


def test_a_retried_event_records_once_and_answers_once(harness: Harness) -> None:
    send_all(harness)
    event = harness.requests.dm_message(
        CHIDI, "gender-4 done", channel=f"D{CHIDI}", ts="1800000000.001100"
    )
    for retry in (None, 1, 2):
        built = harness.requests.event(event, event_id="EvWords", retry_num=retry)
        assert harness.post(built)[0] == 200
    under(harness, f"D{CHIDI}", "1800000000.001100")
    time.sleep(0.5)
    answers = [m for m in harness.fake.messages(f"D{CHIDI}") if m.get("thread_ts") == "1800000000.001100"]  # fmt: skip
    assert len(answers) == 1
    assert [u.status for u in updates(harness)] == [Status.COMPLETED]


def test_a_usage_mistake_gets_that_commands_usage_and_one_example(harness: Harness) -> None:
    cases = {
        "show": "`/hlm show gender-7`",
        "update gender-3": "`/hlm update gender-7 on-track Workshop held`",
        "away": "`/hlm away 4 Jan to 15 Jan mission`",
    }
    for typed, example in cases.items():
        body = json.dumps(harness.slash(CHIDI, typed), ensure_ascii=False)
        assert example in body
        assert "How to use" not in body
        assert "Did you mean" not in body
    mistyped = json.dumps(harness.slash(CHIDI, "shwo gender-4"), ensure_ascii=False)
    assert "Did you mean `/hlm show`?" in mistyped
    assert "How to use" not in mistyped


def test_an_id_typed_as_two_words_shows_that_commitment(harness: Harness) -> None:
    body = json.dumps(harness.slash(CHIDI, "show GENDER 4"), ensure_ascii=False)
    assert "gender-4 (4)" in body


def _with_codes(harness: Harness) -> list[Update]:
    with session_scope(harness.sessions) as session:
        return list(
            session.scalars(
                select(Update).order_by(Update.id).options(selectinload(Update.commitment))
            )
        )
