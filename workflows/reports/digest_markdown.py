"""A digest as Markdown, for `hlm digest preview --format md` and the simulated quarter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from workflows.reports.digests import (
    Digest,
    DigestArea,
    DigestItem,
    Move,
    counts_text,
    net_phrases,
    shorten,
)
from workflows.types import Institution, Status
from workflows.updates.status import NO_UPDATE
from workflows.words import counted

MD_ITEMS_SHOWN = 60
MD_CODES_SHOWN = 60
MD_QUIET = "No update since {since.day} {since:%b}: {commitments} stand as they were."
MD_NO_CHANGE = "no change"
MD_AWAITED = "**Completed, awaiting confirmation** ({n}): "
MD_SKIPS = "**Skipped check-ins**: "


def to_markdown(digest: Digest) -> str:
    """Write a digest as Markdown, for `hlm digest preview --format md`."""
    period = f"{digest.since.day} {digest.since:%b %Y} – {digest.until.day} {digest.until:%b %Y}"
    head = [f"# {digest.title}", "", period, ""]
    if digest.quiet:
        total = counted(digest.totals.commitments, "commitment")
        return "\n".join([*head, MD_QUIET.format(since=digest.since, commitments=total), ""])
    lines = [*head, digest.summary, ""]
    lines += [f"- {area_line(area)}" for area in digest.areas]
    if digest.awaited:
        lines += ["", MD_AWAITED.format(n=len(digest.awaited)) + awaited_text(digest.awaited)]
    if digest.skips:
        lines += ["", MD_SKIPS + "; ".join(f"{s.name} ({s.reason})" for s in digest.skips)]
    lines.append("")
    for area in digest.areas:
        lines += _markdown_area(area) if area.detailed else []
    return "\n".join(lines)


def area_line(area: DigestArea) -> str:
    """Say in one line how an area stands and moved: "Gender equality — 6 on track · +1 completed"."""
    moved = ", ".join(net_phrases(area.net)) or MD_NO_CHANGE
    return f"{area.name} — {counts_text(area.counts)} · {moved}"


def awaited_text(items: Sequence[DigestItem]) -> str:
    """List completions awaiting confirmation by whose confirmation is awaited."""
    by_whom: dict[Institution, list[str]] = defaultdict(list)
    for item in items:
        for institution in item.awaited:
            by_whom[institution].append(item.code)
    return "; ".join(
        f"from {who.label}: {', '.join(by_whom[who])}" for who in Institution if who in by_whom
    )


def _markdown_area(area: DigestArea) -> list[str]:
    lines = [f"## {area.title}", ""]
    lines += [_markdown_item(i) for i in area.items[:MD_ITEMS_SHOWN]]
    if len(area.items) > MD_ITEMS_SHOWN:
        lines.append(f"- … and {len(area.items) - MD_ITEMS_SHOWN} more")
    if area.silent:
        shown = list(area.silent[:MD_CODES_SHOWN])
        more = len(area.silent) - len(shown)
        lines += [
            "",
            "**No update**: " + ", ".join(shown) + (f" … and {more} more" if more else ""),
        ]
    if area.unanswered:
        lines += ["", "**Asked, no answer yet**: " + ", ".join(area.unanswered)]
    return [*lines, ""]


def _markdown_item(item: DigestItem) -> str:
    said = [_markdown_move(m, joint=item.joint) for m in item.moves]
    if not item.changed:
        said += [_standing(item)]
    return f"- **{item.code}** " + "; ".join(said)


def _standing(item: DigestItem) -> str:
    flags = ["the institutions disagree"] if item.disagree else []
    flags += [f"awaiting {', '.join(i.label for i in item.awaited)}"] if item.awaited else []
    parts = ", ".join(f"{i.label}: {s.label if s else NO_UPDATE}" for i, s in item.parts)
    return f"({parts}{''.join(f'; {f}' for f in flags)})"


def _markdown_move(move: Move, *, joint: bool) -> str:
    who = f"{move.institution.label} " if joint else ""
    if move.changed:
        what = f"{_label(move.before)} → {_label(move.after)}"
    else:
        what = "confirmed" if move.confirmed else _label(move.after)
    words = f": {shorten(move.words, 300)}" if move.words else ""
    step = f" (next: {shorten(move.next_step, 200)})" if move.next_step else ""
    return f"{who}{what}{words}{step} — {move.author}, {move.at:%d %b}"


def _label(status: Status | None) -> str:
    return status.label if status else NO_UPDATE
