"""The digest in Slack: a short parent, the detail in its thread, escaped and under Slack's limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.views import Reply
from bot.views.blocks import MAX_BLOCKS_MESSAGE, problems
from bot.views.digest import CHANGES_SHOWN, build_digest
from bot.views.mrkdwn import SECTION_TEXT
from workflows.reports.digests import Change, Digest, compile_digest
from workflows.types import Institution, Status
from workflows.updates.status import AreaStatus, CommitmentStatus, Part, Report, derive_overall

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
SINCE = NOW - timedelta(days=7)
ILO, EC = Institution.ILO, Institution.COMMISSION
HOSTILE = "<!channel> <@U0BOSS> <https://evil.example|click here> & *bold* "
STATUSES = [None, *Status]


def item(code: str, n: int, text: str) -> CommitmentStatus:
    return joint(code, STATUSES[n % len(STATUSES)], STATUSES[(n * 3) % len(STATUSES)], text)


def joint(code: str, ilo: Status | None, ec: Status | None, text: str) -> CommitmentStatus:
    parts = tuple(
        Part(i, (f"Owner {HOSTILE}",), (), s, None, Report(s, text, HOSTILE, SINCE) if s else None)
        for i, s in ((ILO, ilo), (EC, ec))
    )
    overall, disagree = derive_overall([ilo, ec])
    return CommitmentStatus(
        code, f"hlm15/{code}", "x", 1, False, text, (ILO, EC), parts, overall, disagree, False
    )


def large_digest(*, areas: int = 10, per_area: int = 50, changes: int = 3000) -> Digest:
    """Make a digest of `areas` × `per_area` commitments and `changes` updates, all hostile."""
    statuses = [
        AreaStatus(
            f"area{a}",
            f"Area {a} {HOSTILE}",
            a,
            tuple(item(f"area{a}-{n}{HOSTILE}", n, HOSTILE * 40) for n in range(per_area)),
        )
        for a in range(areas)
    ]
    updates = [
        Change(
            f"area{n % areas}-{n % per_area}{HOSTILE}", f"area{n % areas}", ILO,
            STATUSES[n % len(STATUSES)], HOSTILE * 30, f"Author {n} {HOSTILE * 5}",
            NOW - timedelta(minutes=n + 1), late=n % 7 == 0,
        )
        for n in range(changes)
    ]  # fmt: skip
    asked = {
        f"Owner {n} {HOSTILE}": {f"area{n % areas}-{n % per_area}{HOSTILE}"} for n in range(300)
    }
    return compile_digest(
        kind="meeting", title=f"Before the technical meeting {HOSTILE}", areas=statuses,
        updates=updates, asked=asked, progress=[], since=SINCE, now=NOW,
    )  # fmt: skip


def texts(reply: Reply) -> Iterator[tuple[str, str]]:
    """Yield (type, text) of every text object of a reply, its fallback text included."""
    yield "mrkdwn", reply.text  # the top-level text is parsed as mrkdwn too
    for block in reply.block_dicts():
        yield from _objects(block)


def _objects(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        if value.get("type") in {"mrkdwn", "plain_text"}:
            yield value["type"], value["text"]
        for inner in value.values():
            yield from _objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _objects(inner)


def test_a_large_digest_splits_into_replies_of_at_most_fifty_blocks() -> None:
    digest = large_digest(areas=10, per_area=50, changes=3000)
    parent, thread = build_digest(digest)
    assert len(thread) >= len(digest.areas)
    for reply in [parent, *thread]:
        assert len(reply.block_dicts()) <= MAX_BLOCKS_MESSAGE
        assert problems(reply.block_dicts()) == []
        assert all(len(text) <= SECTION_TEXT for _, text in texts(reply))


def test_hostile_text_is_escaped_everywhere_it_is_mrkdwn() -> None:
    parent, thread = build_digest(large_digest(areas=3, per_area=20, changes=200))
    for reply in [parent, *thread]:
        for kind, text in texts(reply):
            if kind == "mrkdwn":
                assert "<!channel>" not in text
                assert "<@U0BOSS>" not in text
                assert "<https://evil.example" not in text
    assert any("&lt;!channel&gt;" in text for r in thread for _, text in texts(r))


def test_each_area_quotes_its_latest_changes_and_says_how_many_more() -> None:
    digest = large_digest(areas=2, per_area=10, changes=100)
    _, thread = build_digest(digest)
    first = " ".join(text for _, text in texts(thread[0]))
    assert "What changed* (50 updates)" in first
    assert f"… and {50 - CHANGES_SHOWN} more" in first
    assert "Author 0 " in first  # newest first
    assert "Author 98 " not in first


def test_the_parent_message_is_short_and_states_the_headline() -> None:
    digest = large_digest(areas=10, per_area=50, changes=3000)
    parent, _ = build_digest(digest)
    totals = digest.totals
    body = "\n".join(text for _, text in texts(parent))
    assert len(parent.block_dicts()) <= 5
    assert f"*{totals.at_risk} at risk or blocked*" in body
    assert f"{totals.silent} silent" in body
    assert f"{totals.disagreements} where the institutions disagree" in body
    assert "500 commitments in 10 areas · 3000 updates" in body
    assert "18 Nov* to *25 Nov 2026" in body


def test_an_area_reply_lists_attention_silence_unanswered_owners_and_disagreements() -> None:
    gender = AreaStatus(
        "gender",
        "Gender equality",
        1,
        (
            joint("gender-1", Status.AT_RISK, Status.ON_TRACK, "Equal pay."),
            joint("gender-2", None, None, "Care work."),
        ),
    )
    digest = compile_digest(
        kind="weekly", title="Weekly", areas=[gender], updates=[], asked={"Ben": {"gender-2"}},
        progress=[], since=SINCE, now=NOW,
    )  # fmt: skip
    [reply] = build_digest(digest)[1]
    body = "\n".join(text for _, text in texts(reply))
    assert "*At risk or blocked* (1)" in body
    assert "*gender-1* — ILO: At risk" in body
    assert "*Silent since 18 Nov* (1): gender-2" in body
    assert "*Asked, no answer yet* (1): Ben" in body
    assert "*The institutions disagree* (1)" in body
    assert "_No update in the period._" in body


def test_a_digest_of_one_of_each_counts_in_the_singular() -> None:
    gender = AreaStatus(
        "gender", "Gender equality", 1, (joint("gender-1", Status.ON_TRACK, None, "Equal pay."),)
    )
    update = Change(
        "gender-1", "gender", ILO, Status.ON_TRACK, "Held", "Ann", NOW - timedelta(days=1)
    )
    digest = compile_digest(
        kind="weekly", title="Weekly", areas=[gender], updates=[update], asked={"Ben": {"gender-1"}},
        progress=[], since=SINCE, now=NOW,
    )  # fmt: skip
    parent, [detail] = build_digest(digest)
    headline = "\n".join(text for _, text in texts(parent))
    assert "1 commitment in 1 area · 1 update" in headline
    assert "1 owner not answering" in headline
    assert detail.text == "Gender equality: 1 commitment, 1 update"
    assert "*What changed* (1 update)" in "\n".join(text for _, text in texts(detail))


def test_a_digest_without_areas_says_so_and_has_no_thread() -> None:
    empty = compile_digest(
        kind="weekly", title="Weekly", areas=[], updates=[], asked={}, progress=[],
        since=SINCE, now=NOW,
    )  # fmt: skip
    parent, thread = build_digest(empty)
    assert thread == []
    assert problems(parent.block_dicts()) == []
    assert "No area is covered" in str(parent.block_dicts())
