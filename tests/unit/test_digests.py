"""Digests say what changed, what needs attention and who is silent, under Slack's limits."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from bot.views.digest import build_digest
from bot.views.mrkdwn import problems
from workflows.charts import render_status_chart
from workflows.digests import Change, compile_digest, to_markdown
from workflows.status import AreaStatus, CommitmentStatus, Part, Report
from workflows.types import Institution, Status

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
SINCE = NOW - timedelta(days=7)
ILO, EC = Institution.ILO, Institution.COMMISSION


def part(institution: Institution, status: Status | None, owner: str = "Ann") -> Part:
    return Part(
        institution,
        (owner,),
        (),
        status,
        NOW if status else None,
        Report(status, "", owner, NOW) if status else None,
    )


def item(
    code: str, ilo: Status | None, ec: Status | None, *, text: str = "Cooperate."
) -> CommitmentStatus:
    from workflows.status import derive_overall

    overall, disagree = derive_overall([ilo, ec])
    return CommitmentStatus(
        code,
        f"hlm15/{code}",
        code.rsplit("-", 1)[0],
        1,
        False,
        text,
        (ILO, EC),
        (part(ILO, ilo), part(EC, ec)),
        overall,
        disagree,
        False,
    )


def area(slug: str, items: list[CommitmentStatus]) -> AreaStatus:
    return AreaStatus(slug, slug.title(), 1, tuple(items))


def change(code: str, status: Status | None, author: str, text: str = "Done") -> Change:
    return Change(code, code.rsplit("-", 1)[0], ILO, status, text, author, NOW - timedelta(days=1))


def test_a_digest_counts_per_institution_and_lists_changes_attention_silence_and_disagreement() -> (
    None
):
    gender = area(
        "gender",
        [
            item("gender-1", Status.ON_TRACK, Status.AT_RISK),
            item("gender-2", None, None),
            item("gender-3", Status.COMPLETED, Status.COMPLETED),
        ],
    )
    digest = compile_digest(
        kind="weekly", title="Weekly", areas=[gender], changes=[change("gender-1", Status.ON_TRACK, "Ann")],
        asked={"Ann": {"gender-1"}, "Ben": {"gender-2"}}, progress=[], since=SINCE, now=NOW,
    )  # fmt: skip
    [result] = digest.areas
    assert result.counts[ILO] == Counter({"On track": 1, "No update": 1, "Completed": 1})
    assert [c.code for c in result.changes] == ["gender-1"]
    assert [i.code for i in result.attention] == ["gender-1"]
    assert [i.code for i in result.silent] == ["gender-2"]  # completed items are not chased
    assert result.unanswered == ("Ben",)
    assert [i.code for i in result.disagreements] == ["gender-1"]
    assert "1 at risk or blocked" in digest.summary()


def test_a_large_digest_splits_under_slacks_limits_and_escapes_everything() -> None:
    hostile = "<!channel> <https://evil.example|click> &"
    areas = [
        area(
            f"area{a}",
            [item(f"area{a}-{n}", Status.AT_RISK, None, text=hostile * 20) for n in range(50)],
        )
        for a in range(10)
    ]
    changes = [
        change(f"area{a}-{n % 50}", Status.BLOCKED, f"Owner {n} {hostile}", hostile * 10)
        for a in range(10)
        for n in range(300)
    ]
    digest = compile_digest(
        kind="meeting",
        title="Before the meeting",
        areas=areas,
        changes=changes,
        asked={},
        progress=[],
        since=SINCE,
        now=NOW,
    )
    parent, thread = build_digest(digest)
    assert len(parent.blocks) <= 50
    assert thread
    for reply in [parent, *thread]:
        assert problems(reply.blocks) == []
        assert "<!channel>" not in json.dumps(reply.blocks)
    assert sum(r.text.startswith("Area3:") for r in thread) >= 1


def test_the_chart_is_a_png_for_a_full_and_an_empty_digest() -> None:
    gender = area("gender", [item("gender-1", Status.ON_TRACK, Status.AT_RISK)])
    progress = [
        (date(2026, 10, 1) + timedelta(weeks=w), Counter({"On track": w, "No update": 8 - w}))
        for w in range(8)
    ]
    full = compile_digest(
        kind="weekly",
        title="Weekly",
        areas=[gender],
        changes=[],
        asked={},
        progress=progress,
        since=SINCE,
        now=NOW,
    )
    empty = compile_digest(
        kind="weekly",
        title="Weekly",
        areas=[],
        changes=[],
        asked={},
        progress=[],
        since=SINCE,
        now=NOW,
    )
    for digest in (full, empty):
        png = render_status_chart(digest)
        assert png.startswith(b"\x89PNG")
        assert len(png) < 300_000


def test_markdown_preview_names_every_area_and_change() -> None:
    gender = area("gender", [item("gender-1", Status.ON_TRACK, None)])
    digest = compile_digest(
        kind="weekly",
        title="Weekly",
        areas=[gender],
        changes=[change("gender-1", Status.ON_TRACK, "Ann", "Workshop held")],
        asked={},
        progress=[],
        since=SINCE,
        now=NOW,
    )
    text = to_markdown(digest)
    assert "## Gender" in text
    assert "Workshop held" in text
