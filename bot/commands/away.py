"""`/hlm away …` and `/hlm back`: book, list and cancel the days one gets no check-in.

`/hlm away 4 Jan to 15 Jan mission`, `/hlm away 2027-01-04 to 2027-01-15`, `/hlm away until
15 Jan`, `/hlm away 3 days`; `/hlm away list`; `/hlm away cancel 2`; `/hlm back` (or `/hlm away
off`) ends the range one is in today, and any snooze.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext, registered
from bot.views import Reply
from bot.views.away import build_away_booked, build_away_list, build_back, build_cancelled
from workflows.calendar import local_day
from workflows.people.absences import (
    book_absence,
    cancel_absence,
    end_current_absence,
    parse_absence,
    unsnooze,
    upcoming_absences,
)

BACK_WORDS = {"off", "back", "none", "clear", "end", "stop"}
LIST_WORDS = {"list", "ls", "show"}
CANCEL_WORDS = {"cancel", "delete", "remove", "rm"}
UNTIL_WHEN = "Say when: e.g. `/hlm away 4 Jan to 15 Jan mission` or `/hlm away 3 days`."
WHICH_ONE = "Say which range to cancel, by its number in `/hlm away list`: e.g. `away cancel 2`."


@dataclass(frozen=True)
class Away:
    """`/hlm away <days> [reason]` (the text as typed), `away list`, or `away cancel <n>`."""

    action: Literal["book", "list", "cancel"]
    text: str = ""
    number: int = 0


@dataclass(frozen=True)
class Back:
    """`/hlm back`: end today's range and any snooze."""


def parse_away(words: list[str]) -> Away | Back | Help:
    """Read `<days> [reason]`, `list`, `cancel <n>` or `off`."""
    if not words:
        return AWAY.usage_help(UNTIL_WHEN)
    head = words[0].lower()
    if head in BACK_WORDS and len(words) == 1:
        return Back()
    if head in LIST_WORDS and len(words) == 1:
        return Away("list")
    if head in CANCEL_WORDS:
        number = words[1].removeprefix("#") if len(words) == 2 else ""
        if not (number.isascii() and number.isdecimal() and len(number) <= 4):
            return AWAY.usage_help(WHICH_ONE)
        return Away("cancel", number=int(number))
    return Away("book", text=" ".join(words))


def parse_back(words: list[str]) -> Back:
    """Take no arguments (extra words are ignored)."""
    return Back()


def handle_away(cmd: Away, ctx: CommandContext) -> list[Reply]:
    """Book, list or cancel the asker's away ranges."""
    person = registered(ctx)
    today = local_day(ctx.now, person.tz)
    if cmd.action == "list":
        booked = upcoming_absences(person, today=today)
        return [build_away_list(booked, snoozed_until=person.snoozed_until, today=today)]
    if cmd.action == "cancel":
        absence = cancel_absence(person, number=cmd.number, today=today, now=ctx.now)
        return [build_cancelled(absence, today=today)]
    request = parse_absence(cmd.text, today=today)
    absence = book_absence(ctx.session, person, request, today=today, now=ctx.now)
    return [build_away_booked(absence, today=today)]


def handle_back(cmd: Back, ctx: CommandContext) -> list[Reply]:
    """End the range the asker is in today, and any snooze."""
    person = registered(ctx)
    today = local_day(ctx.now, person.tz)
    ended = end_current_absence(person, today=today, now=ctx.now)
    snoozed = unsnooze(person, today=today)
    return [build_back(was_away=ended is not None, was_snoozed=snoozed)]


AWAY = Subcommand(
    name="away",
    usage=(
        "away <from> to <until> [reason]",
        "away until <day> [reason]",
        "away <n> days [reason]",
        "away list",
        "away cancel <n>",
    ),
    summary="book days without check-ins (now or later), list them, cancel one",
    example="away 4 Jan to 15 Jan mission",
    parse=parse_away,
    command=Away,
    handle=handle_away,
    aliases=("holiday", "leave"),
)

BACK = Subcommand(
    name="back",
    usage=("back",),
    summary="end the away range you are in today, and any snooze",
    example="back",
    parse=parse_back,
    command=Back,
    handle=handle_back,
)
