"""Replies to `/hlm`: an area's status, the overview, one commitment, mine, owners, messages.

The small formatting helpers here (`badge`, `part_line`, `counts_line`, `stamp`, `footnote`) are
shared with the check-in, digest and App Home builders, so a status reads the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.views import Reply, ids
from bot.views.blocks import MAX_BLOCKS_MESSAGE, split_blocks
from bot.views.mrkdwn import (
    CONTEXT_TEXT,
    DAY_TOKENS,
    ELLIPSIS,
    HEADER_TEXT,
    SECTION_TEXT,
    chunks,
    escape,
    fallback,
    fit,
    local_time,
    pack,
    quote,
    short,
    truncate,
)
from workflows.catalogue.meetings import Shown
from workflows.types import Institution, Status
from workflows.updates.status import (
    NO_UPDATE,
    STALE_AFTER,
    AreaStatus,
    CommitmentStatus,
    Part,
    Problem,
    summarise,
)
from workflows.words import counted

SHORT_TEXT = 200
EMOJI: dict[Status | None, str] = {
    Status.BLOCKED: ":red_circle:",
    Status.AT_RISK: ":large_orange_circle:",
    Status.NOT_STARTED: ":white_circle:",
    Status.ON_TRACK: ":large_green_circle:",
    Status.COMPLETED: ":white_check_mark:",
    Status.SUPERSEDED: ":arrows_counterclockwise:",
    Status.DROPPED: ":heavy_multiplication_x:",
    None: ":grey_question:",
}
DISAGREE = ":warning: {who} disagree"
STALE = ":hourglass: No report in {weeks}"
UNASSIGNED = "_unassigned_"
PART = "{institution}: {status}{when} — {owners}"
BACKUPS = " (backup {names})"
CONTINUED = "{title} (continued, part {n} of {total})"
SHARE = "Share in channel"
OVERVIEW_TITLE = "HLM {number} commitments: all areas"
OTHER_MEETINGS = "Other conclusions: {names}."
NOT_CURRENT = ":information_source: Conclusions of HLM {number}, not the current ones: `/hlm status` shows those."
EARLIER_AREA = "HLM {number} · {title}"
OVERVIEW_LINE = "*{position}. {title}* — {counts}"
OVERVIEW_TOTAL = "*Total* — {counts}"
OVERVIEW_HINT = (
    "Type `/hlm status <area>{meeting}` for details, e.g. `/hlm status {example}{meeting}`."
)
MINE_TITLE = "Your commitments"
YOU_OWN = "You own {commitments}{name}. Where each stands for your institution:"
MINE_LINE = "*{code}* ({number}) — {institution}: {status}{awaiting}{when}\n{text}"
MINE_AWAITING = " · _{text}_"
YOU_OWN_NOTHING = (
    "You don't own any HLM commitment yet. Coordinators assign owners with "
    "`/hlm assign <id|area> @person [ilo|ec|eeas]`; ask one of them if you should follow one up."
)
OWNERS_TITLE = "Owners of the HLM commitments"
OWNERS_LINE = "*{code}* {parts}"
ALL_ASSIGNED = "Every part has an owner."
SOME_UNASSIGNED = "{n} unassigned: {parts}"
NOBODY_ANSWERS = "{n} with nobody to answer (the owner left or is away, no backup): {parts}"

ATTENTION = "*Needs attention* — {n}"
NOTHING_NEEDS_ATTENTION = "_Nothing needs attention right now._"
THE_REST = "*The rest* — {n}"
COMPACT = "{emoji} *{code}* ({number}) {where} — {text}"
PROBLEM_HEAD = "{emoji} *{code}* ({number}) · *{why}*"
PART_HEAD = "*{institution}*: {status} — {owners}{heard}"
HEARD_ON = " · heard {when}"
CONFIRMED_ON = " · confirmed unchanged on {when}"
NEXT = ":arrow_right: Next: {step}"
EVIDENCE = ":paperclip: {links}"
MORE_LINKS = "{n} more"
SILENT = ":zzz: No word from {who} for two cycles or more"
AWAITING = "Completed by {done}, awaiting {awaited} confirmation"
MORE_ITEMS = "… and {n} more — `/hlm show &lt;id&gt;`: {codes}"
REASONS = {
    Problem.BLOCKED: "Blocked",
    Problem.AT_RISK: "At risk",
    Problem.DISAGREE: "The institutions disagree",
    Problem.SILENT: "Silent",
    Problem.AWAITING: "Awaiting confirmation",
}
COMPACT_TEXT = 90
COMPACT_LINE = 400  # however many owners: one line
PROBLEM_ITEM_TEXT = 160
WORDS_TEXT = 300
NEXT_TEXT = 200
LINKS_SHOWN = 3
LINK_URL = 400  # a longer address is shown as text: a link must not eat the section
LINK_TEXT = 80
_URL = re.compile(r"^https?://[^\s<>|]+$")


def badge(status: Status | None) -> str:
    """Name a status with its emoji ("No update" when nothing was reported)."""
    return f"{EMOJI[status]} {status.label if status else NO_UPDATE}"


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC) if when.tzinfo else when


def day(when: datetime) -> str:
    """Write a date the short way, in UTC: 12 Nov."""
    return f"{_utc(when).day} {_utc(when):%b}"


def stamp(when: datetime) -> str:
    """Write a moment in UTC: 25 Nov 10:02 UTC."""
    return f"{day(when)} {_utc(when):%H:%M} UTC"


def names(people: Sequence[str]) -> str:
    """List people's names, escaped, with "and" before the last."""
    escaped = [escape(p) for p in people]
    return " and ".join([", ".join(escaped[:-1]), escaped[-1]] if len(escaped) > 1 else escaped)


def part_line(part: Part) -> str:
    """Say where an institution's part stands and who owns it, on one line."""
    owners = names(part.owners) or UNASSIGNED
    backups = BACKUPS.format(names=names(part.backups)) if part.backups else ""
    when = f" · {local_time(part.status_at, tokens=DAY_TOKENS)}" if part.status_at else ""
    status = part.status.label if part.status else NO_UPDATE
    return PART.format(
        institution=part.institution.label, status=status, when=when, owners=owners + backups
    )


def flags(item: CommitmentStatus) -> list[str]:
    """Say what needs a coordinator's eye: disagreeing institutions, no recent report."""
    reported = [p.institution.label for p in item.parts if p.status is not None]
    lines = [DISAGREE.format(who=names(reported))] if item.disagree else []
    stale = STALE.format(weeks=counted(STALE_AFTER.days // 7, "week"))
    return lines + ([stale] if item.stale else [])


def counts_line(items: Sequence[CommitmentStatus]) -> str:
    """Count commitments by overall status, worst first, with emojis."""
    total = counted(len(items), "commitment")
    found = [i.overall for i in items]
    counts = [f"{EMOJI[s]} {found.count(s)} {_label(s)}" for s in EMOJI if found.count(s)]
    extra = [f"{n} {what}" for n, what in _extra(items) if n]
    return " · ".join([total, *counts, *extra])


def _label(status: Status | None) -> str:
    return (status.label if status else NO_UPDATE).lower()


def _extra(items: Sequence[CommitmentStatus]) -> list[tuple[int, str]]:
    return [
        (sum(bool(i.problems) for i in items), "need attention"),
        (sum(i.stale for i in items), "stale"),
        (sum(i.disagree for i in items), "disagree"),
    ]


def footnote(text: str) -> ContextBlock:
    """Return a context block of one mrkdwn line, cut to our cap (slack_sdk checks no length)."""
    return ContextBlock(elements=[MarkdownTextObject(text=fit(text, CONTEXT_TEXT))])


def continued(title: str, pages: list[list[Block]], text: str) -> list[Reply]:
    """Turn pages of blocks into replies, marking the pages after the first as continued."""
    total = len(pages)
    return [
        Reply(
            fallback(text),
            blocks
            if n == 1
            else [
                footnote(CONTINUED.format(title=escape(title), n=n, total=total)),
                *blocks,
            ],
        )
        for n, blocks in enumerate(pages, start=1)
    ]


def paginate(title: str, items: Sequence[Block | Sequence[Block]], text: str) -> list[Reply]:
    """Split blocks into replies under 50 blocks each, room left for the continued line."""
    return continued(title, split_blocks(items, MAX_BLOCKS_MESSAGE - 1), text)


def build_area_status(
    area: AreaStatus, *, share: str | None = None, meeting: Shown | None = None
) -> list[Reply]:
    """Render an area: what needs attention first, in detail; then the rest, a line each
    (`meeting`: whose conclusions, said when they are not the current meeting's).

    One message within Slack's 50 blocks: what does not fit is named in an "and N more" line.
    """
    problems = area.problems
    flagged = {item.key for item in problems}
    rest = [item for item in area.items if item.key not in flagged]
    title = area.title
    if meeting is not None and not meeting.current:
        title = EARLIER_AREA.format(number=meeting.number, title=area.title)
    head: list[Block] = [
        HeaderBlock(text=fit(title, HEADER_TEXT)),
        footnote(escape(area.summary())),
        *meeting_notes(meeting),
    ]
    ending: list[Block] = []
    if share is not None:
        value = share[: ButtonElement.value_max_length]
        button = ButtonElement(text=SHARE, action_id=ids.SHARE_ACTION, value=value)
        ending.append(ActionsBlock(elements=[button]))
    entries = _attention(problems) + _the_rest(rest)
    room = MAX_BLOCKS_MESSAGE - len(head) - len(ending) - 1  # the "and N more" line
    shown = entries if len(entries) <= room + 1 else entries[:room]
    left = [code for _, codes in entries[len(shown) :] for code in codes]
    more = [footnote(MORE_ITEMS.format(n=len(left), codes=", ".join(left)))] if left else []
    blocks = [*head, *(block for block, _ in shown), *more, *ending]
    return [Reply(fallback(f"{escape(area.title)}: {escape(area.summary())}"), blocks)]


# A block of the area status, with the codes of the commitments it shows (for "and N more").
_Entry = tuple[Block, list[str]]


def _attention(problems: Sequence[CommitmentStatus]) -> list[_Entry]:
    if not problems:
        return [(SectionBlock(text=NOTHING_NEEDS_ATTENTION), [])]
    heading = ATTENTION.format(n=counted(len(problems), "commitment"))
    return [(SectionBlock(text=heading), [])] + [
        (SectionBlock(text=problem_text(item)), [escape(item.code)]) for item in problems
    ]


def _the_rest(rest: Sequence[CommitmentStatus]) -> list[_Entry]:
    if not rest:
        return []
    lines = [(truncate(compact_line(item), COMPACT_LINE), escape(item.code)) for item in rest]
    entries: list[_Entry] = []
    text, codes = THE_REST.format(n=len(rest)), list[str]()
    for line, code in lines:
        if len(text) + 1 + len(line) > SECTION_TEXT:
            entries.append((SectionBlock(text=text), codes))
            text, codes = "", []
        text, codes = (f"{text}\n{line}" if text else line), [*codes, code]
    return [*entries, (SectionBlock(text=text), codes)]


def compact_line(item: CommitmentStatus) -> str:
    """Say in one line where a commitment stands: each institution's status and owners, then
    its text."""
    owned = " · ".join(
        f"{p.institution.label}: {p.label} ({names(p.owners) or UNASSIGNED})" for p in item.parts
    )
    where = f"{awaiting_text(item)}; {owned}" if item.awaiting else owned
    return COMPACT.format(
        emoji=EMOJI[item.overall],
        code=escape(item.code),
        number=item.shown_number,
        where=where,
        text=short(item.text, COMPACT_TEXT),
    )


def awaiting_text(item: CommitmentStatus) -> str:
    """Say who completed a joint item and whose confirmation it awaits."""
    return AWAITING.format(
        done=" and ".join(f"the {i.label}" for i in item.completed_by),
        awaited=" and ".join(f"the {i.label}'s" for i in item.awaiting),
    )


def problem_text(item: CommitmentStatus) -> str:
    """Render a commitment that needs attention: why, then each institution in substance."""
    why = " · ".join(REASONS[p] for p in item.problems)
    lines = [
        PROBLEM_HEAD.format(
            emoji=EMOJI[item.overall],
            code=escape(item.code),
            number=item.shown_number,
            why=why,
        ),
        short(item.text, PROBLEM_ITEM_TEXT),
    ]
    if item.awaiting:
        lines.append(f":hourglass_flowing_sand: {awaiting_text(item)}")
    if item.silent:
        lines.append(SILENT.format(who=names([i.label for i in item.silent])))
    head = "\n".join(lines)
    budget = (SECTION_TEXT - len(head) - 1) // max(len(item.parts), 1) - 1
    parts = [truncate(part_detail(p), budget) for p in item.parts]
    return fit("\n".join([head, *parts]))


def part_detail(part: Part) -> str:
    """Render one institution's part: status, owners, when last heard of, words, next step,
    evidence."""
    owners = names(part.owners) or UNASSIGNED
    lines = [
        PART_HEAD.format(
            institution=part.institution.label,
            status=badge(part.status),
            owners=owners,
            heard=heard(part),
        )
    ]
    last = part.last
    if last is not None:
        words = short(last.text, WORDS_TEXT)
        lines += [quote(words)] if words else []
        lines += [NEXT.format(step=short(last.next_step, NEXT_TEXT))] if last.next_step else []
        lines += [EVIDENCE.format(links=links(last.evidence))] if last.evidence else []
    return "\n".join(lines)


def heard(part: Part) -> str:
    """Say when an institution was last heard of, in the reader's time zone."""
    last = part.last
    if last is None:
        return ""
    when = local_time(last.at, tokens=DAY_TOKENS)
    return (CONFIRMED_ON if last.confirmed else HEARD_ON).format(when=when)


def links(urls: Sequence[str], *, most: int = LINKS_SHOWN) -> str:
    """Render evidence as Slack links labelled by host; an odd address is shown as text."""
    shown = [_link(url) for url in urls[:most]]
    extra = [MORE_LINKS.format(n=len(urls) - most)] if len(urls) > most else []
    return ", ".join(shown + extra)


def _link(url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    safe = _URL.match(url) and len(url) <= LINK_URL and host
    if not safe:
        return escape(truncate(url, LINK_TEXT))
    return f"<{escape(url)}|{escape(host)}>"


def build_overview(areas: Sequence[AreaStatus], *, meeting: Shown) -> list[Reply]:
    """Render one line per area with its counts by status, then the totals and a hint (and how
    to see the other meetings' conclusions)."""
    lines = [
        OVERVIEW_LINE.format(
            position=a.position, title=escape(a.title), counts=counts_line(a.items)
        )
        for a in areas
    ]
    everything = [item for area in areas for item in area.items]
    title = OVERVIEW_TITLE.format(number=meeting.number)
    blocks: list[Block] = [
        HeaderBlock(text=fit(title, HEADER_TEXT)),
        *meeting_notes(meeting),
        *(SectionBlock(text=t) for t in pack(lines)),
    ]
    blocks += [
        SectionBlock(text=fit(OVERVIEW_TOTAL.format(counts=counts_line(everything)))),
        footnote(overview_hint(areas, meeting) + other_meetings(meeting, "status")),
    ]
    return paginate(title, blocks, f"All areas: {escape(summarise(everything))}")


def overview_hint(areas: Sequence[AreaStatus], meeting: Shown) -> str:
    """Say how to see an area in detail, with an area of the meeting shown as the example."""
    named = "" if meeting.current else f" hlm{meeting.number}"
    example = areas[0].slug if areas else "gender"
    return escape(OVERVIEW_HINT.format(example=example, meeting=named))


def meeting_notes(meeting: Shown | None) -> list[Block]:
    """Say, when a reply shows an earlier meeting's conclusions, that they are not the current."""
    if meeting is None or meeting.current:
        return []
    return [footnote(NOT_CURRENT.format(number=meeting.number))]


def other_meetings(meeting: Shown, command: str) -> str:
    """Name the other meetings' conclusions and how to see them (nothing when there is one)."""
    if not meeting.others:
        return ""
    commands = ", ".join(f"`/hlm {command} hlm{n}`" for n in meeting.others)
    return " " + OTHER_MEETINGS.format(names=commands)


def build_my_commitments(
    items: list[tuple[CommitmentStatus, Institution]], *, name: str
) -> list[Reply]:
    """Render the commitments a person owns, each with the status of their institution's part."""
    if not items:
        return [build_message(YOU_OWN_NOTHING)]
    first = f", {escape(name.split()[0])}" if name.strip() else ""
    intro = YOU_OWN.format(commitments=counted(len(items), "commitment"), name=first)
    blocks = [SectionBlock(text=fit(intro))]
    blocks += [SectionBlock(text=fit(mine_line(item, inst))) for item, inst in items]
    return paginate(MINE_TITLE, blocks, intro)


def mine_line(item: CommitmentStatus, institution: Institution) -> str:
    """Render a commitment a person owns: their institution's part, whether a joint completion
    awaits the others' confirmation (as on every surface), and the short text (`/hlm mine` and
    App Home alike)."""
    part = next((p for p in item.parts if p.institution == institution), None)
    awaiting = MINE_AWAITING.format(text=awaiting_text(item)) if item.awaiting else ""
    return MINE_LINE.format(
        code=escape(item.code),
        number=item.shown_number,
        institution=institution.label,
        status=badge(part.status if part else None),
        awaiting=awaiting,
        when=f" · {day(part.status_at)}" if part and part.status_at else "",
        text=short(item.text, SHORT_TEXT),
    )


def build_owners(
    areas: Sequence[AreaStatus], *, flags: Mapping[str, str] | None = None
) -> list[Reply]:
    """Render who owns each commitment part, area by area, unassigned parts listed
    (`flags`: owners who left or are away, by name, with the words that say so)."""
    flags = flags or {}
    items: list[Block | list[Block]] = []
    for area in areas:
        lines = [
            OWNERS_LINE.format(
                code=escape(i.code), parts=" · ".join(_owner(p, flags) for p in i.parts)
            )
            for i in area.items
        ]
        items += [
            HeaderBlock(text=fit(area.title, HEADER_TEXT)),
            *(SectionBlock(text=t) for t in pack(lines)),
            footnote(_unassigned(area, flags)),
        ]
    return paginate(OWNERS_TITLE, items, OWNERS_TITLE)


def _owner(part: Part, flags: Mapping[str, str]) -> str:
    backups = BACKUPS.format(names=_flagged(part.backups, flags)) if part.backups else ""
    return f"{part.institution.label}: {_flagged(part.owners, flags) or UNASSIGNED}{backups}"


def _flagged(people: Sequence[str], flags: Mapping[str, str]) -> str:
    return " and ".join(
        f"{escape(p)} _({escape(flags[p])})_" if p in flags else escape(p) for p in people
    )


def _unassigned(area: AreaStatus, flags: Mapping[str, str]) -> str:
    def named(parts: list[tuple[str, Part]]) -> str:
        return ", ".join(f"{escape(code)} ({p.institution.label})" for code, p in parts)

    parts = [(i.code, p) for i in area.items for p in i.parts]
    unowned = [(c, p) for c, p in parts if not p.owners]
    nobody = [
        (c, p)
        for c, p in parts
        if p.owners and all(o in flags for o in p.owners) and all(b in flags for b in p.backups)
    ]
    said = [SOME_UNASSIGNED.format(n=len(unowned), parts=named(unowned))] if unowned else []
    said += [NOBODY_ANSWERS.format(n=len(nobody), parts=named(nobody))] if nobody else []
    return " ".join(said) if said else ALL_ASSIGNED


def build_message(text: str) -> Reply:
    """Render a confirmation or an error as a reply; the text is escaped."""
    escaped = escape(text) or ELLIPSIS
    blocks = [SectionBlock(text=piece) for piece in chunks(escaped)]
    return Reply(fallback(escaped), blocks[:MAX_BLOCKS_MESSAGE])


def build_note(note: str) -> Reply:
    """A one-line note in small print, such as a chart that could not be attached."""
    return Reply(text=note, blocks=[footnote(note)])
