"""A simulated month of reports (bench/quarter.py, shortened): every weekly digest lists only
disagreements the written rule makes, all of them, and each commitment once in its area's detail."""

from __future__ import annotations

import random

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bench.quarter import rule_disagrees, simulate
from workflows.store.db import session_scope
from workflows.types import Status


def test_a_simulated_month_of_digests_follows_the_rules(owned: sessionmaker[Session]) -> None:
    with session_scope(owned) as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("the simulated month runs on SQLite (bench/quarter.py runs the rest)")
        weeks = simulate(session, weeks=4, rng=random.Random(4), holiday=2)
    assert [w.problems for w in weeks] == [(), (), (), ()]
    holiday = weeks[2].digest
    assert holiday.quiet
    assert weeks[2].replies == 0
    busy = [w.digest for w in weeks if w.number != 3]
    assert all(not d.quiet for d in busy)
    # The checks had something to check: disagreements, moves, and clicks that collapsed.
    assert sum(d.totals.disagreements for d in busy) > 0
    assert sum(d.totals.moved for d in busy) > 0
    assert any(d.totals.updates > d.totals.moved for d in busy)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param([Status.ON_TRACK, Status.COMPLETED], False, id="progress-is-not-conflict"),
        pytest.param([Status.ON_TRACK, Status.AT_RISK], True, id="ahead-and-behind"),
        pytest.param([Status.AT_RISK, Status.BLOCKED], False, id="both-see-trouble"),
        pytest.param([Status.DROPPED, Status.NOT_STARTED], True, id="dropped-and-alive"),
        pytest.param([Status.DROPPED, Status.SUPERSEDED], False, id="both-closed-it"),
        pytest.param([Status.ON_TRACK, None], False, id="one-silent"),
    ],
)
def test_the_simulations_restatement_of_the_rule_reads_as_written(
    statuses: list[Status | None], expected: bool
) -> None:
    assert rule_disagrees(statuses) is expected
