"""Every `/hlm` subcommand, in the order `/hlm help` lists them.

To add a subcommand, write its module (a frozen command dataclass, a parser, a handler and a
`Subcommand` declaration) and add the declaration here; the parser, the dispatcher, `/hlm help`
and the README check follow from this list.
"""

from __future__ import annotations

from bot.commands.assign import ASSIGN, OWNERS, UNASSIGN
from bot.commands.away import AWAY, BACK
from bot.commands.base import Subcommand
from bot.commands.conclusions import CONCLUSIONS
from bot.commands.digest import DIGEST
from bot.commands.export import EXPORT
from bot.commands.help import HELP
from bot.commands.hours import HOURS
from bot.commands.meeting import MEETING
from bot.commands.mine import MINE
from bot.commands.report import REPORT
from bot.commands.search import SEARCH
from bot.commands.show import SHOW
from bot.commands.snooze import SNOOZE
from bot.commands.status import STATUS
from bot.commands.undo import UNDO
from bot.commands.update import UPDATE

REGISTRY: tuple[Subcommand, ...] = (
    STATUS, SHOW, SEARCH, MINE, UPDATE, UNDO, ASSIGN, UNASSIGN, OWNERS, AWAY, BACK, SNOOZE, HOURS,
    MEETING, CONCLUSIONS, DIGEST, EXPORT, REPORT, HELP,
)  # fmt: skip

BY_NAME = {entry.name: entry for entry in REGISTRY}
BY_ALIAS = {alias: entry for entry in REGISTRY for alias in entry.aliases}
BY_COMMAND = {entry.command: entry for entry in REGISTRY if entry.command is not None}
SUBCOMMANDS = tuple(BY_NAME)
ALIASES = {alias: entry.name for alias, entry in BY_ALIAS.items()}


def lookup(word: str) -> Subcommand | None:
    """Return the subcommand a word names (its name or an alias, any case), if any."""
    word = word.lower()
    return BY_NAME.get(word) or BY_ALIAS.get(word)


def entry_for(command: object) -> Subcommand:
    """Return the declaration of a parsed command."""
    return BY_COMMAND[type(command)]


def _check_unique() -> None:
    words = [w for entry in REGISTRY for w in (entry.name, *entry.aliases)]
    duplicates = sorted({w for w in words if words.count(w) > 1})
    if duplicates:  # a mistake in a declaration: fail at import, in every test run
        raise RuntimeError(f"/hlm subcommand names or aliases declared twice: {duplicates}")


_check_unique()
