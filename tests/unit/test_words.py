"""Counts agree with their noun."""

from __future__ import annotations

import pytest

from workflows.checkins.prompts import SendReport
from workflows.people.owners_file import ImportReport
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


@pytest.mark.parametrize(
    ("sent", "people", "expected_sent", "expected_import"),
    [
        (1, 1, "1 check-in sent.", "1 person, 1 assignment imported."),
        (3, 2, "3 check-ins sent.", "2 people, 3 assignments imported."),
    ],
)
def test_reports_agree_with_their_counts(
    sent: int, people: int, expected_sent: str, expected_import: str
) -> None:
    names = [f"Owner {n}" for n in range(sent)]
    assert SendReport(sent=names).summary() == expected_sent
    report = ImportReport(people=people, lines=names)
    assert report.summary().splitlines()[0] == expected_import
