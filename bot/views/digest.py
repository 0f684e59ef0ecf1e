"""The digest in Slack: one short parent message, the detail in its thread, under Slack's limits."""

from __future__ import annotations

from typing import Any

from bot.views import Reply
from bot.views.mrkdwn import context, escape, header, pack, section, split_blocks, truncate
from workflows.digests import Change, Digest, DigestArea

CHANGES_SHOWN = 15
CODES_SHOWN = 40
DETAIL_HINT = "Details by area in the thread. Type `/hlm status <area>` for an area's full list."


def build_digest(digest: Digest) -> tuple[Reply, list[Reply]]:
    """Render a digest: the parent message and the thread replies (one or more per area)."""
    parent = Reply(
        truncate(f"{digest.title}: {digest.summary()}", 3000),
        [header(digest.title), section(escape(digest.summary())), context(DETAIL_HINT)],
    )
    thread = [
        Reply(truncate(f"{area.title}: {area.total} commitments", 3000), blocks)
        for area in digest.areas
        for blocks in split_blocks(_area_blocks(area))
    ]
    return parent, thread


def _area_blocks(area: DigestArea) -> list[dict[str, Any]]:
    counts = "\n".join(
        f"*{institution.label}*: "
        + ", ".join(f"{n} {label.lower()}" for label, n in counts.most_common())
        for institution, counts in area.counts.items()
    )
    blocks = [header(area.title), section(counts or "_No commitment parts._")]
    if area.changes:
        lines = [_change_line(c) for c in area.changes[:CHANGES_SHOWN]]
        more = len(area.changes) - CHANGES_SHOWN
        lines += [f"_… and {more} more updates._"] if more > 0 else []
        blocks += _sections("*What changed*", lines)
    blocks += _codes("*At risk or blocked*", [i.code for i in area.attention])
    blocks += _codes("*No news in the period*", [i.code for i in area.silent])
    blocks += _codes("*Not answered*", [escape(n) for n in area.unanswered])
    blocks += _codes("*The institutions disagree*", [i.code for i in area.disagreements])
    return blocks


def _change_line(change: Change) -> str:
    status = change.status.label if change.status else "Note"
    late = " (late)" if change.late else ""
    words = f": “{escape(truncate(change.text, 280))}”" if change.text else ""
    return f"• *{change.code}* {change.institution.label} — {status}, {escape(change.author)}, {change.at:%d %b}{late}{words}"


def _codes(title: str, codes: list[str]) -> list[dict[str, Any]]:
    if not codes:
        return []
    shown = ", ".join(codes[:CODES_SHOWN]) + (
        f" and {len(codes) - CODES_SHOWN} more" if len(codes) > CODES_SHOWN else ""
    )
    return [section(f"{title}: {shown}")]


def _sections(title: str, lines: list[str]) -> list[dict[str, Any]]:
    return [section(text) for text in pack([title, *lines])]
