"""The schema is built only by the migrations, both ways, on both databases, with no drift."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from tests.conftest import BACKENDS
from workflows.store import migrate
from workflows.store.db import Base, make_engine

pytestmark = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)


def test_upgrade_creates_every_table_and_downgrade_removes_them(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            migrate.upgrade(migrate.alembic_config(connection=connection))
            assert set(Base.metadata.tables) <= set(inspect(connection).get_table_names())
            migrate.downgrade(migrate.alembic_config(connection=connection))
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_models_match_the_migrations(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config(connection=connection)
            migrate.upgrade(config)
            migrate.check(config)  # raises when autogenerate would find a difference
            assert migrate.current_revision(connection) is not None
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config(connection=connection)
            migrate.upgrade(config)
            first = migrate.current_revision(connection)
            migrate.upgrade(config)
            assert migrate.current_revision(connection) == first
    finally:
        engine.dispose()
