"""`/hlm show <id>`: the full text and the history of one commitment."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext
from bot.commands.words import split_meeting, split_share
from bot.views import Reply
from bot.views.show import HISTORY_SHOWN, build_commitment_detail
from workflows.catalogue.lookup import find_commitment, read_commitment_id, take_commitment_id
from workflows.catalogue.meetings import carried_over_to, continues, find_meeting
from workflows.updates.record import history
from workflows.updates.status import commitment_statuses, report_of

WHICH = "Say which commitment to show."
EARLIER = "An earlier meeting's commitment: `hlm15/gender-7`, or `gender-7 hlm15`."


@dataclass(frozen=True)
class ShowCommitment:
    """`/hlm show <id>`: the full text and the history of one commitment."""

    code: str
    share: bool = False
    meeting: str | None = None


def parse_show(words: list[str]) -> ShowCommitment | Help:
    """Read `<id> [hlm15|--meeting hlm15] [share]` (or the id written `hlm15/gender-7`)."""
    words, meeting = split_meeting(words)
    words, share = split_share(words)
    typed, rest = take_commitment_id(words)
    if not typed or rest:  # `gender 4` is one id; anything after it is a mistake
        return SHOW.usage_help(WHICH)
    return ShowCommitment(typed, share, meeting)


def handle_show(cmd: ShowCommitment, ctx: CommandContext) -> list[Reply]:
    """Show a commitment's status, full text and latest history."""
    code, ref = cmd.code, read_commitment_id(cmd.code)
    if cmd.meeting is not None and ref is not None and ref.meeting is None:
        # `gender-7 hlm15` or `5.4 hlm15`: as if typed `hlm15/gender-7`
        number = find_meeting(ctx.session, cmd.meeting).number
        code = str(dataclasses.replace(ref, meeting=number))
    commitment = find_commitment(ctx.session, code)
    item = commitment_statuses(ctx.session, [commitment], now=ctx.now)[0]
    found = history(ctx.session, commitment, limit=HISTORY_SHOWN)
    reports = [
        report_of(
            u,
            replaced=u.id in found.replaced,
            of=u.commitment.shown_code if u.commitment_id != commitment.id else "",
        )
        for u in found.updates
    ]
    ids = [commitment.id]
    return [
        build_commitment_detail(
            item,
            area_title=commitment.area.title,
            history=reports,
            full_text=commitment.text,
            total=found.total,
            carried_to=carried_over_to(ctx.session, ids).get(commitment.id, ()),
            continues=continues(ctx.session, ids).get(commitment.id, ()),
        )
    ]


SHOW = Subcommand(
    name="show",
    usage=("show <id>",),
    summary="a commitment's full text, owners, status and whole history",
    example="show gender-7",
    parse=parse_show,
    command=ShowCommitment,
    handle=handle_show,
    aliases=("info", "detail", "details", "history"),
    notes=(EARLIER,),
    read_only=True,
)
