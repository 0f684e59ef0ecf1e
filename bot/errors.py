"""Errors at the edge: domain errors become their sentence (`bot.wording`), a database outage or
Slack not answering a "try again", and anything else is logged with its traceback while the
user gets an apology.

Listeners call `as_replies` around their domain work: once a request is acknowledged, a raised
exception would otherwise reach Bolt, which answers Slack with an error page. What follows a
saved update (refreshing a message, a confirmation, App Home) runs under `after_saving`: by then
the update is committed, so a failure there is logged and nobody is told that saving failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import DBAPIError

from bot.views import Reply
from bot.views.mrkdwn import escape
from bot.views.status import build_message
from bot.wording import say
from workflows.errors import HlmError
from workflows.ports import DeliveryFailed, RecipientGone

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Check with `/hlm show <id>` whether your change was saved before trying again."
TRY_AGAIN = "The database is not reachable right now, so nothing was recorded. Please try again in a minute."
SLACK_DOWN = "Slack did not answer; try again in a minute."


def message_for(error: Exception) -> str:
    """Choose what a person is told about an error."""
    if isinstance(error, HlmError):
        return say(error)
    if isinstance(error, DBAPIError):
        return TRY_AGAIN
    if isinstance(error, DeliveryFailed):
        return SLACK_DOWN
    return SORRY


# What is expected to go wrong in domain work: a refusal (the message says why), a database
# outage, or Slack not answering a call the work needs (users.info) after the retries.
EXPECTED = (HlmError, DBAPIError, DeliveryFailed)


def explain(error: HlmError | DBAPIError | DeliveryFailed) -> str:
    """Say what a person is told about an expected error; an outage is logged as well."""
    if isinstance(error, DBAPIError):
        log.warning("database unavailable: %s", _first_line(error))
    elif isinstance(error, DeliveryFailed):
        log.warning("Slack unavailable: %s", _first_line(error))
    return message_for(error)


def as_replies(run: Callable[[], list[Reply]]) -> list[Reply]:
    """Run domain work; turn what can go wrong into a reply instead of an exception."""
    try:
        return run()
    except EXPECTED as exc:
        return [build_message(explain(exc))]


# What a Slack call or a database read can raise once retries are spent: a Slack error, a
# connection refused, reset or timed out (all OSError), the gateway's own errors, an outage.
FOLLOW_UP_FAILURES = (SlackClientError, OSError, DeliveryFailed, RecipientGone, DBAPIError)


def after_saving(what: str, step: Callable[[], object]) -> bool:
    """Run a step that follows a saved update; log its failure instead of raising it.

    Returns whether the step succeeded. Errors that are not Slack's or the database's (a bug)
    still propagate, to be logged with their traceback by `handle_error`.
    """
    try:
        step()
    except FOLLOW_UP_FAILURES as exc:
        log.warning("%s failed (what was recorded is kept): %s", what, _first_line(exc))
        return False
    return True


def _first_line(error: Exception) -> str:
    lines = str(error).splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def handle_error(
    error: Exception, body: dict[str, Any], respond: Any, context: dict[str, Any]
) -> None:
    """Last resort for what a listener did not expect: log it, apologise briefly."""
    if not isinstance(error, HlmError):
        log.error("unhandled error in a listener", exc_info=error)
    # Only a request that was verified (and then authorised) is answered: an error during the
    # checks would otherwise post to whatever response_url an unverified request names.
    verified = context.get("authorize_result") is not None
    if verified and respond is not None and body.get("response_url"):
        # Escaped: a refusal can quote what was typed or forged (`<!channel>` stays text).
        said = escape(message_for(error))
        respond(text=said, response_type="ephemeral", replace_original=False)
