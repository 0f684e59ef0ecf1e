"""How a joint commitment's overall status is derived from its parts, and when it is stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.types import Institution, Status
from workflows.updates.status import (
    NO_UPDATE,
    CommitmentStatus,
    Part,
    Report,
    awaiting_confirmation,
    derive_overall,
    disagree,
    is_stale,
    summarise,
)

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
S = Status
ILO, EC = Institution.ILO, Institution.COMMISSION


@pytest.mark.parametrize(
    ("parts", "overall", "disagree"),
    [
        pytest.param([None, None], None, False, id="nobody-reported"),
        pytest.param([S.ON_TRACK, None], S.ON_TRACK, False, id="one-side-on-track"),
        pytest.param([S.ON_TRACK, S.AT_RISK], S.AT_RISK, True, id="worst-wins-and-disagree"),
        pytest.param([S.BLOCKED, S.COMPLETED], S.BLOCKED, True, id="blocked-beats-completed"),
        pytest.param([S.COMPLETED, S.COMPLETED], S.COMPLETED, False, id="both-completed"),
        pytest.param([S.COMPLETED, None], S.ON_TRACK, False, id="half-done-is-not-done"),
        pytest.param([S.DROPPED], S.DROPPED, False, id="single-actor-dropped"),
        pytest.param(
            [S.NOT_STARTED, S.ON_TRACK, S.ON_TRACK], S.NOT_STARTED, True, id="three-actors"
        ),
    ],
)
def test_overall_status_is_the_worst_reported_part(
    parts: list[Status | None], overall: Status | None, disagree: bool
) -> None:
    assert derive_overall(parts) == (overall, disagree)


def make_part(
    status: Status | None, days_ago: int | None, institution: Institution = Institution.ILO
) -> Part:
    at = NOW - timedelta(days=days_ago) if days_ago is not None else None
    last = Report(status, "", "Ann", at) if at else None
    return Part(institution, ("Ann",), (), status, at, last)


@pytest.mark.parametrize(
    ("parts", "stale"),
    [
        pytest.param([make_part(None, None)], False, id="never-reported-shows-no-update-instead"),
        pytest.param([make_part(S.ON_TRACK, 3)], False, id="recent"),
        pytest.param([make_part(S.ON_TRACK, 60)], True, id="old"),
        pytest.param([make_part(S.COMPLETED, 400)], False, id="closed-items-are-never-stale"),
        pytest.param(
            [make_part(S.ON_TRACK, 60), make_part(S.AT_RISK, 2, Institution.COMMISSION)],
            False,
            id="one-recent-part-is-enough",
        ),
    ],
)
def test_an_open_item_without_a_recent_report_is_stale(parts: list[Part], stale: bool) -> None:
    assert is_stale(parts, now=NOW) is stale


def make_item(
    overall: Status | None, *, stale: bool = False, disagree: bool = False
) -> CommitmentStatus:
    return CommitmentStatus(
        code="x-1", key="hlm15/x-1", area_slug="x", number=1, number_reconstructed=False,
        text="t", actors=(Institution.ILO,), parts=(), overall=overall, disagree=disagree, stale=stale,
    )  # fmt: skip


def test_summary_counts_items_by_status_worst_first() -> None:
    items = [
        make_item(S.ON_TRACK),
        make_item(None, stale=True),
        make_item(S.BLOCKED, disagree=True),
    ]
    assert summarise(items) == (
        f"3 commitments: 1 blocked, 1 on track, 1 {NO_UPDATE.lower()}, 1 stale, 1 disagree"
    )


def test_summary_of_nothing_says_so() -> None:
    assert summarise([]) == "No commitments."


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param([S.ON_TRACK, S.COMPLETED], False, id="on-track-against-completed-is-progress"),
        pytest.param([S.AT_RISK, S.BLOCKED], False, id="two-problems-agree-something-is-wrong"),
        pytest.param(
            [S.NOT_STARTED, S.AT_RISK], False, id="not-started-and-at-risk-are-both-behind"
        ),
        pytest.param([S.NOT_STARTED, S.ON_TRACK], True, id="not-started-against-on-track"),
        pytest.param([S.AT_RISK, S.COMPLETED], True, id="at-risk-against-completed"),
        pytest.param([S.BLOCKED, S.ON_TRACK], True, id="blocked-against-on-track"),
        pytest.param([S.DROPPED, S.ON_TRACK], True, id="dropped-against-still-going"),
        pytest.param([S.DROPPED, S.SUPERSEDED], False, id="dropped-and-superseded-both-ended"),
        pytest.param([S.ON_TRACK, None], False, id="silence-is-not-disagreement"),
        pytest.param([S.ON_TRACK, S.ON_TRACK, S.BLOCKED], True, id="three-actors"),
    ],
)
def test_the_institutions_disagree_only_when_one_is_behind_and_another_ahead(
    statuses: list[Status | None], expected: bool
) -> None:
    assert disagree(statuses) is expected
    assert disagree(reversed(statuses)) is expected


@pytest.mark.parametrize(
    ("ilo", "ec", "expected"),
    [
        pytest.param(S.COMPLETED, None, ((ILO,), (EC,)), id="the-other-has-said-nothing"),
        pytest.param(S.COMPLETED, S.ON_TRACK, ((ILO,), (EC,)), id="the-other-is-on-track"),
        pytest.param(S.COMPLETED, S.COMPLETED, ((), ()), id="both-completed"),
        pytest.param(S.COMPLETED, S.BLOCKED, ((), ()), id="a-problem-is-a-disagreement"),
        pytest.param(S.ON_TRACK, S.ON_TRACK, ((), ()), id="nobody-completed"),
    ],
)
def test_a_completion_awaits_the_confirmation_of_the_institutions_still_on_track_or_silent(
    ilo: Status, ec: Status | None, expected: object
) -> None:
    assert awaiting_confirmation([(ILO, ilo), (EC, ec)]) == expected
