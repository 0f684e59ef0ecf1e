"""Counts in sentences people read, with the noun agreeing: 1 owner, 2 owners, 0 owners."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """Write a count and its noun, singular for exactly one (`plural` when adding "s" is wrong)."""
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {plural or noun + 's'}"
