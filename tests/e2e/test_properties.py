"""Hostile input on every surface of the running app answers clearly and writes nothing.

Every `/hlm` subcommand (taken from the parser's own list, so a new one is covered too), every
interactive payload the bot handles, App Home and DM messages are fed arbitrary text, numbers
(huge, negative, Unicode digits) and payload shapes. Each must get a readable answer: no 5xx, no
traceback, no apology for a crash, no live mention, and nothing written when it is refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.commands.parse import ALIASES, SUBCOMMANDS
from bot.errors import SORRY
from bot.views import ids
from bot.views.values import DetailsModal
from tests.e2e.conftest import COORDINATOR, FRANS, Harness
from tests.e2e.test_checkins import dm, send_all
from workflows.store.db import Base, session_scope
from workflows.store.revision import current_token
from workflows.types import Institution

LIVE = ("<!channel>", "<!here>", "<!everyone>", "<https://evil.example|")
HUGE = [str(2**63), str(2**64 + 1), "9" * 20, "-" + "9" * 20, "-1", "0", "1e400", "nan"]
UNICODE_DIGITS = ["²", "٣", "߂", "৩", "①", "¹²", "𝟗", "〇", "Ⅻ"]
ODD = ["\ud800", "\udfff", "\x00", "<!channel>", "<@U0ILOCOORD>", "&amp;", "", " ", "🙂" * 50]
NUMBERS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(HUGE + UNICODE_DIGITS),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
)
WORDS = st.one_of(st.sampled_from(ODD + HUGE + UNICODE_DIGITS), NUMBERS, st.text(max_size=20))
SHAPES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
SLOW_ENOUGH = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def settle(harness: Harness, quiet: float = 0.15) -> None:
    """Wait until the app has stopped calling Slack (its listeners run after the answer)."""
    seen, since = -1, time.monotonic()
    deadline = since + 10
    while time.monotonic() < deadline:
        count = len(harness.fake.calls())
        if count != seen:
            seen, since = count, time.monotonic()
        elif time.monotonic() - since > quiet:
            return
        time.sleep(0.02)


def fingerprint(harness: Harness) -> tuple[object, ...]:
    """Return the data's token and the number of rows of every table."""
    with session_scope(harness.sessions) as session:
        counts = tuple(
            session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        )
        return current_token(session), counts


def readable(replies: list[dict[str, Any]]) -> str:
    """Assert replies say something, within the rules; return their text."""
    assert replies, "no answer"
    body = json.dumps(replies, ensure_ascii=False)
    assert "Traceback" not in body
    assert SORRY not in body
    for live in LIVE:
        assert live not in body
    assert all(r.get("text") for r in replies)
    return body


def slash(harness: Harness, text: str, who: str = COORDINATOR) -> str:
    # A form-encoded command is UTF-8: half a surrogate pair arrives as a replacement character.
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return readable(harness.slash(who, text, settle=0.02))


# --- /hlm -------------------------------------------------------------------------------------

SLASH_REFUSALS = [
    pytest.param("status ²", "No area", id="status-unicode-digit"),
    pytest.param("status #²", "No area", id="status-hash-unicode-digit"),
    pytest.param("status 99999999999999999999", "No area", id="status-huge-number"),
    pytest.param("show hlm99999999999999999999/gender-1", "No commitment", id="show-huge-meeting"),
    pytest.param("show hlm²/gender-1", "No commitment", id="show-unicode-meeting"),
    pytest.param("show <!channel>", "&lt;!channel&gt;", id="show-forged-mention"),
    pytest.param("update <!here> on-track", "&lt;!here&gt;", id="update-forged-mention"),
    pytest.param("status <!everyone>", "&lt;!everyone&gt;", id="status-forged-mention"),
    pytest.param("meeting remove ²", "meeting", id="meeting-remove-unicode-digit"),
    pytest.param("meeting remove 99999999999999999999", "meeting", id="meeting-remove-huge"),
    pytest.param("meeting remove -1", "meeting", id="meeting-remove-negative"),
    pytest.param("meeting add 9999-12-31 Far away", "year", id="meeting-add-year-9999"),
    pytest.param("meeting add 0001-01-01 Long ago", "year", id="meeting-add-year-1"),
    pytest.param("meeting add 2099-01-01 Later", "year", id="meeting-add-year-2099"),
    pytest.param("digest 99999999999999999999", "meeting", id="digest-huge-number"),
    pytest.param("digest ²", "meeting", id="digest-unicode-digit"),
    pytest.param("away 9999-12-31", "year", id="away-year-9999"),
    pytest.param("assign gender-7 <@U0NOBODY> ec", "", id="assign-stranger"),
]


@pytest.mark.parametrize(("text", "said"), SLASH_REFUSALS)
def test_a_hostile_slash_command_is_refused_clearly_and_writes_nothing(
    harness: Harness, text: str, said: str
) -> None:
    before = fingerprint(harness)
    body = slash(harness, text)
    assert said.lower() in body.lower()
    assert fingerprint(harness) == before


def test_a_meeting_kept_to_a_sane_year_still_exports_as_a_calendar(harness: Harness) -> None:
    slash(harness, "meeting add 2027-03-04 Spring review")
    body = slash(harness, "meeting list")
    assert "Spring review" in body


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@SLOW_ENOUGH
@given(
    name=st.sampled_from([*SUBCOMMANDS, *ALIASES]),
    args=st.lists(WORDS, max_size=4),
    who=st.sampled_from([COORDINATOR, FRANS, "U0STRANGER"]),
)
def test_every_subcommand_answers_any_arguments_readably(
    harness: Harness, name: str, args: list[str], who: str
) -> None:
    slash(harness, " ".join([name, *args]), who)


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@SLOW_ENOUGH
@given(name=st.sampled_from(SUBCOMMANDS), args=st.lists(NUMBERS, min_size=1, max_size=3))
def test_a_read_only_subcommand_given_numbers_writes_nothing(
    harness: Harness, name: str, args: list[str]
) -> None:
    if name in {"update", "assign", "unassign", "away", "meeting"}:
        args = [*args[:1], "<!channel>"]  # never a valid target, status or date
    before = fingerprint(harness)
    # Subcommands about one's own time write for the one asking: asked by a stranger, they write
    # nothing either.
    own_time = {"away", "back", "snooze", "hours", "undo"}
    slash(harness, " ".join([name, *args]), "U0STRANGER" if name in own_time else COORDINATOR)
    assert fingerprint(harness) == before


# --- Interactive payloads ---------------------------------------------------------------------


def modal_values(harness: Harness, text: Any = "Workshop held", next_step: Any = "") -> Any:
    r = harness.requests
    return {
        ids.B_STATUS: {ids.A_STATUS: r.select_value("on_track")},
        ids.B_TEXT: {ids.A_TEXT: {"type": "plain_text_input", "value": text}},
        ids.B_LINK: {ids.A_LINK: r.url_value(None)},
        ids.B_NEXT: {ids.A_NEXT: {"type": "plain_text_input", "value": next_step}},
    }


GENDER_7_EC = DetailsModal(key="hlm15/gender-7", institution=Institution.COMMISSION).encode()


def submit_modal(harness: Harness, values: Any, meta: Any = GENDER_7_EC) -> tuple[int, str]:
    built = harness.requests.view_submission(
        FRANS, ids.DETAILS_MODAL, values, private_metadata=meta
    )
    return harness.post(built)


def modal_answer(answer: tuple[int, str]) -> dict[str, Any]:
    """Assert a modal submission was answered (closed, or kept open with a reason)."""
    status, body = answer
    assert status == 200, body
    assert "Traceback" not in body
    return json.loads(body) if body.strip() else {}


MODAL_CASES = [
    pytest.param(lambda h: modal_values(h, text="\ud800"), GENDER_7_EC, id="lone-surrogate-text"),
    pytest.param(lambda h: modal_values(h, next_step="a\udfffb"), GENDER_7_EC, id="lone-surrogate-next"),
    pytest.param(lambda h: modal_values(h), str(2**63 + 1), id="metadata-huge-number"),
    pytest.param(lambda h: modal_values(h), 2**64, id="metadata-huge-json-number"),
    pytest.param(lambda h: modal_values(h), None, id="metadata-null"),
    pytest.param(lambda h: modal_values(h), ["x"], id="metadata-list"),
    pytest.param(lambda h: modal_values(h), '{"c":"hlm15/gender-7","i":"ec","p":' + "9" * 25 + "}", id="metadata-huge-prompt"),
    pytest.param(lambda h: [1, 2], GENDER_7_EC, id="values-a-list"),
    pytest.param(lambda h: None, GENDER_7_EC, id="values-null"),
    pytest.param(lambda h: {ids.B_STATUS: [1]}, GENDER_7_EC, id="block-a-list"),
    pytest.param(lambda h: {ids.B_STATUS: {ids.A_STATUS: 7}}, GENDER_7_EC, id="input-a-number"),
    pytest.param(lambda h: {ids.B_STATUS: {ids.A_STATUS: {"selected_option": [1]}}}, GENDER_7_EC, id="option-a-list"),
    pytest.param(lambda h: {ids.B_TEXT: {ids.A_TEXT: {"value": 2**70}}}, GENDER_7_EC, id="text-a-number"),
    pytest.param(lambda h: {ids.B_TEXT: {ids.A_TEXT: {"value": ["a"]}}}, GENDER_7_EC, id="text-a-list"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "meta"), MODAL_CASES)
def test_a_hostile_details_form_is_always_answered(
    harness: Harness, make: Callable[[Harness], Any], meta: Any
) -> None:
    before = fingerprint(harness)
    answer = modal_answer(submit_modal(harness, make(harness), meta))
    if answer.get("response_action") == "errors":
        assert all(answer["errors"].values())
        assert fingerprint(harness) == before


def test_a_lone_surrogate_in_the_details_text_is_recorded_without_it(harness: Harness) -> None:
    answer = modal_answer(submit_modal(harness, modal_values(harness, text="held\ud800 ok")))
    assert answer == {}


def state_of(values: Any) -> Any:
    return {"values": values}


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@SLOW_ENOUGH
@given(values=SHAPES, meta=st.one_of(SHAPES, st.sampled_from(HUGE)))
def test_any_details_form_shape_is_answered_and_refusals_write_nothing(
    harness: Harness, values: Any, meta: Any
) -> None:
    before = fingerprint(harness)
    answer = modal_answer(submit_modal(harness, values, meta))
    assert answer.get("response_action") == "errors"
    assert fingerprint(harness) == before


ACTIONS = [
    f"{ids.STATUS_ACTION}:on_track",
    ids.CONFIRM_ACTION,
    ids.FORM_OPEN,
    f"{ids.FORM_PAGE}:next",
    ids.SKIP_OPEN,
    ids.DETAILS_ACTION,
    ids.PICK_ACTION,
    ids.SHARE_ACTION,
    ids.HOME_MORE_ACTION,
]


def click(harness: Harness, action_id: str, value: Any, **where: Any) -> int:
    built = harness.requests.block_action(
        FRANS,
        action_id,
        response_url=harness.fake.response_url("act"),
        channel_id="DU0ECFRANS",
        **where,
    )
    payload = _payload_of(built)  # then any JSON shape goes where the value goes
    payload["actions"][0]["value"] = value
    if action_id == ids.PICK_ACTION:
        payload["actions"][0]["selected_option"] = {"value": value}
    status, _ = harness.post(harness.requests._interactive(payload))
    return status


def _payload_of(built: tuple[str, dict[str, str]]) -> dict[str, Any]:
    from urllib.parse import parse_qs

    return dict(json.loads(parse_qs(built[0])["payload"][0]))


def apologies(harness: Harness) -> list[dict[str, Any]]:
    settle(harness)
    return [c.params for c in harness.fake.calls("response_url") if SORRY in str(c.params)]


ACTION_VALUES = [
    pytest.param(str(2**64), id="huge-number"),
    pytest.param("²", id="unicode-digit"),
    pytest.param("\ud800", id="lone-surrogate"),
    pytest.param('{"c":"hlm15/gender-7","i":"ec","s":"on_track","p":' + "9" * 25 + "}", id="huge-prompt"),
    pytest.param('{"c":"hlm15/gender-7","i":"ec","r":"1.1","p":-1}', id="negative-prompt"),
    pytest.param("status <!channel>", id="forged-mention"),
    pytest.param(2**70, id="json-number"),
    pytest.param(["a"], id="json-list"),
    pytest.param({"c": 1}, id="json-object"),
]  # fmt: skip


@pytest.mark.parametrize("action_id", ACTIONS)
@pytest.mark.parametrize("value", ACTION_VALUES)
def test_a_hostile_click_is_answered_without_a_crash_or_a_write(
    harness: Harness, action_id: str, value: Any
) -> None:
    before = fingerprint(harness)
    assert click(harness, action_id, value) == 200
    assert apologies(harness) == []
    assert "<!channel>" not in json.dumps([c.params for c in harness.fake.calls()])
    assert fingerprint(harness) == before


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@SLOW_ENOUGH
@given(action_id=st.sampled_from(ACTIONS), value=st.one_of(SHAPES, WORDS))
def test_any_value_on_any_button_is_answered_without_a_crash(
    harness: Harness, action_id: str, value: Any
) -> None:
    before = fingerprint(harness)
    assert click(harness, action_id, value) == 200
    assert apologies(harness) == []
    assert fingerprint(harness) == before


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@SLOW_ENOUGH
@given(user=st.one_of(WORDS, SHAPES), tab=st.one_of(st.just("home"), SHAPES))
def test_app_home_opened_by_anyone_is_answered(harness: Harness, user: Any, tab: Any) -> None:
    event = harness.requests.app_home_opened("U0X") | {"user": user, "tab": tab}
    status, _ = harness.post(harness.requests.event(event))
    # A shape Bolt cannot even read (a user that is no id) is refused plainly: 400, never 5xx.
    assert status == 200 if isinstance(user, str) else status < 500
    settle(harness)


# --- DM messages ------------------------------------------------------------------------------


def thread_reply(harness: Harness, text: Any) -> list[dict[str, Any]]:
    """Reply in Frans's check-in thread; return what the bot then said in that thread."""
    checkin = dm(harness, FRANS)

    def in_thread() -> list[dict[str, Any]]:
        messages = harness.fake.messages(checkin["channel"])
        return [m for m in messages if m.get("thread_ts") == checkin["ts"]]

    before = len(in_thread())
    event = harness.requests.dm_message(
        FRANS, "x", channel=checkin["channel"], thread_ts=checkin["ts"]
    ) | {"text": text}
    status, _ = harness.post(harness.requests.event(event))
    assert status == 200
    settle(harness)
    return in_thread()[before:]


@pytest.mark.parametrize("length", [4_179, 51_599, 200_000])
def test_an_overlong_thread_reply_is_refused_in_the_thread_with_the_limit(
    harness: Harness, length: int
) -> None:
    send_all(harness)
    before = fingerprint(harness)
    [said] = thread_reply(harness, "on track " + "x" * (length - 9))
    assert "3,000" in said["text"] or "3000" in said["text"]
    assert "nothing was recorded" in said["text"].lower()
    assert fingerprint(harness) == before


DM_CASES = [
    pytest.param("\ud800", id="lone-surrogate"),
    pytest.param("on track \udfff", id="status-and-lone-surrogate"),
    pytest.param("<!channel> done", id="forged-mention"),
    pytest.param(2**70, id="a-number"),
    pytest.param(["done"], id="a-list"),
    pytest.param(None, id="null"),
]


@pytest.mark.parametrize("text", DM_CASES)
def test_a_hostile_thread_reply_is_answered_in_the_thread(harness: Harness, text: Any) -> None:
    send_all(harness)
    said = thread_reply(harness, text)
    body = json.dumps(said, ensure_ascii=False)
    assert "<!channel>" not in body
    assert all(m.get("text") for m in said)


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@SLOW_ENOUGH
@given(text=st.one_of(WORDS, st.text(max_size=300)), thread=st.one_of(st.none(), WORDS, SHAPES))
def test_any_dm_is_answered_without_a_crash(harness: Harness, text: str, thread: Any) -> None:
    event = harness.requests.dm_message(FRANS, text) | {"thread_ts": thread}
    status, _ = harness.post(harness.requests.event(event))
    assert status < 500
    settle(harness)


SAID = st.fixed_dictionaries(
    {"user": st.one_of(st.just(FRANS), SHAPES), "text": st.one_of(WORDS, SHAPES)},
    optional={"ts": st.one_of(st.just("1800000000.000001"), SHAPES), "thread_ts": SHAPES},
)


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@SLOW_ENOUGH
@given(
    subtype=st.sampled_from(["message_changed", "message_deleted", "thread_broadcast"]),
    message=st.one_of(SAID, SHAPES),
    previous=st.one_of(SAID, SHAPES),
    deleted=st.one_of(st.just("1800000000.000001"), SHAPES),
)
def test_any_edit_deletion_or_broadcast_is_answered_without_a_crash(
    harness: Harness, subtype: str, message: Any, previous: Any, deleted: Any
) -> None:
    event = harness.requests.dm_message(FRANS, "gender-7 done") | {
        "subtype": subtype, "message": message, "previous_message": previous,
        "deleted_ts": deleted,
    }  # fmt: skip
    status, _ = harness.post(harness.requests.event(event))
    assert status < 500
    settle(harness)
    sent = json.dumps([c.params for c in harness.fake.calls()], ensure_ascii=False)
    assert SORRY not in sent
    assert not any(live in sent for live in LIVE[:3])
