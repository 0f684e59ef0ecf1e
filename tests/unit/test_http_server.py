"""The HTTP server: its worker set-up, and the checks a request passes before Bolt sees it."""

from __future__ import annotations

import gc
import hashlib
import hmac
import io
import json
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest
from slack_bolt import BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.signature import SignatureVerifier

from bot.http import MAX_BODY_BYTES, Refused, _read_body, _Server, readable, signed
from bot.middleware import (
    FOREIGN,
    UNKNOWN,
    KeptAck,
    Workspace,
    WorkspaceGuard,
    foreign,
    learn_workspace,
)
from bot.settings import Settings, SettingsError, get_settings
from fake_slack import FakeSlack, sign


def wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    return [b""]


def test_a_worker_freezes_what_it_built_so_full_collections_leave_it_alone() -> None:
    server = _Server(lambda: wsgi, {"bind": "127.0.0.1:0", "workers": 1})
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        assert server.load() is wsgi
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


# --- the edge's checks, before Bolt ----------------------------------------------------------

SECRET = "unit-signing-secret"
VERIFIER = SignatureVerifier(SECRET)
BODY = b"command=%2Fhlm&text=status&team_id=T0HLM&api_app_id=A0HLM"


def environ(
    body: bytes = BODY, *, timestamp: str | None = None, signature: str | None = None
) -> dict[str, Any]:
    """A WSGI environ for a POST to /slack/events, signed unless told otherwise."""
    stamp = str(int(time.time())) if timestamp is None else timestamp
    signed = sign(SECRET, body.decode("latin-1"), int(stamp) if stamp.isdigit() else 0)
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_SLACK_SIGNATURE": signed["X-Slack-Signature"] if signature is None else signature,
    }  # fmt: skip


def test_a_body_slack_signed_just_now_is_verified() -> None:
    assert signed(VERIFIER, environ(), BODY)


NOW = str(int(time.time()))


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"HTTP_X_SLACK_REQUEST_TIMESTAMP": "١٧٠٠٠٠٠٠٠٠"}, id="arabic-digits"),
        pytest.param({"HTTP_X_SLACK_REQUEST_TIMESTAMP": "abc"}, id="letters"),
        pytest.param({"HTTP_X_SLACK_REQUEST_TIMESTAMP": " " + NOW}, id="leading-space"),
        pytest.param({"HTTP_X_SLACK_REQUEST_TIMESTAMP": NOW + "\n"}, id="trailing-newline"),
        pytest.param({"HTTP_X_SLACK_REQUEST_TIMESTAMP": "9" * 5000}, id="5000-digits"),
        pytest.param({"HTTP_X_SLACK_REQUEST_TIMESTAMP": "-" + NOW}, id="negative"),
        pytest.param({"HTTP_X_SLACK_REQUEST_TIMESTAMP": str(int(NOW) - 301)}, id="stale"),
        pytest.param({"HTTP_X_SLACK_SIGNATURE": "v0=" + "é" * 64}, id="signature-not-ascii"),
        pytest.param({"HTTP_X_SLACK_SIGNATURE": "v0=" + "0" * 64}, id="signature-wrong"),
        pytest.param({"HTTP_X_SLACK_SIGNATURE": "v0=" + "0" * 65}, id="signature-too-long"),
        pytest.param({"HTTP_X_SLACK_SIGNATURE": None}, id="signature-missing"),
        pytest.param({"HTTP_X_SLACK_REQUEST_TIMESTAMP": None}, id="timestamp-missing"),
    ],
)
def test_a_request_without_slacks_recent_signature_is_not_verified(
    changes: dict[str, str | None],
) -> None:
    found = environ()
    for key, value in changes.items():
        if value is None:
            del found[key]
        else:
            found[key] = value
    assert not signed(VERIFIER, found, BODY)


def test_a_body_that_is_not_utf8_is_not_verified_even_with_a_matching_signature() -> None:
    body = b"text=\xff"
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    found = environ(body, timestamp=stamp, signature="v0=" + digest.hexdigest())
    assert not signed(VERIFIER, found, body)


class Unreadable(io.RawIOBase):
    """A request body that must not be read."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def test_a_body_declared_over_the_cap_is_refused_without_reading_it() -> None:
    found = environ() | {"CONTENT_LENGTH": str(MAX_BODY_BYTES + 1), "wsgi.input": Unreadable()}
    with pytest.raises(Refused) as refused:
        _read_body(found)
    assert refused.value.status.startswith("413")


def test_a_body_without_a_length_is_read_only_just_past_the_cap() -> None:
    stream = io.BytesIO(b"x" * (MAX_BODY_BYTES + 1000))
    with pytest.raises(Refused) as refused:
        _read_body({"wsgi.input": stream})
    assert refused.value.status.startswith("413")
    assert stream.tell() == MAX_BODY_BYTES + 1


def test_a_body_at_the_cap_is_read_and_put_back_for_bolt() -> None:
    found: dict[str, Any] = {"wsgi.input": io.BytesIO(b"x" * MAX_BODY_BYTES)}
    assert len(_read_body(found)) == MAX_BODY_BYTES
    assert found["CONTENT_LENGTH"] == str(MAX_BODY_BYTES)
    assert len(found["wsgi.input"].read()) == MAX_BODY_BYTES


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "١٢", "1.5", "9" * 40])
def test_a_malformed_content_length_is_refused(length: str) -> None:
    with pytest.raises(Refused) as refused:
        _read_body({"CONTENT_LENGTH": length, "wsgi.input": Unreadable()})
    assert refused.value.status[:3] in {"400", "413"}


JSON = "application/json; charset=utf-8"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b'{"a":' * 50_000 + b"1" + b"}" * 50_000, None, id="nested-json"),
        pytest.param(b"[" * 50_000, JSON, id="nested-json-array"),
        pytest.param(b"payload=" + b"%5B" * 50_000, None, id="nested-payload"),
        pytest.param(b"[]", JSON, id="json-array"),
        pytest.param(b'{"event": []}', None, id="event-not-an-object"),
        pytest.param(b"payload=%7B", None, id="payload-broken"),
        pytest.param(b"payload=1", None, id="payload-not-an-object"),
        pytest.param(b"\xff", None, id="not-utf8"),
    ],
)
def test_a_body_bolt_could_not_take_apart_is_unreadable(
    body: bytes, content_type: str | None
) -> None:
    assert not readable(body, content_type)


def test_slack_shaped_bodies_are_readable() -> None:
    assert readable(BODY)
    assert readable(b'payload={"type": "block_actions"}')
    assert readable(b'{"type": "event_callback", "event": {"type": "message"}}', "application/json")
    assert readable(b"")


# --- the workspace check -----------------------------------------------------------------

OURS = Workspace(team_id="T0HLM", app_id="A0HLM", enterprise_id=None, enterprise_known=True)
COMMAND = {"team_id": "T0HLM", "api_app_id": "A0HLM", "command": "/hlm"}
ACTION = {
    "type": "block_actions", "api_app_id": "A0HLM", "team": {"id": "T0HLM"},
    "user": {"id": "U1", "team_id": "T0HLM"}, "view": {"team_id": "T0HLM", "app_id": "A0HLM"},
}  # fmt: skip
EVENT = {
    "type": "event_callback", "team_id": "T0HLM", "api_app_id": "A0HLM",
    "authorizations": [{"team_id": "T0HLM", "enterprise_id": None, "is_enterprise_install": False}],
}  # fmt: skip


@pytest.mark.parametrize("body", [COMMAND, ACTION, EVENT], ids=["command", "action", "event"])
def test_requests_from_our_workspace_and_app_are_ours(body: dict[str, Any]) -> None:
    assert foreign(OURS, body) is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(COMMAND | {"team_id": "T0OTHER"}, id="command-other-team"),
        pytest.param(COMMAND | {"api_app_id": "A0OTHER"}, id="command-other-app"),
        pytest.param({"team_id": "T0HLM", "command": "/hlm"}, id="command-without-app"),
        pytest.param({"api_app_id": "A0HLM", "command": "/hlm"}, id="command-without-team"),
        pytest.param(COMMAND | {"enterprise_id": "E0OTHER"}, id="command-other-enterprise"),
        pytest.param(COMMAND | {"is_enterprise_install": "true"}, id="command-org-wide"),
        pytest.param(COMMAND | {"team_id": ["T0HLM"]}, id="team-as-a-list"),
        pytest.param(ACTION | {"team": {"id": "T0OTHER"}}, id="action-other-team"),
        pytest.param(ACTION | {"user": {"team_id": "T0OTHER"}}, id="action-user-other-team"),
        pytest.param(ACTION | {"view": {"app_id": "A0OTHER"}}, id="action-view-of-other-app"),
        pytest.param(
            ACTION | {"view": {"app_installed_team_id": "T0OTHER"}}, id="view-installed-elsewhere"
        ),
        pytest.param(
            ACTION
            | {
                "team": None,
                "user": {"team_id": "E0OTHER"},
                "enterprise": {"id": "E0OTHER"},
                "is_enterprise_install": True,
            },
            id="action-enterprise-only",
        ),
        pytest.param(
            EVENT | {"authorizations": [{"team_id": "T0OTHER"}]}, id="event-authorized-elsewhere"
        ),
        pytest.param(
            EVENT | {"authorizations": [{"team_id": "T0HLM", "is_enterprise_install": True}]},
            id="event-org-wide",
        ),
        pytest.param({"type": "event_callback"}, id="names-nothing"),
    ],
)
def test_requests_naming_another_workspace_or_app_are_foreign(body: dict[str, Any]) -> None:
    assert foreign(OURS, body) is not None


def test_an_enterprise_is_checked_only_when_slack_said_which_one_is_ours() -> None:
    configured = Workspace(team_id="T0HLM", app_id="A0HLM")
    in_enterprise = COMMAND | {"enterprise_id": "E0HLM"}
    assert foreign(configured, in_enterprise) is None
    assert foreign(OURS, in_enterprise) is not None
    assert foreign(replace(OURS, enterprise_id="E0HLM"), in_enterprise) is None


def bolt_request(body: dict[str, Any]) -> BoltRequest:
    return BoltRequest(body=json.dumps(body), headers={"content-type": "application/json"})


PASSED = BoltResponse(status=200, body="passed")


def test_the_guard_lets_our_requests_through_and_answers_others_shortly() -> None:
    guard = WorkspaceGuard(lambda: OURS)
    assert guard.process(req=bolt_request(EVENT), resp=PASSED, next=lambda: PASSED) is PASSED
    refused = guard.process(
        req=bolt_request(COMMAND | {"team_id": "T0X"}), resp=PASSED, next=lambda: PASSED
    )
    assert (refused.status, refused.body) == (200, FOREIGN)


def test_slacks_url_verification_names_no_workspace_and_passes() -> None:
    guard = WorkspaceGuard(lambda: OURS)
    request = bolt_request({"type": "url_verification", "challenge": "c", "token": "t"})
    assert guard.process(req=request, resp=PASSED, next=lambda: PASSED) is PASSED


def test_the_guard_asks_slack_again_until_it_knows_the_workspace() -> None:
    answers: list[Workspace | Exception] = [
        SlackClientError("down"),
        SlackClientError("down"),
        OURS,
    ]

    def learn() -> Workspace:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    guard = WorkspaceGuard(learn)  # Slack down at start-up
    unknown = guard.process(req=bolt_request(EVENT), resp=PASSED, next=lambda: PASSED)
    assert (unknown.status, unknown.body) == (200, UNKNOWN)
    assert guard.process(req=bolt_request(EVENT), resp=PASSED, next=lambda: PASSED) is PASSED
    assert answers == []


def settings(**ids: str) -> Settings:
    return Settings(_env_file=None, **ids)  # type: ignore[arg-type]


def test_the_workspace_is_learned_from_auth_test_when_not_configured() -> None:
    with FakeSlack(team_id="T0LEARNT", app_id="A0LEARNT") as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url, timeout=5)
        learnt = learn_workspace(settings(), client)
        assert [c.method for c in fake.calls()] == ["auth.test"]
    assert learnt == Workspace("T0LEARNT", "A0LEARNT", None, enterprise_known=True)


def test_configured_ids_need_no_call_to_slack() -> None:
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url, timeout=5)
        found = learn_workspace(settings(slack_team_id="T0SET", slack_app_id="A0SET"), client)
        assert fake.calls() == []
    assert found == Workspace("T0SET", "A0SET")


@pytest.mark.parametrize("name", ["slack_team_id", "slack_app_id"])
def test_a_malformed_workspace_or_app_id_is_named_in_the_error(name: str) -> None:
    with pytest.raises(SettingsError, match=name.upper()):
        get_settings(_env_file=None, **{name: "not an id"})


def test_an_acknowledgement_once_given_stays_the_answer() -> None:
    ack = KeptAck()
    assert ack.response is None
    ack("Noted.")
    ack.response = None  # what Bolt's runner does when the listener raises afterwards
    ack.response = BoltResponse(status=500)
    assert ack.response is not None
    assert (ack.response.status, ack.response.body) == (200, "Noted.")
