"""Run migrations with the engine or URL the caller put on the Alembic config."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from workflows.store import models  # noqa: F401 (registers every table on Base.metadata)
from workflows.store.db import Base, TZDateTime, make_engine

config = context.config
target_metadata = Base.metadata
# slack-sdk's installation and OAuth state stores own these tables (migration 0015); they are
# not on our metadata, so the drift check leaves them out by name.
SLACK_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    table = getattr(obj, "table", None)
    owner = table.name if type_ in ("index", "column") and table is not None else name
    return owner not in SLACK_TABLES


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # TZDateTime is ours; in the database it is a plain timezone-aware DATETIME.
    if type_ == "type" and isinstance(obj, TZDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    # Full-text search lives outside the models (FTS5 tables and their shadow tables on SQLite,
    # generated tsvector columns and their indexes on PostgreSQL: migration 0013).
    return not (name or "").startswith(("search_", "ix_search_"))


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        include_name=_include_name,
        include_object=_include_object,
        # SQLite alters tables by copying them; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_online() -> None:
    """Migrate over a connection given by the caller, or one made from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `hlm db upgrade`.")
run_migrations_online()
