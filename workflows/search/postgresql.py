"""Search on PostgreSQL: the generated `search_vector` columns of migration 0013, ranked by
`ts_rank` (normalised by the length of the text, so a passing mention in a long text counts less
than the same words in a short one)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from workflows.search import Match
from workflows.search.query import Query, marked_pieces, to_websearch

START, STOP = "\x02", "\x03"
HEADLINE = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
    'FragmentDelimiter=" … "'
)


# The inner query ranks (and counts every match); the outer one marks up only the rows kept
# (ts_headline is costly).
COMMITMENTS = text(
    "SELECT best.id, best.score, ts_headline('english', t.text, best.q, :headline), best.total "
    "FROM (SELECT t.id, ts_rank(t.search_vector, q, 1) AS score, q, count(*) OVER () AS total "
    "FROM commitments AS t, websearch_to_tsquery('english', :q) AS q "
    "WHERE t.search_vector @@ q ORDER BY score DESC LIMIT :limit) AS best "
    "JOIN commitments AS t ON t.id = best.id ORDER BY best.score DESC"
)
# Updates are ranked among the newest `window` that match, so that a common word costs about
# what a rare one does (the planner walks the primary key backwards for a common word, the GIN
# index for a rare one: the query is a constant it can estimate). The words and the next step
# are marked up as one text.
UPDATES = text(
    "WITH recent AS (SELECT t.id, "
    "ts_rank(t.search_vector, websearch_to_tsquery('english', :q), 1) AS score FROM updates AS t "
    "WHERE t.search_vector @@ websearch_to_tsquery('english', :q) AND t.withdrawn_at IS NULL "
    "ORDER BY t.id DESC LIMIT :window), "
    "best AS (SELECT id, score FROM recent ORDER BY score DESC, id DESC LIMIT :limit) "
    "SELECT best.id, best.score, ts_headline('english', CASE WHEN t.next_step = '' THEN t.text "
    "ELSE t.text || ' — ' || t.next_step END, websearch_to_tsquery('english', :q), :headline), "
    "(SELECT count(*) FROM recent) FROM best JOIN updates AS t ON t.id = best.id "
    "ORDER BY best.score DESC, best.id DESC"
)


def matches(
    session: Session, query: Query, *, limit: int, window: int
) -> tuple[list[Match], int, bool]:
    """Return the `limit` best commitments and the `limit` best of the newest `window` matching
    updates; how many matched in all, and whether the window was full (more may match)."""
    params = {"q": to_websearch(query), "limit": limit, "headline": HEADLINE, "window": window}
    found: list[Match] = []
    totals = {"commitment": 0, "update": 0}
    for kind, statement in (("commitment", COMMITMENTS), ("update", UPDATES)):
        for row_id, score, snippet, total in session.execute(statement, params):
            found.append(Match(kind, row_id, float(score), marked_pieces(snippet, START, STOP)))
            totals[kind] = int(total)
    return found, totals["commitment"] + totals["update"], totals["update"] == window
