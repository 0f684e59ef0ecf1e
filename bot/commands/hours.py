"""`/hlm hours [08:00-16:00 | default]`: the hours in which check-ins and reminders reach you."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Subcommand
from bot.commands.context import CommandContext, registered
from bot.views import Reply
from bot.views.away import build_hours
from workflows.calendar import DEFAULT_HOURS, read_hours
from workflows.people.directory import hours_of, set_hours


@dataclass(frozen=True)
class Hours:
    """`/hlm hours` (show: None), `/hlm hours default` (""), or the hours as typed."""

    text: str | None


def parse_hours_command(words: list[str]) -> Hours:
    """Read nothing (show), `default`, or hours such as `08:00-16:00` or `8 to 16`."""
    return Hours(" ".join(words) if words else None)


def handle_hours(cmd: Hours, ctx: CommandContext) -> list[Reply]:
    """Show or set the asker's own working hours."""
    person = registered(ctx)
    if cmd.text is None:
        return [build_hours(hours_of(person), default=DEFAULT_HOURS, tz=person.tz)]
    changed = read_hours(cmd.text)
    set_hours(person, changed)
    return [build_hours(changed, default=DEFAULT_HOURS, tz=person.tz, changed=True)]


HOURS = Subcommand(
    name="hours",
    usage=("hours", "hours <start>-<end>", "hours default"),
    summary="show or set the hours in which check-ins and reminders reach you",
    example="hours 08:00-16:00",
    parse=parse_hours_command,
    command=Hours,
    handle=handle_hours,
    aliases=("workhours", "working-hours"),
)
