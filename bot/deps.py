"""The dependencies listeners share, wired once by `create_app`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.slack_gateway import SlackNotifier
from workflows.store.db import read_scope, session_scope, utc_now


@dataclass
class Deps:
    """Settings, the database, the Slack gateway and the clock."""

    settings: Settings
    sessions: sessionmaker[Session]
    notifier: SlackNotifier
    clock: Callable[[], datetime] = utc_now
    coordinators: set[str] = field(default_factory=set)
    executor: Executor | None = None

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
