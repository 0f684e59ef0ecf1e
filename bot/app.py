"""The composition root: build the Bolt app and its dependencies from the settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.deps import Deps
from bot.errors import handle_error
from bot.listeners import register_listeners
from bot.middleware import KeepAcknowledgement, WorkspaceGuard, learn_workspace
from bot.settings import Settings
from bot.slack_gateway import SlackNotifier, make_client
from workflows.store.db import make_engine, make_session_factory, utc_now


class _QuietTokenWarning(logging.Filter):
    """Drop Bolt's warning that SLACK_BOT_TOKEN is unused: we pass a configured client on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_QuietTokenWarning())


def create_app(
    settings: Settings,
    *,
    client: WebClient | None = None,
    sessions: sessionmaker[Session] | None = None,
    clock: Callable[[], datetime] = utc_now,
    process_before_response: bool = False,
) -> tuple[App, Deps]:
    """Build the Bolt app with its listeners, wired to the database and Slack's Web API."""
    token, signing_secret = settings.slack_credentials()
    client = client or make_client(token, settings.slack_api_url)
    if sessions is None:
        settings.ensure_sqlite_dir()
        sessions = make_session_factory(make_engine(settings.database_url))
    deps = Deps(
        settings=settings,
        sessions=sessions,
        notifier=SlackNotifier(
            client,
            digest_channel=settings.hlm_digest_channel,
            coordinators_channel=settings.hlm_coordinators_channel,
        ),
        clock=clock,
        coordinators=set(settings.coordinators),
    )
    # Listeners run on this pool after Slack is acknowledged; shutting it down drains them.
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="hlm-listener")
    deps.executor = executor
    app = App(
        listener_executor=executor,
        client=client,
        signing_secret=signing_secret,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        before_authorize=WorkspaceGuard(lambda: learn_workspace(settings, client)),
        # True only offline (console, demo): listeners finish before the request returns.
        process_before_response=process_before_response,
    )
    app.error(handle_error)
    app.middleware(KeepAcknowledgement())
    register_listeners(app, deps)
    return app, deps
