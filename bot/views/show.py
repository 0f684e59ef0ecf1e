"""`/hlm show <id>`: a commitment's full text, each institution's owner and status, and its
history, newest first, with everything each update said.

An update a later one corrects is marked replaced, one its author took back withdrawn: both
stay in the history and count nowhere (the domain row says which, `Report.replaced` and
`Report.withdrawn`).
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, SectionBlock

from bot.views import Reply
from bot.views.mrkdwn import (
    HEADER_TEXT,
    MOMENT_TOKENS,
    chunks,
    escape,
    fallback,
    fit,
    local_time,
    pack,
    quote,
    truncate,
)
from bot.views.status import (
    EVIDENCE,
    NEXT,
    awaiting_text,
    badge,
    flags,
    footnote,
    links,
    names,
    part_line,
)
from workflows.types import UpdateSource
from workflows.updates.status import CommitmentStatus, Report

HISTORY_SHOWN = 20
HISTORY_TEXT = 500
NEXT_STEP_TEXT = 500
HISTORY_LINKS = 10  # every link an update may carry (workflows.updates.record.MAX_LINKS)
MAX_TEXT_SECTIONS = 8  # 24,000 characters of a commitment's text: far more than any has
DETAIL_CONTEXT = "{area} · {actors}"
OWNERS_AND_STATUS = "*Owners and latest status*"
AWAITING_LINE = ":hourglass_flowing_sand: {text}"
HISTORY = "*History*, newest first"
NO_HISTORY = "_No update recorded yet._"
MORE_HISTORY = "… and {n} earlier — `hlm export` has them all"
HISTORY_LINE = "{status}{institution} — {who}, {when}{source}{late}"
LATE = " · _late_"
REPLACED = ":leftwards_arrow_with_hook: _Replaced by a correction; does not count._"
WITHDRAWN = ":no_entry_sign: _Withdrawn by its author; does not count._"
NOTE = ":memo: Note"
CARRIED_TO = ":arrow_forward: Carried over to {ids}"
CONTINUES = ":arrow_backward: Continues {ids}; its history is below"
OF = " · _on {code}_"
SOMEONE = "someone"
SOURCES = {
    UpdateSource.BUTTON: "button",
    UpdateSource.MODAL: "form",
    UpdateSource.THREAD: "reply in a check-in",
    UpdateSource.COMMAND: "`/hlm update`",
    UpdateSource.CLI: "command line",
    UpdateSource.CONFIRMED: "confirmed unchanged",
}


def history_line(report: Report) -> str:
    """Render one update of a commitment's history with all it said, marks first."""
    marks = ([WITHDRAWN] if report.withdrawn else []) + ([REPLACED] if report.replaced else [])
    line = HISTORY_LINE.format(
        status=badge(report.status) if report.status else NOTE,
        institution=f" · *{report.institution.label}*" if report.institution else "",
        who=escape(report.author or SOMEONE),
        when=local_time(report.at, tokens=MOMENT_TOKENS),
        source=f" · {SOURCES[report.source]}" if report.source else "",
        late=LATE if report.late else "",
    ) + (OF.format(code=escape(report.of)) if report.of else "")
    lines = [line, *marks]
    words = truncate(escape(report.text.strip()), HISTORY_TEXT)
    lines += [quote(words)] if words else []
    if report.next_step.strip():
        step = truncate(escape(report.next_step.strip()), NEXT_STEP_TEXT)
        lines.append(NEXT.format(step=step))
    if report.evidence:
        lines.append(EVIDENCE.format(links=links(report.evidence, most=HISTORY_LINKS)))
    return "\n".join(lines)


def _ids(keys: Sequence[str]) -> str:
    return ", ".join(f"`{escape(k)}`" for k in keys)


def build_commitment_detail(
    item: CommitmentStatus,
    *,
    area_title: str,
    history: Sequence[Report],
    full_text: str,
    total: int | None = None,
    carried_to: Sequence[str] = (),
    continues: Sequence[str] = (),
) -> Reply:
    """Render a commitment's full text, owners, status per institution and history.

    `total` counts the whole history when `history` holds only its latest updates (with those of
    the earlier commitments it `continues`); `carried_to` names the later ones continuing it.
    """
    actors = names([a.label for a in item.actors])
    awaiting = [AWAITING_LINE.format(text=awaiting_text(item))] if item.awaiting else []
    links = [CARRIED_TO.format(ids=_ids(carried_to))] if carried_to else []
    links += [CONTINUES.format(ids=_ids(continues))] if continues else []
    owners = "\n".join(
        [OWNERS_AND_STATUS, *(part_line(p) for p in item.parts), *awaiting, *flags(item), *links]
    )
    blocks = [
        HeaderBlock(text=fit(f"{item.code} ({item.shown_number})", HEADER_TEXT)),
        footnote(DETAIL_CONTEXT.format(area=escape(area_title), actors=actors)),
        *_full_text(full_text),
        DividerBlock(),
        SectionBlock(text=fit(owners)),
        DividerBlock(),
        *_history(history, len(history) if total is None else total),
    ]
    status = awaiting_text(item) if item.awaiting else item.label
    return Reply(fallback(f"{escape(item.code)}: {status}"), blocks)


def _full_text(text: str) -> list[Block]:
    pieces = chunks(escape(text.strip())) or [" "]
    if len(pieces) > MAX_TEXT_SECTIONS:
        last = pieces[MAX_TEXT_SECTIONS - 1]
        pieces = [*pieces[: MAX_TEXT_SECTIONS - 1], truncate(last, len(last) - 1)]
    return [SectionBlock(text=piece) for piece in pieces]


def _history(history: Sequence[Report], total: int) -> list[Block]:
    newest = sorted(history, key=lambda r: r.at, reverse=True)[:HISTORY_SHOWN]
    lines = [history_line(r) for r in newest] or [NO_HISTORY]
    blocks: list[Block] = [SectionBlock(text=t) for t in pack([HISTORY, *lines], sep="\n\n")]
    more = total - len(newest)
    return blocks + ([footnote(MORE_HISTORY.format(n=more))] if more > 0 else [])
