"""Search on SQLite: the FTS5 tables of migration 0013, ranked by bm25."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from workflows.search import Match
from workflows.search.query import Query, marked_pieces, to_fts5

START, STOP = "\x02", "\x03"  # marks around matched words in a snippet
SNIPPET_TOKENS = 24

COMMITMENTS = text(
    "SELECT s.rowid, bm25(search_commitments) AS score, "
    "snippet(search_commitments, 0, char(2), char(3), '…', :tokens) "
    "FROM search_commitments AS s WHERE search_commitments MATCH :q "
    "ORDER BY score LIMIT :limit"
)
# Updates are ranked among the newest `window` that match (rowids grow with time, and FTS5
# walks a word's rows newest first), so that a common word costs as much as a rare one; then
# only the few kept are marked up.
UPDATES = text(
    "SELECT recent.id, recent.score FROM (SELECT s.rowid AS id, bm25(search_updates) AS score "
    "FROM search_updates AS s WHERE search_updates MATCH :q ORDER BY s.rowid DESC "
    "LIMIT :window) AS recent JOIN updates AS u ON u.id = recent.id "
    "WHERE u.withdrawn_at IS NULL ORDER BY recent.score LIMIT :limit"
)
UPDATE_SNIPPET = text(
    "SELECT snippet(search_updates, -1, char(2), char(3), '…', :tokens) FROM search_updates "
    "WHERE search_updates MATCH :q AND rowid = :id"
)
COUNT = text(
    "SELECT (SELECT count(*) FROM (SELECT 1 FROM search_commitments WHERE search_commitments "
    "MATCH :q LIMIT :most)) + (SELECT count(*) FROM (SELECT 1 FROM search_updates AS s "
    "JOIN updates AS u ON u.id = s.rowid WHERE search_updates MATCH :q "
    "AND u.withdrawn_at IS NULL LIMIT :most))"
)


def matches(session: Session, query: Query, *, limit: int, window: int) -> list[Match]:
    """Return up to `limit` best commitments, and the `limit` best of the newest `window`
    matching updates."""
    params = {"q": to_fts5(query), "limit": limit, "tokens": SNIPPET_TOKENS, "window": window}
    # bm25 is lower for better matches: turned round, higher is better everywhere.
    found = [
        Match("commitment", row_id, -float(score), marked_pieces(snippet, START, STOP))
        for row_id, score, snippet in session.execute(COMMITMENTS, params)
    ]
    for row_id, score in session.execute(UPDATES, params).all():
        snippet = session.execute(UPDATE_SNIPPET, params | {"id": row_id}).scalar_one()
        found.append(Match("update", row_id, -float(score), marked_pieces(snippet, START, STOP)))
    return found


def count(session: Session, query: Query, *, most: int) -> int:
    """Count matching commitments and updates, each up to `most`."""
    return int(session.execute(COUNT, {"q": to_fts5(query), "most": most}).scalar_one())
