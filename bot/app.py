"""The Bolt app: listeners registered on the dependencies `bot.bootstrap.build` wired."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.bootstrap import Deps
from bot.errors import handle_error
from bot.listeners import register_listeners
from bot.middleware import InstalledGuard, KeepAcknowledgement, WorkspaceGuard, learn_workspace
from bot.oauth import oauth_settings
from bot.payloads import storable
from bot.uninstall import register_uninstall


class _QuietTokenWarning(logging.Filter):
    """Drop Bolt's warning that SLACK_BOT_TOKEN is unused: we pass a configured client on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_QuietTokenWarning())


def create_app(deps: Deps, *, process_before_response: bool = False) -> App:
    """Build the Bolt app with its listeners, on the given dependencies."""
    if deps.installations is not None:
        app = _installed_by_oauth(deps, process_before_response=process_before_response)
    else:
        app = _single_workspace(deps, process_before_response=process_before_response)
    app.error(handle_error)
    app.middleware(KeepAcknowledgement())
    app.use(_storable_only)
    register_listeners(app, deps)
    return app


def _single_workspace(deps: Deps, *, process_before_response: bool) -> App:
    _, signing_secret = deps.settings.slack_credentials()
    return App(
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


def _installed_by_oauth(deps: Deps, *, process_before_response: bool) -> App:
    """The app installed into several workspaces: each request is authorised by its own."""
    settings, installations = deps.settings, deps.installations
    if installations is None:
        raise ValueError("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are needed to install by OAuth")
    app = App(
        listener_executor=deps.listener_pool,
        client=WebClient(base_url=settings.slack_api_url),  # no token: each request brings its own
        signing_secret=settings.signing_secret(),
        oauth_settings=oauth_settings(settings, deps.engine),
        raise_error_for_unhandled_request=False,
        # A workspace the app is not installed in is refused before anything else runs.
        before_authorize=InstalledGuard(installations.installed, deps.triggers.remember),
        process_before_response=process_before_response,
    )
    register_uninstall(app, deps)
    return app


def _storable_only(req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Make what Slack sent storable (no half surrogate pair, no NUL), once its signature is checked."""
    req.body.update(storable(req.body))
    return next()
