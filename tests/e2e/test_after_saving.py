"""Once an answer is saved, a Slack call that follows it (refreshing the check-in, confirming,
App Home) may fail: the answer is kept, the other follow-ups still happen, nobody is told that
saving failed, and the failure is logged."""

from __future__ import annotations

import logging

import pytest

from bot.views import ids
from bot.views.values import DetailsButton, DetailsModal
from tests.e2e.conftest import CHIDI, DANA, FRANS, Harness
from tests.e2e.test_checkins import _buttons, as_json, click, dm, send_all, updates
from tests.e2e.test_details_modal import submit, values
from workflows.types import Status, UpdateSource


def drain(harness: Harness) -> None:
    """Wait until every listener under way has finished."""
    harness.deps.drain()


def warnings_about(caplog: pytest.LogCaptureFixture, what: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.getMessage().startswith(what)
    ]


def test_a_click_is_kept_and_not_reported_as_failed_when_its_message_cannot_be_refreshed(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    send_all(harness)
    harness.fake.error_for("chat.update", "message_not_found")
    assert harness.post(click(harness, CHIDI, "gender-6", Status.ON_TRACK))[0] == 200
    harness.fake.wait_for("views.publish")  # App Home is still refreshed after the failure
    drain(harness)
    [update] = updates(harness)
    assert (update.status, update.source) == (Status.ON_TRACK, UpdateSource.BUTTON)
    assert harness.fake.calls("response_url") == []  # no "something went wrong" to the owner
    assert warnings_about(caplog, "Refreshing the check-in failed")


def test_a_picked_thread_answer_refreshes_the_checkin_when_its_confirmation_fails(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    send_all(harness)
    checkin = dm(harness, DANA)
    reply = harness.requests.dm_message(
        DANA, "on track: booked", channel=checkin["channel"], thread_ts=checkin["ts"]
    )
    posted = len(harness.fake.ok_calls("chat.postMessage"))
    harness.post(harness.requests.event(reply))
    question = harness.fake.wait_for("chat.postMessage", posted + 1)[-1]
    select = next(
        e for b in as_json(question.params["blocks"]) if b["type"] == "actions" for e in b["elements"]
    )  # fmt: skip
    pick_message = harness.fake.messages(checkin["channel"])[-1]
    # Slack refuses to rewrite the question, but not the check-in above it.
    harness.fake.error_for(
        "chat.update", "cant_update_message", when=lambda p: p.get("ts") == pick_message["ts"]
    )
    harness.post(
        harness.requests.block_action(
            DANA, ids.PICK_ACTION, selected_option=select["options"][0],
            channel_id=checkin["channel"], message={"ts": pick_message["ts"], "blocks": []},
            response_url=harness.fake.response_url("pick"),
        )
    )  # fmt: skip
    harness.fake.wait_for("views.publish")
    drain(harness)
    assert [u.status for u in updates(harness)] == [Status.ON_TRACK]
    refreshed = [c.params["ts"] for c in harness.fake.calls("chat.update") if c.ok]
    assert refreshed == [checkin["ts"]]
    assert harness.fake.calls("response_url") == []
    assert warnings_about(caplog, "Confirming a thread answer failed")


def test_a_modal_closes_and_its_update_is_kept_when_the_checkin_cannot_be_refreshed(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    send_all(harness)
    message = dm(harness, FRANS, "gender-7")
    details = next(
        DetailsButton.parse(e["value"])
        for e in _buttons(message)
        if e["action_id"] == ids.DETAILS_ACTION and DetailsButton.parse(e["value"]).key.endswith("/gender-7")
    )  # fmt: skip
    meta = DetailsModal(
        prompt_id=details.prompt_id, key=details.key, institution=details.institution
    ).encode()
    harness.fake.error_for("chat.update", "message_not_found")
    filled = values(harness, status="blocked", text="Council vote postponed")
    assert submit(harness, FRANS, meta, filled) == (200, "")
    harness.fake.wait_for("views.publish")
    drain(harness)
    [update] = updates(harness)
    assert (update.status, update.source) == (Status.BLOCKED, UpdateSource.MODAL)
    assert warnings_about(caplog, "Refreshing the check-in failed")
