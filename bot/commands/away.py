"""`/hlm away <until> [reason]` and `/hlm away off`: pause and resume one's check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.commands.base import Help, Subcommand
from bot.commands.context import NOT_REGISTERED, CommandContext
from bot.views import Reply
from bot.views.status import build_message
from workflows.calendar import parse_day
from workflows.errors import InvalidDate, NotAllowed
from workflows.people.directory import set_away

BACK_WORDS = {"off", "back", "none", "cancel", "clear"}
UNTIL_WHEN = "Say until when."
AWAY_SET = "You are marked away until {day:%A %d %B %Y}{reason}. No check-ins until then."
AWAY_OFF = "Welcome back: check-ins will reach you again."


@dataclass(frozen=True)
class Away:
    """`/hlm away <until> [reason]` (the day and reason as typed), or `/hlm away off` (None)."""

    text: str | None


def parse_away(words: list[str]) -> Away | Help:
    """Read `<until> [reason]`, or `off`."""
    if not words:
        return AWAY.usage_help(UNTIL_WHEN)
    if words[0].lower() in BACK_WORDS:
        return Away(None)
    return Away(" ".join(words))


def handle_away(cmd: Away, ctx: CommandContext) -> list[Reply]:
    """Mark the person who asks away until a day, or back."""
    person = ctx.actor.person
    if person is None:
        raise NotAllowed(NOT_REGISTERED)
    today = ctx.now.date()
    if cmd.text is None:
        set_away(person, until=None, today=today)
        return [build_message(AWAY_OFF)]
    day, reason = split_day(cmd.text, today=today)
    set_away(person, until=day, today=today, reason=reason or None)
    return [build_message(AWAY_SET.format(day=day, reason=f" ({reason})" if reason else ""))]


def split_day(text: str, *, today: date) -> tuple[date, str]:
    """Read the longest leading words that make a day; the rest is the reason."""
    words = text.split()
    for size in range(min(len(words), 4), 0, -1):
        try:
            return parse_day(" ".join(words[:size]), today=today), " ".join(words[size:])
        except InvalidDate:
            continue
    return parse_day(words[0], today=today), ""


AWAY = Subcommand(
    name="away",
    usage=("away <until> [reason]", "away off"),
    summary="pause your check-ins while you are away, or resume them",
    example="away 5 January Holidays",
    parse=parse_away,
    command=Away,
    handle=handle_away,
    aliases=("holiday", "leave"),
)
