"""The HTTP edge does nothing for a request it cannot trust: unverified, oversized, malformed,
sent with another method or to another path, or naming another workspace or app. Every case is
sent over loopback HTTP to the real app, then nothing may have happened: no Web API call, no
post to a response_url, no row written."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import io
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_bolt import BoltRequest
from sqlalchemy import func, select

from bot.http import MAX_BODY_BYTES, make_wsgi_app
from bot.middleware import FOREIGN
from bot.views import ids
from tests.e2e.conftest import COORDINATOR, FRANS, SECRET, Harness
from workflows.store.db import Base
from workflows.store.models import TechnicalMeeting

Built = tuple[str, dict[str, str]]
Request = tuple[str, str, bytes, dict[str, str]]  # method, path, body, headers
MEETING = "meeting add 2026-12-03 Drill meeting areas: gender"
EVENTS = "/slack/events"


def send(harness: Harness, request: Request) -> tuple[int, str]:
    """Send a request as given (any method, path, bytes and headers); return status and body."""
    method, path, body, headers = request
    address = urlsplit(harness.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def rows(harness: Harness) -> dict[str, int]:
    """Count the rows of every table."""
    with harness.sessions() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return f"v0={digest.hexdigest()}"


def now() -> str:
    return str(int(time.time()))


# --- requests, as Slack would send them, then spoilt --------------------------------------


def command(harness: Harness, text: str = MEETING) -> Built:
    """A coordinator's command that writes a meeting, answering at a recorded response_url."""
    return harness.requests.slash_command(
        COORDINATOR, text, response_url=harness.fake.response_url("edge")
    )


def action(harness: Harness) -> Built:
    return harness.requests.block_action(
        FRANS, ids.HOME_MORE_ACTION, value="x", response_url=harness.fake.response_url("edge")
    )


def submission(harness: Harness) -> Built:
    return harness.requests.view_submission(FRANS, ids.DETAILS_MODAL, {})


def home_opened(harness: Harness) -> Built:
    return harness.requests.event(harness.requests.app_home_opened(FRANS))


def post(built: Built, path: str = EVENTS) -> Request:
    body, headers = built
    return "POST", path, body.encode(), headers


def restamped(built: Built, timestamp: str, *, secret: str = SECRET) -> Request:
    """Sign a body with this timestamp, exactly as Slack would have (so only the stamp is odd)."""
    body, headers = built
    stamped = headers | {"X-Slack-Request-Timestamp": timestamp}
    stamped["X-Slack-Signature"] = signature(secret, timestamp, body.encode())
    return "POST", EVENTS, body.encode(), stamped


def with_headers(built: Built, **changes: str | None) -> Request:
    body, headers = built
    changed = headers | {k.replace("_", "-"): v for k, v in changes.items() if v is not None}
    for name in [k.replace("_", "-") for k, v in changes.items() if v is None]:
        changed.pop(name)
    return "POST", EVENTS, body.encode(), changed


def signed(body: bytes, content_type: str = "application/x-www-form-urlencoded") -> Request:
    stamp = now()
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp}
    return "POST", EVENTS, body, headers | {"X-Slack-Signature": signature(SECRET, stamp, body)}


def capitals(built: Built) -> Request:
    return with_headers(built, X_Slack_Signature=built[1]["X-Slack-Signature"].upper())


def appended(built: Built, extra: bytes) -> Request:
    body, headers = built
    return "POST", EVENTS, body.encode() + extra, headers


def unsigned(body: bytes, content_type: str = "application/x-www-form-urlencoded") -> Request:
    return "POST", EVENTS, body, {"Content-Type": content_type}


def changed(built: Built, change: Callable[[dict[str, Any]], None]) -> Request:
    """Change a request's fields (in `payload=` or the JSON), then sign it again properly."""
    body, headers = built
    content_type = headers["Content-Type"]
    if content_type == "application/json":
        data = json.loads(body)
        change(data)
        return signed(json.dumps(data).encode(), content_type)
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        payload = json.loads(form["payload"])
        change(payload)
        form["payload"] = json.dumps(payload)
    else:
        change(form)
    return signed(urlencode(form).encode(), content_type)


def nested(depth: int = 100_000) -> str:
    return '{"a":' * depth + "1" + "}" * depth


Case = Callable[[Harness], Request]


def case(build: Case, status: int, id: str) -> Any:
    return pytest.param(build, status, id=id)


UNVERIFIED = [
    case(lambda h: restamped(command(h), "abc"), 401, "timestamp-not-a-number"),
    case(lambda h: restamped(command(h), "1e9"), 401, "timestamp-in-exponent-form"),
    case(lambda h: restamped(command(h), ""), 401, "timestamp-empty"),
    case(lambda h: restamped(command(h), "9" * 5000), 401, "timestamp-5000-digits"),
    case(lambda h: restamped(command(h), "9" * 30), 401, "timestamp-huge"),
    case(lambda h: restamped(command(h), "-" + now()), 401, "timestamp-negative"),
    case(lambda h: restamped(command(h), f"{time.time():.3f}"), 401, "timestamp-float"),
    case(lambda h: restamped(command(h), "+" + now()), 401, "timestamp-with-plus-sign"),
    case(lambda h: restamped(command(h), " " + now()), 401, "timestamp-with-space"),
    case(lambda h: restamped(command(h), now()[:4] + "_" + now()[4:]), 401, "timestamp-with-underscore"),
    case(lambda h: restamped(command(h), now() + ", " + now()), 401, "timestamp-repeated"),
    case(lambda h: restamped(command(h), str(int(time.time()) - 301)), 401, "timestamp-stale"),
    case(lambda h: restamped(command(h), str(int(time.time()) + 600)), 401, "timestamp-from-the-future"),
    case(lambda h: restamped(command(h), "0"), 401, "timestamp-zero"),
    case(lambda h: with_headers(command(h), X_Slack_Request_Timestamp=None), 401, "timestamp-missing"),
    case(lambda h: restamped(command(h), now(), secret="not-the-secret"), 401, "signed-with-another-secret"),
    case(lambda h: with_headers(command(h), X_Slack_Signature=None), 401, "signature-missing"),
    case(lambda h: with_headers(command(h), X_Slack_Signature=""), 401, "signature-empty"),
    case(lambda h: with_headers(command(h), X_Slack_Signature="v0=" + "0" * 64), 401, "signature-zeros"),
    case(lambda h: with_headers(command(h), X_Slack_Signature="v0=ÿ" + "0" * 63), 401, "signature-not-ascii"),
    case(lambda h: with_headers(command(h), X_Slack_Signature="v1=" + "0" * 64), 401, "signature-other-version"),
    case(lambda h: capitals(command(h)), 401, "signature-in-capitals"),
    case(lambda h: appended(command(h), b"&x=1"), 401, "body-changed-after-signing"),
    case(lambda h: signed(command(h)[0].encode() + b"&text=\xff\xfe"), 401, "body-not-utf8"),
    case(lambda h: unsigned(command(h)[0].encode()), 401, "unsigned-command"),
    case(lambda h: unsigned(("[" * 100_000).encode(), "application/json"), 401, "unsigned-nested-json-array"),
    case(lambda h: unsigned(nested().encode(), "application/json"), 401, "unsigned-nested-json-object"),
    case(lambda h: unsigned(b"payload=" + b"%5B" * 100_000), 401, "unsigned-nested-payload"),
    case(lambda h: unsigned(urlencode({"payload": nested(50_000)}).encode()), 401, "unsigned-nested-object-payload"),
]  # fmt: skip

MALFORMED = [
    case(lambda h: signed(nested().encode(), "application/json"), 400, "nested-json-object"),
    case(lambda h: signed(b"[" * 100_000 + b"]" * 100_000, "application/json"), 400, "nested-json-array"),
    case(lambda h: signed(nested().encode()), 400, "nested-json-sent-as-a-form"),
    case(lambda h: signed(b"payload=" + b"%5B" * 100_000 + b"%5D" * 100_000), 400, "nested-payload"),
    case(lambda h: signed(urlencode({"payload": nested(50_000)}).encode()), 400, "nested-object-payload"),
    case(lambda h: signed(b"{not json", "application/json"), 400, "json-broken"),
    case(lambda h: signed(b"[1, 2]", "application/json"), 400, "json-not-an-object"),
    case(lambda h: signed(b'{"type": "event_callback", "event": "x"}'), 400, "event-not-an-object"),
    case(lambda h: signed(b"payload=%7Bnot+json"), 400, "payload-broken"),
    case(lambda h: signed(b"payload=%5B1%5D"), 400, "payload-not-an-object"),
    case(lambda h: signed(b'payload={"type": "block_actions", "authorizations": "x"}'), 400, "authorizations-not-a-list"),
]  # fmt: skip

OVERSIZE = [
    case(lambda h: unsigned(b"x" * (MAX_BODY_BYTES + 1)), 413, "unsigned-just-over-the-cap"),
    case(lambda h: signed(b"text=" + b"x" * MAX_BODY_BYTES), 413, "signed-just-over-the-cap"),
    case(lambda h: unsigned(b"[" * (MAX_BODY_BYTES + 10), "application/json"), 413, "nested-over-the-cap"),
]  # fmt: skip

ELSEWHERE = [
    case(lambda h: ("GET", EVENTS, b"", {}), 405, "get-events"),
    case(lambda h: ("PUT", *post(command(h))[1:]), 405, "put-events"),
    case(lambda h: ("DELETE", EVENTS, b"", {}), 405, "delete-events"),
    case(lambda h: ("PATCH", *post(command(h))[1:]), 405, "patch-events"),
    case(lambda h: ("OPTIONS", EVENTS, b"", {}), 405, "options-events"),
    case(lambda h: ("POST", "/healthz", *post(command(h))[2:]), 405, "post-healthz"),
    case(lambda h: post(command(h), "/"), 404, "root"),
    case(lambda h: post(command(h), "/slack/events/"), 404, "trailing-slash"),
    case(lambda h: post(command(h), "/slack/Events"), 404, "other-case"),
    case(lambda h: post(command(h), "/slack/install"), 404, "install"),
    case(lambda h: ("GET", "/slack/oauth_redirect", b"", {}), 404, "oauth-redirect"),
    case(lambda h: ("GET", "/admin", b"", {}), 404, "unknown-path"),
]  # fmt: skip


def _set(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.__setitem__(key, value)


def _inner(key: str, inner: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda data: data[key].__setitem__(inner, value)


def _enterprise_only(data: dict[str, Any]) -> None:
    data |= {"team": None, "enterprise": {"id": "E0OTHER"}, "is_enterprise_install": True}
    data["user"]["team_id"] = "E0OTHER"


def _enterprise_only_event(data: dict[str, Any]) -> None:
    data |= {"team_id": None, "enterprise_id": "E0OTHER", "is_enterprise_install": True}
    data["authorizations"] = [{"enterprise_id": "E0OTHER", "team_id": None, "user_id": "UBOT",
                               "is_bot": True, "is_enterprise_install": True}]  # fmt: skip


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(key)


FOREIGN_CASES = [
    case(lambda h: changed(command(h), _set("team_id", "T0OTHER")), 200, "command-other-team"),
    case(lambda h: changed(command(h), _set("api_app_id", "A0OTHER")), 200, "command-other-app"),
    case(lambda h: changed(command(h), _drop("api_app_id")), 200, "command-without-app"),
    case(lambda h: changed(command(h), _drop("team_id")), 200, "command-without-team"),
    case(lambda h: changed(command(h), _set("enterprise_id", "E0OTHER")), 200, "command-other-enterprise"),
    case(lambda h: changed(command(h), _set("is_enterprise_install", "true")), 200, "command-org-wide"),
    case(lambda h: changed(action(h), _inner("team", "id", "T0OTHER")), 200, "action-other-team"),
    case(lambda h: changed(action(h), _inner("user", "team_id", "T0OTHER")), 200, "action-user-of-other-team"),
    case(lambda h: changed(action(h), _set("api_app_id", "A0OTHER")), 200, "action-other-app"),
    case(lambda h: changed(action(h), _enterprise_only), 200, "action-enterprise-only"),
    case(lambda h: changed(action(h), _set("enterprise", {"id": "E0OTHER"})), 200, "action-other-enterprise"),
    case(lambda h: changed(submission(h), _set("api_app_id", "A0OTHER")), 200, "submission-other-app"),
    case(lambda h: changed(submission(h), _inner("view", "app_id", "A0OTHER")), 200, "submission-view-of-other-app"),
    case(lambda h: changed(submission(h), _inner("view", "team_id", "T0OTHER")), 200, "submission-view-of-other-team"),
    case(lambda h: changed(submission(h), _inner("team", "id", "T0OTHER")), 200, "submission-other-team"),
    case(lambda h: changed(home_opened(h), _set("team_id", "T0OTHER")), 200, "event-other-team"),
    case(lambda h: changed(home_opened(h), _set("api_app_id", "A0OTHER")), 200, "event-other-app"),
    case(
        lambda h: changed(home_opened(h), lambda d: d["authorizations"][0].__setitem__("team_id", "T0OTHER")),
        200, "event-authorized-for-other-team",
    ),
    case(lambda h: changed(home_opened(h), _enterprise_only_event), 200, "event-enterprise-only"),
]  # fmt: skip


def assert_nothing_happened(harness: Harness, before: dict[str, int]) -> None:
    time.sleep(0.2)  # anything started in the background would show by now
    assert harness.fake.calls("response_url") == []
    assert harness.fake.calls() == []
    assert rows(harness) == before


@pytest.mark.parametrize(("build", "status"), UNVERIFIED + MALFORMED + OVERSIZE + ELSEWHERE)
def test_a_request_that_cannot_be_trusted_is_refused_and_changes_nothing(
    harness: Harness, build: Case, status: int
) -> None:
    request, before = build(harness), rows(harness)
    harness.fake.clear()
    answer, body = send(harness, request)
    assert answer == status
    assert len(body) < 100  # a short plain answer, never a page or a traceback
    assert_nothing_happened(harness, before)


@pytest.mark.parametrize(("build", "status"), FOREIGN_CASES)
def test_a_request_from_another_workspace_or_app_is_refused_and_changes_nothing(
    harness: Harness, build: Case, status: int
) -> None:
    request, before = build(harness), rows(harness)
    harness.fake.clear()
    assert send(harness, request) == (status, FOREIGN)
    assert_nothing_happened(harness, before)


def test_the_same_command_from_our_workspace_is_carried_out(harness: Harness) -> None:
    answer, body = send(harness, changed(command(harness), lambda data: None))
    assert (answer, json.loads(body)["text"][:9]) == (200, "Meeting 1")
    with harness.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TechnicalMeeting)) == 1


def test_the_same_event_from_our_workspace_is_carried_out(harness: Harness) -> None:
    assert send(harness, changed(home_opened(harness), lambda data: None))[0] == 200
    harness.fake.wait_for("views.publish")


def test_the_health_check_answers_get_and_head(harness: Harness) -> None:
    assert send(harness, ("GET", "/healthz", b"", {})) == (200, '{"ok": true, "database": "ok"}')
    assert send(harness, ("HEAD", "/healthz", b"", {}))[0] == 200


def test_a_refusal_tells_slack_not_to_retry(harness: Harness) -> None:
    address = urlsplit(harness.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request("POST", EVENTS, body=b"{", headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        assert (response.status, response.getheader("X-Slack-No-Retry")) == (401, "1")
    finally:
        connection.close()


def test_a_chunked_body_over_the_cap_is_refused(harness: Harness) -> None:
    address = urlsplit(harness.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    chunks = (b"x" * 65536 for _ in range(MAX_BODY_BYTES // 65536 + 1))
    try:
        connection.request("POST", EVENTS, body=chunks, encode_chunked=True)
        assert connection.getresponse().status == 413
    finally:
        connection.close()


# --- errors after the checks ---------------------------------------------------------------


def fails_after_ack(ack: Any) -> None:
    ack("Noted.")
    raise RuntimeError("a bug after the acknowledgement")


@pytest.mark.parametrize("response_url", ["boom", ""], ids=["apology-sent", "nowhere-to-apologise"])
def test_an_error_after_the_acknowledgement_keeps_it(harness: Harness, response_url: str) -> None:
    harness.app.command("/boom")(fails_after_ack)
    url = harness.fake.response_url(response_url) if response_url else ""
    built = harness.requests.slash_command(COORDINATOR, "", command="/boom", response_url=url)
    for _ in range(5):  # Bolt's runner and the request thread race: try a few times
        started = time.monotonic()
        assert send(harness, post(built)) == (200, "Noted.")
        assert time.monotonic() - started < 1
    if response_url:
        apologies = harness.responses("boom")
        assert [a["text"][:5] for a in apologies] == ["Sorry"] * 5


def test_an_unverified_request_handed_straight_to_bolt_gets_no_reply_anywhere(
    harness: Harness,
) -> None:
    # Bolt's own check raises on such a timestamp; its error handler must not answer.
    body, headers = command(harness)
    headers |= {"X-Slack-Request-Timestamp": "abc"}
    harness.fake.clear()
    response = harness.app.dispatch(BoltRequest(body=body, headers=dict(headers)))
    assert response.status >= 400
    time.sleep(0.2)
    assert harness.fake.calls("response_url") == []


# --- anything at all, straight into the WSGI callable ---------------------------------------

HEADER_NAMES = [
    "HTTP_X_SLACK_REQUEST_TIMESTAMP", "HTTP_X_SLACK_SIGNATURE", "CONTENT_TYPE", "CONTENT_LENGTH",
    "HTTP_X_SLACK_RETRY_NUM", "HTTP_X_SLACK_RETRY_REASON", "HTTP_TRANSFER_ENCODING", "QUERY_STRING",
]  # fmt: skip
latin1 = st.text(st.characters(max_codepoint=255), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip
SLACK_KEYS = ["type", "team_id", "api_app_id", "command", "text", "user_id", "response_url",
              "event", "team", "user", "view", "authorizations", "enterprise", "actions", "payload"]  # fmt: skip
slack_like = st.dictionaries(
    st.sampled_from(SLACK_KEYS) | st.text(max_size=8), json_values, max_size=8
)
bodies = st.one_of(
    st.binary(max_size=300),
    slack_like.map(lambda d: json.dumps(d).encode()),
    slack_like.map(lambda d: urlencode({"payload": json.dumps(d)}).encode()),
    st.dictionaries(st.sampled_from(SLACK_KEYS), st.text(max_size=30), max_size=8).map(
        lambda d: urlencode(d).encode()
    ),
    st.integers(1, 3000).map(lambda n: b"[" * n),
)


@pytest.mark.parametrize("harness", ["sqlite"], indirect=True)
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["POST", "GET", "HEAD", "PUT", "OPTIONS"]) | latin1,
    path=st.sampled_from([EVENTS, "/healthz", "/", EVENTS + "/"]) | latin1,
    body=bodies,
    headers=st.dictionaries(st.sampled_from(HEADER_NAMES) | latin1, latin1, max_size=6),
    sign_it=st.booleans(),
)
def test_no_request_whatever_it_holds_gets_a_server_error(
    harness: Harness, method: str, path: str, body: bytes, headers: dict[str, str], sign_it: bool
) -> None:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
    } | headers  # fmt: skip
    if sign_it:  # past the signature check, so that what follows it is tried too
        stamp = now()
        environ |= {"HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp, "REQUEST_METHOD": "POST",
                    "HTTP_X_SLACK_SIGNATURE": signature(SECRET, stamp, body), "PATH_INFO": EVENTS,
                    "CONTENT_LENGTH": str(len(body))}  # fmt: skip
    statuses: list[str] = []
    answer = make_wsgi_app(harness.app, harness.deps)(
        environ, lambda status, _headers: statuses.append(status)
    )
    b"".join(answer)
    assert len(statuses) == 1
    assert int(statuses[0][:3]) < 500, statuses[0]
