"""The database: declarative base, naming conventions, column types, engines and sessions."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Dialect,
    Engine,
    MetaData,
    String,
    create_engine,
    event,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from workflows.store import revision

# Stable constraint names, so Alembic can alter them on every backend (SQLite batch mode too).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TZDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # SQLite keeps no offset: what was written was UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Enums are stored by value ("on_track"), not member name, in a plain VARCHAR without a CHECK:
# adding a status later is a code change, not a schema migration.
ENUM_BY_VALUE = SAEnum(
    enum.Enum,
    values_callable=lambda members: [member.value for member in members],
    native_enum=False,
    create_constraint=False,
    length=32,
    validate_strings=True,
)


str_200 = Annotated[str, 200]
slack_id = Annotated[str, mapped_column(String(32))]


class Base(DeclarativeBase):
    """Base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads this class attribute)
        datetime: TZDateTime(),
        str_200: String(200),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[list[str]]: JSON(),
        list[dict[str, Any]]: JSON(),
        enum.Enum: ENUM_BY_VALUE,
    }


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def normalise_url(url: str) -> str:
    """Turn the URL forms people paste (`postgres://`) into one SQLAlchemy accepts."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; on SQLite, enforce foreign keys and wait for locks."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (so SAVEPOINTs work).
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: two writers queue (up to the timeout) instead of
    # one failing with "database is locked" when it tries to write after reading. Reads need no
    # lock in WAL mode, so a read-only unit of work begins without one.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(bind: Engine | Connection, **options: Any) -> sessionmaker[Session]:
    """Create a session factory whose sessions keep the data's token current."""
    factory = sessionmaker(bind, expire_on_commit=False, **options)
    revision.track_changes(factory)
    return factory


READ_ONLY = "hlm_read_only"


@contextmanager
def read_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Run a unit of work that only reads: nothing is committed, and SQLite takes no write lock.

    On PostgreSQL at READ COMMITTED (its default) it runs outside a transaction: a transaction
    would give each statement its own snapshot anyway, and without one no BEGIN and ROLLBACK
    cross the network.
    A session bound to a connection rather than an engine stays in that connection's transaction.
    """
    with factory() as session:
        options: dict[str, Any] = {READ_ONLY: True}
        bind = session.get_bind()
        # The server's level is known once the engine has connected (unknown: in a transaction).
        level = getattr(bind.dialect, "default_isolation_level", None)
        if (
            isinstance(bind, Engine)
            and bind.dialect.name == "postgresql"
            and level == "READ COMMITTED"
        ):
            options["isolation_level"] = "AUTOCOMMIT"
        session.connection(execution_options=options)
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Run a unit of work: commit when the block succeeds, roll back when it raises."""
    with factory() as session, session.begin():
        yield session
