"""The digest in Slack: one short parent message, the detail in its thread, under Slack's limits.

Every text that came from a person or the seed (titles, codes, commitment texts, names, updates)
is escaped before it is placed in mrkdwn. However large the deployment, each area's detail is
capped (`CHANGES_SHOWN`, `FLAGS_SHOWN`, `NAMES_SHOWN`) with "… and N more", and the blocks are
split so that no reply holds more than 50.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, HeaderBlock, SectionBlock

from bot.views import Reply
from bot.views.blocks import split_blocks
from bot.views.mrkdwn import HEADER_TEXT, escape, fallback, fit, pack, short
from bot.views.status import EMOJI, footnote
from workflows.reports.digests import Change, Digest, DigestArea, Flagged, ordered
from workflows.types import Status
from workflows.words import counted

CHANGES_SHOWN = 10
FLAGS_SHOWN = 15
NAMES_SHOWN = 25
CODES_SHOWN = 60
CHANGE_TEXT = 300
FLAG_TEXT = 120
NAME_TEXT = 80

PERIOD = "*{since}* to *{until}* · {commitments} in {areas} · {changes}"
HEADLINE = "{risk} *{at_risk} at risk or blocked* · {silent} silent · {disagree} where the institutions disagree · {unanswered} not answering"
BY_STATUS = "*Overall*: {counts}"
DETAIL_HINT = "Details by area in the thread. Type `/hlm status <area>` for an area's full list."
NO_AREAS = "_No area is covered by this digest._"
AREA_FALLBACK = "{title}: {total}, {changes}"
CONTINUED = " (continued)"
COUNTS_LINE = "*{who}*: {counts}"
CHANGED = "*What changed* ({count})"
NOTHING_CHANGED = "_No update in the period._"
CHANGE = "• *{code}* {institution} — {emoji} {status}, {author}, {when}{late}{words}"
LATE = " (late)"
NOTE = "Note"
NOTE_EMOJI = ":memo:"
AT_RISK = ":red_circle: *At risk or blocked* ({count})"
SILENT = ":zzz: *Silent since {since}* ({count}): {codes}"
UNANSWERED = ":bell: *Asked, no answer yet* ({count}): {names}"
DISAGREE = ":warning: *The institutions disagree* ({count})"
FLAG = "• *{code}* — {parts} · _{text}_"
MORE = "_… and {n} more_"
DAY = "%a %d %b"


def build_digest(digest: Digest) -> tuple[Reply, list[Reply]]:
    """Render a digest: the short parent message, and the thread replies (one or more per area)."""
    return build_parent(digest), [
        reply for area in digest.areas for reply in build_area(area, digest)
    ]


def build_parent(digest: Digest) -> Reply:
    """Render the digest's parent message: title, period, totals and what needs attention."""
    t = digest.totals
    period = PERIOD.format(
        since=f"{digest.since:%d %b}", until=f"{digest.until:%d %b %Y}",
        commitments=counted(t.commitments, "commitment"), areas=counted(len(digest.areas), "area"),
        changes=counted(t.changes, "update"),
    )  # fmt: skip
    headline = HEADLINE.format(
        risk=EMOJI[Status.BLOCKED], at_risk=t.at_risk, silent=t.silent,
        disagree=t.disagreements, unanswered=counted(t.unanswered, "owner"),
    )  # fmt: skip
    blocks: list[Block] = [_header(digest.title), SectionBlock(text=fit(f"{period}\n{headline}"))]
    if t.commitments:
        blocks.append(SectionBlock(text=fit(BY_STATUS.format(counts=_counts(t.by_status)))))
    blocks.append(footnote(DETAIL_HINT if digest.areas else NO_AREAS))
    return Reply(fallback(f"{escape(digest.title)}: {digest.summary}"), blocks)


def build_area(area: DigestArea, digest: Digest) -> list[Reply]:
    """Render one area's detail as thread replies of at most 50 blocks each."""
    text = AREA_FALLBACK.format(
        title=escape(area.title),
        total=counted(area.total, "commitment"),
        changes=counted(area.change_count, "update"),
    )
    pages = split_blocks(_area_blocks(area, since=digest.since))
    return [Reply(fallback(text + (CONTINUED if n else "")), page) for n, page in enumerate(pages)]


def _area_blocks(area: DigestArea, *, since: datetime) -> list[Block]:
    blocks = [_header(area.title), *_sections(_count_lines(area))]
    blocks += _sections(_change_lines(area))
    blocks += _sections(_flag_lines(AT_RISK, area.at_risk))
    if area.silent:
        codes = _capped([escape(f.code) for f in area.silent], CODES_SHOWN)
        silent = SILENT.format(since=f"{since:%d %b}", count=len(area.silent), codes=codes)
        blocks.append(SectionBlock(text=fit(silent)))
    if area.unanswered:
        names = _capped([short(n, NAME_TEXT) for n in area.unanswered], NAMES_SHOWN)
        unanswered = UNANSWERED.format(count=len(area.unanswered), names=names)
        blocks.append(SectionBlock(text=fit(unanswered)))
    blocks += _sections(_flag_lines(DISAGREE, area.disagreements))
    return blocks


def _count_lines(area: DigestArea) -> list[str]:
    lines = [BY_STATUS.format(counts=_counts(area.overall))]
    return lines + [
        COUNTS_LINE.format(who=institution.label, counts=_counts(counts))
        for institution, counts in area.counts.items()
    ]


def _change_lines(area: DigestArea) -> list[str]:
    if not area.changes:
        return [NOTHING_CHANGED]
    shown = area.changes[:CHANGES_SHOWN]
    more = area.change_count - len(shown)
    return [
        CHANGED.format(count=counted(area.change_count, "update")),
        *map(_change_line, shown),
    ] + ([MORE.format(n=more)] if more > 0 else [])


def _change_line(change: Change) -> str:
    words = f": “{short(change.text, CHANGE_TEXT)}”" if change.text.strip() else ""
    return CHANGE.format(
        code=escape(change.code), institution=change.institution.label,
        emoji=EMOJI[change.status] if change.status else NOTE_EMOJI,
        status=change.status.label if change.status else NOTE,
        author=short(change.author, NAME_TEXT), when=f"{change.at:{DAY}}",
        late=LATE if change.late else "", words=words,
    )  # fmt: skip


def _flag_lines(title: str, flags: Sequence[Flagged]) -> list[str]:
    if not flags:
        return []
    lines = [title.format(count=len(flags))]
    lines += [
        FLAG.format(
            code=escape(f.code),
            parts=", ".join(f"{institution.label}: {label}" for institution, label in f.parts),
            text=short(f.text, FLAG_TEXT),
        )
        for f in flags[:FLAGS_SHOWN]
    ]
    return lines + ([MORE.format(n=len(flags) - FLAGS_SHOWN)] if len(flags) > FLAGS_SHOWN else [])


def _header(title: str) -> HeaderBlock:
    return HeaderBlock(text=fit(title, HEADER_TEXT))


def _sections(lines: list[str]) -> list[Block]:
    return [SectionBlock(text=text) for text in pack(lines)]


def _capped(entries: list[str], limit: int) -> str:
    shown = ", ".join(entries[:limit])
    return shown + (f" {MORE.format(n=len(entries) - limit)}" if len(entries) > limit else "")


def _counts(counts: Counter[str]) -> str:
    # Always in the scale's order, so areas compare at a glance.
    return ", ".join(f"{n} {escape(label.lower())}" for label, n in ordered(counts)) or "none"
