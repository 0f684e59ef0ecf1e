"""The Bolt app: listeners registered on the dependencies `bot.bootstrap.build` wired."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse

from bot.bootstrap import Deps
from bot.errors import handle_error
from bot.listeners import register_listeners
from bot.middleware import KeepAcknowledgement, WorkspaceGuard, learn_workspace
from bot.payloads import storable


class _QuietTokenWarning(logging.Filter):
    """Drop Bolt's warning that SLACK_BOT_TOKEN is unused: we pass a configured client on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_QuietTokenWarning())


def create_app(deps: Deps, *, process_before_response: bool = False) -> App:
    """Build the Bolt app with its listeners, on the given dependencies."""
    _, signing_secret = deps.settings.slack_credentials()
    app = App(
        # Listeners run on this pool after Slack is acknowledged; `deps.drain()` waits for them.
        listener_executor=deps.listener_pool,
        client=deps.slack_client,
        signing_secret=signing_secret,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        # Requests naming another workspace or app are refused before anything else runs.
        before_authorize=WorkspaceGuard(lambda: learn_workspace(deps.settings, deps.slack_client)),
        # True only offline (console, demo): listeners finish before the request returns.
        process_before_response=process_before_response,
    )
    app.error(handle_error)
    app.middleware(KeepAcknowledgement())
    app.use(_storable_only)
    register_listeners(app, deps)
    return app


def _storable_only(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Make what Slack sent storable (no half surrogate pair, no NUL), once its signature is checked."""
    req.body.update(storable(req.body))
    return next()
