"""Shared fixtures: a database per backend (SQLite, PostgreSQL), rolled-back sessions, a clock.

The `engine` fixture is parametrised over both backends. Its schema is built by the real
migrations and holds the shipped seed, committed once per test session; each test then runs
inside a transaction that is rolled back (`db_session`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from seed.sync import default_seed_files, load_seed, sync_seed
from tests import pg
from workflows.store import migrate
from workflows.store.db import make_engine, make_session_factory

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    """The fixed time tests run at: Wednesday 25 November 2026, 10:00 UTC."""
    return NOW


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """Yield the admin URL of a PostgreSQL server, starting one on loopback if needed."""
    given = os.environ.get(pg.URL_VARIABLE)
    if given:
        yield given
        return
    try:
        with pg.running_server() as url:
            yield url
    except LookupError as exc:
        pytest.skip(str(exc))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of a new, empty database on the backend the test is parametrised with."""
    return _empty_database(request, tmp_path_factory, request.param)


def _empty_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend: str
) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'hlm.sqlite3'}"
    return pg.create_database(request.getfixturevalue("postgres_admin_url"))


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Yield an engine on a migrated and seeded database, shared by the session's tests."""
    url = _empty_database(request, tmp_path_factory, request.param)
    engine = make_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    with Session(engine) as session, session.begin():
        for path in default_seed_files():
            sync_seed(session, load_seed(path), now=NOW)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """Yield a session whose work is rolled back after the test, commits included."""
    connection = engine.connect()
    transaction = connection.begin()
    session = make_session_factory(connection, join_transaction_mode="create_savepoint")()
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Yield a session factory for code that commits; everything is rolled back after the test."""
    connection = engine.connect()
    transaction = connection.begin()
    try:
        yield make_session_factory(connection, join_transaction_mode="create_savepoint")
    finally:
        transaction.rollback()
        connection.close()


@pytest.fixture
def backend(engine: Engine) -> str:
    """Name the backend of the current test's database."""
    return engine.dialect.name


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Return the repository's root folder."""
    return Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _every_payload_within_block_kit_limits() -> Iterator[None]:
    """Fail a test whose code sent the stand-in Slack a message or view Slack would refuse."""
    from fake_slack import blockkit

    blockkit.take_refused()
    yield
    refused = blockkit.take_refused()
    assert not refused, f"Slack would refuse these payloads (Block Kit limits): {refused}"
