"""Turn the text after `/hlm` into a typed command. Pure: anything malformed becomes help.

Each subcommand's own parser reads the words after its name (see `bot.commands.registry`).
"""

from __future__ import annotations

import difflib

from bot.commands.assign import Assign, Owners, Unassign
from bot.commands.away import Away, Back
from bot.commands.base import Help
from bot.commands.conclusions import Conclusions
from bot.commands.digest import DigestPreview
from bot.commands.export import Export
from bot.commands.hours import Hours
from bot.commands.meeting import Meetings
from bot.commands.mine import Mine
from bot.commands.registry import ALIASES, SUBCOMMANDS, lookup
from bot.commands.report import Report
from bot.commands.search import Search
from bot.commands.show import ShowCommitment
from bot.commands.snooze import Snooze
from bot.commands.status import StatusQuery
from bot.commands.undo import Undo
from bot.commands.update import UpdateCommitment
from bot.commands.words import HELP_WORDS, clean

__all__ = [
    "ALIASES",
    "SUBCOMMANDS",
    "Assign",
    "Away",
    "Back",
    "Conclusions",
    "DigestPreview",
    "Export",
    "Help",
    "HlmCommand",
    "Hours",
    "Meetings",
    "Mine",
    "Owners",
    "Report",
    "Search",
    "ShowCommitment",
    "Snooze",
    "StatusQuery",
    "Unassign",
    "Undo",
    "UpdateCommitment",
    "parse_hlm_command",
]

HlmCommand = (
    StatusQuery | ShowCommitment | Mine | UpdateCommitment | Assign | Unassign | Owners | Away
    | Back | Snooze | Hours | Meetings | DigestPreview | Undo | Search | Export
    | Report | Conclusions
)  # fmt: skip
UNKNOWN = "I don't know the command “{head}”."


def parse_hlm_command(text: str) -> HlmCommand | Help:
    """Read `/hlm` text into a command, or into help explaining what was wrong."""
    words = clean(text).split()
    if not words:
        return Help()
    head, rest = words[0].lower(), words[1:]
    entry = lookup(head)
    if entry is None:
        return _unknown(head)
    if entry.command is not None and len(rest) == 1 and rest[0].lower() in HELP_WORDS:
        return Help(subcommand=entry.name)  # `/hlm update help`: that subcommand's usage
    parsed: HlmCommand | Help = entry.parse(rest)
    return parsed


def _unknown(head: str) -> Help:
    """Say the word is no command; when one is close, show that one's usage, never the same
    word back."""
    close = difflib.get_close_matches(head, [*SUBCOMMANDS, *ALIASES], n=1, cutoff=0.6)
    suggestion = ALIASES.get(close[0], close[0]) if close else None
    if suggestion == head:
        suggestion = None
    return Help(
        problem=UNKNOWN.format(head=head[:40]), suggestion=suggestion, subcommand=suggestion
    )
