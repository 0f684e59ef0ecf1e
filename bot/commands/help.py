"""`/hlm help`, and the text of every help reply, derived from the subcommands' declarations.

The text is built here; its blocks in `bot.views.help`. The functions take the list of
subcommands (the registry passes its own), so this module does not import the registry.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.base import Help, Subcommand


def parse_help(words: list[str]) -> Help:
    """Whatever follows `help`, show the whole help."""
    return Help()


def typed(usage: str) -> str:
    """Show how a subcommand is typed, as code."""
    return f"`/hlm {usage}`"


def usages(entry: Subcommand) -> str:
    """Show every way a subcommand is typed."""
    return " or ".join(typed(u) for u in entry.usage)


def help_lines(entries: Sequence[Subcommand]) -> list[str]:
    """Return the lines of `/hlm help`: one per subcommand, then what their usages need said."""
    lines = [f"• {usages(e)}: {e.summary}{_example(e)}" for e in entries]
    notes = dict.fromkeys(note for e in entries for note in e.notes)
    return [*lines, *notes]


def _example(entry: Subcommand) -> str:
    return "" if entry.example in entry.usage else f", e.g. {typed(entry.example)}"


def usage_lines(entry: Subcommand) -> list[str]:
    """Return the lines that answer a usage mistake: the usage, one example, the notes."""
    return [
        f"Use {usages(entry)}: {entry.summary}.",
        f"For example: {typed(entry.example)}",
        *entry.notes,
    ]


HELP = Subcommand(
    name="help",
    usage=("help",),
    summary="this list",
    example="help",
    parse=parse_help,
    command=None,  # the parser only ever makes Help, which the dispatcher answers
    handle=None,
    aliases=("?", "-h", "--help"),
    read_only=True,
)
