"""Replies to `/hlm`: an area's status, the overview, one commitment, mine, owners, messages.

The small formatting helpers here (`badge`, `part_line`, `counts_line`, `stamp`, `footnote`) are
shared with the check-in, digest and App Home builders, so a status reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.views import Reply, ids
from bot.views.blocks import MAX_BLOCKS_MESSAGE, split_blocks
from bot.views.mrkdwn import (
    CONTEXT_TEXT,
    ELLIPSIS,
    HEADER_TEXT,
    chunks,
    escape,
    fallback,
    fit,
    pack,
    quote,
    short,
    truncate,
)
from workflows.types import Institution, Status
from workflows.updates.status import (
    NO_UPDATE,
    STALE_AFTER,
    AreaStatus,
    CommitmentStatus,
    Part,
    Report,
    summarise,
)
from workflows.words import counted

SHORT_TEXT = 200
HISTORY_SHOWN = 20
HISTORY_TEXT = 500
MAX_TEXT_SECTIONS = 8  # 24,000 characters of a commitment's text: far more than any has
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
ITEM = "*{code}* ({number}) {text}"
CONTINUED = "{title} (continued, part {n} of {total})"
SHARE = "Share in channel"
OVERVIEW_TITLE = "HLM commitments: all areas"
OVERVIEW_LINE = "*{position}. {title}* — {counts}"
OVERVIEW_TOTAL = "*Total* — {counts}"
OVERVIEW_HINT = "Type `/hlm status <area>` for details, e.g. `/hlm status gender`."
DETAIL_CONTEXT = "{area} · {actors}"
OWNERS_AND_STATUS = "*Owners and latest status*"
HISTORY = "*History*, newest first"
NO_HISTORY = "_No update recorded yet._"
MORE_HISTORY = "… and {n} more"
HISTORY_LINE = "{status} — {who}, {when}{late}"
LATE = " · _late_"
NOTE = ":memo: Note"
MARKED = "~{status}~ _{mark}_"
SOMEONE = "someone"
MINE_TITLE = "Your commitments"
YOU_OWN = "You own {commitments}{name}. Where each stands for your institution:"
MINE_LINE = "*{code}* ({number}) — {institution}: {status}{when}\n{text}"
YOU_OWN_NOTHING = (
    "You don't own any HLM commitment yet. Coordinators assign owners with "
    "`/hlm assign <id|area> @person [ilo|ec|eeas]`; ask one of them if you should follow one up."
)
OWNERS_TITLE = "Owners of the HLM commitments"
OWNERS_LINE = "*{code}* {parts}"
ALL_ASSIGNED = "Every part has an owner."
SOME_UNASSIGNED = "{n} unassigned: {parts}"
NOBODY_ANSWERS = "{n} with nobody to answer (the owner left or is away, no backup): {parts}"


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
    when = f" · {day(part.status_at)}" if part.status_at else ""
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
    return [(sum(i.stale for i in items), "stale"), (sum(i.disagree for i in items), "disagree")]


def item_text(item: CommitmentStatus) -> str:
    """Render a commitment for a list: code, number, short text, one line per institution."""
    lines = [
        ITEM.format(
            code=escape(item.code), number=item.shown_number, text=short(item.text, SHORT_TEXT)
        )
    ]
    return "\n".join(lines + [part_line(p) for p in item.parts] + flags(item))


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


def build_area_status(area: AreaStatus, *, share: str | None = None) -> list[Reply]:
    """Render an area's commitments in order, with a summary, split under Slack's limits."""
    items: list[Block | list[Block]] = [HeaderBlock(text=fit(area.title, HEADER_TEXT))]
    items += [SectionBlock(text=fit(item_text(item))) for item in area.items]
    ending: list[Block] = [footnote(escape(area.summary()))]
    if share is not None:
        value = share[: ButtonElement.value_max_length]
        ending.append(
            ActionsBlock(
                elements=[ButtonElement(text=SHARE, action_id=ids.SHARE_ACTION, value=value)]
            )
        )
    text = f"{escape(area.title)}: {escape(area.summary())}"
    return paginate(area.title, [*items, ending], text)


def build_overview(areas: Sequence[AreaStatus]) -> list[Reply]:
    """Render one line per area with its counts by status, then the totals and a hint."""
    lines = [
        OVERVIEW_LINE.format(
            position=a.position, title=escape(a.title), counts=counts_line(a.items)
        )
        for a in areas
    ]
    everything = [item for area in areas for item in area.items]
    blocks: list[Block] = [
        HeaderBlock(text=OVERVIEW_TITLE),
        *(SectionBlock(text=t) for t in pack(lines)),
    ]
    blocks += [
        SectionBlock(text=fit(OVERVIEW_TOTAL.format(counts=counts_line(everything)))),
        footnote(escape(OVERVIEW_HINT)),
    ]
    return paginate(OVERVIEW_TITLE, blocks, f"All areas: {escape(summarise(everything))}")


def history_line(report: Report, mark: str | None = None) -> str:
    """Render one update of a commitment's history, its words quoted; one that no longer
    counts (`mark`: "replaced", "withdrawn") struck through and marked."""
    status = badge(report.status) if report.status else NOTE
    line = HISTORY_LINE.format(
        status=MARKED.format(status=status, mark=mark) if mark else status,
        who=escape(report.author or SOMEONE),
        when=stamp(report.at),
        late=LATE if report.late else "",
    )
    words = truncate(escape(report.text.strip()), HISTORY_TEXT)
    return f"{line}\n{quote(words)}" if words else line


def build_commitment_detail(
    item: CommitmentStatus,
    *,
    area_title: str,
    history: list[Report],
    full_text: str,
    total: int | None = None,
    marks: Sequence[str | None] = (),
) -> Reply:
    """Render a commitment's full text, owners, status per institution and history.

    `total` counts the whole history when `history` holds only its latest updates; `marks`
    says, update by update, which no longer count ("replaced", "withdrawn").
    """
    actors = names([a.label for a in item.actors])
    owners = "\n".join([OWNERS_AND_STATUS, *(part_line(p) for p in item.parts), *flags(item)])
    blocks = [
        HeaderBlock(text=fit(f"{item.code} ({item.shown_number})", HEADER_TEXT)),
        footnote(DETAIL_CONTEXT.format(area=escape(area_title), actors=actors)),
        *_full_text(full_text),
        DividerBlock(),
        SectionBlock(text=fit(owners)),
        DividerBlock(),
        *_history(history, len(history) if total is None else total, marks),
    ]
    return Reply(fallback(f"{escape(item.code)}: {item.label}"), blocks)


def _full_text(text: str) -> list[Block]:
    pieces = chunks(escape(text.strip())) or [" "]
    if len(pieces) > MAX_TEXT_SECTIONS:
        last = pieces[MAX_TEXT_SECTIONS - 1]
        pieces = [*pieces[: MAX_TEXT_SECTIONS - 1], truncate(last, len(last) - 1)]
    return [SectionBlock(text=piece) for piece in pieces]


def _history(
    history: Sequence[Report], total: int, marks: Sequence[str | None] = ()
) -> list[Block]:
    marked = list(zip(history, [*marks, *[None] * (len(history) - len(marks))], strict=True))
    newest = sorted(marked, key=lambda r: r[0].at, reverse=True)[:HISTORY_SHOWN]
    lines = [history_line(r, mark) for r, mark in newest] or [NO_HISTORY]
    blocks: list[Block] = [SectionBlock(text=t) for t in pack([HISTORY, *lines], sep="\n\n")]
    more = total - len(newest)
    return blocks + ([footnote(MORE_HISTORY.format(n=more))] if more > 0 else [])


def build_my_commitments(
    items: list[tuple[CommitmentStatus, Institution]], *, name: str
) -> list[Reply]:
    """Render the commitments a person owns, each with the status of their institution's part."""
    if not items:
        return [build_message(YOU_OWN_NOTHING)]
    first = f", {escape(name.split()[0])}" if name.strip() else ""
    intro = YOU_OWN.format(commitments=counted(len(items), "commitment"), name=first)
    blocks = [SectionBlock(text=fit(intro))]
    blocks += [SectionBlock(text=fit(_mine_line(item, inst))) for item, inst in items]
    return paginate(MINE_TITLE, blocks, intro)


def _mine_line(item: CommitmentStatus, institution: Institution) -> str:
    part = next((p for p in item.parts if p.institution == institution), None)
    status = badge(part.status if part else None)
    when = f" · {day(part.status_at)}" if part and part.status_at else ""
    return MINE_LINE.format(
        code=escape(item.code),
        number=item.shown_number,
        institution=institution.label,
        status=status,
        when=when,
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
