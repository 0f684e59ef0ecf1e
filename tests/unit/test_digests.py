"""Compiling a digest: counts, what changed, what needs attention, who is silent. No database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from workflows.reports.digests import (
    MAX_CHANGES_PER_AREA,
    Change,
    Digest,
    compile_digest,
    replay_progress,
    shorten,
    to_markdown,
)
from workflows.types import Institution, Status
from workflows.updates.status import AreaStatus, CommitmentStatus, Part, Report, derive_overall

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
SINCE = NOW - timedelta(days=7)
BEFORE = SINCE - timedelta(days=3)
DURING = NOW - timedelta(days=2)
ILO, EC = Institution.ILO, Institution.COMMISSION


def part(
    institution: Institution,
    status: Status | None,
    *,
    at: datetime | None = None,
    author: str = "Ann",
) -> Part:
    report = Report(status, "", author, at) if at else None
    return Part(institution, (author,), (), status, at if status else None, report)


def item(code: str, *parts: Part, text: str = "Cooperate on decent work.") -> CommitmentStatus:
    overall, disagree = derive_overall([p.status for p in parts])
    return CommitmentStatus(
        code=code,
        key=f"hlm15/{code}",
        area_slug=code.rsplit("-", 1)[0],
        number=1,
        number_reconstructed=False,
        text=text,
        actors=tuple(p.institution for p in parts),
        parts=parts,
        overall=overall,
        disagree=disagree,
        stale=False,
    )


def area(slug: str, *items: CommitmentStatus) -> AreaStatus:
    return AreaStatus(slug, slug.replace("-", " ").title(), 1, items)


def change(
    code: str,
    status: Status | None = Status.ON_TRACK,
    *,
    at: datetime = DURING,
    author: str = "Ann",
    text: str = "Workshop held",
    institution: Institution = ILO,
) -> Change:
    return Change(code, code.rsplit("-", 1)[0], institution, status, text, author, at)


def digest_of(
    *areas: AreaStatus,
    updates: Sequence[Change] = (),
    asked: dict[str, set[str]] | None = None,
    change_counts: dict[str, int] | None = None,
) -> Digest:
    return compile_digest(
        kind="weekly",
        title="Weekly",
        areas=areas,
        updates=updates,
        asked=asked or {},
        progress=[],
        since=SINCE,
        now=NOW,
        change_counts=change_counts,
    )


def test_counts_are_kept_per_institution_and_include_no_update() -> None:
    gender = area(
        "gender",
        item(
            "gender-1", part(ILO, Status.ON_TRACK, at=DURING), part(EC, Status.AT_RISK, at=DURING)
        ),
        item("gender-2", part(ILO, None), part(EC, None)),
        item("gender-3", part(ILO, Status.ON_TRACK, at=BEFORE), part(EC, None)),
    )
    [result] = digest_of(gender).areas
    assert result.counts == {
        ILO: Counter({"On track": 2, "No update": 1}),
        EC: Counter({"At risk": 1, "No update": 2}),
    }
    assert result.overall == Counter({"At risk": 1, "No update": 1, "On track": 1})
    assert result.total == 3


def test_only_updates_of_the_period_are_listed_newest_first_in_their_area() -> None:
    gender = area("gender", item("gender-1", part(ILO, None)))
    osh = area("osh", item("osh-1", part(ILO, None)))
    updates = [
        change("gender-1", text="older", at=DURING - timedelta(days=1)),
        change("gender-1", text="newer", at=DURING),
        change("gender-1", text="before the period", at=BEFORE),
        change("gender-1", text="at the end of the period is not in it", at=NOW),
        change("osh-1", text="elsewhere"),
    ]
    result = digest_of(gender, osh, updates=updates)
    assert [c.text for c in result.areas[0].changes] == ["newer", "older"]
    assert [c.text for c in result.areas[1].changes] == ["elsewhere"]
    assert result.totals.changes == 3


def test_changes_are_capped_per_area_but_counted_in_full() -> None:
    gender = area("gender", item("gender-1", part(ILO, None)))
    updates = [
        change("gender-1", at=DURING - timedelta(minutes=n))
        for n in range(MAX_CHANGES_PER_AREA + 5)
    ]
    [capped] = digest_of(gender, updates=updates).areas
    assert len(capped.changes) == MAX_CHANGES_PER_AREA
    assert capped.changes[0].at == DURING
    assert capped.change_count == MAX_CHANGES_PER_AREA + 5
    [counted] = digest_of(gender, updates=updates[:10], change_counts={"gender": 700}).areas
    assert counted.change_count == 700


def test_open_items_without_any_report_in_the_period_are_silent() -> None:
    gender = area(
        "gender",
        item("gender-1", part(ILO, None), part(EC, None)),
        item("gender-2", part(ILO, Status.ON_TRACK, at=BEFORE), part(EC, None)),
        item("gender-3", part(ILO, Status.ON_TRACK, at=BEFORE), part(EC, None, at=DURING)),
        item(
            "gender-4", part(ILO, Status.COMPLETED, at=BEFORE), part(EC, Status.DROPPED, at=BEFORE)
        ),
    )
    [result] = digest_of(gender).areas
    assert [f.code for f in result.silent] == ["gender-1", "gender-2"]
    assert result.silent[1].parts == ((ILO, "On track"), (EC, "No update"))


def test_items_at_risk_or_blocked_name_the_institutions_concerned() -> None:
    gender = area(
        "gender",
        item(
            "gender-1", part(ILO, Status.ON_TRACK, at=DURING), part(EC, Status.AT_RISK, at=DURING)
        ),
        item("gender-2", part(ILO, Status.BLOCKED, at=DURING), part(EC, Status.BLOCKED, at=DURING)),
        item("gender-3", part(ILO, Status.ON_TRACK, at=DURING)),
    )
    [result] = digest_of(gender).areas
    assert [(f.code, f.parts) for f in result.at_risk] == [
        ("gender-1", ((EC, "At risk"),)),
        ("gender-2", ((ILO, "Blocked"), (EC, "Blocked"))),
    ]
    assert result.at_risk[0].text == "Cooperate on decent work."


def test_joint_items_whose_institutions_report_different_statuses_disagree() -> None:
    gender = area(
        "gender",
        item(
            "gender-1", part(ILO, Status.ON_TRACK, at=DURING), part(EC, Status.AT_RISK, at=DURING)
        ),
        item("gender-2", part(ILO, Status.ON_TRACK, at=DURING), part(EC, None)),
        item(
            "gender-3", part(ILO, Status.ON_TRACK, at=DURING), part(EC, Status.ON_TRACK, at=DURING)
        ),
    )
    [result] = digest_of(gender).areas
    assert [(f.code, f.parts) for f in result.disagreements] == [
        ("gender-1", ((ILO, "On track"), (EC, "At risk")))
    ]


def test_owners_asked_in_the_period_who_recorded_nothing_are_unanswered_in_their_areas() -> None:
    gender = area(
        "gender",
        item("gender-1", part(ILO, None)),
        item("gender-2", part(ILO, Status.ON_TRACK, at=DURING, author="Cleo")),
    )
    osh = area("osh", item("osh-1", part(ILO, None)))
    asked = {
        "Ann": {"gender-1"},  # answered, about another item
        "Ben": {"gender-1", "osh-1"},  # silent on both
        "Cleo": {"gender-2"},  # her report is the part's latest
        "Dan": {"osh-1"},  # answered before the period only
    }
    updates = [change("osh-1", author="Ann"), change("osh-1", author="Dan", at=BEFORE)]
    result = digest_of(gender, osh, updates=updates, asked=asked)
    assert [a.unanswered for a in result.areas] == [("Ben",), ("Ben", "Dan")]
    assert result.totals.unanswered == 2


def test_totals_and_summary_add_up_the_areas() -> None:
    gender = area(
        "gender",
        item(
            "gender-1", part(ILO, Status.BLOCKED, at=DURING), part(EC, Status.ON_TRACK, at=DURING)
        ),
        item("gender-2", part(ILO, None)),
    )
    osh = area("osh", item("osh-1", part(ILO, Status.AT_RISK, at=BEFORE)))
    result = digest_of(gender, osh, updates=[change("gender-1")])
    totals = result.totals
    assert (totals.commitments, totals.changes, totals.at_risk) == (3, 1, 2)
    assert (totals.silent, totals.disagreements) == (2, 1)
    assert totals.by_status == Counter({"Blocked": 1, "No update": 1, "At risk": 1})
    assert result.summary.startswith("3 commitments in 2 areas: 1 update since 18 Nov, 2 at risk")


def test_a_summary_of_one_of_each_is_in_the_singular() -> None:
    gender = area("gender", item("gender-1", part(ILO, Status.ON_TRACK, at=DURING)))
    result = digest_of(
        gender, updates=[change("gender-1", author="Ann")], asked={"Ben": {"gender-1"}}
    )
    assert result.summary == (
        "1 commitment in 1 area: 1 update since 18 Nov, 0 at risk or blocked, 0 silent, "
        "0 where the institutions disagree, 1 owner not answering."
    )


def test_an_empty_digest_has_no_areas_and_zero_totals() -> None:
    result = digest_of()
    assert result.areas == ()
    assert result.totals.commitments == 0
    assert "0 commitments" in result.summary


def test_progress_replays_the_moves_after_the_start_state_week_by_week() -> None:
    start = NOW - timedelta(weeks=7)
    parts = {1: [ILO, EC], 2: [ILO]}
    start_state = {(1, ILO): Status.ON_TRACK, (1, EC): None, (2, ILO): None}
    moves = [
        (1, EC, Status.AT_RISK, start + timedelta(weeks=2, days=1)),
        (2, ILO, Status.BLOCKED, start + timedelta(weeks=5)),
    ]
    points = replay_progress(parts, start_state, moves, start=start, points=8)
    assert [day for day, _ in points][:2] == [start.date(), (start + timedelta(weeks=1)).date()]
    assert points[0][1] == Counter({"On track": 1, "No update": 1})
    assert points[2][1] == points[0][1]
    assert points[3][1] == Counter({"At risk": 1, "No update": 1})
    assert points[5][1] == Counter({"At risk": 1, "Blocked": 1})  # a move on a point counts
    assert points[-1][1] == points[5][1]


def test_long_commitment_texts_are_shortened_on_one_line() -> None:
    text = "Promote   decent work\nin global supply chains " * 20
    short = shorten(text, 60)
    assert len(short) <= 60
    assert short.endswith("…")
    assert "\n" not in short


def test_markdown_preview_names_every_area_change_and_flag() -> None:
    gender = area(
        "gender",
        item("gender-1", part(ILO, Status.BLOCKED, at=DURING), part(EC, None)),
    )
    osh = area("osh", item("osh-1", part(ILO, None)))
    text = to_markdown(digest_of(gender, osh, updates=[change("gender-1", text="Funding stopped")]))
    assert text.startswith("# Weekly\n")
    assert "## Gender" in text
    assert "## Osh" in text
    assert "Funding stopped" in text
    assert "gender-1 (ILO: Blocked)" in text
    assert "**Silent**: osh-1" in text
