"""`hlm search WORDS…`: commitment texts and what owners wrote, best matches first."""

from __future__ import annotations

import click

from bot.bootstrap import Deps
from bot.cli.base import with_deps
from workflows.search import Hit, Piece, find

HIT = "{code}  ·  {area}"
UPDATE = "    {who}, {when:%Y-%m-%d %H:%M} UTC{status}"
NOTHING = "Nothing found for “{words}”."
MORE = "…and {more} more (--limit shows more)."
MANY = "…and more than {more} more: add words to narrow the search."


@click.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200))
@with_deps
def search_command(deps: Deps, words: tuple[str, ...], limit: int) -> None:
    """Find commitments and updates by their WORDS ("a phrase", -leave-out, this OR that)."""
    text = " ".join(words)
    with deps.reading() as session:
        found = find(session, text, limit=limit)
    hits, total = found.hits, found.total
    for hit in hits:
        print("\n".join(hit_lines(hit)))
    if not hits:
        print(NOTHING.format(words=text[:80]))
    elif total > len(hits):
        print((MANY if found.at_least else MORE).format(more=f"{total - len(hits):,}"))


def hit_lines(hit: Hit) -> list[str]:
    """Write a hit for a terminal: where, who and when, then the snippet (matches in **bold**)."""
    lines = [HIT.format(code=hit.code, area=hit.area)]
    if hit.kind == "update" and hit.at is not None:
        who = f"{hit.author or 'someone no longer known'}"
        who += f" ({hit.institution.label})" if hit.institution else ""
        status = f", {hit.status.label}" if hit.status else ""
        lines.append(UPDATE.format(who=who, when=hit.at, status=status))
    lines.append("    " + snippet(hit.snippet))
    return lines


def snippet(pieces: tuple[Piece, ...]) -> str:
    """Write a snippet on one line, the matched words between ** marks."""
    text = "".join(f"**{t}**" if matched else t for t, matched in pieces)
    return " ".join(text.split())
