"""What people are told when something fails, and what is only logged."""

from __future__ import annotations

import logging
import urllib.error
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy.exc import OperationalError

from bot.errors import SLACK_DOWN, TRY_AGAIN, after_saving, as_replies
from workflows.errors import UnknownArea
from workflows.ports import DeliveryFailed, RecipientGone


def slack_error(error: str) -> SlackApiError:
    response = SlackResponse(
        client=None, http_verb="POST", api_url="chat.update", req_args={},
        data={"ok": False, "error": error}, headers={}, status_code=200,
    )  # fmt: skip
    return SlackApiError(error, response)


def fail(error: Exception) -> Any:
    raise error


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(slack_error("message_not_found"), id="slack-error"),
        pytest.param(DeliveryFailed("chat.update: 503"), id="delivery-failed"),
        pytest.param(RecipientGone("U1", "account_inactive"), id="recipient-gone"),
        pytest.param(urllib.error.URLError("connection refused"), id="connection-refused"),
        pytest.param(TimeoutError("timed out"), id="timeout"),
        pytest.param(ConnectionResetError("reset by peer"), id="connection-reset"),
        pytest.param(OperationalError("SELECT 1", {}, Exception("gone")), id="database-down"),
    ],
)
def test_a_failing_follow_up_is_logged_not_raised(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.errors"):
        assert after_saving("Refreshing the check-in", lambda: fail(error)) is False
    [record] = caplog.records
    assert record.getMessage().startswith("Refreshing the check-in failed")
    assert type(error).__name__ in record.getMessage()


def test_a_follow_up_that_succeeds_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    done: list[str] = []
    assert after_saving("Refreshing the check-in", lambda: done.append("refreshed")) is True
    assert done == ["refreshed"]
    assert caplog.records == []


def test_a_bug_in_a_follow_up_still_reaches_the_error_handler() -> None:
    with pytest.raises(KeyError):
        after_saving("Refreshing the check-in", lambda: fail(KeyError("c")))


@pytest.mark.parametrize(
    ("error", "said"),
    [
        pytest.param(UnknownArea("gendr", ["gender"]), "No area matches “gendr”. Did you mean “gender”?", id="refusal"),
        pytest.param(OperationalError("SELECT 1", {}, Exception("gone")), TRY_AGAIN, id="database-down"),
        pytest.param(DeliveryFailed("users.info: internal_error"), SLACK_DOWN, id="slack-down"),
    ],
)  # fmt: skip
def test_expected_errors_in_a_command_become_one_line_replies(error: Exception, said: str) -> None:
    [reply] = as_replies(lambda: fail(error))
    assert reply.text == said
