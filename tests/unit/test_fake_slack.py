"""The stand-in for Slack answers a real slack_sdk WebClient as Slack would, fails on cue, and
builds signed requests that slack_sdk verifies and slack_bolt parses."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qsl

import pytest
from slack_bolt import BoltRequest
from slack_bolt.request.payload_utils import to_action, to_command, to_event, to_view
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier

from fake_slack import FakeSlack, SlackRequests, http_post, sign

SECRET = "unit-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.base_url, timeout=5)


def bolt(built: tuple[str, dict[str, str]]) -> BoltRequest:
    body, headers = built
    return BoltRequest(body=body, headers=dict(headers))


# --- the Web API -----------------------------------------------------------------------------


def test_every_call_is_recorded_with_its_params_headers_and_status(
    fake: FakeSlack, client: WebClient
) -> None:
    client.chat_postMessage(channel="C1", text="hello")
    call = fake.last("chat.postMessage")
    assert (call.method, call.params["channel"], call.params["text"]) == (
        "chat.postMessage",
        "C1",
        "hello",
    )
    assert call.headers["authorization"] == "Bearer xoxb-test"
    assert call.status == 200
    assert call.ok
    assert [c.method for c in fake.calls()] == ["chat.postMessage"]


def test_auth_test_names_the_bot_and_its_team(fake: FakeSlack, client: WebClient) -> None:
    answer = client.auth_test()
    assert (answer["team_id"], answer["user_id"], answer["bot_id"]) == ("T0HLM", "UBOT", "BHLM")


def test_a_call_without_a_bearer_token_is_not_authed(fake: FakeSlack) -> None:
    status, body = http_post(fake.base_url + "auth.test", "", {"Content-Type": "application/json"})
    assert (status, json.loads(body)) == (200, {"ok": False, "error": "not_authed"})
    assert fake.last("auth.test").error == "not_authed"


def test_get_requests_are_answered_too(fake: FakeSlack) -> None:
    fake.add_user("U1", name="ana")
    url, auth = fake.base_url + "users.info?user=U1", {"Authorization": "Bearer xoxb-test"}
    request = urllib.request.Request(url, headers=auth)  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
        assert json.loads(response.read())["user"]["name"] == "ana"


def test_unknown_methods_answer_ok_and_are_recorded(fake: FakeSlack, client: WebClient) -> None:
    assert client.reactions_add(channel="C1", timestamp="1.2", name="eyes")["ok"]
    assert client.api_call("made.up", json={"x": 1})["ok"]
    assert fake.last("made.up").params == {"x": 1}


def test_timestamps_of_posted_messages_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=str(n))["ts"] for n in range(5)]
    assert stamps == sorted(set(stamps), key=float)
    assert stamps[0].startswith("1700000000.")


def test_an_update_is_reflected_in_the_transcript(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*first*"}}]
    posted = client.chat_postMessage(channel="C1", text="first", blocks=blocks)
    client.chat_postMessage(channel="C2", text="elsewhere")
    new_blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*done*"}}]
    client.chat_update(channel="C1", ts=posted["ts"], text="done", blocks=new_blocks)
    [message] = fake.messages("C1")
    assert (message["ts"], message["text"], message["blocks"]) == (posted["ts"], "done", new_blocks)
    assert len(fake.messages()) == 2


def test_updating_or_deleting_an_unknown_message_fails_like_slack(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel="C1", ts="1.000001", text="x")
    assert raised.value.response["error"] == "message_not_found"


def test_a_deleted_message_leaves_the_transcript(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="oops")
    client.chat_delete(channel="C1", ts=posted["ts"])
    assert fake.messages("C1") == []


def test_posting_to_a_user_id_lands_in_the_dm_with_that_user(
    fake: FakeSlack, client: WebClient
) -> None:
    assert client.chat_postMessage(channel="U123", text="hi")["channel"] == "DU123"
    assert [m["text"] for m in fake.messages("DU123")] == ["hi"]


def test_thread_replies_keep_their_thread(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")
    client.chat_postMessage(channel="C1", text="reply", thread_ts=parent["ts"])
    assert [m.get("thread_ts") for m in fake.messages("C1")] == [None, parent["ts"]]


def test_a_thread_is_read_with_its_message_first_files_included_page_by_page(
    fake: FakeSlack, client: WebClient
) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    client.chat_postMessage(channel="C1", text="elsewhere")
    replies = [
        client.chat_postMessage(channel="C1", text=str(n), thread_ts=parent)["ts"] for n in range(3)
    ]
    client.files_upload_v2(channel="C1", content=b"x", filename="chart.png", thread_ts=parent)
    first = client.conversations_replies(channel="C1", ts=parent, limit=3)
    rest = client.conversations_replies(
        channel="C1", ts=parent, limit=3, cursor=first["response_metadata"]["next_cursor"]
    )
    assert [m["ts"] for m in first["messages"]] == [parent, *replies[:2]]
    assert [m["ts"] for m in rest["messages"]][:1] == replies[2:]
    assert rest["messages"][-1]["files"][0]["name"] == "chart.png"
    assert (first["has_more"], rest["has_more"]) == (True, False)
    with pytest.raises(SlackApiError) as raised:
        client.conversations_replies(channel="C1", ts="1.000001")
    assert raised.value.response["error"] == "thread_not_found"


def test_an_ephemeral_message_answers_with_its_timestamp(client: WebClient) -> None:
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]


def test_conversations_open_answers_the_dm_channel_of_the_user(client: WebClient) -> None:
    assert client.conversations_open(users="U123")["channel"]["id"] == "DU123"


def test_users_come_from_the_directory(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", name="ana", real_name="Ana Lopes", email="Ana@ilo.example")
    user = client.users_info(user="U1")["user"]
    assert (user["real_name"], user["tz"], user["profile"]["email"]) == (
        "Ana Lopes",
        "Europe/Brussels",
        "Ana@ilo.example",
    )
    assert client.users_lookupByEmail(email="ana@ilo.example")["user"]["id"] == "U1"


def test_an_unknown_user_raises_user_not_found(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U404")
    assert raised.value.response["error"] == "user_not_found"
    assert fake.last("users.info").error == "user_not_found"
    with pytest.raises(SlackApiError):
        client.users_lookupByEmail(email="nobody@ilo.example")


def test_a_deleted_user_is_returned_marked_deleted(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U9", name="gone", deleted=True)
    assert client.users_info(user="U9")["user"]["deleted"] is True


def test_views_get_an_id_and_an_update_keeps_it(client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    opened = client.views_open(trigger_id="t1", view=view)["view"]
    updated = client.views_update(view_id=opened["id"], view=view)["view"]
    assert opened["id"]
    assert updated["id"] == opened["id"]
    home = {"type": "home", "blocks": []}
    assert client.views_publish(user_id="U1", view=home)["view"]["id"]


def test_a_file_upload_stores_the_bytes_title_and_channel(
    fake: FakeSlack, client: WebClient
) -> None:
    chart = b"\x89PNG\r\n\x1a\nfake chart"
    client.files_upload_v2(
        channel="C1", content=chart, filename="chart.png", title="Status", thread_ts="1.5"
    )
    [stored] = fake.uploaded_files()
    assert (stored["content"], stored["title"], stored["channel"]) == (chart, "Status", "C1")
    assert stored["thread_ts"] == "1.5"
    assert fake.last("upload").params["size"] == len(chart)


def test_posts_to_a_response_url_are_recorded_by_name(fake: FakeSlack) -> None:
    url = fake.response_url("slash-1")
    reply = json.dumps({"text": "Recorded", "response_type": "ephemeral"})
    status, _ = http_post(url, reply, {"Content-Type": "application/json"})
    assert status == 200
    assert fake.last("response_url").params == {
        "text": "Recorded",
        "response_type": "ephemeral",
        "_name": "slash-1",
    }


def test_wait_for_returns_the_calls_or_times_out(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="one")
    assert len(fake.wait_for("chat.postMessage")) == 1
    with pytest.raises(TimeoutError):
        fake.wait_for("chat.postMessage", count=2, timeout=0.05)
    fake.clear()
    assert fake.calls() == []
    with pytest.raises(LookupError):
        fake.last("chat.postMessage")


def test_stop_releases_the_port_and_can_be_called_twice() -> None:
    fake = FakeSlack().start()
    url = fake.base_url
    fake.stop()
    fake.stop()
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    with pytest.raises(urllib.error.URLError):
        http_post(url + "auth.test", "")


# --- faults ----------------------------------------------------------------------------------


def test_a_429_with_retry_after_is_retried_by_slack_sdk_and_succeeds(
    fake: FakeSlack, client: WebClient
) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    attempts = fake.calls("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].error == "ratelimited"
    assert len(fake.messages("C1")) == 1


def test_a_429_carries_retry_after_and_ratelimited(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        WebClient(token="xoxb-test", base_url=fake.base_url).chat_postMessage(channel="C", text="x")
    response = raised.value.response
    assert (response.status_code, response["error"]) == (429, "ratelimited")
    assert response.headers["Retry-After"] == "7"


def test_server_errors_are_retried_by_slack_sdk(fake: FakeSlack, client: WebClient) -> None:
    quick = FixedValueRetryIntervalCalculator(0.01)
    client.retry_handlers.append(
        ServerErrorRetryHandler(max_retry_count=3, interval_calculator=quick)
    )
    fake.fail_next("chat.postMessage", status=500)
    fake.fail_next("chat.postMessage", status=503)
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert [c.status for c in fake.calls("chat.postMessage")] == [500, 503, 200]
    assert [c.ok for c in fake.calls("chat.postMessage")] == [False, False, True]


def test_fail_next_can_fail_several_times(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="C1", text="x")
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_error_for_answers_a_slack_error_for_the_matching_calls(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.error_for("conversations.open", "user_disabled", when=lambda p: p.get("users") == "U9")
    assert client.conversations_open(users="U1")["ok"]
    with pytest.raises(SlackApiError) as raised:
        client.conversations_open(users="U9")
    assert raised.value.response["error"] == "user_disabled"
    assert [c.error for c in fake.calls("conversations.open")] == [None, "user_disabled"]


def test_a_rate_limit_counts_accepted_and_rejected_calls(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.rate_limit("chat.postMessage", per_second=0.5, burst=2)
    outcomes = []
    for n in range(5):
        try:
            outcomes.append(client.chat_postMessage(channel="C1", text=str(n))["ok"])
        except SlackApiError as error:
            outcomes.append(error.response.status_code)
    assert outcomes == [True, True, 429, 429, 429]
    assert fake.stats("chat.postMessage") == (2, 3)
    assert int(fake.last("chat.postMessage").status) == 429


def test_stats_without_a_rate_limit_count_the_recorded_429s(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="x")
    client.chat_postMessage(channel="C1", text="x")
    assert fake.stats("chat.postMessage") == (1, 1)


def test_random_server_errors_are_reproducible_with_a_seed(client: WebClient) -> None:
    def pattern() -> list[int]:
        with FakeSlack() as fake:
            fake.random_server_errors("chat.postMessage", rate=0.5, seed=3)
            quiet = WebClient(token="xoxb-test", base_url=fake.base_url)
            for _ in range(12):
                with contextlib.suppress(SlackApiError):
                    quiet.chat_postMessage(channel="C1", text="x")
            return [c.status for c in fake.calls("chat.postMessage")]

    first = pattern()
    assert first == pattern()
    assert set(first) == {200, 500}


def test_heal_removes_the_scripted_faults(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=500, times=5)
    fake.error_for("users.info")
    fake.heal()
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_slow_down_delays_the_answers(fake: FakeSlack, client: WebClient) -> None:
    fake.slow_down("auth.test", 0.1)
    began = time.monotonic()
    client.auth_test()
    assert time.monotonic() - began >= 0.1


# --- signed requests -------------------------------------------------------------------------


def test_sign_produces_a_signature_slack_sdk_verifies() -> None:
    body = "token=x&text=hello"
    headers = sign(SECRET, body)
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert headers["X-Slack-Signature"].startswith("v0=")


def test_a_forged_or_old_signature_is_refused() -> None:
    verifier = SignatureVerifier(SECRET)
    forged_body, forged_headers = SlackRequests(SECRET, forge=True).slash_command("U1", "status")
    assert not verifier.is_valid_request(forged_body, forged_headers)
    old_body, old_headers = SlackRequests(SECRET, age=600).slash_command("U1", "status")
    assert not verifier.is_valid_request(old_body, old_headers)
    assert not verifier.is_valid_request("tampered", sign(SECRET, "original"))


def test_every_built_request_is_signed_validly() -> None:
    requests = SlackRequests(SECRET)
    built = [
        requests.slash_command("U1", "help"),
        requests.block_action("U1", "status", value="x"),
        requests.view_submission("U1", "cb", {}),
        requests.event(requests.app_home_opened("U1")),
        requests.url_verification("c"),
    ]
    verifier = SignatureVerifier(SECRET)
    assert all(verifier.is_valid_request(body, headers) for body, headers in built)


def test_a_slash_command_parses_as_bolt_expects() -> None:
    built = SlackRequests(SECRET).slash_command(
        "U1", "update gender-7 on-track", response_url="http://127.0.0.1:1/response/a"
    )
    assert built[1]["Content-Type"] == "application/x-www-form-urlencoded"
    command = to_command(bolt(built).body)
    assert command is not None
    assert (command["command"], command["text"], command["user_id"]) == (
        "/hlm",
        "update gender-7 on-track",
        "U1",
    )
    assert command["response_url"] == "http://127.0.0.1:1/response/a"
    assert command["trigger_id"]
    assert bolt(built).context.team_id == "T0HLM"


def test_a_block_action_on_a_message_parses_as_bolt_expects() -> None:
    message = {"ts": "1700000000.000100", "blocks": []}
    built = SlackRequests(SECRET).block_action(
        "U1", "status", value="on-track", block_id="b1", message=message, channel_id="DU1"
    )
    assert list(dict(parse_qsl(built[0]))) == ["payload"]
    request = bolt(built)
    action = to_action(request.body)
    assert action is not None
    assert (action["action_id"], action["value"], action["block_id"]) == (
        "status",
        "on-track",
        "b1",
    )
    assert request.body["type"] == "block_actions"
    assert request.body["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "DU1",
        "is_ephemeral": False,
    }
    assert request.context.user_id == "U1"
    assert request.context.channel_id == "DU1"


def test_a_block_action_can_choose_an_option_or_come_from_a_view() -> None:
    option = {"text": {"type": "plain_text", "text": "A"}, "value": "a"}
    requests = SlackRequests(SECRET)
    chosen = to_action(bolt(requests.block_action("U1", "pick", selected_option=option)).body)
    assert chosen is not None
    assert (chosen["type"], chosen["selected_option"]["value"]) == ("static_select", "a")
    in_view = bolt(requests.block_action("U1", "x", view={"id": "V1", "type": "modal"})).body
    assert in_view["container"] == {"type": "view", "view_id": "V1"}


def test_a_view_submission_carries_the_state_values() -> None:
    values = {
        "note": {"text": SlackRequests.text_value("minutes sent")},
        "status": {"pick": SlackRequests.select_value("on-track")},
        "link": {"url": SlackRequests.url_value("https://ilo.example/m")},
    }
    built = SlackRequests(SECRET).view_submission("U1", "update", values, private_metadata="m")
    view = to_view(bolt(built).body)
    assert view is not None
    assert (view["callback_id"], view["private_metadata"]) == ("update", "m")
    state = view["state"]["values"]
    assert state["note"]["text"]["value"] == "minutes sent"
    assert state["status"]["pick"]["selected_option"]["value"] == "on-track"
    assert state["link"]["url"]["value"] == "https://ilo.example/m"


def test_an_event_is_an_event_callback_and_a_retry_says_so() -> None:
    requests = SlackRequests(SECRET)
    message = requests.dm_message("U1", "done", thread_ts="1700000000.000100")
    body, headers = requests.event(message, event_id="Ev1", retry_num=2)
    assert headers["Content-Type"] == "application/json"
    assert (headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"]) == ("2", "http_timeout")
    request = bolt((body, headers))
    assert (request.body["type"], request.body["event_id"]) == ("event_callback", "Ev1")
    event = to_event(request.body)
    assert event is not None
    assert (event["channel"], event["channel_type"], event["thread_ts"]) == (
        "DU1",
        "im",
        "1700000000.000100",
    )
    first = requests.event(requests.app_home_opened("U1"))[1]
    assert "X-Slack-Retry-Num" not in first


def test_url_verification_carries_the_challenge() -> None:
    body, _ = SlackRequests(SECRET).url_verification("xyz")
    assert json.loads(body) == {
        "token": "deprecated",
        "challenge": "xyz",
        "type": "url_verification",
    }


def test_http_post_returns_error_statuses_instead_of_raising(fake: FakeSlack) -> None:
    status, body = http_post(fake.url + "nowhere", ("{}", {"Content-Type": "application/json"}))
    assert status == 404
    assert json.loads(body)["ok"] is False


def test_random_lost_answers_store_a_share_of_the_messages_they_answer_with_a_500() -> None:
    with FakeSlack() as fake:
        fake.random_lost_answers("chat.postMessage", rate=0.5, seed=3)
        quiet = WebClient(token="xoxb-test", base_url=fake.base_url)
        for n in range(12):
            with contextlib.suppress(SlackApiError):
                quiet.chat_postMessage(channel="C1", text=str(n))
        statuses = [c.status for c in fake.calls("chat.postMessage")]
        assert set(statuses) == {200, 500}
        assert [m["text"] for m in fake.messages("C1")] == [str(n) for n in range(12)]
        fake.heal("chat.postMessage")
        assert quiet.chat_postMessage(channel="C1", text="healed")["ok"]


def test_each_workspace_token_answers_for_its_own_team_and_users_only() -> None:
    with FakeSlack(team_id="T0ILO") as fake:
        fake.add_workspace("T0EC", name="Commission")
        fake.add_user("U0ILOANN", team_id="T0ILO")
        fake.add_user("U0ECBOB", team_id="T0EC")
        token = fake.issue_tokens("T0EC")["access_token"]
        client = WebClient(token=token, base_url=fake.base_url)
        assert client.auth_test()["team_id"] == "T0EC"
        assert client.users_info(user="U0ECBOB")["user"]["id"] == "U0ECBOB"
        with pytest.raises(SlackApiError, match="user_not_found"):
            client.users_info(user="U0ILOANN")
        fake.revoke("T0EC")
        with pytest.raises(SlackApiError, match="token_revoked"):
            client.auth_test()


def test_oauth_access_exchanges_a_code_once_and_a_refresh_token_once() -> None:
    with FakeSlack(token_lifetime=3600) as fake:
        fake.add_workspace("T0EC")
        client = WebClient(base_url=fake.base_url)
        secret = {"client_id": fake.client_id, "client_secret": fake.client_secret}
        code = fake.authorize("T0EC")
        first = client.oauth_v2_access(code=code, **secret)
        assert first["team"]["id"] == "T0EC"
        with pytest.raises(SlackApiError, match="invalid_code"):
            client.oauth_v2_access(code=code, **secret)
        refresh = first["refresh_token"]
        second = client.oauth_v2_access(grant_type="refresh_token", refresh_token=refresh, **secret)
        assert second["access_token"] != first["access_token"]
        assert fake.team_of(second["access_token"]) == "T0EC"
        with pytest.raises(SlackApiError, match="invalid_refresh_token"):
            client.oauth_v2_access(grant_type="refresh_token", refresh_token=refresh, **secret)
        with pytest.raises(SlackApiError, match="bad_client_secret"):
            client.oauth_v2_access(code=fake.authorize("T0EC"), client_id=fake.client_id,
                                   client_secret="wrong")  # fmt: skip
