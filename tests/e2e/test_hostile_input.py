"""Hostile and random input never breaks the app: no 5xx, no traceback, limits kept, mentions
escaped; forged or replayed signatures are refused. (bench/drills.py runs 10,000 of these.)"""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.views.blocks import problems
from fake_slack import SlackRequests, sign
from tests.e2e.conftest import COORDINATOR, FRANS, SECRET, Harness

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0ILOCOORD>",
    "<https://evil.example|minutes>",
    "&",
    "*bold*",
    "`code`",
    "\u0000",
    "🙂",
    "gender-7",
    "status",
    "update",
    "on track",
    "assign",
    "' OR 1=1 --",
    "\\",
    "\n",
]
words = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
texts = st.lists(words, max_size=12).map(" ".join)
SPECIAL = ("<!channel>", "<!here>", "<!everyone>", "<https://evil.example|")


def check(replies: list[dict[str, object]]) -> None:
    body = json.dumps(replies, ensure_ascii=False)
    assert "Traceback" not in body
    for special in SPECIAL:
        assert special not in body
    for reply in replies:
        assert problems(reply.get("blocks") or []) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts, who=st.sampled_from([COORDINATOR, FRANS, "U0STRANGER"]))
def test_any_hlm_text_gets_a_readable_reply_within_limits(
    harness: Harness, text: str, who: str
) -> None:
    check(harness.slash(who, text, settle=0.02))


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=st.one_of(
        st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))
    )
)
def test_malformed_signed_payloads_never_get_a_server_error(harness: Harness, payload: str) -> None:
    for body in (
        f"payload={payload}",
        payload,
        json.dumps({"type": "event_callback", "event": payload}),
    ):
        headers = {"Content-Type": "application/x-www-form-urlencoded"} | sign(SECRET, body)
        status, _ = harness.post((body, headers))
        assert status < 500


@pytest.mark.parametrize(
    "sender",
    [
        pytest.param(SlackRequests(SECRET, forge=True), id="forged"),
        pytest.param(SlackRequests(SECRET, age=600), id="replayed-ten-minutes-later"),
    ],
)
def test_forged_or_replayed_commands_are_refused_and_never_answered(
    harness: Harness, sender: SlackRequests
) -> None:
    url = harness.fake.response_url("attacker")
    status, _ = harness.post(sender.slash_command(COORDINATOR, "status", response_url=url))
    assert status == 401
    time.sleep(0.2)  # a reply would have been posted by now
    assert harness.fake.calls("response_url") == []
