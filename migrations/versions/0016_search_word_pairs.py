"""an index of the words side by side in what owners wrote, for phrases on PostgreSQL

The GIN index over `updates.search_vector` (0013) finds the rows holding a phrase's words, but
cannot tell whether they stand side by side: each such row is read again, and when the words are
common and the phrase rare that is most of the table. This index holds, for every update, each
pair of words that stand next to each other, as the search index spells them ("forced labour"
is `forc labour`; a stop word between two words leaves no pair), so the rows holding a phrase
are found by its pairs. SQLite's FTS5 index keeps word positions already: nothing to do there.

The pairs are made by `search_word_pairs(tsvector)`, which the search calls too; the names begin
with `search_` so that the drift check leaves them alone (`migrations/env.py`).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 22:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAIRS = """
CREATE FUNCTION search_word_pairs(words tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme), '{}')
    FROM (SELECT lexeme, unnest(positions) AS at FROM unnest(words)) AS a
    JOIN (SELECT lexeme, unnest(positions) AS at FROM unnest(words)) AS b ON b.at = a.at + 1
$$
"""
INDEX = (
    "CREATE INDEX ix_search_updates_pairs ON updates USING gin (search_word_pairs(search_vector))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(PAIRS)
    op.execute(INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP INDEX IF EXISTS ix_search_updates_pairs")
    op.execute("DROP FUNCTION IF EXISTS search_word_pairs(tsvector)")
