"""`/hlm snooze 3 days | 2d | until Monday | off`: no check-in or reminder for a while."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext, registered
from bot.views import Reply
from bot.views.away import build_snoozed, build_unsnoozed
from workflows.calendar import local_day
from workflows.checkins.prompts import cycle_days_of
from workflows.people.absences import parse_snooze, snooze, unsnooze

OFF_WORDS = {"off", "stop", "end", "cancel", "none", "clear"}
HOW_LONG = "Say for how long: e.g. `/hlm snooze 3 days` or `/hlm snooze until Monday`."


@dataclass(frozen=True)
class Snooze:
    """`/hlm snooze <how long>` as typed, or `/hlm snooze off` (None)."""

    text: str | None


def parse_snooze_command(words: list[str]) -> Snooze | Help:
    """Read how long, or `off`."""
    if not words:
        return SNOOZE.usage_help(HOW_LONG)
    if len(words) == 1 and words[0].lower() in OFF_WORDS:
        return Snooze(None)
    return Snooze(" ".join(words))


def handle_snooze(cmd: Snooze, ctx: CommandContext) -> list[Reply]:
    """Snooze the asker's check-ins and reminders for a while (two cycles at most), or stop."""
    person = registered(ctx)
    today = local_day(ctx.now, person.tz)
    if cmd.text is None:
        return [build_unsnoozed(was_snoozed=unsnooze(person, today=today))]
    until = parse_snooze(cmd.text, today=today)
    days = cycle_days_of(ctx.session, person, default=ctx.deps.settings.hlm_cycle_days)
    return [build_snoozed(snooze(person, until=until, today=today, cycle_days=days))]


SNOOZE = Subcommand(
    name="snooze",
    usage=("snooze <n> days", "snooze until <day>", "snooze off"),
    summary="no check-in or reminder for a while (two cycles at most)",
    example="snooze 3 days",
    parse=parse_snooze_command,
    command=Snooze,
    handle=handle_snooze,
)
