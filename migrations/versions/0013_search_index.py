"""full-text search over commitment texts and what owners wrote

SQLite: two external-content FTS5 tables (`search_commitments`, `search_updates`) that read
their text from `commitments` and `updates`, kept up to date by triggers. PostgreSQL: a stored
generated `search_vector` column on each table, with a GIN index.

The objects are named `search_*` so that the drift check leaves them alone (`migrations/env.py`).
Caution for later SQLite migrations: batch mode recreates a table, which drops its triggers;
a migration that batch-alters `commitments` or `updates` must create these triggers again
(`create_sqlite_triggers` below).

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Porter stemming over Unicode words, accents folded: "wages" finds "wage", "é" finds "e".
TOKENIZE = "porter unicode61 remove_diacritics 2"
# table -> (FTS table, indexed columns)
SOURCES = {
    "commitments": ("search_commitments", ("text",)),
    "updates": ("search_updates", ("text", "next_step")),
}
PG_VECTORS = {
    "commitments": "to_tsvector('english', coalesce(text, ''))",
    "updates": "to_tsvector('english', coalesce(text, '') || ' ' || coalesce(next_step, ''))",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for fts, _ in SOURCES.values():
            for event in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        return
    for table in PG_VECTORS:
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


def _upgrade_sqlite() -> None:
    for table, (fts, columns) in SOURCES.items():
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, "
            f"content='{table}', content_rowid='id', tokenize='{TOKENIZE}')"
        )
        # Index what is already there. (Every name in these statements is a constant of this module.)
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608
    create_sqlite_triggers()


def create_sqlite_triggers() -> None:
    """Keep the FTS5 tables in step with every insert, edit and delete of their tables."""
    for table, (fts, columns) in SOURCES.items():
        names = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: S608
        insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608
        op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END")
        # Only an edit of the indexed words touches the index (a withdrawal does not).
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} "
            f"BEGIN {delete} {insert} END"
        )


def _upgrade_postgresql() -> None:
    for table, vector in PG_VECTORS.items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        op.execute(f"CREATE INDEX ix_search_{table} ON {table} USING gin (search_vector)")
