"""Counts agree with their noun."""

from __future__ import annotations

import pytest

from workflows.words import counted


@pytest.mark.parametrize(
    ("n", "noun", "plural", "expected"),
    [
        pytest.param(0, "owner", None, "0 owners", id="none"),
        pytest.param(1, "owner", None, "1 owner", id="one"),
        pytest.param(2, "owner", None, "2 owners", id="two"),
        pytest.param(1, "person", "people", "1 person", id="one-irregular"),
        pytest.param(3, "person", "people", "3 people", id="many-irregular"),
    ],
)
def test_a_count_agrees_with_its_noun(n: int, noun: str, plural: str | None, expected: str) -> None:
    assert counted(n, noun, plural) == expected
