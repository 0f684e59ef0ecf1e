"""`/hlm status [area]`: one area in detail, or the overview of all areas."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.commands.base import Subcommand
from bot.commands.context import CommandContext
from bot.commands.words import split_meeting, split_share
from bot.views import Reply
from bot.views.status import build_area_status, build_overview
from workflows.catalogue.lookup import find_area
from workflows.catalogue.meetings import find_meeting, shown_meeting
from workflows.updates.status import area_status, overview

AREAS = "Areas can be named loosely: `gender`, `child labour`, `OSH`, or the area's number."
MEETINGS = "The current meeting's conclusions by default; name another like `hlm15`."


@dataclass(frozen=True)
class StatusQuery:
    """`/hlm status [area] [hlm15]`: one area in detail, or all areas, of a meeting's
    conclusions (the current meeting's by default)."""

    area: str | None = None
    share: bool = False
    meeting: str | None = None


def parse_status(words: list[str]) -> StatusQuery:
    """Read `[area] [hlm15|--meeting hlm15] [share]`."""
    words, meeting = split_meeting(words)
    words, share = split_share(words)
    return StatusQuery(" ".join(words) or None, share, meeting)


def handle_status(cmd: StatusQuery, ctx: CommandContext) -> list[Reply]:
    """Show an area's status, or the overview, from the cache of status replies (a kept reply
    costs no query about meetings: they are read only when the reply is made again)."""
    session, now = ctx.session, ctx.now
    meeting = functools.cache(lambda: find_meeting(session, cmd.meeting))
    shown = functools.cache(lambda: shown_meeting(session, meeting()))
    named = (cmd.meeting or "").strip().casefold()
    if cmd.area is None:
        return ctx.deps.statuses.get(
            session,
            named,
            now=now,
            compute=lambda: overview(session, now=now, meeting=meeting()),
            render=lambda statuses: build_overview(statuses, meeting=shown()),
        )
    query, share = cmd.area, ctx.text if not cmd.share else None
    return ctx.deps.statuses.get(
        session,
        f"{named}\n{query.strip().casefold()}\n{share or ''}",
        now=now,
        compute=lambda: [area_status(session, find_area(session, query, meeting()), now=now)],
        render=lambda statuses: build_area_status(statuses[0], share=share, meeting=shown()),
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
    notes=(AREAS, MEETINGS),
)
