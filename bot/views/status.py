"""Replies to coordinators' and owners' `/hlm` commands: status, details, owners, help."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.views import Reply
from bot.views.ids import SHARE_ACTION
from bot.views.mrkdwn import (
    MAX_BLOCKS_MESSAGE,
    chunks,
    context,
    divider,
    escape,
    header,
    plain,
    section,
    split_blocks,
    truncate,
)
from workflows.status import AreaStatus, CommitmentStatus, Part, Report, summarise
from workflows.types import Institution, Status

SHORT_TEXT = 220
HISTORY_SHOWN = 15
EMOJI = {
    Status.NOT_STARTED: ":white_circle:",
    Status.ON_TRACK: ":large_green_circle:",
    Status.AT_RISK: ":large_orange_circle:",
    Status.BLOCKED: ":red_circle:",
    Status.COMPLETED: ":white_check_mark:",
    Status.DROPPED: ":heavy_multiplication_x:",
    Status.SUPERSEDED: ":arrows_counterclockwise:",
    None: ":grey_question:",
}
DISAGREE = ":warning: The institutions report different statuses."
STALE = ":hourglass: No report for six weeks or more."
UNASSIGNED = "_unassigned_"
OVERVIEW_TITLE = "HLM commitments: all areas"
OVERVIEW_HINT = "Type `/hlm status <area>` for an area's commitments, e.g. `/hlm status gender`."
SHARE = "Share in channel"
CONTINUED = "{title} (continued)"
NO_HISTORY = "_No update recorded yet._"
MORE_HISTORY = "_… and {n} earlier updates._"
YOU_OWN = "You own {n} commitment parts."
YOU_OWN_NOTHING = (
    "You don't own any commitment yet. A coordinator can assign you with "
    "`/hlm assign <id or area> @you`."
)
UNDERSTOOD_NOT = ":thinking_face: {problem}"
SUGGEST = "Did you mean `/hlm {suggestion}`?"
HELP = """*HLM commitments bot*
• `/hlm status [area]`: an area's commitments, owners and latest status (all areas without one)
• `/hlm show <id>`: a commitment's full text and history, e.g. `/hlm show gender-7`
• `/hlm mine`: the commitments you own
• `/hlm update <id> <status> [what happened]`: record where a commitment stands
• `/hlm owners [area]`: who owns what
• `/hlm away <until> [reason]` or `/hlm away off`: pause your check-ins
• `/hlm assign <id or area> @person [ilo|ec|eeas] [backup]`: coordinators only
• `/hlm unassign <id or area> [ilo|ec|eeas] [backup]`: coordinators only
• `/hlm help`: this list
Statuses: `not-started`, `on-track`, `at-risk`, `blocked`, `completed`, `dropped`, `superseded`.
Areas can be named loosely: `gender`, `child labour`, `OSH`, or the area's number."""


def status_label(status: Status | None) -> str:
    """Name a status with its emoji."""
    return f"{EMOJI[status]} {status.label if status else 'No update'}"


def part_line(part: Part) -> str:
    """Say who owns an institution's part and where it stands, on one line."""
    owners = ", ".join(escape(o) for o in part.owners) or UNASSIGNED
    when = f" · {part.status_at:%d %b %Y}" if part.status_at else ""
    return f"{part.institution.label}: {status_label(part.status)}{when} — {owners}"


def item_blocks(item: CommitmentStatus) -> list[dict[str, Any]]:
    """Render one commitment: id, number, short text and one line per institution."""
    lines = [f"*{item.code}* ({item.shown_number}) {escape(truncate(item.text, SHORT_TEXT))}"]
    lines += [part_line(part) for part in item.parts]
    lines += [DISAGREE] if item.disagree else []
    lines += [STALE] if item.stale else []
    return [section("\n".join(lines))]


def build_area_status(area: AreaStatus, *, share: str | None = None) -> list[Reply]:
    """Render an area's commitments in order, with a summary, split under Slack's limits."""
    title = f"{area.position}. {area.title}"
    groups = [[header(title)], *(item_blocks(i) for i in area.items)]
    groups.append([context(escape(area.summary()))])
    if share is not None:
        groups.append([_share_button(share)])
    messages = split_blocks(groups, MAX_BLOCKS_MESSAGE - 1)
    return [
        Reply(
            f"{area.title}: {area.summary()}",
            blocks if n == 0 else [context(CONTINUED.format(title=escape(title))), *blocks],
        )
        for n, blocks in enumerate(messages)
    ]


def _share_button(command_text: str) -> dict[str, Any]:
    button = {
        "type": "button",
        "action_id": SHARE_ACTION,
        "text": plain(SHARE),
        "value": command_text[:2000],
    }
    return {"type": "actions", "elements": [button]}


def build_overview(areas: Sequence[AreaStatus]) -> list[Reply]:
    """Render one line per area with its counts by status, and the total."""
    lines = [f"*{a.position}. {escape(a.title)}*\n{escape(a.summary())}" for a in areas]
    everything = [item for area in areas for item in area.items]
    total = summarise(everything)
    blocks = [
        header(OVERVIEW_TITLE),
        *(section(t) for t in _pack(lines)),
        context(escape(total)),
        context(OVERVIEW_HINT),
    ]
    return [Reply(f"All areas: {total}", b) for b in split_blocks([[b] for b in blocks])]


def _pack(lines: Sequence[str], limit: int = 2900) -> list[str]:
    packed: list[str] = []
    for line in lines:
        if packed and len(packed[-1]) + len(line) + 2 <= limit:
            packed[-1] += "\n\n" + line
        else:
            packed.append(line)
    return packed


def history_line(report: Report) -> str:
    """Render one update of a commitment's history."""
    who = escape(report.author or "someone")
    late = " (late)" if report.late else ""
    status = status_label(report.status) if report.status else ":memo: Note"
    words = f"\n> {escape(truncate(report.text, 600))}" if report.text else ""
    return f"{status} — {who}, {report.at:%d %b %Y %H:%M} UTC{late}{words}"


def build_commitment_detail(
    item: CommitmentStatus, *, area_title: str, history: list[Report], full_text: str
) -> Reply:
    """Render a commitment's full text, owners, status per institution and history."""
    actors = " and ".join(a.label for a in item.actors)
    blocks = [
        header(f"{item.code} ({item.shown_number})"),
        context(f"{escape(area_title)} · {actors}"),
    ]
    blocks += [section(piece) for piece in chunks(escape(full_text))][:10]
    blocks += [divider(), section("\n".join(part_line(p) for p in item.parts))]
    shown = [history_line(r) for r in history[:HISTORY_SHOWN]] or [NO_HISTORY]
    blocks += [section(piece) for piece in _pack(shown)]
    if len(history) > HISTORY_SHOWN:
        blocks.append(context(MORE_HISTORY.format(n=len(history) - HISTORY_SHOWN)))
    return Reply(f"{item.code}: {item.label}", blocks[:MAX_BLOCKS_MESSAGE])


def build_my_commitments(
    items: list[tuple[CommitmentStatus, Institution]], *, name: str
) -> list[Reply]:
    """Render what a person owns, with the status of their part."""
    if not items:
        return [build_message(YOU_OWN_NOTHING)]
    lines = [_mine_line(item, institution) for item, institution in items]
    blocks = [section(YOU_OWN.format(n=len(items))), *(section(t) for t in _pack(lines))]
    return [Reply(YOU_OWN.format(n=len(items)), b) for b in split_blocks([[b] for b in blocks])]


def _mine_line(item: CommitmentStatus, institution: Institution) -> str:
    part = next((p for p in item.parts if p.institution == institution), None)
    status = status_label(part.status if part else None)
    return f"*{item.code}* ({institution.label}) {status}\n{escape(truncate(item.text, 160))}"


def build_owners(areas: Sequence[AreaStatus]) -> list[Reply]:
    """Render who owns each commitment part, area by area; unassigned parts stand out."""
    groups = []
    for area in areas:
        lines = [
            f"*{item.code}* " + " · ".join(_owner_part(p) for p in item.parts)
            for item in area.items
        ]
        groups.append(
            [
                section(f"*{area.position}. {escape(area.title)}*"),
                *(section(t) for t in _pack(lines)),
            ]
        )
    unassigned = sum(not p.owners for a in areas for i in a.items for p in i.parts)
    groups.append([context(f"{unassigned} commitment parts without an owner.")])
    return [Reply("Owners of the HLM commitments", b) for b in split_blocks(groups)]


def _owner_part(part: Part) -> str:
    owners = ", ".join(escape(o) for o in part.owners) or UNASSIGNED
    backups = f" (backup {', '.join(escape(b) for b in part.backups)})" if part.backups else ""
    return f"{part.institution.label}: {owners}{backups}"


def build_message(text: str) -> Reply:
    """Render a one-paragraph reply; the text is escaped."""
    return Reply(truncate(text, 3000), [section(escape(text))])


def build_help(*, problem: str | None = None, suggestion: str | None = None) -> Reply:
    """Render the help, led by what was wrong and a suggestion when there is one."""
    lines = [UNDERSTOOD_NOT.format(problem=escape(problem))] if problem else []
    lines += [SUGGEST.format(suggestion=suggestion)] if suggestion else []
    blocks = [section("\n".join(lines))] if lines else []
    return Reply(problem or "How to use /hlm", [*blocks, section(HELP)])
