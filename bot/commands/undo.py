"""`/hlm undo`: take back one's last update, within a few minutes of recording it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Subcommand
from bot.commands.context import CommandContext
from bot.views import Reply
from bot.views.words import build_undone
from workflows.checkins.answering import answer_undo
from workflows.updates.corrections import UNDO_GRACE

MINUTES = int(UNDO_GRACE.total_seconds() // 60)


@dataclass(frozen=True)
class Undo:
    """`/hlm undo`: withdraw my last update."""


def parse_undo(words: list[str]) -> Undo:
    """Take no arguments (extra words are ignored)."""
    return Undo()


def handle_undo(cmd: Undo, ctx: CommandContext) -> list[Reply]:
    """Withdraw the last update of the person who asks, if it is recent; say which."""
    return [build_undone(answer_undo(ctx.session, slack_user_id=ctx.user_id, now=ctx.now))]


UNDO = Subcommand(
    name="undo",
    usage=("undo",),
    summary=f"withdraw your last update, within {MINUTES} minutes of recording it",
    example="undo",
    parse=parse_undo,
    command=Undo,
    handle=handle_undo,
    aliases=("withdraw",),
)
