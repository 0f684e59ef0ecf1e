"""Ids that come back from Slack (buttons, form metadata, threads, picks, Share) are checked
against the person acting: nobody answers, opens or rewrites another owner's check-in."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.views import ids
from bot.views.values import DetailsButton, DetailsModal, PickOption, StatusButton
from tests.e2e.conftest import CHIDI, COORDINATOR, DANA, FRANS, Harness
from tests.e2e.test_checkins import _buttons, dm, send_all, updates
from workflows.store.revision import current_token
from workflows.types import Status


def token(harness: Harness) -> str | None:
    with harness.deps.reading() as session:
        return current_token(session)


def value_of(harness: Harness, owner: str, action: str) -> tuple[dict[str, str], str]:
    """Return the first button of an action in an owner's check-in, and its check-in's message."""
    message = dm(harness, owner)
    button = next(e for e in _buttons(message) if e["action_id"].startswith(action))
    return button, message["ts"]


def write_in_thread(
    harness: Harness, who: str, text: str, checkin: dict[str, str], *, ts: str
) -> None:
    """Write words under a check-in, as `who`, and wait for the bot's answer in the thread."""
    words = harness.requests.dm_message(
        who, text, channel=checkin["channel"], ts=ts, thread_ts=checkin["ts"]
    )
    posted = len(harness.fake.ok_calls("chat.postMessage"))
    harness.post(harness.requests.event(words))
    harness.fake.wait_for("chat.postMessage", posted + 1)


def refused(harness: Harness, name: str) -> str:
    """Return what the person who clicked was told at the click's response_url."""
    [said] = harness.responses(name)
    return str(said.get("text"))


@pytest.mark.parametrize("stranger", [FRANS, "U0STRANGER"], ids=["another-owner", "unregistered"])
def test_a_status_click_on_another_owners_checkin_is_refused_and_changes_nothing(
    harness: Harness, stranger: str
) -> None:
    send_all(harness)
    button, ts = value_of(harness, CHIDI, ids.STATUS_ACTION)
    before, edits = token(harness), len(harness.fake.calls("chat.update"))
    harness.post(
        harness.requests.block_action(
            stranger, button["action_id"], value=button["value"], channel_id=f"D{stranger}",
            message={"ts": ts, "blocks": []}, response_url=harness.fake.response_url("click"),
        )
    )  # fmt: skip
    assert "someone else" in refused(harness, "click") or "don't know you" in refused(
        harness, "click"
    )
    assert (updates(harness), token(harness)) == ([], before)
    assert len(harness.fake.calls("chat.update")) == edits  # nobody's check-in rewritten


def test_a_status_click_about_a_part_its_checkin_did_not_ask_about_is_refused(
    harness: Harness,
) -> None:
    send_all(harness)
    button, ts = value_of(harness, CHIDI, ids.STATUS_ACTION)
    original = StatusButton.parse(button["value"])
    forged = StatusButton(
        prompt_id=original.prompt_id, key="hlm15/maritime-1", institution=original.institution,
        status=Status.COMPLETED,
    )  # fmt: skip
    harness.post(
        harness.requests.block_action(
            CHIDI, button["action_id"], value=forged.encode(), channel_id=f"D{CHIDI}",
            message={"ts": ts, "blocks": []}, response_url=harness.fake.response_url("forged"),
        )
    )  # fmt: skip
    assert "not part of this check-in" in refused(harness, "forged")
    assert updates(harness) == []


def test_add_details_on_another_owners_checkin_opens_no_form(harness: Harness) -> None:
    send_all(harness)
    button, ts = value_of(harness, CHIDI, ids.DETAILS_ACTION)
    harness.post(
        harness.requests.block_action(
            FRANS, ids.DETAILS_ACTION, value=button["value"], channel_id=f"D{FRANS}",
            message={"ts": ts, "blocks": []}, response_url=harness.fake.response_url("details"),
        )
    )  # fmt: skip
    assert "someone else" in refused(harness, "details")
    assert harness.fake.calls("views.open") == []


def test_add_details_from_app_home_is_only_for_a_part_one_owns(harness: Harness) -> None:
    send_all(harness)
    chidis = DetailsButton.parse(value_of(harness, CHIDI, ids.DETAILS_ACTION)[0]["value"])
    from_home = DetailsButton(prompt_id=0, key=chidis.key, institution=chidis.institution)
    harness.post(
        harness.requests.block_action(
            FRANS, ids.DETAILS_ACTION, value=from_home.encode(),
            response_url=harness.fake.response_url("home"),
        )
    )  # fmt: skip
    assert "don't answer for" in refused(harness, "home")
    assert harness.fake.calls("views.open") == []


def test_a_form_whose_metadata_names_another_owners_checkin_records_nothing(
    harness: Harness,
) -> None:
    send_all(harness)
    chidis = DetailsButton.parse(value_of(harness, CHIDI, ids.DETAILS_ACTION)[0]["value"])
    meta = DetailsModal(
        prompt_id=chidis.prompt_id, key=chidis.key, institution=chidis.institution
    ).encode()
    values = {ids.B_STATUS: {ids.A_STATUS: harness.requests.select_value("completed")}}
    edits = len(harness.fake.calls("chat.update"))
    status, body = harness.post(
        harness.requests.view_submission(FRANS, ids.DETAILS_MODAL, values, private_metadata=meta)
    )
    assert (status, json.loads(body)["response_action"]) == (200, "errors")
    assert "someone else" in json.dumps(json.loads(body)["errors"])
    assert updates(harness) == []
    assert len(harness.fake.calls("chat.update")) == edits


def test_words_in_another_owners_checkin_thread_are_refused_there_and_not_recorded(
    harness: Harness,
) -> None:
    send_all(harness)
    checkin = dm(harness, CHIDI)
    write_in_thread(harness, FRANS, "completed: all done", checkin, ts="1800000000.000300")
    said = [m["text"] for m in harness.fake.messages(checkin["channel"]) if m.get("thread_ts")]
    assert any("someone else" in text for text in said)
    assert updates(harness) == []


def test_only_the_author_of_a_thread_reply_can_say_which_commitment_it_is_about(
    harness: Harness,
) -> None:
    send_all(harness)
    checkin = dm(harness, DANA)
    write_in_thread(harness, DANA, "at risk: late", checkin, ts="1800000000.000400")
    question = harness.fake.messages(checkin["channel"])[-1]
    select = next(e for b in question["blocks"] if b["type"] == "actions" for e in b["elements"])
    option = select["options"][0]
    assert PickOption.parse(option["value"]).reply_ts == "1800000000.000400"
    for stranger in (FRANS, "U0STRANGER"):
        harness.post(
            harness.requests.block_action(
                stranger, ids.PICK_ACTION, selected_option=option, channel_id=checkin["channel"],
                message={"ts": question["ts"], "blocks": question["blocks"]},
                response_url=harness.fake.response_url(f"pick-{stranger}"),
            )
        )  # fmt: skip
        assert "Only the person who wrote" in refused(harness, f"pick-{stranger}")
    assert updates(harness) == []


@pytest.mark.parametrize(
    "text",
    ["update gender-7 completed", "assign gender-7 <@U0ILOFRANS> ilo", "meeting add 2027-01-05 X",
     "unassign gender ec", "away 2027-01-04"],
)  # fmt: skip
def test_share_posts_only_what_looks_and_never_runs_a_write(harness: Harness, text: str) -> None:
    before = token(harness)
    harness.post(
        harness.requests.block_action(
            COORDINATOR, ids.SHARE_ACTION, value=text,
            response_url=harness.fake.response_url("share"),
        )
    )  # fmt: skip
    [said] = harness.responses("share")
    assert said.get("response_type") == "ephemeral"
    assert "can be shared" in str(said.get("text"))
    assert token(harness) == before


def test_share_still_posts_a_status_to_the_channel(harness: Harness) -> None:
    harness.post(
        harness.requests.block_action(
            COORDINATOR, ids.SHARE_ACTION, value="status gender",
            response_url=harness.fake.response_url("shared"),
        )
    )  # fmt: skip
    posted = harness.responses("shared")
    assert any(p.get("response_type") == "in_channel" for p in posted)


@pytest.fixture
def registered_readers(harness: Harness) -> Iterator[Harness]:
    """The harness with HLM_READERS=registered."""
    workspace = harness.deps.settings
    harness.deps.settings = workspace.model_copy(update={"hlm_readers": "registered"})
    try:
        yield harness
    finally:
        harness.deps.settings = workspace


@pytest.mark.parametrize("text", ["status gender", "status", "show gender-7", "owners", "mine"])
def test_with_registered_readers_a_stranger_reads_nothing_but_help(
    registered_readers: Harness, text: str
) -> None:
    [reply] = registered_readers.slash("U0STRANGER", text)
    assert "Ask a coordinator to add you" in json.dumps(reply)
    assert "gender-7" not in json.dumps(reply)
    assert "How to use" in json.dumps(registered_readers.slash("U0STRANGER", "help"))


@pytest.mark.parametrize("who", [FRANS, COORDINATOR], ids=["owner", "coordinator"])
def test_with_registered_readers_owners_and_coordinators_still_read(
    registered_readers: Harness, who: str
) -> None:
    replies = registered_readers.slash(who, "show gender-7")
    assert "gender-7" in json.dumps(replies)


def test_by_default_any_member_of_the_workspace_reads_status(harness: Harness) -> None:
    assert "gender-7" in json.dumps(harness.slash("U0STRANGER", "status gender"))


def test_a_click_naming_a_message_elsewhere_never_rewrites_that_message(harness: Harness) -> None:
    send_all(harness)
    button, _ = value_of(harness, CHIDI, ids.STATUS_ACTION)
    harness.post(
        harness.requests.block_action(
            CHIDI, button["action_id"], value=button["value"], channel_id="C0DIGEST",
            message={"ts": "1700000000.000100", "blocks": []},
        )
    )  # fmt: skip
    harness.fake.wait_for("chat.update")
    assert [u.params["channel"] for u in harness.fake.calls("chat.update")] == [f"D{CHIDI}"]
    assert len(updates(harness)) == 1  # the click itself is Chidi's own, and recorded
