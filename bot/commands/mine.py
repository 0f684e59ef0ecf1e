"""`/hlm mine`: the commitments the person who asks owns."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Subcommand
from bot.commands.context import NOT_REGISTERED, CommandContext
from bot.views import Reply
from bot.views.status import build_message, build_my_commitments
from workflows.people.assignments import assignments_of
from workflows.types import Role
from workflows.updates.status import commitment_statuses


@dataclass(frozen=True)
class Mine:
    """`/hlm mine`: what I own."""


def parse_mine(words: list[str]) -> Mine:
    """Take no arguments (extra words are ignored)."""
    return Mine()


def handle_mine(cmd: Mine, ctx: CommandContext) -> list[Reply]:
    """List what the person who asks owns, with each commitment's status."""
    person = ctx.actor.person
    if person is None:
        return [build_message(NOT_REGISTERED)]
    owned = [a for a in assignments_of(ctx.session, person) if a.role is Role.OWNER]
    statuses = commitment_statuses(ctx.session, [a.commitment for a in owned], now=ctx.now)
    mine = [(s, a.institution) for s, a in zip(statuses, owned, strict=True)]
    return build_my_commitments(mine, name=person.name)


MINE = Subcommand(
    name="mine",
    usage=("mine",),
    summary="the commitments you own",
    example="mine",
    parse=parse_mine,
    command=Mine,
    handle=handle_mine,
    aliases=("my", "me"),
    read_only=True,
)
