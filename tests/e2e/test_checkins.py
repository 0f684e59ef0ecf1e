"""Owners answer check-ins with buttons, the details modal or words in the thread.

Check-ins are one short message now (see test_checkin_flow.py); check-ins sent before carried a
row of status buttons and "Add details…" per commitment, and those still work: `dm` gives a
check-in with the buttons such an older message carried for its parts (under "older")."""

from __future__ import annotations

import json
import threading
from typing import Any

from sqlalchemy import func, select

from bot.views import ids
from bot.views.values import (
    CheckinButton,
    DetailsButton,
    DetailsModal,
    PickOption,
    StatusButton,
)
from tests.e2e.conftest import CHIDI, COORDINATOR, DANA, FRANS, Harness
from workflows.checkins.prompts import find_prompt, prompt_items
from workflows.delivery.outbox import send_checkins
from workflows.store.db import session_scope
from workflows.store.models import ThreadReply, Update
from workflows.types import Institution, Status, UpdateSource

OLDER_STATUSES = (
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.BLOCKED,
    Status.COMPLETED,
)


def send_all(harness: Harness) -> None:
    report = send_checkins(harness.sessions, harness.deps.slack, now=harness.clock())
    assert report.sent


def dm(harness: Harness, user: str, code: str = "") -> dict[str, Any]:
    """Return the check-in message in a user's DM (that asks about a commitment), with the
    buttons an older check-in carried for each of its parts."""
    message = next(
        m for m in harness.fake.messages(f"D{user}")
        if "thread_ts" not in m and any(e["action_id"] == ids.FORM_OPEN for e in _buttons(m))
        and (not code or f"`{code}`" in json.dumps(m["blocks"]))
    )  # fmt: skip
    prompt_id = next(
        CheckinButton.parse(e["value"]).prompt_id
        for e in _buttons(message)
        if e["action_id"] == ids.FORM_OPEN
    )
    with session_scope(harness.sessions) as session:
        asked = prompt_items(find_prompt(session, prompt_id))
    return message | {
        "older": [b for key, inst in asked for b in older_buttons(prompt_id, key, inst)]
    }


def older_buttons(prompt_id: int, key: str, institution: Institution) -> list[dict[str, Any]]:
    """The buttons a check-in sent before the short layout carried for one part."""
    statuses = [
        {"action_id": f"{ids.STATUS_ACTION}:{status.value}",
         "value": StatusButton(prompt_id=prompt_id, key=key, institution=institution, status=status).encode()}
        for status in OLDER_STATUSES
    ]  # fmt: skip
    details = DetailsButton(prompt_id=prompt_id, key=key, institution=institution).encode()
    return [*statuses, {"action_id": ids.DETAILS_ACTION, "value": details}]


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    posted = [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]
    return posted + message.get("older", [])


def click(harness: Harness, user: str, code: str, status: Status) -> tuple[str, dict[str, str]]:
    message = dm(harness, user, code)
    button = next(
        e for e in _buttons(message)
        if e["action_id"] == f"{ids.STATUS_ACTION}:{status.value}" and StatusButton.parse(e["value"]).key.endswith("/" + code)
    )  # fmt: skip
    return harness.requests.block_action(
        user, button["action_id"], value=button["value"], channel_id=message["channel"],
        message={"ts": message["ts"], "blocks": message["blocks"]}, response_url=harness.fake.response_url("click"),
    )  # fmt: skip


def as_json(value: Any) -> Any:
    """Return a parameter as sent: slack_sdk sends some as JSON strings, some as objects."""
    return json.loads(value) if isinstance(value, str) else value


def updates(harness: Harness) -> list[Update]:
    with session_scope(harness.sessions) as session:
        return list(session.scalars(select(Update).order_by(Update.id)))


def test_a_checkin_dm_lists_the_owners_open_commitments_with_four_buttons(
    harness: Harness,
) -> None:
    send_all(harness)
    message = dm(harness, CHIDI)
    body = json.dumps(message["blocks"])
    assert "`gender-1`" in body
    assert "`osh-1`" in body
    assert "Nothing changed" in body
    assert len(message["blocks"]) <= 25
    assert message["metadata"]["event_payload"]["key"].startswith("checkin:")


def test_a_status_click_is_recorded_and_confirmed_in_place(harness: Harness) -> None:
    send_all(harness)
    assert harness.post(click(harness, CHIDI, "gender-6", Status.ON_TRACK))[0] == 200
    harness.fake.wait_for("chat.update")
    [update] = updates(harness)
    assert (update.status, update.source) == (Status.ON_TRACK, UpdateSource.BUTTON)
    refreshed = json.dumps(dm(harness, CHIDI, "gender-6")["blocks"], ensure_ascii=False)
    assert "`gender-6`" in refreshed
    assert "*✓ on track, <!date^" in refreshed
    harness.fake.wait_for("views.publish")  # App Home refreshed too


def test_a_double_click_and_five_concurrent_copies_record_one_update(harness: Harness) -> None:
    send_all(harness)
    built = click(harness, CHIDI, "gender-6", Status.AT_RISK)
    threads = [threading.Thread(target=harness.post, args=(built,)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    harness.post(click(harness, CHIDI, "gender-6", Status.AT_RISK))
    harness.fake.wait_for("chat.update")
    assert [u.status for u in updates(harness)] == [Status.AT_RISK]


def test_changing_ones_mind_records_a_correction(harness: Harness) -> None:
    send_all(harness)
    harness.post(click(harness, CHIDI, "gender-6", Status.AT_RISK))
    harness.fake.wait_for("chat.update")
    harness.post(click(harness, CHIDI, "gender-6", Status.ON_TRACK))
    harness.fake.wait_for("chat.update", 2)
    first, second = updates(harness)
    assert second.corrects_id == first.id
    assert second.status is Status.ON_TRACK


def test_the_details_modal_records_text_link_and_next_step(harness: Harness) -> None:
    send_all(harness)
    message = dm(harness, FRANS, "gender-7")
    details = next(
        e
        for e in _buttons(message)
        if e["action_id"] == ids.DETAILS_ACTION
        and DetailsButton.parse(e["value"]).key.endswith("/gender-7")
    )
    harness.post(
        harness.requests.block_action(
            FRANS,
            ids.DETAILS_ACTION,
            value=details["value"],
            channel_id=message["channel"],
            message={"ts": message["ts"], "blocks": message["blocks"]},
        )
    )
    [opened] = harness.fake.wait_for("views.open")
    view = as_json(opened.params["view"])
    assert view["callback_id"] == ids.DETAILS_MODAL
    assert len(view["blocks"]) <= 100
    values = {
        ids.B_STATUS: {ids.A_STATUS: harness.requests.select_value("blocked")},
        ids.B_TEXT: {ids.A_TEXT: harness.requests.text_value("Council vote postponed")},
        ids.B_LINK: {ids.A_LINK: harness.requests.url_value("https://example.org/vote")},
        ids.B_NEXT: {ids.A_NEXT: harness.requests.text_value("Ask again in January")},
    }
    built = harness.requests.view_submission(
        FRANS, ids.DETAILS_MODAL, values, private_metadata=view["private_metadata"], view_id="V1"
    )
    assert harness.post(built) == (200, "")  # recorded, and the modal closes
    assert harness.post(built) == (200, "")  # the same payload twice
    harness.fake.wait_for("chat.update")
    [update] = updates(harness)
    assert (update.status, update.text, update.evidence, update.next_step) == (
        Status.BLOCKED,
        "Council vote postponed",
        ["https://example.org/vote"],
        "Ask again in January",
    )


def test_a_modal_with_a_bad_link_is_refused_inline_and_records_nothing(harness: Harness) -> None:
    send_all(harness)
    meta = DetailsModal(
        prompt_id=1, key="hlm15/gender-7", institution=Institution.COMMISSION
    ).encode()
    values = {
        ids.B_LINK: {ids.A_LINK: harness.requests.url_value("javascript:alert(1)")},
        ids.B_TEXT: {ids.A_TEXT: harness.requests.text_value("x")},
    }
    status, body = harness.post(
        harness.requests.view_submission(FRANS, ids.DETAILS_MODAL, values, private_metadata=meta)
    )
    assert status == 200
    assert json.loads(body)["response_action"] == "errors"
    assert updates(harness) == []


def test_a_thread_reply_asks_which_commitment_then_records_it(harness: Harness) -> None:
    send_all(harness)
    checkin = dm(harness, DANA)
    reply = harness.requests.dm_message(
        DANA,
        "at risk: the cotton project starts late",
        channel=checkin["channel"],
        ts="1800000000.000100",
        thread_ts=checkin["ts"],
    )
    posted = len(harness.fake.ok_calls("chat.postMessage"))
    assert harness.post(harness.requests.event(reply))[0] == 200
    question = harness.fake.wait_for("chat.postMessage", posted + 1)[-1]
    blocks = as_json(question.params["blocks"])
    select = next(e for b in blocks if b["type"] == "actions" for e in b["elements"])
    option = next(
        o
        for o in select["options"]
        if PickOption.parse(o["value"]).key.endswith("/supply-chains-2")
    )
    pick_message = harness.fake.messages(checkin["channel"])[-1]
    harness.post(
        harness.requests.block_action(
            DANA,
            ids.PICK_ACTION,
            selected_option=option,
            channel_id=checkin["channel"],
            message={"ts": pick_message["ts"], "blocks": blocks},
        )
    )
    harness.fake.wait_for("chat.update")
    [update] = updates(harness)
    assert (update.status, update.text, update.source) == (
        Status.AT_RISK,
        "the cotton project starts late",
        UpdateSource.THREAD,
    )


def test_a_retried_event_records_one_reply(harness: Harness) -> None:
    send_all(harness)
    checkin = dm(harness, FRANS)
    event = harness.requests.dm_message(
        FRANS, "done", channel=checkin["channel"], ts="1800000000.000200", thread_ts=checkin["ts"]
    )
    for retry in (None, 1, 2):
        assert (
            harness.post(harness.requests.event(event, event_id="Ev1", retry_num=retry))[0] == 200
        )
    harness.deps.drain()  # let every delivery finish
    questions = [
        m
        for m in harness.fake.messages(checkin["channel"])
        if m.get("thread_ts") == checkin["ts"] and "Which commitment" in m["text"]
    ]
    assert len(questions) == 1  # one "which commitment?" question, not three
    with session_scope(harness.sessions) as session:
        assert session.scalar(select(func.count()).select_from(ThreadReply)) == 1


def test_wrong_missing_or_old_signatures_get_401_and_change_nothing(harness: Harness) -> None:
    send_all(harness)
    genuine = click(harness, CHIDI, "gender-6", Status.ON_TRACK)
    forged = (genuine[0], genuine[1] | {"X-Slack-Signature": "v0=" + "0" * 64})
    unsigned = (genuine[0], {"Content-Type": genuine[1]["Content-Type"]})
    harness.requests.age = 600
    old = click(harness, CHIDI, "gender-6", Status.ON_TRACK)
    harness.requests.age = 0
    assert [harness.post(b)[0] for b in (forged, unsigned, old)] == [401, 401, 401]
    assert updates(harness) == []


def test_app_home_shows_an_owners_commitments_and_a_coordinators_overview(harness: Harness) -> None:
    harness.post(harness.requests.event(harness.requests.app_home_opened(FRANS)))
    harness.post(harness.requests.event(harness.requests.app_home_opened(COORDINATOR)))
    calls = harness.fake.wait_for("views.publish", 2)
    views = {c.params["user_id"]: as_json(c.params["view"]) for c in calls}
    assert "gender-7" in json.dumps(views[FRANS])
    assert "All areas" in json.dumps(views[COORDINATOR])
    assert all(len(v["blocks"]) <= 100 for v in views.values())


def test_the_web_api_client_retries_a_429_but_leaves_a_5xx_post_to_the_outbox(
    harness: Harness,
) -> None:
    harness.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    harness.fake.fail_next("chat.postMessage", status=503)
    send_checkins(
        harness.sessions,
        harness.deps.slack,
        now=harness.clock(),
        owners=["chidi.okafor@ilo.example"],
    )
    # A 429 was not processed: it is tried again. After a 503 Slack may have stored the post,
    # so it is not repeated blindly: the outbox tries again later, looking for it first.
    statuses = [c.status for c in harness.fake.calls("chat.postMessage")]
    assert statuses == [429, 503]
    assert harness.fake.messages(f"D{CHIDI}") == []


def test_url_verification_is_answered(harness: Harness) -> None:
    status, body = harness.post(harness.requests.url_verification("challenge-xyz"))
    assert status == 200
    assert "challenge-xyz" in body


def test_the_health_check_reports_the_database(harness: Harness) -> None:
    import urllib.request

    with urllib.request.urlopen(harness.url + "healthz", timeout=5) as response:  # noqa: S310 (loopback)
        assert json.loads(response.read()) == {"ok": True, "database": "ok"}
