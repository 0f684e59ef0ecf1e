"""The digest in Slack: one message with a line per area, each area's detail in the thread (each
commitment once), one line for a quiet week; escaped and under Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.views import Reply
from bot.views.blocks import MAX_BLOCKS_MESSAGE, problems
from bot.views.digest import ITEMS_SHOWN, build_digest, build_preview
from bot.views.mrkdwn import SECTION_TEXT
from workflows.reports.digests import Change, Digest, compile_digest
from workflows.types import Institution, Skip, Status
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


def single(code: str, status: Status | None, text: str) -> CommitmentStatus:
    part = Part(ILO, ("Ann",), (), status, None, None)
    return CommitmentStatus(
        code, f"hlm15/{code}", "x", 1, False, text, (ILO,), (part,), status, False, False
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
            f"area{n % areas}-{n % per_area}{HOSTILE}", f"area{n % areas}", (ILO, EC)[n % 2],
            STATUSES[n % len(STATUSES)], HOSTILE * 30, f"Author {n} {HOSTILE * 5}",
            NOW - timedelta(minutes=n + 1), late=n % 7 == 0, next_step=HOSTILE * 10,
        )
        for n in range(changes)
    ]  # fmt: skip
    asked = {
        f"Owner {n} {HOSTILE}": {f"area{n % areas}-{n % per_area}{HOSTILE}"} for n in range(300)
    }
    skips = [Skip(f"Owner {n} {HOSTILE}", "2026-W47", HOSTILE * 5, SINCE) for n in range(40)]
    return compile_digest(
        kind="meeting", title=f"Before the technical meeting {HOSTILE}", areas=statuses,
        updates=updates, asked=asked, since=SINCE, now=NOW,
        names={f"area{a}": f"Area {a} {HOSTILE}" for a in range(areas)}, skips=skips,
    )  # fmt: skip


def gender(*items: CommitmentStatus, updates: list[Change], before: Any = None) -> Digest:
    area = AreaStatus("gender", "Gender Equality in the World of Work", 1, tuple(items))
    return compile_digest(
        kind="weekly", title="Weekly HLM digest", areas=[area], updates=updates, asked={},
        since=SINCE, now=NOW, before=before, names={"gender": "Gender equality"},
    )  # fmt: skip


def texts(reply: Reply) -> Iterator[tuple[str, str]]:
    """Yield (type, text) of every text object of a reply, its fallback text included."""
    yield "mrkdwn", reply.text  # the top-level text is parsed as mrkdwn too
    for block in reply.block_dicts():
        yield from _objects(block)


def body(reply: Reply) -> str:
    return "\n".join(text for _, text in texts(reply))


def _objects(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        if value.get("type") in {"mrkdwn", "plain_text"}:
            yield value["type"], value["text"]
        for inner in value.values():
            yield from _objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _objects(inner)


def test_ten_areas_of_fifty_commitments_stay_under_slacks_limits() -> None:
    digest = large_digest(areas=10, per_area=50, changes=3000)
    parent, thread = build_digest(digest)
    assert len(thread) >= len(digest.areas)
    for reply in [parent, *thread, *build_preview(digest, "note")]:
        assert len(reply.block_dicts()) <= MAX_BLOCKS_MESSAGE
        assert problems(reply.block_dicts()) == []
        assert all(len(text) <= SECTION_TEXT for _, text in texts(reply))


def test_each_commitment_appears_once_in_its_areas_detail() -> None:
    digest = large_digest(areas=3, per_area=20, changes=600)
    _, thread = build_digest(digest)
    for area, reply in zip(digest.areas, thread, strict=True):
        text = body(reply)
        for entry in area.items:
            code = re.escape(entry.code.split("&")[0].split("<")[0])
            assert len(re.findall(rf"\*{code}&lt;", text)) == 1


def test_an_area_shows_at_most_its_cap_of_commitments_and_says_how_many_more() -> None:
    digest = large_digest(areas=1, per_area=ITEMS_SHOWN + 7, changes=400)
    [detail, *_] = build_digest(digest)[1]
    assert f"… and {len(digest.areas[0].items) - ITEMS_SHOWN} more" in "".join(
        body(r) for r in build_digest(digest)[1]
    )
    assert detail.text.startswith("Area 0")


def test_hostile_text_is_escaped_everywhere_it_is_mrkdwn() -> None:
    digest = large_digest(areas=3, per_area=20, changes=200)
    parent, thread = build_digest(digest)
    for reply in [parent, *thread, *build_preview(digest, "note")]:
        for kind, text in texts(reply):
            if kind == "mrkdwn":
                assert "<!channel>" not in text
                assert "<@U0BOSS>" not in text
                assert "<https://evil.example" not in text
    assert any("&lt;!channel&gt;" in text for r in thread for _, text in texts(r))


def test_a_change_reads_as_before_arrow_after_with_its_words_author_and_day() -> None:
    update = Change(
        "gender-4", "gender", ILO, Status.AT_RISK, "tender delayed", "Frans de Vries",
        datetime(2026, 11, 23, 15, tzinfo=UTC), next_step="relaunch in January",
    )  # fmt: skip
    digest = gender(
        single("gender-4", Status.AT_RISK, "Equal pay."),
        updates=[update],
        before={("gender-4", ILO): Status.ON_TRACK},
    )
    parent, [detail] = build_digest(digest)
    line = body(detail)
    assert (
        "*gender-4* :large_orange_circle: On track → At risk: “tender delayed” "
        "_Next: relaunch in January_ — Frans de Vries, <!date^1795446000^{date_short_pretty}|23 Nov>"
    ) in line
    assert "*Gender equality* — 1 at risk · 1 newly at risk" in body(parent)
    assert detail.blocks[0].to_dict()["text"]["text"] == "Gender Equality in the World of Work"


def test_a_confirmation_reads_as_confirmed_and_a_joint_item_names_each_institution() -> None:
    updates = [
        Change("gender-1", "gender", EC, Status.ON_TRACK, "", "Eva", NOW - timedelta(days=1)),
        Change("gender-1", "gender", ILO, Status.COMPLETED, "Law adopted", "Ann",
               NOW - timedelta(days=2)),
    ]  # fmt: skip
    digest = gender(
        joint("gender-1", Status.COMPLETED, Status.ON_TRACK, "Equal pay."),
        updates=updates,
        before={("gender-1", ILO): Status.ON_TRACK, ("gender-1", EC): Status.ON_TRACK},
    )
    parent, [detail] = build_digest(digest)
    line = body(detail)
    assert "ILO: :white_check_mark: On track → Completed: “Law adopted” — Ann" in line
    assert "Commission: :ballot_box_with_check: confirmed — Eva" in line
    assert ":hourglass_flowing_sand: _awaiting Commission_" in line
    assert "*Completed, awaiting confirmation* (1): from Commission: gender-1" in body(parent)


def test_an_area_that_neither_moved_nor_has_a_problem_gets_no_reply() -> None:
    calm = AreaStatus("osh", "OSH", 2, (joint("osh-1", Status.ON_TRACK, None, "Safety."),))
    busy = AreaStatus("gender", "Gender", 1, (joint("gender-1", Status.ON_TRACK, None, "Pay."),))
    update = Change("gender-1", "gender", ILO, Status.ON_TRACK, "", "Ann", NOW - timedelta(days=1))
    digest = compile_digest(
        kind="weekly", title="Weekly", areas=[busy, calm], updates=[update], asked={},
        since=SINCE, now=NOW,
    )  # fmt: skip
    parent, thread = build_digest(digest)
    assert [r.text for r in thread] == ["Gender: 1 update"]
    assert "*OSH* — 1 on track · no change" in body(parent)


def test_a_quiet_week_is_one_short_line_with_no_thread() -> None:
    calm = AreaStatus("osh", "OSH", 2, (joint("osh-1", Status.AT_RISK, None, "Safety."),))
    digest = compile_digest(
        kind="weekly", title="Weekly HLM digest", areas=[calm], updates=[], asked={},
        since=SINCE, now=NOW,
    )  # fmt: skip
    parent, thread = build_digest(digest)
    assert thread == []
    [block] = parent.block_dicts()
    assert block["text"]["text"].startswith("*Weekly HLM digest*: no update since <!date^")
    assert "\n" not in block["text"]["text"]
    assert parent.text == "Weekly HLM digest: no update since 18 Nov."
    assert build_preview(digest) == [parent]


def test_the_message_has_one_line_per_area_and_stays_short_enough_to_read_whole() -> None:
    digest = large_digest(areas=14, per_area=12, changes=300)
    parent, _ = build_digest(digest)
    text = body(parent)
    assert len(parent.block_dicts()) <= 8
    for area in digest.areas:
        assert text.count(f"*Area {area.slug[4:]} &lt;!channel&gt;") == 1
    assert "*Skipped check-ins* (40)" in text
    assert ":spiral_note_pad: *To discuss*" in text  # a meeting's digest: what to discuss


def test_a_preview_packs_the_detail_into_few_messages_and_ends_with_the_note() -> None:
    digest = large_digest(areas=14, per_area=12, changes=300)
    preview = build_preview(digest, "The chart is in your DM.")
    assert len(preview) <= 5
    assert preview[0] == build_digest(digest)[0]
    assert preview[-1].block_dicts()[-1]["elements"][0]["text"] == "The chart is in your DM."


def test_a_quiet_meeting_digest_names_the_areas_it_covers_in_its_one_line() -> None:
    calm = AreaStatus("osh", "Promoting OSH", 2, (joint("osh-1", Status.ON_TRACK, None, "OSH."),))
    digest = compile_digest(
        kind="meeting", title="Before the technical meeting", areas=[calm], updates=[],
        asked={}, since=SINCE, now=NOW, names={"osh": "Safety and health"},
    )  # fmt: skip
    parent, thread = build_digest(digest)
    assert thread == []
    [block] = parent.block_dicts()
    assert block["text"]["text"].endswith("awaiting confirmation in Safety and health.")
