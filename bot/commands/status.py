"""`/hlm status [area]`: one area in detail, or the overview of all areas."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Subcommand
from bot.commands.context import CommandContext
from bot.commands.words import split_share
from bot.views import Reply
from bot.views.status import build_area_status, build_overview
from workflows.catalogue.lookup import find_area
from workflows.updates.status import area_status, overview

AREAS = "Areas can be named loosely: `gender`, `child labour`, `OSH`, or the area's number."


@dataclass(frozen=True)
class StatusQuery:
    """`/hlm status [area]`: one area in detail, or all areas."""

    area: str | None = None
    share: bool = False


def parse_status(words: list[str]) -> StatusQuery:
    """Read `[area] [share]`."""
    words, share = split_share(words)
    return StatusQuery(" ".join(words) or None, share)


def handle_status(cmd: StatusQuery, ctx: CommandContext) -> list[Reply]:
    """Show an area's status, or the overview, from the cache of status replies."""
    session, now = ctx.session, ctx.now
    if cmd.area is None:
        return ctx.deps.statuses.get(
            session, "", now=now, compute=lambda: overview(session, now=now), render=build_overview
        )
    query, share = cmd.area, ctx.text if not cmd.share else None
    return ctx.deps.statuses.get(
        session,
        f"{query.strip().casefold()}\n{share or ''}",
        now=now,
        compute=lambda: [area_status(session, find_area(session, query), now=now)],
        render=lambda statuses: build_area_status(statuses[0], share=share),
    )


STATUS = Subcommand(
    name="status",
    usage=("status [area]",),
    summary="an area: what needs attention first, with what owners wrote; all areas without one",
    example="status gender",
    parse=parse_status,
    command=StatusQuery,
    handle=handle_status,
    aliases=("st", "stat", "overview"),
    read_only=True,
    shareable=True,
    notes=(AREAS,),
)
