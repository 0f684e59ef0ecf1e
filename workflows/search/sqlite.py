"""Search on SQLite: the FTS5 tables of migration 0013.

FTS5's own bm25 first counts, for every word of the query, all the rows holding it: at a million
updates a common word costs a quarter of a second before anything is ranked. So the rows are
ranked here instead, on what FTS5 marks in each (`highlight`, which uses the index's own
tokenizer, stemming included): the matched words, dense in a short text, rank first
(`workflows.search.query.density`). Updates are ranked among the newest `window` that match
(rowids grow with time, and FTS5 walks a word's rows newest first, stopping there).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from workflows.search import Match
from workflows.search.query import Query, crop, density, marked_pieces, to_fts5

START, STOP = "\x02", "\x03"  # marks around matched words

COMMITMENTS = text(
    "SELECT s.rowid, highlight(search_commitments, 0, char(2), char(3)) "
    "FROM search_commitments AS s WHERE search_commitments MATCH :q"
)
UPDATES = text(
    "SELECT s.rowid, highlight(search_updates, 0, char(2), char(3)), "
    "highlight(search_updates, 1, char(2), char(3)) "
    "FROM search_updates AS s JOIN updates AS u ON u.id = s.rowid "
    "WHERE search_updates MATCH :q AND u.withdrawn_at IS NULL "
    "ORDER BY s.rowid DESC LIMIT :window"
)


def matches(
    session: Session, query: Query, *, limit: int, window: int
) -> tuple[list[Match], int, bool]:
    """Return every matching commitment and the newest `window` matching updates, scored and
    cropped to a snippet; how many that is, and whether the window was full (more may match)."""
    params = {"q": to_fts5(query), "window": window}
    found = [
        _match("commitment", row_id, marked_pieces(marked, START, STOP))
        for row_id, marked in session.execute(COMMITMENTS, params)
    ]
    updates = session.execute(UPDATES, params).all()
    for row_id, words, next_step in updates:
        pieces = marked_pieces(words or "", START, STOP)
        step = marked_pieces(next_step or "", START, STOP)
        # The words, unless only the next step holds what was looked for.
        shown = pieces if any(m for _, m in pieces) or not step else step
        found.append(_match("update", row_id, shown, density((*pieces, *step))))
    return found, len(found), len(updates) == window


def _match(
    kind: str, row_id: int, pieces: tuple[tuple[str, bool], ...], score: float | None = None
) -> Match:
    return Match(kind, row_id, density(pieces) if score is None else score, crop(pieces))
