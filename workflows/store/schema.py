"""Bring a database's schema to the newest revision, for the command line and the console."""

from __future__ import annotations

from sqlalchemy import Engine

from workflows.store import migrate


def upgrade_to_newest(engine: Engine) -> str:
    """Migrate the schema to the newest revision and return that revision."""
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
        return migrate.current_revision(connection) or "base"
