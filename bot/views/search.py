"""Render search hits: each with its commitment id, area, a snippet with the matched words in
bold (the rest escaped), who wrote it and when for an owner's words, and how to see it all."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.views import Reply
from bot.views.mrkdwn import escape, fallback, fit, local_time, one_line, truncate
from workflows.search import Hit, Piece
from workflows.words import counted

FOUND = "*{count} for “{words}”*"
NOTHING = "Nothing found for “{words}”. Try other words, or fewer."
NO_WORDS = "Give some words to look for, e.g. `/hlm search pay transparency`."
MORE = "…and {more} more. Add words to narrow the search."
MANY = "…and more than {more} more. Add words to narrow the search."
COMMITMENT_HIT = "*{code}* · {area} · _the commitment_"
UPDATE_HIT = "*{code}* · {area} · {who}, {when}{status}"
SHOW = "`/hlm show {code}`"
SNIPPET_LIMIT = 600
WORDS_SHOWN = 80
_SPACES = re.compile(r"\s+")


def build_search_results(
    words: str, hits: Sequence[Hit], total: int, *, at_least: bool = False
) -> Reply:
    """Show the hits of a search, best first, and how many more there are (`at_least`: more
    than `total`)."""
    shown = escape(one_line(truncate(words, WORDS_SHOWN)))
    if not hits:
        return Reply(NOTHING.format(words=shown), [SectionBlock(text=NOTHING.format(words=shown))])
    count = f"{total}+ hits" if at_least else counted(total, "hit")
    title = FOUND.format(count=count, words=shown)
    blocks: list[SectionBlock | ContextBlock] = [SectionBlock(text=title)]
    blocks += [SectionBlock(text=fit(hit_text(hit))) for hit in hits]
    if total > len(hits):
        more = (MANY if at_least else MORE).format(more=f"{total - len(hits):,}")
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return Reply(fallback(title.replace("*", "")), blocks)


def build_no_words() -> Reply:
    """Ask for words when what was typed holds none to look for."""
    return Reply(NO_WORDS, [SectionBlock(text=NO_WORDS)])


def hit_text(hit: Hit) -> str:
    """Write one hit: where it is, who wrote it and when, the snippet, and how to see it."""
    area = escape(one_line(hit.area))
    if hit.kind == "commitment":
        head = COMMITMENT_HIT.format(code=escape(hit.code), area=area)
    else:
        who = escape(hit.author or "someone no longer known")
        if hit.institution is not None:
            who += f" ({hit.institution.label})"
        when = local_time(hit.at) if hit.at else ""
        status = f" · {hit.status.label}" if hit.status else ""
        head = UPDATE_HIT.format(
            code=escape(hit.code), area=area, who=who, when=when, status=status
        )
    return f"{head}\n{snippet_text(hit.snippet)}\n{SHOW.format(code=escape(hit.code))}"


def snippet_text(pieces: Sequence[Piece]) -> str:
    """Write a snippet as mrkdwn: escaped, on one line, the matched words in bold."""
    out: list[str] = []
    for text, matched in pieces:
        flat = escape(_SPACES.sub(" ", text))  # edges kept: they separate the bold words
        out.append(f"*{flat.strip()}*" if matched and flat.strip() else flat)
    return truncate("".join(out).strip(), SNIPPET_LIMIT) or "…"
