"""Compiling a digest: net change per commitment, counts, what needs attention. No database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from workflows.reports.digest_markdown import to_markdown
from workflows.reports.digests import (
    Change,
    Digest,
    PartKey,
    compile_digest,
    net_move,
    net_phrases,
    shorten,
)
from workflows.types import Institution, Skip, Status
from workflows.updates.status import AreaStatus, CommitmentStatus, Part, Report, derive_overall

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
SINCE = NOW - timedelta(days=7)
BEFORE = SINCE - timedelta(days=3)
DURING = NOW - timedelta(days=2)
ILO, EC = Institution.ILO, Institution.COMMISSION
ON, RISK, BLOCKED, DONE = Status.ON_TRACK, Status.AT_RISK, Status.BLOCKED, Status.COMPLETED


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
    status: Status | None = ON,
    *,
    at: datetime = DURING,
    author: str = "Ann",
    text: str = "",
    next_step: str = "",
    institution: Institution = ILO,
) -> Change:
    slug = code.rsplit("-", 1)[0]
    return Change(code, slug, institution, status, text, author, at, False, next_step)


def digest_of(
    *areas: AreaStatus,
    updates: Sequence[Change] = (),
    before: Mapping[PartKey, Status | None] | None = None,
    asked: dict[str, set[str]] | None = None,
    kind: str = "weekly",
    skips: Sequence[Skip] = (),
) -> Digest:
    return compile_digest(
        kind="meeting" if kind == "meeting" else "weekly",
        title="Weekly",
        areas=areas,
        updates=updates,
        before=before,
        asked=asked or {},
        since=SINCE,
        now=NOW,
        names={"gender": "Gender equality"},
        skips=skips,
    )


def test_intermediate_clicks_collapse_into_the_net_change_with_the_latest_words() -> None:
    clicks = [
        change("gender-4", RISK, at=DURING - timedelta(days=2), text="tender delayed"),
        change("gender-4", BLOCKED, at=DURING - timedelta(days=1)),
        change("gender-4", RISK, at=DURING, author="Frans de Vries", text="tender relaunched"),
    ]
    gender = area("gender", item("gender-4", part(ILO, RISK, at=DURING)))
    [result] = digest_of(gender, updates=clicks, before={("gender-4", ILO): ON}).areas
    [entry] = result.items
    [move] = entry.moves
    assert (move.before, move.after, move.words) == (ON, RISK, "tender relaunched")
    assert (move.author, move.at) == ("Frans de Vries", DURING)
    assert result.net == ((ON, RISK),)
    assert net_phrases(result.net) == ["1 newly at risk"]


def test_a_status_clicked_away_and_back_is_no_change_and_shows_its_latest_words() -> None:
    clicks = [
        change("gender-1", RISK, at=DURING - timedelta(days=1), text="funding late"),
        change("gender-1", ON, at=DURING, text="funding arrived"),
    ]
    gender = area("gender", item("gender-1", part(ILO, ON, at=DURING)))
    [result] = digest_of(gender, updates=clicks, before={("gender-1", ILO): ON}).areas
    [move] = result.items[0].moves
    assert not move.changed
    assert not move.confirmed
    assert move.words == "funding arrived"
    assert result.net == ()


def test_a_nothing_changed_confirmation_is_confirmed_not_a_change() -> None:
    confirmed = change("gender-1", ON)  # as `/hlm update` "nothing changed" records it
    gender = area("gender", item("gender-1", part(ILO, ON, at=DURING)))
    digest = digest_of(gender, updates=[confirmed], before={("gender-1", ILO): ON})
    [move] = digest.areas[0].items[0].moves
    assert move.confirmed
    assert not move.changed
    assert digest.totals.moved == 0
    assert not digest.quiet


def test_a_note_keeps_the_status_and_shows_its_words() -> None:
    note = change("gender-1", None, text="Meeting with the ministry", next_step="Draft in May")
    gender = area("gender", item("gender-1", part(ILO, ON, at=BEFORE)))
    digest = digest_of(gender, updates=[note], before={("gender-1", ILO): ON})
    [move] = digest.areas[0].items[0].moves
    assert (move.before, move.after) == (ON, ON)
    assert (move.words, move.next_step) == ("Meeting with the ministry", "Draft in May")


def test_a_commitment_appears_once_whatever_it_went_through() -> None:
    # Updated by both institutions, at risk, and disagreeing: still one entry.
    updates = [
        change("gender-1", RISK, institution=EC, text="late"),
        change("gender-1", ON, institution=ILO, at=DURING - timedelta(hours=1)),
        change("gender-1", ON, institution=ILO, text="all fine"),
    ]
    gender = area(
        "gender",
        item("gender-1", part(ILO, ON, at=DURING), part(EC, RISK, at=DURING)),
        item("gender-2", part(ILO, BLOCKED, at=BEFORE)),
    )
    before = {("gender-1", ILO): ON, ("gender-1", EC): ON}
    [result] = digest_of(gender, updates=updates, before=before).areas
    assert [i.code for i in result.items] == ["gender-1", "gender-2"]
    joint = result.items[0]
    assert [m.institution for m in joint.moves] == [ILO, EC]
    assert joint.disagree
    assert joint.attention
    assert result.silent == ()


def test_disagreements_follow_the_written_rule() -> None:
    gender = area(
        "gender",
        item("gender-1", part(ILO, ON, at=BEFORE), part(EC, RISK, at=BEFORE)),
        item("gender-2", part(ILO, ON, at=BEFORE), part(EC, DONE, at=BEFORE)),
        item("gender-3", part(ILO, Status.DROPPED, at=BEFORE), part(EC, ON, at=BEFORE)),
        item("gender-4", part(ILO, RISK, at=BEFORE), part(EC, BLOCKED, at=BEFORE)),
    )
    [result] = digest_of(gender, updates=[change("gender-9")]).areas
    assert [i.code for i in result.items if i.disagree] == ["gender-1", "gender-3"]


def test_a_completion_awaiting_the_other_institution_is_listed() -> None:
    gender = area(
        "gender",
        item("gender-1", part(ILO, DONE, at=DURING), part(EC, None)),
        item("gender-2", part(ILO, DONE, at=BEFORE), part(EC, DONE, at=BEFORE)),
    )
    updates = [change("gender-1", DONE)]
    digest = digest_of(gender, updates=updates, before={("gender-1", ILO): ON})
    [awaited] = digest.awaited
    assert (awaited.code, awaited.completed_by, awaited.awaited) == ("gender-1", (ILO,), (EC,))
    assert digest.totals.awaited == 1


def test_net_change_of_an_area_counts_commitments_by_where_they_went() -> None:
    gender = area(
        "gender",
        item("gender-1", part(ILO, DONE, at=DURING)),
        item("gender-2", part(ILO, ON, at=DURING)),
        item("gender-3", part(ILO, RISK, at=DURING)),
        item("gender-4", part(ILO, ON, at=BEFORE)),
    )
    updates = [change("gender-1", DONE), change("gender-2", ON), change("gender-3", RISK)]
    before = {("gender-1", ILO): ON, ("gender-2", ILO): BLOCKED, ("gender-3", ILO): ON}
    [result] = digest_of(gender, updates=updates, before=before).areas
    assert net_phrases(result.net) == ["+1 completed", "1 back on track", "1 newly at risk"]
    assert result.counts == Counter({"On track": 2, "Completed": 1, "At risk": 1})
    assert result.name == "Gender equality"


def test_a_period_without_any_update_is_quiet() -> None:
    gender = area("gender", item("gender-1", part(ILO, BLOCKED, at=BEFORE)))
    assert digest_of(gender).quiet
    assert digest_of(gender, updates=[change("gender-1", BLOCKED, at=BEFORE)]).quiet
    assert not digest_of(gender, updates=[change("gender-1", BLOCKED)]).quiet


def test_a_meeting_with_something_to_discuss_is_not_quiet_without_updates() -> None:
    at_risk = area("gender", item("gender-1", part(ILO, BLOCKED, at=BEFORE)))
    calm = area("gender", item("gender-1", part(ILO, ON, at=BEFORE)))
    assert not digest_of(at_risk, kind="meeting").quiet
    assert digest_of(calm, kind="meeting").quiet


def test_only_updates_of_the_period_count() -> None:
    gender = area("gender", item("gender-1", part(ILO, ON, at=DURING)))
    updates = [
        change("gender-1", RISK, at=BEFORE, text="before the period"),
        change("gender-1", ON, at=DURING, text="in it"),
        change("gender-1", BLOCKED, at=NOW, text="at the end of the period is not in it"),
    ]
    [result] = digest_of(gender, updates=updates, before={("gender-1", ILO): RISK}).areas
    [move] = result.items[0].moves
    assert (move.before, move.after, move.words) == (RISK, ON, "in it")
    assert result.updates == 1


def test_open_items_without_any_report_and_nothing_wrong_are_silent_codes() -> None:
    gender = area(
        "gender",
        item("gender-1", part(ILO, None), part(EC, None)),
        item("gender-2", part(ILO, ON, at=BEFORE), part(EC, None)),
        item("gender-3", part(ILO, DONE, at=BEFORE), part(EC, Status.SUPERSEDED, at=BEFORE)),
        item("gender-4", part(ILO, RISK, at=BEFORE)),
    )
    [result] = digest_of(gender, updates=[change("gender-9")]).areas
    assert result.silent == ("gender-1", "gender-2")
    assert [i.code for i in result.items] == ["gender-4"]


def test_owners_asked_in_the_period_who_recorded_nothing_are_unanswered_in_their_areas() -> None:
    gender = area(
        "gender",
        item("gender-1", part(ILO, None)),
        item("gender-2", part(ILO, ON, at=DURING, author="Cleo")),
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
        item("gender-1", part(ILO, BLOCKED, at=DURING), part(EC, ON, at=DURING)),
        item("gender-2", part(ILO, None)),
    )
    osh = area("osh", item("osh-1", part(ILO, RISK, at=BEFORE)))
    before = {("gender-1", ILO): ON}
    result = digest_of(gender, osh, updates=[change("gender-1", BLOCKED)], before=before)
    totals = result.totals
    assert (totals.commitments, totals.updates, totals.moved, totals.at_risk) == (3, 1, 1, 2)
    assert (totals.disagreements, totals.awaited, totals.unanswered) == (1, 0, 0)
    assert result.summary.startswith("3 commitments in 2 areas: 1 update since 18 Nov, 1 status")


def test_an_empty_digest_has_no_areas_and_zero_totals() -> None:
    result = digest_of()
    assert result.areas == ()
    assert result.totals.commitments == 0
    assert result.quiet
    assert "0 commitments" in result.summary


@pytest.mark.parametrize(
    ("statuses", "after"),
    [
        pytest.param([RISK, None, BLOCKED], BLOCKED, id="last-status-wins"),
        pytest.param([None, None], ON, id="notes-keep-the-start"),
        pytest.param([DONE, None], DONE, id="a-note-after-a-status"),
    ],
)
def test_the_net_move_ends_at_the_last_status_given(
    statuses: list[Status | None], after: Status
) -> None:
    changes = [
        change("gender-1", s, at=DURING + timedelta(minutes=n)) for n, s in enumerate(statuses)
    ]
    assert net_move(ILO, changes, ON).after is after


def test_long_commitment_texts_are_shortened_on_one_line() -> None:
    text = "Promote   decent work\nin global supply chains " * 20
    short = shorten(text, 60)
    assert len(short) <= 60
    assert short.endswith("…")
    assert "\n" not in short


def test_markdown_preview_names_every_area_and_each_change_once() -> None:
    gender = area("gender", item("gender-1", part(ILO, BLOCKED, at=DURING), part(EC, None)))
    osh = area("osh", item("osh-1", part(ILO, None)))
    skips = [Skip("Ben", "2026-W47", "on mission", DURING)]
    updates = [change("gender-1", BLOCKED, text="Funding stopped")]
    digest = digest_of(gender, osh, updates=updates, before={("gender-1", ILO): ON}, skips=skips)
    text = to_markdown(digest)
    assert text.startswith("# Weekly\n")
    assert "- Gender equality — 1 blocked · 1 newly blocked" in text
    assert "- Osh — 1 no update · no change" in text
    assert "**gender-1** ILO On track → Blocked: Funding stopped — Ann" in text
    assert text.count("gender-1") == 1
    assert "**Skipped check-ins**: Ben (on mission)" in text
    assert "## Osh" not in text  # nothing moved and nothing wrong: no detail


def test_markdown_of_a_quiet_period_is_one_line() -> None:
    gender = area("gender", item("gender-1", part(ILO, ON, at=BEFORE)))
    text = to_markdown(digest_of(gender))
    assert text.splitlines()[-1] == "No update since 18 Nov: 1 commitment stand as they were."
