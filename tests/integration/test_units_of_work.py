"""Units of work on a real engine: a read leaves no transaction behind for the writes after it."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import BACKENDS
from workflows.store import migrate
from workflows.store.db import make_engine, make_session_factory, read_scope, session_scope
from workflows.store.models import DataVersion

pytestmark = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)


class Refused(Exception):
    """Raised to make a unit of work roll back."""


def write_then_refuse(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        session.execute(update(DataVersion).values(token=uuid.uuid4().hex))
        raise Refused


def test_a_write_after_a_read_on_the_same_connection_still_rolls_back(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    sessions = make_session_factory(engine)
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    read_token = select(DataVersion.token).where(DataVersion.id == 1)
    with read_scope(sessions) as session:
        before = session.scalar(read_token)
    assert before is not None
    # The pool holds one connection: the write below runs on the one the read used.
    with pytest.raises(Refused):
        write_then_refuse(sessions)
    with read_scope(sessions) as session:
        assert session.scalar(read_token) == before
    engine.dispose()


def test_a_read_on_postgresql_runs_each_statement_outside_a_transaction(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("on SQLite a read is a transaction that takes no write lock")
    engine = make_engine(database_url)
    engine.connect().close()  # the engine learns the server's isolation level
    with read_scope(make_session_factory(engine)) as session:
        # now() is the start of the transaction: inside one, it would not move.
        first = session.scalar(select(func.now()))
        time.sleep(0.01)
        second = session.scalar(select(func.now()))
    assert first != second
    engine.dispose()
