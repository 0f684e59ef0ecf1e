"""Search commitment texts and everything owners wrote (an update's words and next step).

    find(session, words, *, limit) -> Results    the best hits, best first, and how many there are

One interface over two indexes, chosen by the session's database (migration 0013): SQLite's
FTS5 (`workflows.search.sqlite`) and PostgreSQL's full-text search (`workflows.search.postgresql`).
What people type is read by `workflows.search.query`, so no input is ever an error. Withdrawn
updates are never hits.

Commitment texts are all ranked. Updates are ranked among the newest `RECENT_UPDATES` that
match: a word found in 300,000 updates then costs about what a rare one does (milliseconds
rather than seconds at a million updates), and what owners wrote lately is what coordinators
look for first. When that many match, the count says "more than" rather than counting on (and
on PostgreSQL, when older updates were left unread: `workflows.search.postgresql`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from workflows.search.query import parse_words
from workflows.store.models import Commitment, Update
from workflows.types import Institution, Status

DEFAULT_LIMIT = 10
RECENT_UPDATES = 200
Piece = tuple[str, bool]  # a stretch of a snippet, and whether it is a matched word


@dataclass(frozen=True)
class Match:
    """A row a backend found: which table, its id, its score (higher is better), its snippet."""

    kind: str  # "commitment" or "update"
    row_id: int
    score: float
    snippet: tuple[Piece, ...]


@dataclass(frozen=True)
class Hit:
    """A commitment whose text matched, or an update whose words matched."""

    kind: str  # "commitment" or "update"
    code: str  # the id people type: gender-7
    area: str  # the area's title
    area_slug: str
    snippet: tuple[Piece, ...]  # plain text; matched words marked
    score: float
    author: str | None = None  # for an update: who wrote it, for which institution, when
    institution: Institution | None = None
    at: datetime | None = None
    status: Status | None = None


@dataclass(frozen=True)
class Results:
    """The best hits of a search, and how many hits there are: all of them, or (`at_least`)
    the commitments and the newest updates ranked, when more updates match; `empty` when the
    words held nothing to look for."""

    hits: list[Hit]
    total: int
    at_least: bool = False
    empty: bool = False


def find(session: Session, words: str, *, limit: int = DEFAULT_LIMIT) -> Results:
    """Find the best hits for the words, and how many there are."""
    query = parse_words(words)
    if query.empty or limit <= 0:
        return Results([], 0, empty=query.empty)
    matches, total, full = _backend(session).matches(
        session, query, limit=limit, window=RECENT_UPDATES
    )
    best = sorted(matches, key=lambda m: -m.score)[:limit]  # stable: the newest first among equals
    return Results(_hits(session, best), total, at_least=full)


def _backend(session: Session) -> ModuleType:
    from workflows.search import postgresql, sqlite

    return sqlite if session.get_bind().dialect.name == "sqlite" else postgresql


def _hits(session: Session, matches: list[Match]) -> list[Hit]:
    ids = {kind: [m.row_id for m in matches if m.kind == kind] for kind in ("commitment", "update")}
    commitments = {
        c.id: c
        for c in session.scalars(
            select(Commitment).options(joinedload(Commitment.area))
            .where(Commitment.id.in_(ids["commitment"]))
        )
    }  # fmt: skip
    updates = {
        u.id: u
        for u in session.scalars(
            select(Update)
            .options(joinedload(Update.author), joinedload(Update.commitment).joinedload(Commitment.area))
            .where(Update.id.in_(ids["update"]))
        )
    }  # fmt: skip
    hits: list[Hit] = []
    for m in matches:
        if m.kind == "commitment" and m.row_id in commitments:
            hits.append(_commitment_hit(commitments[m.row_id], m))
        elif m.kind == "update" and m.row_id in updates:
            hits.append(_update_hit(updates[m.row_id], m))
    return hits


def _commitment_hit(commitment: Commitment, match: Match) -> Hit:
    area = commitment.area
    return Hit(
        "commitment", commitment.shown_code, area.title, area.slug, match.snippet, match.score
    )


def _update_hit(update: Update, match: Match) -> Hit:
    area = update.commitment.area
    author = update.author.name if update.author else None
    return Hit(
        "update", update.commitment.shown_code, area.title, area.slug, match.snippet, match.score,
        author=author, institution=update.institution, at=update.created_at, status=update.status,
    )  # fmt: skip
