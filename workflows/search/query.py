"""Read what someone typed into a search as a small query, and write it for each database.

The words keep the meaning web search engines give them: `"pay gap"` is a phrase, `-pension`
leaves out what mentions it, `OR` between words accepts either. Anything else (`*`, brackets,
colons, stray quotes) is only a separator. Nothing typed can make a query the database refuses:
every word handed on is made of letters and digits only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

# A quoted phrase (the closing quote may be missing), or a run of anything but spaces.
_TOKEN = re.compile(r'-?"[^"]*"?|[^\s"]+')
_WORD = re.compile(r"\w+")
_SPACED = re.compile(r"\s*\S+\s*|\s+")  # a word with the spaces around it
MAX_TERMS = 32
SNIPPET_WORDS = 30
ELLIPSIS = "…"  # a pasted page is not a query: the first words are enough


@dataclass(frozen=True)
class Query:
    """Alternatives (any one matches), each a list of phrases that must all appear; and phrases
    that must not appear. A phrase is a tuple of words."""

    alternatives: tuple[tuple[tuple[str, ...], ...], ...]
    excluded: tuple[tuple[str, ...], ...] = ()

    @property
    def empty(self) -> bool:
        """Say whether nothing could match (no word to look for)."""
        return not self.alternatives


def parse_words(words: str) -> Query:
    """Read the words typed into a search; never raises."""
    groups: list[list[tuple[str, ...]]] = [[]]
    excluded: list[tuple[str, ...]] = []
    terms = 0
    for piece in _TOKEN.findall(words):
        if piece == "OR":
            if groups[-1]:
                groups.append([])
            continue
        negative = piece.startswith("-") and len(piece) > 1
        phrase = tuple(w.casefold() for w in _WORD.findall(piece))
        if not phrase or terms >= MAX_TERMS:
            continue
        terms += 1
        (excluded if negative else groups[-1]).append(phrase)
    alternatives = tuple(tuple(g) for g in groups if g)
    return Query(alternatives, tuple(excluded) if alternatives else ())


def to_fts5(query: Query) -> str:
    """Write the query in SQLite FTS5's MATCH syntax (every phrase double-quoted)."""
    either = " OR ".join(
        "(" + " AND ".join(_quoted(p) for p in group) + ")" for group in query.alternatives
    )
    return f"({either})" + "".join(f" NOT {_quoted(p)}" for p in query.excluded)


def _quoted(phrase: tuple[str, ...]) -> str:
    # Words are \w runs, so they hold no double quote; quoting makes FTS5 read them as text
    # (never as AND, OR, NOT, NEAR or a column name).
    return '"' + " ".join(phrase) + '"'


def to_websearch(query: Query) -> str:
    """Write the query for PostgreSQL's `websearch_to_tsquery`."""
    either = " or ".join(" ".join(_quoted(p) for p in group) for group in query.alternatives)
    return either + "".join(f" -{_quoted(p)}" for p in query.excluded)


def relaxed(query: Query) -> Query:
    """The query with each phrase's words wanted anywhere, in any order, and nothing left out:
    it matches every text the query matches, and more."""
    return Query(tuple(tuple((word,) for phrase in group for word in phrase)
                       for group in query.alternatives))  # fmt: skip


def phrases_only(query: Query) -> Query | None:
    """The query with each alternative's phrases of two words or more, and nothing else; None
    when an alternative has none. It matches every text the query matches, and more."""
    groups = tuple(tuple(p for p in group if len(p) > 1) for group in query.alternatives)
    return Query(groups) if all(groups) else None


def marked_pieces(snippet: str, start: str, stop: str) -> tuple[tuple[str, bool], ...]:
    """Split a snippet the database marked up into (text, matched) pieces; matched words next
    to each other ("social dialogue") make one piece."""
    pieces: list[tuple[str, bool]] = []
    for i, chunk in enumerate(snippet.split(start)):
        matched, _, rest = chunk.partition(stop) if i else ("", "", chunk)
        _add(pieces, matched.replace(stop, ""), True)
        _add(pieces, rest.replace(stop, ""), False)
    return tuple(pieces)


def _add(pieces: list[tuple[str, bool]], text: str, matched: bool) -> None:
    if not text:
        return
    if matched and len(pieces) >= 2 and pieces[-2][1] and not pieces[-1][0].strip():
        pieces[-2:] = [(pieces[-2][0] + pieces[-1][0] + text, True)]
    else:
        pieces.append((text, matched))


def density(pieces: Sequence[tuple[str, bool]]) -> float:
    """Score a marked text: its matched words, counted against the square root of its length,
    so that words found twice in a short text outrank one passing mention in a long one."""
    matched = sum(len(_WORD.findall(text)) for text, hit in pieces if hit)
    words = sum(len(_WORD.findall(text)) for text, _ in pieces)
    return matched / math.sqrt(max(words, 1))


def crop(
    pieces: Sequence[tuple[str, bool]], words: int = SNIPPET_WORDS
) -> tuple[tuple[str, bool], ...]:
    """Cut a marked text to about `words` words around its first match, marking the cuts."""
    tokens = [(t, hit) for text, hit in pieces for t in _SPACED.findall(text)]
    first = next((i for i, (_, hit) in enumerate(tokens) if hit), 0)
    start = max(0, min(first - words // 4, len(tokens) - words))
    kept = tokens[start : start + words]
    joined: list[tuple[str, bool]] = [(ELLIPSIS, False)] if start > 0 else []
    for token, hit in kept:
        if joined and joined[-1][1] == hit:
            joined[-1] = (joined[-1][0] + token, hit)
        else:
            joined.append((token, hit))
    if start + words < len(tokens):
        joined.append((ELLIPSIS, False))
    return tuple(joined)
