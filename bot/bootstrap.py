"""The composition root: every process builds its dependencies here, and only here.

`build(settings)` wires the database (engine, session factory and its change tracking), the
Slack gateway, the clock and the caches into one `Deps`. The web process, Socket Mode, the
scheduler, the command line, the console and the tests all call it; the Bolt app
(`bot.app.create_app(deps)`) only registers listeners on it.

    settings ──► build() ──► Deps ──┬─► create_app(deps) ─► Bolt listeners ─► workflows
                                    ├─► deps.scheduler() ─► workflows.delivery.tick
                                    └─► CLI / console commands ─────────────► workflows
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.oauth import Installations, NotInstalled, Triggers, installation_store
from bot.settings import Settings
from bot.slack_gateway import SlackNotifier, make_client
from bot.status_replies import StatusReplies
from workflows.calendar import WorkingCalendar
from workflows.delivery.tick import Scheduler
from workflows.ports import DeliveryFailed
from workflows.store.db import (
    make_engine,
    make_session_factory,
    read_scope,
    session_scope,
    utc_now,
)
from workflows.store.models import Person

LISTENER_THREADS = 8  # listeners run here after Slack is acknowledged


@dataclass
class Deps:
    """What every surface shares: settings, the database, Slack, the clock and the caches."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    coordinators: frozenset[str]
    statuses: StatusReplies
    _client: WebClient | None = None
    _slack: SlackNotifier | None = field(default=None, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)
    _installations: Installations | None = field(default=None, repr=False)
    # The workspace of each recent click (trigger id → team), for the modal it opens.
    triggers: Triggers = field(default_factory=lambda: Triggers(), repr=False)

    @property
    def slack_client(self) -> WebClient:
        """Return the Web API client (made on first use: many commands never talk to Slack).

        Installed by OAuth, it is the client of the home workspace: `HLM_DIGEST_TEAM`, else the
        first workspace the app was installed in.
        """
        if self._client is None:
            if self.installations is not None:
                return self.client_for(self.settings.hlm_digest_team or self._first_team())
            token, _ = self.settings.slack_credentials()
            self._client = make_client(token, self.settings.slack_api_url)
        return self._client

    @property
    def installations(self) -> Installations | None:
        """Return the installations by OAuth, or None in the single-token mode."""
        if self._installations is None and self.settings.oauth_mode:
            store = installation_store(self.settings, self.engine)
            self._installations = Installations(self.settings, store)
        return self._installations

    def client_for(self, team_id: str | None) -> WebClient:
        """Return the Web API client of a workspace (None: the single workspace).

        Raises `NotInstalled` when installed by OAuth and the workspace has no installation.
        """
        installations = self.installations
        if installations is None or (team_id is None and self._client is not None):
            return self.slack_client
        return installations.client_for(team_id or self._first_team())

    def team_of(self, slack_user_id: str) -> str | None:
        """Return the workspace of a person the bot knows, or of a click's trigger id (None:
        the single or home one)."""
        if slack_user_id in self.triggers:
            return self.triggers[slack_user_id]
        with self.reading() as session:
            query = select(Person.slack_team_id).where(Person.slack_user_id == slack_user_id)
            return session.scalars(query.limit(1)).first()

    def _sending_client(self, team_id: str | None) -> WebClient:
        try:
            return self.client_for(team_id)
        except NotInstalled as exc:
            raise DeliveryFailed(f"the app is not installed in workspace {exc}") from exc

    def _first_team(self) -> str:
        installations = self.installations
        teams = installations.teams() if installations is not None else []
        if not teams:
            raise NotInstalled("no workspace")
        return teams[0]

    @property
    def slack(self) -> SlackNotifier:
        """Return the Slack gateway: every call to Slack goes through it."""
        if self._slack is None:
            several = self.installations is not None
            # Installed by OAuth, every call is made on the client of its own workspace.
            base = make_client("", self.settings.slack_api_url) if several else self.slack_client
            self._slack = SlackNotifier(
                base,
                digest_channel=self.settings.hlm_digest_channel,
                coordinators_channel=self.settings.hlm_coordinators_channel,
                client_for=self._sending_client if several else None,
                team_of=self.team_of if several else None,
                digest_channels=self.settings.digest_channels() if several else None,
            )
        return self._slack

    @property
    def listener_pool(self) -> ThreadPoolExecutor:
        """Return the threads listeners run on after the acknowledgement (made on first use)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="hlm-listener")
        return self._pool

    def now(self) -> datetime:
        """Return the current time, by this process's clock."""
        return self.clock()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Run a block that only reads (no commit; no write lock on SQLite)."""
        with read_scope(self.sessions) as session:
            yield session

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """Run a block in one transaction: committed if it succeeds, rolled back if it raises."""
        with session_scope(self.sessions) as session:
            yield session

    def scheduler(self) -> Scheduler:
        """Build the scheduler that plans and delivers what is due."""
        settings = self.settings
        return Scheduler(
            sessions=self.sessions,
            notifier=self.slack,
            cadence=settings.cadence(),
            calendar=WorkingCalendar(),
            coordinators=tuple(settings.coordinators),
            lease=timedelta(seconds=settings.hlm_lease_seconds),
            workers=settings.hlm_send_workers,
        )

    def drain(self) -> None:
        """Wait for the listeners still running after their acknowledgement."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def close(self) -> None:
        """Let running listeners finish, then release the database connections."""
        self.drain()
        self.engine.dispose()


def build(
    settings: Settings,
    *,
    slack: WebClient | None = None,
    clock: Callable[[], datetime] = utc_now,
    engine: Engine | None = None,
) -> Deps:
    """Wire the dependencies of one process from its settings."""
    if engine is None:
        settings.ensure_sqlite_dir()
        engine = make_engine(settings.database_url)
    return Deps(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        clock=clock,
        coordinators=frozenset(settings.coordinators),
        statuses=StatusReplies(),
        _client=slack,
    )
