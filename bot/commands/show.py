"""`/hlm show <id>`: the full text and the history of one commitment."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext
from bot.commands.words import split_share
from bot.views import Reply
from bot.views.show import HISTORY_SHOWN, build_commitment_detail
from workflows.catalogue.lookup import find_commitment, take_commitment_id
from workflows.updates.record import history
from workflows.updates.status import commitment_statuses, report_of

WHICH = "Say which commitment to show."


@dataclass(frozen=True)
class ShowCommitment:
    """`/hlm show <id>`: the full text and the history of one commitment."""

    code: str
    share: bool = False


def parse_show(words: list[str]) -> ShowCommitment | Help:
    """Read `<id> [share]`."""
    words, share = split_share(words)
    typed, rest = take_commitment_id(words)
    if not typed or rest:  # `gender 4` is one id; anything after it is a mistake
        return SHOW.usage_help(WHICH)
    return ShowCommitment(typed, share)


def handle_show(cmd: ShowCommitment, ctx: CommandContext) -> list[Reply]:
    """Show a commitment's status, full text and latest history."""
    commitment = find_commitment(ctx.session, cmd.code)
    item = commitment_statuses(ctx.session, [commitment], now=ctx.now)[0]
    found = history(ctx.session, commitment, limit=HISTORY_SHOWN)
    reports = [report_of(u, replaced=u.id in found.replaced) for u in found.updates]
    return [
        build_commitment_detail(
            item,
            area_title=commitment.area.title,
            history=reports,
            full_text=commitment.text,
            total=found.total,
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
    read_only=True,
)
