"""Find the area or commitment a person means, forgivingly: slug, title words, number, typos."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from workflows.errors import UnknownArea, UnknownCommitment

_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which area is meant.
_STOP = frozenset({"and", "the", "of", "in", "to", "for", "a", "on", "ilo", "eu", "work", "world"})


@dataclass(frozen=True)
class AreaRef:
    """What matching needs to know of an area."""

    slug: str
    title: str
    position: int
    aliases: tuple[str, ...] = ()  # other words people use for it, from the seed


def match_area(query: str, areas: Sequence[AreaRef]) -> AreaRef:
    """Return the one area the query means, or raise UnknownArea with the closest choices."""
    text = query.strip().lower()
    for finder in (_by_number, _by_slug, _by_title, _by_words, _by_alias, _by_typo):
        found = finder(text, areas)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UnknownArea(query, [a.slug for a in found[:4]])
    raise UnknownArea(query, closest_slugs(text, areas))


def closest_slugs(text: str, areas: Sequence[AreaRef], limit: int = 3) -> list[str]:
    """Suggest the slugs nearest to what was typed."""
    slugs = [a.slug for a in areas]
    return difflib.get_close_matches(text, slugs, n=limit, cutoff=0.4) or slugs[:limit]


def _by_number(text: str, areas: Sequence[AreaRef]) -> list[AreaRef]:
    number = text.removeprefix("#")
    # Only ASCII digits, few of them: `int()` refuses "²" although `isdigit()` accepts it.
    if not (number.isascii() and number.isdecimal() and len(number) <= 9):
        return []
    return [a for a in areas if a.position == int(number)]


def _by_slug(text: str, areas: Sequence[AreaRef]) -> list[AreaRef]:
    dashed = "-".join(_WORD.findall(text))
    exact = [a for a in areas if a.slug == dashed]
    return exact or [a for a in areas if dashed and a.slug.startswith(dashed)]


def _by_title(text: str, areas: Sequence[AreaRef]) -> list[AreaRef]:
    return [a for a in areas if a.title.lower() == text]


def _by_words(text: str, areas: Sequence[AreaRef]) -> list[AreaRef]:
    words = [w for w in _WORD.findall(text) if w not in _STOP]
    if not words:
        return []
    return [a for a in areas if all(_has_word(a, w) for w in words)]


def _has_word(area: AreaRef, word: str) -> bool:
    title_words = _WORD.findall(area.title.lower()) + area.slug.split("-")
    return any(t.startswith(word) for t in title_words)


def _by_alias(text: str, areas: Sequence[AreaRef]) -> list[AreaRef]:
    words = set(_WORD.findall(text))
    return [a for a in areas if words & set(a.aliases)]


def _by_typo(text: str, areas: Sequence[AreaRef]) -> list[AreaRef]:
    vocabulary: dict[str, set[str]] = {}
    for area in areas:
        for word in [area.slug, *_WORD.findall(area.title.lower())]:
            if len(word) > 2 and word not in _STOP:
                vocabulary.setdefault(word, set()).add(area.slug)
    close = difflib.get_close_matches(text, list(vocabulary), n=1, cutoff=0.75)
    slugs = vocabulary[close[0]] if close else set()
    return [a for a in areas if a.slug in slugs]


def match_code(query: str, codes: Sequence[str]) -> str:
    """Return the commitment id meant (`gender-7`, `Gender 7`, `gender#7`), or raise."""
    text = "-".join(_WORD.findall(query.lower()))
    if text in codes:
        return text
    raise UnknownCommitment(query, difflib.get_close_matches(text, list(codes), n=3, cutoff=0.6))
