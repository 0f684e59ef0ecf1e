"""What every `/hlm` subcommand declares, in one place: the `Subcommand` record and `Help`.

A subcommand module (`status.py`, `show.py`, …) declares its `Subcommand` next to its parser and
handler; `bot.commands.registry` gathers them, and the parser, the dispatcher, `/hlm help` and
the README check are derived from that list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.commands.context import CommandContext
from bot.views import Reply


@dataclass(frozen=True)
class Help:
    """Help, with the reason it is shown.

    `subcommand` names the subcommand whose usage to show (a usage mistake, or `/hlm update
    help`); without it the whole help is shown, with `suggestion` as "Did you mean …".
    """

    problem: str | None = None
    suggestion: str | None = None
    subcommand: str | None = None


Parser = Callable[[list[str]], Any]  # the words after the name -> a command, or Help
Handler = Callable[[Any, CommandContext], list[Reply]]


@dataclass(frozen=True)
class Subcommand:
    """One `/hlm` subcommand: how it is typed, read, run and explained."""

    name: str
    usage: tuple[str, ...]  # how it is typed, after `/hlm ` (`show <id>`)
    summary: str  # what it does, for `/hlm help` and the README
    example: str  # one complete example, after `/hlm `
    parse: Parser
    command: type | None  # the typed command the parser makes (None: help only)
    handle: Handler | None
    aliases: tuple[str, ...] = ()
    read_only: bool = False  # runs without taking SQLite's write lock
    slow: bool = False  # can outlast Slack's 3 seconds: acknowledged first, answered after
    shareable: bool = False  # its reply offers *Share*: only it may be posted to a channel
    notes: tuple[str, ...] = ()  # what else its usage needs said (the statuses, area names)

    def usage_help(self, problem: str) -> Help:
        """Return the help a usage mistake gets: what was wrong, then this subcommand's usage."""
        return Help(problem=problem, subcommand=self.name)
