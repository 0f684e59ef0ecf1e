"""Errors at the edge: domain errors become the sentence they carry, a database outage a
"try again", and anything else is logged with its traceback while the user gets an apology.

Listeners call `as_replies` around their domain work: once a request is acknowledged, a raised
exception would otherwise reach Bolt, which answers Slack with an error page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError

from bot.views import Reply
from bot.views.status import build_message
from workflows.errors import HlmError

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Check with `/hlm show <id>` whether your change was saved before trying again."
TRY_AGAIN = "The database is not reachable right now, so nothing was recorded. Please try again in a minute."


def message_for(error: Exception) -> str:
    """Choose what a person is told about an error."""
    if isinstance(error, HlmError):
        return error.message
    if isinstance(error, DBAPIError):
        return TRY_AGAIN
    return SORRY


def as_replies(run: Callable[[], list[Reply]]) -> list[Reply]:
    """Run domain work; turn what can go wrong into a reply instead of an exception."""
    try:
        return run()
    except HlmError as exc:
        return [build_message(exc.message)]
    except DBAPIError as exc:
        log.warning("database unavailable: %s", str(exc).splitlines()[0])
        return [build_message(TRY_AGAIN)]


def handle_error(error: Exception, body: dict[str, Any], respond: Any) -> None:
    """Last resort for what a listener did not expect: log it, apologise briefly."""
    if not isinstance(error, HlmError):
        log.error("unhandled error in a listener", exc_info=error)
    if respond is not None and body.get("response_url"):
        respond(text=message_for(error), response_type="ephemeral", replace_original=False)
