"""The real app in HTTP mode on loopback, its Web API pointed at the stand-in for Slack.

Each test gets a fresh database (SQLite or PostgreSQL) with the conclusions and the example
owners, the app served by waitress on a free port, and a clock it controls.
"""

from __future__ import annotations

import gc
import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
import waitress
from pydantic import SecretStr
from slack_bolt import App
from sqlalchemy import Engine, make_url, select
from sqlalchemy.orm import Session, sessionmaker
from waitress import wasyncore

from bot.app import create_app
from bot.bootstrap import Deps, build
from bot.http import make_wsgi_app
from bot.listeners.slash import WORKING
from bot.settings import Settings
from fake_slack import FakeSlack, SlackRequests, http_post
from seed.sync import SEED_DIR, default_seed_files, load_seed, sync_seed
from tests import pg
from tests.conftest import BACKENDS, NOW
from workflows.people.owners_file import import_owners, read_owners_file
from workflows.store import migrate
from workflows.store.db import make_engine, make_session_factory, session_scope
from workflows.store.models import Person

SECRET = "e2e-signing-secret"
COORDINATOR, CHIDI, FRANS, DANA = "U0ILOCOORD", "U0ILOCHIDI", "U0ECFRANS", "U0ILODANA"


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**delta)


@dataclass
class Harness:
    """The app, its stand-in for Slack, and helpers that act as people would."""

    app: App
    deps: Deps
    fake: FakeSlack
    url: str
    clock: Clock
    unreachable_database: str  # the URL of a database that cannot be opened
    requests: SlackRequests = field(default_factory=lambda: SlackRequests(SECRET))
    _serial: int = 0

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.deps.sessions

    def post(self, built: tuple[str, dict[str, str]]) -> tuple[int, str]:
        """Send a request to /slack/events over HTTP."""
        return http_post(self.url + "slack/events", built)

    def slash(
        self, user_id: str, text: str, *, settle: float = 0.15, timeout: float = 10
    ) -> list[dict[str, Any]]:
        """Type /hlm as a user; return the replies: the acknowledgement's, then the response_url's
        (waiting up to `timeout` seconds for them: a document with a chart takes longer)."""
        self._serial += 1
        name = f"slash-{self._serial}"
        status, body = self.post(
            self.requests.slash_command(user_id, text, response_url=self.fake.response_url(name))
        )
        assert status == 200
        first = [json.loads(body)] if body.strip() else []
        # After an empty or a "working on it" acknowledgement, the answer is yet to come.
        waiting = not first or first[0].get("text") == WORKING
        return first + self.responses(name, settle=settle, timeout=timeout, required=waiting)

    def responses(
        self, name: str, *, settle: float = 0.15, timeout: float = 10, required: bool = True
    ) -> list[dict[str, Any]]:
        """Wait for what the app posted to a response_url, until it stops coming."""
        deadline, seen, stable_since = time.monotonic() + timeout, -1, time.monotonic()
        while time.monotonic() < deadline:
            found = [
                c.params for c in self.fake.calls("response_url") if c.params.get("_name") == name
            ]
            if len(found) != seen:
                seen, stable_since = len(found), time.monotonic()
            elif (found or not required) and time.monotonic() - stable_since > settle:
                return found
            time.sleep(0.02)
        raise TimeoutError(f"no reply at {name}")

    @contextmanager
    def database_down(self) -> Iterator[None]:
        """Let the app find its database unreachable inside the block."""
        working, engine = self.deps.sessions, make_engine(self.unreachable_database)
        self.deps.sessions = make_session_factory(engine)
        try:
            yield
        finally:
            self.deps.sessions = working
            engine.dispose()

    def person(self, slack_user_id: str) -> Person:
        with session_scope(self.sessions) as session:
            return session.scalars(
                select(Person).where(Person.slack_user_id == slack_user_id)
            ).one()


def prepare(engine: Engine) -> None:
    """Migrate, seed, and load the example owners."""
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    with session_scope(sessionmaker(engine)) as session:
        for path in default_seed_files():
            sync_seed(session, load_seed(path), now=NOW)
        import_owners(session, read_owners_file(SEED_DIR / "owners.example.yaml"), now=NOW)


def directory(fake: FakeSlack) -> None:
    """Put the example owners in the stand-in's user directory."""
    people = read_owners_file(SEED_DIR / "owners.example.yaml").people
    for p in people:
        fake.add_user(
            p.slack_user_id or "",
            name=p.name,
            real_name=p.name,
            email=p.email,
            tz=p.tz or "Europe/Brussels",
        )


class PreparedDatabases:
    """Databases migrated, seeded and holding the example owners. Each backend's is prepared
    once, then copied for every test: a file copy on SQLite, a template on PostgreSQL."""

    def __init__(self, request: pytest.FixtureRequest, tmp: pytest.TempPathFactory) -> None:
        self.request, self.tmp = request, tmp
        self.originals: dict[str, str] = {}

    def new(self, backend: str) -> str:
        """Return the URL of a new prepared database on a backend."""
        from tests.conftest import _empty_database

        original = self.originals.get(backend)
        if original is None:
            original = _empty_database(self.request, self.tmp, backend)
            engine = make_engine(original)
            prepare(engine)
            engine.dispose()  # a template must have nobody connected; SQLite folds in its WAL
            self.originals[backend] = original
        name = make_url(original).database or ""
        if backend == "sqlite":
            copy = self.tmp.mktemp("db") / "hlm.sqlite3"
            shutil.copyfile(name, copy)
            return f"sqlite:///{copy}"
        return pg.create_database(self.request.getfixturevalue("postgres_admin_url"), template=name)


@pytest.fixture(scope="session")
def prepared_databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> PreparedDatabases:
    """Make prepared databases for the end-to-end tests, each a copy of one made once."""
    return PreparedDatabases(request, tmp_path_factory)


@pytest.fixture(params=BACKENDS)
def harness(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    prepared_databases: PreparedDatabases,
) -> Iterator[Harness]:
    """Serve the real app over HTTP on loopback against the stand-in for Slack."""
    engine = make_engine(prepared_databases.new(request.param))
    fake = FakeSlack().start()
    directory(fake)
    settings = Settings(
        slack_bot_token=SecretStr("xoxb-e2e"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake.base_url,
        database_url=str(engine.url.render_as_string(hide_password=False)),
        hlm_coordinators=COORDINATOR,
        hlm_digest_channel="C0DIGEST",
        _env_file=None,  # type: ignore[call-arg]
    )
    clock = Clock()
    deps = build(settings, clock=clock, engine=engine)
    app = create_app(deps)
    # The server's sockets: its listener, its wake-up trigger and every connection it accepted.
    sockets: dict[int, Any] = {}
    server = waitress.create_server(
        make_wsgi_app(app, deps), map=sockets, host="127.0.0.1", port=0, threads=4
    )
    closing = threading.Event()

    def serve() -> None:
        # waitress's own loop, one short turn at a time, so that it can stop between two turns
        # and leave the sockets to be closed by the thread that made the server.
        while not closing.is_set():
            wasyncore.loop(timeout=0.05, map=sockets, count=1)

    thread = threading.Thread(target=serve, name="waitress", daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.effective_port}/"
        # A directory that does not exist: SQLite cannot open a database file in it.
        missing = tmp_path_factory.mktemp("down") / "missing" / "hlm.sqlite3"
        yield Harness(app, deps, fake, url, clock, f"sqlite:///{missing}")
    finally:
        deps.drain()
        server.task_dispatcher.shutdown()  # the requests under way finish
        closing.set()
        thread.join(timeout=5)
        stopped = not thread.is_alive()
        if stopped:  # (closing the sockets under a running loop would break it)
            wasyncore.close_all(sockets)  # a connection left open would otherwise wait for a GC
        fake.stop()
        engine.dispose()
        assert stopped, "waitress's loop did not stop"
        # Anything of this test's left unclosed is found now, and blamed on this test.
        gc.collect()
