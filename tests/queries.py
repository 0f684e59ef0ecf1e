"""See the SQL a block of code runs: how many statements, and how the database plans them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def executed(session: Session) -> Iterator[list[tuple[str, Any]]]:
    """Collect the SQL statements a block runs on the session's connection, with parameters."""
    statements: list[tuple[str, Any]] = []
    engine = session.get_bind()

    def record(*args: Any) -> None:
        statements.append((args[2], args[3]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(session: Session, sql: str, parameters: Any) -> str:
    """Return the database's plan for a statement, as text.

    PostgreSQL is asked to avoid sequential scans: on a test database every table is small
    enough to read whole, and the question is whether an index can answer the query at all.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all()
        return "\n".join(str(row[-1]) for row in rows)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    try:
        rows = connection.exec_driver_sql(f"EXPLAIN {sql}", parameters).all()
    finally:
        connection.exec_driver_sql("RESET enable_seqscan")
    return "\n".join(str(row[0]) for row in rows)
