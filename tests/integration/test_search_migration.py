"""Migration 0013 indexes what is already there, follows what comes after, and goes away
cleanly, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from tests.conftest import BACKENDS
from workflows.search import find
from workflows.store import migrate
from workflows.store.db import make_engine

pytestmark = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)

AT = {"at": "2026-11-23 10:30:00+00:00"}
BEFORE = [
    "INSERT INTO meetings (id, number, title, held_on, place) VALUES (1, 15, 'HLM', '2026-01-01', 'Geneva')",
    "INSERT INTO areas (id, meeting_id, slug, title, section, position, preamble, aliases) "
    "VALUES (1, 1, 'gender', 'Gender', 'technical', 1, '', '[]')",
    "INSERT INTO commitments (id, key, code, meeting_id, area_id, position, number_reconstructed, "
    "lead_in, text, targets) VALUES (1, 'hlm15/gender-1', 'gender-1', 1, 1, 1, false, '', "
    "'Promote pay transparency', '[]')",
    "INSERT INTO people (id, name, institution, tz, is_coordinator, active) "
    "VALUES (1, 'Ann', 'ilo', 'Europe/Brussels', false, true)",
    "INSERT INTO updates (id, commitment_id, institution, author_id, status, text, next_step, "
    "evidence, source, late, created_at) VALUES (1, 1, 'ilo', 1, 'on_track', 'Quokka survey sent', "
    "'Read the answers', '[]', 'button', false, :at)",
]  # fmt: skip


def test_the_search_index_covers_rows_made_before_it_and_after_and_goes_away(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config(connection=connection)
            migrate.upgrade(config, "0007")
            for statement in BEFORE:
                connection.execute(text(statement), AT)
            migrate.upgrade(config)  # through 0013 (and the revisions after, which the models need)
            session = Session(bind=connection)
            assert [h.code for h in find(session, "quokka").hits] == ["gender-1"]
            assert [h.kind for h in find(session, "transparency").hits] == ["commitment"]
            connection.execute(
                text(
                    "INSERT INTO updates (id, commitment_id, institution, author_id, status, "
                    "text, next_step, evidence, source, late, created_at) VALUES (2, 1, 'ilo', 1, "
                    "'at_risk', 'Wombat delay', '', '[]', 'button', false, :at)"
                ),
                AT,
            )
            assert [h.kind for h in find(session, "wombat").hits] == ["update"]
            session.close()
            migrate.downgrade(config, "0007")
            names = set(inspect(connection).get_table_names())
            assert not {n for n in names if n.startswith("search_")}
            columns = {c["name"] for c in inspect(connection).get_columns("updates")}
            assert "search_vector" not in columns
            assert connection.execute(text("SELECT count(*) FROM updates")).scalar() == 2
            migrate.upgrade(config)  # and up again, the rows indexed anew
            session = Session(bind=connection)
            assert [h.code for h in find(session, "wombat").hits] == ["gender-1"]
            session.close()
    finally:
        engine.dispose()
