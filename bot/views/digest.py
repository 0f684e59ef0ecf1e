"""The digest in Slack: one message to read in the channel, each area's detail in its thread.

The message says, in one line per area, how the area stands and how it moved over the period,
then which completions await another institution's confirmation and which check-ins were
skipped. The thread holds one reply per area that moved or has problems, in which each
commitment appears once, with its net change and the words behind it. A period without any
update is one short line and nothing else.

Every text that came from a person or the seed (titles, codes, names, words) is escaped before it
is placed in mrkdwn. However large the deployment, each list is capped with "… and N more", and
the blocks are split so that no reply holds more than 50.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, HeaderBlock, SectionBlock

from bot.views import Reply
from bot.views.blocks import split_blocks
from bot.views.mrkdwn import DAY_TOKENS, HEADER_TEXT, escape, fallback, fit, local_time, pack, short
from bot.views.status import EMOJI, footnote
from workflows.reports.digests import (
    Digest,
    DigestArea,
    DigestItem,
    Move,
    counts_text,
    net_phrases,
)
from workflows.types import Institution, Skip, Status
from workflows.updates.status import NO_UPDATE
from workflows.words import counted

ITEMS_SHOWN = 50
AWAITED_SHOWN = 12
SKIPS_SHOWN = 20
CODES_SHOWN = 40
NAMES_SHOWN = 25
WORDS_TEXT = 300
STEP_TEXT = 160
NAME_TEXT = 80

QUIET = (
    "*{title}*: no update since {since}. The {commitments} stand as they were; "
    "`/hlm status <area>` shows one."
)
QUIET_MEETING = (
    "*{title}*: no update since {since}, and nothing at risk, disputed or awaiting confirmation "
    "in {areas}."
)
QUIET_FALLBACK = "{title}: no update since {since}."
PERIOD = "*{since}* to *{until}* · {updates} · {moved} · {at_risk} at risk or blocked · {disagree}"
DISCUSS = ":spiral_note_pad: *To discuss*: {at_risk} at risk or blocked · {disagree} · {awaited}"
DISAGREE_COUNT = "{n} where the institutions disagree"
AREA_LINE = "*{name}* — {counts} · {moved}"
NO_CHANGE = "no change"
AWAITED = ":hourglass_flowing_sand: *Completed, awaiting confirmation* ({count}): {entries}"
AWAITED_FROM = "from {who}: {codes}"
SKIPS = ":zzz: *Skipped check-ins* ({count}): {entries}"
SKIP_ENTRY = "{name} ({reason})"
UNANSWERED = ":bell: {count} not answering: {names}"
DETAIL_HINT = (
    "The thread has the detail of {areas}: what moved and what needs attention. "
    "`/hlm status <area>` lists an area in full."
)
NO_DETAIL = "Nothing moved and nothing needs attention. `/hlm status <area>` lists an area in full."
NO_AREAS = "_No area is covered by this digest._"
PARENT_FALLBACK = "{title}: {updates}, {moved}, {at_risk} at risk or blocked"
AREA_FALLBACK = "{name}: {changes}"
CONTINUED = " (continued)"
PREVIEW_FALLBACK = "{title}: the detail by area"
ITEM = "• *{code}* {said}{flags}"
MOVED = "{emoji} {before} → {after}"
CONFIRMED = ":ballot_box_with_check: confirmed"
KEPT = "{emoji} {status}"
STANDING = "{emoji} {parts}"
JOINT = "{institution}: {said}"
WORDS = ": “{words}”"
NEXT_STEP = " _Next: {step}_"
BY = " — {author}, {when}"
LATE = " (late)"
PARTS_SEP = " · "
FLAG_DISAGREE = " :warning: _the institutions disagree_"
FLAG_AWAITED = " :hourglass_flowing_sand: _awaiting {waiting}_"
SILENT = "No update on {count}: {codes}"
MORE = "_… and {n} more_"


def build_digest(digest: Digest) -> tuple[Reply, list[Reply]]:
    """Render a digest: the message for the channel, and the thread replies (areas that moved or
    need attention; none in a quiet period)."""
    if digest.quiet:
        return build_quiet(digest), []
    return build_parent(digest), [
        reply for area in digest.areas if area.detailed for reply in build_area(area)
    ]


def build_preview(digest: Digest, note: str | None = None) -> list[Reply]:
    """Render a digest for one reader as few messages as can hold it (a slash command may answer
    five times): the message, then the areas' details packed together, then `note` (mrkdwn,
    escaped by the caller)."""
    parent, thread = build_digest(digest)
    blocks: list[Block] = [block for reply in thread for block in reply.blocks]
    blocks += [footnote(note)] if note else []
    pages = split_blocks(blocks)
    return [parent] + [
        Reply(fallback(PREVIEW_FALLBACK.format(title=escape(digest.title))), page) for page in pages
    ]


def build_quiet(digest: Digest) -> Reply:
    """Render a period without any update (and, before a meeting, nothing to discuss) as one
    short line; a meeting's names the areas it covers."""
    since = _day(digest.since)
    template = QUIET_MEETING if digest.kind == "meeting" else QUIET
    text = template.format(
        title=escape(digest.title),
        since=local_time(digest.since, tokens=DAY_TOKENS, fallback=since),
        commitments=counted(digest.totals.commitments, "commitment"),
        areas=escape(", ".join(a.name for a in digest.areas)),
    )
    return Reply(
        fallback(QUIET_FALLBACK.format(title=escape(digest.title), since=since)),
        [SectionBlock(text=fit(text))],
    )


def build_parent(digest: Digest) -> Reply:
    """Render the digest's message: title, period, one line per area, what awaits someone."""
    blocks: list[Block] = [_header(digest.title), SectionBlock(text=fit(_period(digest)))]
    if digest.kind == "meeting":
        blocks.append(SectionBlock(text=fit(_discuss(digest))))
    blocks += _sections([_area_line(area) for area in digest.areas])
    if digest.awaited:
        blocks.append(SectionBlock(text=fit(_awaited(digest.awaited))))
    if digest.skips:
        blocks.append(SectionBlock(text=fit(_skips(digest.skips))))
    blocks.append(footnote(_hint(digest)))
    t = digest.totals
    text = PARENT_FALLBACK.format(
        title=escape(digest.title), updates=counted(t.updates, "update"),
        moved=counted(t.moved, "status change"), at_risk=t.at_risk,
    )  # fmt: skip
    return Reply(fallback(text), blocks)


def _period(digest: Digest) -> str:
    t = digest.totals
    return PERIOD.format(
        since=_day(digest.since), until=f"{_day(digest.until)} {digest.until:%Y}",
        updates=counted(t.updates, "update"), moved=counted(t.moved, "status change"),
        at_risk=t.at_risk, disagree=DISAGREE_COUNT.format(n=t.disagreements),
    )  # fmt: skip


def _discuss(digest: Digest) -> str:
    t = digest.totals
    return DISCUSS.format(
        at_risk=t.at_risk, disagree=DISAGREE_COUNT.format(n=t.disagreements),
        awaited=f"{t.awaited} awaiting confirmation",
    )  # fmt: skip


def _area_line(area: DigestArea) -> str:
    return AREA_LINE.format(
        name=escape(area.name),
        counts=escape(counts_text(area.counts)),
        moved=", ".join(net_phrases(area.net)) or NO_CHANGE,
    )


def _awaited(items: Sequence[DigestItem]) -> str:
    # Grouped by whose confirmation is awaited: that is who has something to do.
    by_whom: dict[Institution, list[str]] = {}
    for item in items:
        for institution in item.awaited:
            by_whom.setdefault(institution, []).append(escape(item.code))
    groups = [
        AWAITED_FROM.format(who=who.label, codes=_capped(codes, AWAITED_SHOWN))
        for who, codes in sorted(by_whom.items(), key=lambda kv: list(Institution).index(kv[0]))
    ]
    return AWAITED.format(count=len(items), entries="; ".join(groups))


def _skips(skips: Sequence[Skip]) -> str:
    entries = [
        SKIP_ENTRY.format(name=short(s.name, NAME_TEXT), reason=short(s.reason, NAME_TEXT))
        for s in skips
    ]
    return SKIPS.format(count=len(skips), entries=_capped(entries, SKIPS_SHOWN, "; "))


def _hint(digest: Digest) -> str:
    if not digest.areas:
        return NO_AREAS
    detailed = sum(a.detailed for a in digest.areas)
    return DETAIL_HINT.format(areas=counted(detailed, "area")) if detailed else NO_DETAIL


def build_area(area: DigestArea) -> list[Reply]:
    """Render one area's detail: each commitment once, as thread replies of at most 50 blocks."""
    text = AREA_FALLBACK.format(name=escape(area.name), changes=counted(area.updates, "update"))
    pages = split_blocks(_area_blocks(area))
    return [Reply(fallback(text + (CONTINUED if n else "")), page) for n, page in enumerate(pages)]


def _area_blocks(area: DigestArea) -> list[Block]:
    lines = [item_line(i) for i in area.items[:ITEMS_SHOWN]]
    if len(area.items) > ITEMS_SHOWN:
        lines.append(MORE.format(n=len(area.items) - ITEMS_SHOWN))
    blocks: list[Block] = [_header(area.title), *_sections(lines)]
    if area.unanswered:
        names = _capped([short(n, NAME_TEXT) for n in area.unanswered], NAMES_SHOWN)
        blocks.append(footnote(UNANSWERED.format(count=counted(len(area.unanswered), "owner"),
                                                 names=names)))  # fmt: skip
    if area.silent:
        codes = _capped([escape(c) for c in area.silent], CODES_SHOWN)
        blocks.append(footnote(SILENT.format(count=len(area.silent), codes=codes)))
    return blocks


def item_line(item: DigestItem) -> str:
    """Say once what happened to a commitment over the period, and what needs attention."""
    said = [_move(m, joint=item.joint) for m in item.moves]
    if not item.moves or (not item.changed and (item.attention or item.disagree)):
        said.append(_standing(item))
    flags = FLAG_DISAGREE if item.disagree else ""
    if item.awaited:
        flags += FLAG_AWAITED.format(waiting=", ".join(i.label for i in item.awaited))
    return ITEM.format(code=escape(item.code), said=PARTS_SEP.join(said), flags=flags)


def _move(move: Move, *, joint: bool) -> str:
    if move.changed:
        said = MOVED.format(
            emoji=EMOJI[move.after], before=_label(move.before), after=_label(move.after)
        )
    elif move.confirmed:
        said = CONFIRMED
    else:
        said = KEPT.format(emoji=EMOJI[move.after], status=_label(move.after))
    said += WORDS.format(words=short(move.words, WORDS_TEXT)) if move.words else ""
    said += NEXT_STEP.format(step=short(move.next_step, STEP_TEXT)) if move.next_step else ""
    when = local_time(move.at, tokens=DAY_TOKENS, fallback=_day(move.at))
    said += BY.format(author=short(move.author, NAME_TEXT), when=when)
    said += LATE if move.late else ""
    return JOINT.format(institution=move.institution.label, said=said) if joint else said


def _standing(item: DigestItem) -> str:
    worst = item.after
    parts = (
        ", ".join(f"{i.label}: {_label(s)}" for i, s in item.parts) if item.joint else _label(worst)
    )
    return STANDING.format(emoji=EMOJI[worst], parts=parts)


def _day(when: datetime) -> str:
    return f"{when.day} {when:%b}"


def _label(status: Status | None) -> str:
    return status.label if status else NO_UPDATE


def _header(title: str) -> HeaderBlock:
    return HeaderBlock(text=fit(title, HEADER_TEXT))


def _sections(lines: list[str]) -> list[Block]:
    return [SectionBlock(text=text) for text in pack(lines)]


def _capped(entries: list[str], limit: int, sep: str = ", ") -> str:
    shown = sep.join(entries[:limit])
    return shown + (f" {MORE.format(n=len(entries) - limit)}" if len(entries) > limit else "")
