"""Lines of a conclusions document, and the page-break debris taken out of them.

Every reader (`seed.draft.readers`) turns a file into `Line`s; everything after that is pure.
A table row keeps its cells separated by tabs (the title column first), as a PDF extraction of
a two-column table prints them. Debris is what a page break leaves: page numbers, running
headers and footers, a title or section heading repeated on every page. A line that follows
removed debris (or a new page) is marked `after_break`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Literal

Kind = Literal["text", "heading"]

PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*\d{1,3}\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,3})?$", re.IGNORECASE
)
TERMINAL = ".:;,!?"
MAX_HEADER_WORDS = 15
NEAR = 2  # letters two running headers may differ by ("Strat regic" is "Strategic")


@dataclass(frozen=True)
class Line:
    """One line (a paragraph, a heading or a table row) of the source, with its 1-based place."""

    text: str
    number: int
    kind: Kind = "text"
    level: int = 0  # for a heading: 1 for the largest, 2 for the next…; 0 when unknown
    after_break: bool = False

    @property
    def flat(self) -> str:
        """Return the text with tabs and runs of spaces made single spaces."""
        return " ".join(self.text.split())


def remove_debris(lines: list[Line], *, keep_first: Callable[[Line], bool]) -> list[Line]:
    """Drop page numbers and repeated headers/footers; mark the line after each as after a break.

    A repeated line for which `keep_first` holds stays the first time it occurs (a title or a
    section heading that is also printed at the top of every page).
    """
    repeated = _repeated(lines)
    seen: set[str] = set()
    kept: list[Line] = []
    broken = False
    for line in lines:
        key = repeated.get(line.number)
        first = key is not None and key not in seen and keep_first(line)
        if key is not None:
            seen.add(key)
        if PAGE_NUMBER.match(line.flat) or (key is not None and not first):
            broken = True
            continue
        kept.append(replace(line, after_break=True) if broken else line)
        broken = False
    return kept


def header_like(line: Line) -> bool:
    """Tell whether a line could be a running header, footer or heading: short, unpunctuated."""
    flat = line.flat
    words = flat.split()
    return 0 < len(words) <= MAX_HEADER_WORDS and flat[-1] not in TERMINAL


def _key(line: Line) -> str:
    # A heading of another style is another line: a section and its area may share words.
    words = re.sub(r"\d+", "#", re.sub(r"\W+", "", line.flat.lower()))
    return f"{line.kind}{line.level}:{words}"


def _near(one: str, other: str) -> bool:
    """Tell whether two keys differ by at most a few letters (an extraction's slip)."""
    if one == other:
        return True
    if one.split(":", 1)[0] != other.split(":", 1)[0]:
        return False  # another kind or level of heading
    if abs(len(one) - len(other)) > NEAR:
        return False
    same = sum(block.size for block in SequenceMatcher(None, one, other).get_matching_blocks())
    return len(one) + len(other) - 2 * same <= NEAR


def _repeated(lines: list[Line]) -> dict[int, str]:
    """Map each line that repeats (alike, short, unpunctuated) to the key of its group."""
    groups: list[str] = []
    member: dict[int, str] = {}
    for line in lines:
        if not header_like(line):
            continue
        key = _key(line)
        group = next((g for g in groups if _near(g, key)), None)
        if group is None:
            groups.append(key)
            group = key
        member[line.number] = group
    counts = Counter(member.values())
    return {number: group for number, group in member.items() if counts[group] > 1}
