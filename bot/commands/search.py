"""`/hlm search <words>`: commitment texts and what owners wrote, best matches first."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext
from bot.views import Reply
from bot.views.search import build_no_words, build_search_results
from workflows.search import find

WHAT = "Say what to look for."
HITS_SHOWN = 10


@dataclass(frozen=True)
class Search:
    """`/hlm search <words>`: find commitments and updates by their words."""

    words: str


def parse_search(words: list[str]) -> Search | Help:
    """Read the words to look for (quotes, `-word` and `OR` keep their meaning)."""
    if not words:
        return SEARCH.usage_help(WHAT)
    return Search(" ".join(words))


def handle_search(cmd: Search, ctx: CommandContext) -> list[Reply]:
    """Show the best hits for the words, and how many there are."""
    found = find(ctx.session, cmd.words, limit=HITS_SHOWN)
    if found.empty:
        return [build_no_words()]
    return [build_search_results(cmd.words, found.hits, found.total, at_least=found.at_least)]


SEARCH = Subcommand(
    name="search",
    usage=("search <words>",),
    summary='commitment texts and what owners wrote; "a phrase", -leave-out, this OR that',
    example="search pay transparency",
    parse=parse_search,
    command=Search,
    handle=handle_search,
    aliases=("find",),
    read_only=True,
)
