"""The schema is built only by the migrations, both ways, on both databases, with no drift."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import inspect, text

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


AT = {"at": "2026-11-23 10:30:00+00:00"}
BEFORE_CHECKINS = [
    "INSERT INTO meetings (id, number, title, held_on, place) VALUES (1, 15, 'HLM', '2026-01-01', 'Geneva')",
    "INSERT INTO areas (id, meeting_id, slug, title, section, position, preamble) "
    "VALUES (1, 1, 'gender', 'Gender', 'thematic', 1, '')",
    "INSERT INTO commitments (id, key, code, meeting_id, area_id, position, number_reconstructed, "
    "lead_in, text, targets) VALUES (1, 'hlm15/gender-1', 'gender-1', 1, 1, 1, false, '', 'x', '[]')",
    "INSERT INTO people (id, name, institution, tz, is_coordinator, active) "
    "VALUES (1, 'Ann', 'ilo', 'Europe/Brussels', false, true)",
    "INSERT INTO outbox (id, key, kind, person_id, cycle, due_at, state, attempts, channel, ts, "
    "payload, created_at) VALUES (7, 'checkin:1:2026-11-23', 'checkin', 1, '2026-11-23', :at, "
    """'sent', 1, 'D1', '1.1', '{"reminder": 0, "closes_on": "2026-12-06", """
    """"items": [["hlm15/gender-1", "ilo"]]}', :at)""",
    "INSERT INTO outbox (id, key, kind, person_id, cycle, due_at, state, attempts, payload, "
    "created_at) VALUES (8, 'departed:1', 'escalation', 1, NULL, :at, 'pending', 0, "
    """'{"reason": "deactivated", "departed": true}', :at)""",
    "INSERT INTO outbox (id, key, kind, person_id, cycle, due_at, state, attempts, payload, "
    "created_at) VALUES (9, 'undelivered:7-x', 'escalation', NULL, NULL, :at, 'pending', 0, "
    """'{"undelivered": [{"row": 3, "kind": "digest", "person_id": null, "attempts": 5, """
    """"cause": "x", "trouble": null, "meeting_id": 2, "meeting": "3 December (OSH)"}], """
    """"carried": 1}', :at)""",
    "INSERT INTO updates (id, commitment_id, institution, author_id, status, text, next_step, "
    "evidence, source, late, prompt_id, created_at) VALUES (1, 1, 'ilo', 1, 'on_track', '', '', "
    "'[]', 'button', false, 7, :at)",
    "INSERT INTO thread_replies (id, person_id, prompt_id, channel, ts, text, update_id, "
    "created_at) VALUES (1, 1, 7, 'D1', '1.2', 'on track', 1, :at)",
]


def json_of(value: object) -> object:
    """Read a JSON column as SQLite (text) and PostgreSQL (parsed) return it."""
    return json.loads(value) if isinstance(value, str) else value


def test_check_ins_move_out_of_the_outbox_with_their_ids_and_back(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config(connection=connection)
            migrate.upgrade(config, "0005")
            for statement in BEFORE_CHECKINS:
                connection.execute(text(statement), AT)
            migrate.upgrade(config, "0006")
            checkin = connection.execute(
                text("SELECT id, person_id, cycle, reminder, items, closes_on FROM checkins")
            ).one()
            assert checkin[:4] == (7, 1, "2026-11-23", 0)
            assert (
                json.loads(checkin[4])
                if isinstance(checkin[4], str)
                else checkin[4] == [["hlm15/gender-1", "ilo"]]
            )
            assert str(checkin[5]) == "2026-12-06"
            payloads = dict(
                connection.execute(text("SELECT id, payload FROM outbox ORDER BY id")).all()
            )
            loaded: dict[int, Any] = {k: json_of(v) for k, v in payloads.items()}
            assert loaded[7] == {"type": "checkin"}
            assert loaded[8] == {"type": "departed", "reason": "deactivated"}
            assert loaded[9]["type"] == "undelivered"
            assert loaded[9]["carried"] == 1
            assert "meeting" not in loaded[9]["entries"][0]
            assert (
                connection.execute(text("SELECT checkin_id FROM outbox WHERE id = 7")).scalar() == 7
            )
            assert connection.execute(text("SELECT checkin_id FROM updates")).scalar() == 7
            assert connection.execute(
                text("SELECT checkin_id, update_id FROM thread_replies")
            ).one() == (7, 1)
            # A check-in made after the upgrade has an id of its own, and comes back as its row.
            connection.execute(
                text(
                    "INSERT INTO checkins (person_id, cycle, reminder, items, closes_on, created_at) "
                    "VALUES (1, '2026-12-07', 0, '[]', '2026-12-20', :at)"
                ),
                AT,
            )
            new = connection.execute(text("SELECT MAX(id) FROM checkins")).scalar()
            assert new == 8
            connection.execute(
                text(
                    "INSERT INTO outbox (id, key, kind, person_id, cycle, due_at, state, attempts, "
                    "payload, created_at, checkin_id) VALUES (20, 'checkin:1:2026-12-07', 'checkin', "
                    """1, '2026-12-07', :at, 'pending', 0, '{"type": "checkin"}', :at, 8)"""
                ),
                AT,
            )
            connection.execute(text("UPDATE thread_replies SET checkin_id = 8"))
            migrate.downgrade(config, "0005")
            rows = dict(connection.execute(text("SELECT id, payload FROM outbox")).all())
            back: dict[int, Any] = {k: json_of(v) for k, v in rows.items()}
            assert back[7] == {
                "reminder": 0,
                "closes_on": "2026-12-06",
                "items": [["hlm15/gender-1", "ilo"]],
            }
            assert back[8] == {"reason": "deactivated", "departed": True}
            assert back[9]["undelivered"][0]["meeting_id"] == 2
            assert connection.execute(text("SELECT prompt_id FROM updates")).scalar() == 7
            assert connection.execute(
                text("SELECT prompt_id, update_id FROM thread_replies")
            ).one() == (20, 1)
    finally:
        engine.dispose()
