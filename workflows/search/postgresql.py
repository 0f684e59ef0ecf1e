"""Search on PostgreSQL: the generated `search_vector` columns of migration 0013, ranked by
`ts_rank` (normalised by the length of the text, so a passing mention in a long text counts less
than the same words in a short one).

Updates are ranked among the newest `window` that match, found in a way whose cost does not
depend on the planner guessing right how many rows hold the words (it guessed wrong both ways:
a rare phrase of common words read a million rows newest first, a pair of common words read
every row holding both through the GIN index):

1. The newest `WALK_FIRST` updates are read newest first and each is checked. A common word or
   pair fills the window here, in milliseconds; so does a table that small.
2. Otherwise the rows read tell how many older rows each index would hand over to be checked
   again: the GIN index over `search_vector` (0013), the rows holding all the words of an
   alternative, whether or not a phrase's words stand together there (it cannot check word
   positions); the pairs' index (0016), the rows holding a phrase's words side by side. The
   cheaper one finds every older match when it hands over at most `INDEX_AT_MOST` rows, unless
   reading on in order is sure to fill the window for less.
3. Otherwise (words common enough to fill the window within `WALK_ON` more rows, or an index
   handing over too many) the next `WALK_ON` older updates are read in order, and when that
   leaves the window short and older updates unread, the count says "more than".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from workflows.search import Match
from workflows.search.query import Query, marked_pieces, phrases_only, relaxed, to_websearch

START, STOP = "\x02", "\x03"
HEADLINE = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
    'FragmentDelimiter=" … "'
)
WALK_FIRST = 10_000  # the newest updates checked one by one
INDEX_AT_MOST = 5_000  # older rows the index may hand over to be checked
INDEX_COST = 25  # a row the index hands over costs about what 25 rows read in order do
WALK_ON = 100_000  # older updates checked one by one, when the index would cost more
NEWEST = 2**63 - 1  # above every id

# The inner query ranks (and counts every match); the outer one marks up only the rows kept
# (ts_headline is costly).
COMMITMENTS = text(
    "SELECT best.id, best.score, ts_headline('english', t.text, best.q, :headline), best.total "
    "FROM (SELECT t.id, ts_rank(t.search_vector, q, 1) AS score, q, count(*) OVER () AS total "
    "FROM commitments AS t, websearch_to_tsquery('english', :q) AS q "
    "WHERE t.search_vector @@ q ORDER BY score DESC LIMIT :limit) AS best "
    "JOIN commitments AS t ON t.id = best.id ORDER BY best.score DESC"
)
# The words as a tsquery, made once per statement: a sub-select is computed once even in a
# generic plan (psycopg prepares a statement run often, and PostgreSQL may then plan it without
# the words), where a function of a parameter would parse the words again for every row read.
Q, CANDIDATES, PHRASED = (
    f"(SELECT websearch_to_tsquery('english', :{name}))" for name in ("q", "candidates", "phrased")
)
# The `rows` newest updates below an id (a LIMIT in a sub-select keeps the words' test out of
# the index: the rows are read in order): how many were read, the lowest id read, how many
# hold the words of an alternative (what the words' index would hand over), how many hold an
# alternative's phrases (what the pairs' index would), and the newest `rest` matches' ids.
NEWEST_ROWS = (
    "SELECT id, search_vector, withdrawn_at FROM updates WHERE id < :below "
    "ORDER BY id DESC LIMIT :rows"
)
# (Every piece put into these statements is a constant of this module; the words are parameters.)
WALK = text(
    "SELECT count(*), min(w.id), "  # noqa: S608
    f"count(*) FILTER (WHERE w.search_vector @@ {CANDIDATES}), "
    f"count(*) FILTER (WHERE w.search_vector @@ {PHRASED}), "
    "(array_agg(w.id ORDER BY w.id DESC) "
    f"FILTER (WHERE w.withdrawn_at IS NULL AND w.search_vector @@ {Q}))"
    f"[1:CAST(:rest AS integer)] FROM ({NEWEST_ROWS}) AS w"
)
# The newest `rest` matches among the `rows` newest updates below an id, read in order up to
# the `rest`th match; and whether any update is older than those rows.
WALK_ON_SQL = text(
    f"SELECT w.id FROM ({NEWEST_ROWS}) AS w "  # noqa: S608
    f"WHERE w.withdrawn_at IS NULL AND w.search_vector @@ {Q} ORDER BY w.id DESC LIMIT :rest"
)
OLDER = text(
    "SELECT EXISTS (SELECT 1 FROM updates WHERE id < :below ORDER BY id DESC OFFSET :rows)"
)
# Every match through the GIN index, then the newest `rest` below an id (outside, so that no
# plan walks the primary key towards them, or reads it whole into a bitmap).
INDEXED = text(
    "WITH found AS MATERIALIZED "  # noqa: S608
    f"(SELECT id FROM updates WHERE search_vector @@ {Q} AND withdrawn_at IS NULL) "
    "SELECT id FROM found WHERE id < :below ORDER BY id DESC LIMIT :rest"
)
# The pairs of words side by side in each phrase, as the index of migration 0016 holds them.
PHRASE_PAIRS = text(
    "SELECT search_word_pairs(to_tsvector('english', x.phrase)) "
    "FROM unnest(CAST(:phrases AS text[])) WITH ORDINALITY AS x(phrase, n) ORDER BY x.n"
)


def _paired(alternatives: int) -> TextClause:
    """Every row holding all the pairs of one alternative's phrases, through the pairs' index,
    then the newest `rest` matches below an id (checked outside, so that no plan reads the
    words' index too)."""
    either = " OR ".join(
        f"search_word_pairs(search_vector) @> CAST(:pairs_{n} AS text[])"
        for n in range(alternatives)
    )
    return text(
        "WITH found AS MATERIALIZED (SELECT id, search_vector, withdrawn_at FROM updates "  # noqa: S608
        f"WHERE {either}) SELECT id FROM found WHERE id < :below AND withdrawn_at IS NULL "
        f"AND search_vector @@ {Q} ORDER BY id DESC LIMIT :rest"
    )


# The updates found, ranked; the words and the next step are marked up as one text.
UPDATES = text(
    "SELECT best.id, best.score, ts_headline('english', CASE WHEN t.next_step = '' THEN t.text "
    "ELSE t.text || ' — ' || t.next_step END, websearch_to_tsquery('english', :q), :headline) "
    "FROM (SELECT t.id, ts_rank(t.search_vector, websearch_to_tsquery('english', :q), 1) AS score "
    "FROM updates AS t WHERE t.id = ANY(CAST(:ids AS bigint[])) "
    "ORDER BY score DESC, t.id DESC LIMIT :limit) AS best "
    "JOIN updates AS t ON t.id = best.id ORDER BY best.score DESC, best.id DESC"
)


def matches(
    session: Session, query: Query, *, limit: int, window: int
) -> tuple[list[Match], int, bool]:
    """Return the `limit` best commitments and the `limit` best of the newest `window` matching
    updates; how many matched in all, and whether more updates may match."""
    params = {"q": to_websearch(query), "limit": limit, "headline": HEADLINE}
    found: list[Match] = []
    commitments = 0
    for row_id, score, snippet, total in session.execute(COMMITMENTS, params):
        found.append(_match("commitment", row_id, score, snippet))
        commitments = int(total)
    ids, more = newest_updates(session, query, window=window)
    if ids:
        for row_id, score, snippet in session.execute(UPDATES, {**params, "ids": ids}):
            found.append(_match("update", row_id, score, snippet))
    return found, commitments + len(ids), more


def newest_updates(session: Session, query: Query, *, window: int) -> tuple[list[int], bool]:
    """Return the ids of the newest `window` updates that match, newest first, and whether more
    may match (the window is full, or older updates were left unchecked)."""
    phrased = phrases_only(query)
    words = {"q": to_websearch(query), "candidates": to_websearch(relaxed(query)),
             "phrased": to_websearch(phrased or query)}  # fmt: skip
    walk = {**words, "below": NEWEST, "rows": WALK_FIRST, "rest": window}
    read, lowest, candidates, paired, newest = session.execute(WALK, walk).one()
    ids = list(newest or [])
    if len(ids) == window or read < WALK_FIRST:  # full, or every update was checked
        return ids, len(ids) == window
    sample = Sample(read, lowest, len(ids), candidates, paired if phrased else None)
    older, more = _older(session, query, words, sample, rest=window - len(ids))
    return ids + older, more


@dataclass(frozen=True)
class Sample:
    """What the newest updates read in order say: how many were read, the lowest id read, how
    many match, how many the words' index and the pairs' index (None: no use) would hand over."""

    read: int
    lowest: int
    found: int
    candidates: int
    paired: int | None

    def older(self, count: int) -> float:
        """How many of the rows below the lowest id read are like `count` of those read."""
        return count * (self.lowest - 1) / self.read


def _older(
    session: Session, query: Query, words: dict[str, str], sample: Sample, *, rest: int
) -> tuple[list[int], bool]:
    """Return the newest `rest` matches below the sample, by an index or in order, whichever the
    sample says costs less."""
    # The rows to read on to fill the window, at the rate found so far, twice over (the rate is
    # an estimate, and an index finds every match where reading on may stop short).
    to_fill = 2 * rest * sample.read / sample.found if sample.found else math.inf
    by_words = sample.older(sample.candidates)  # the rows each index would hand over
    by_pairs = math.inf if sample.paired is None else sample.older(sample.paired)
    params = {**words, "below": sample.lowest, "rest": rest}

    def worth(to_check: float) -> bool:  # an index, rather than reading on in order
        return to_check <= INDEX_AT_MOST and not to_fill <= min(WALK_ON, to_check * INDEX_COST)

    if by_pairs <= by_words and worth(by_pairs):
        pairs = _pairs(session, query)
        if pairs is not None:
            paired = {f"pairs_{n}": p for n, p in enumerate(pairs)}
            older = list(session.scalars(_paired(len(pairs)), {**params, **paired}))
            return older, len(older) == rest
    if worth(by_words):
        older = list(session.scalars(INDEXED, params))
        return older, len(older) == rest
    older = list(session.scalars(WALK_ON_SQL, {**params, "rows": WALK_ON}))
    if len(older) == rest:
        return older, True
    return older, bool(session.scalar(OLDER, {"below": sample.lowest, "rows": WALK_ON}))


def _pairs(session: Session, query: Query) -> list[list[str]] | None:
    """Each alternative's pairs of words side by side, as the pairs' index holds them; None when
    an alternative has none (its phrases have a stop word between every two words)."""
    phrases = [(n, " ".join(p)) for n, group in enumerate(query.alternatives) for p in group
               if len(p) > 1]  # fmt: skip
    found = session.scalars(PHRASE_PAIRS, {"phrases": [p for _, p in phrases]}).all()
    pairs: list[set[str]] = [set() for _ in query.alternatives]
    for (n, _), these in zip(phrases, found, strict=True):
        pairs[n].update(these)
    return [sorted(p) for p in pairs] if all(pairs) else None


def _match(kind: str, row_id: int, score: float, snippet: str) -> Match:
    return Match(kind, row_id, float(score), marked_pieces(snippet, START, STOP))
