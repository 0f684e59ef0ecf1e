"""Escaping and Slack's limits, in one place.

Everything a person typed, and every text of the seed, goes through `escape` before it is shown
in mrkdwn: `<!channel>`, `<@U…>` and `<https://…|label>` typed by someone are shown as typed and
trigger nothing. Builders cut texts with `truncate` and split long block lists with
`split_blocks`, so Slack never rejects a message for its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_VIEW = 100
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_OPTION_TEXT = 75
MAX_OPTIONS = 100
MAX_MODAL_TITLE = 24
MAX_FALLBACK_TEXT = 3000
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters on a word boundary, ending with an ellipsis."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    cut = cut[:space] if space > limit // 2 else cut
    return _unsplit_entity(cut).rstrip(" ,;:") + ELLIPSIS


def _unsplit_entity(text: str) -> str:
    # Never end in the middle of "&amp;" made by escape().
    amp = text.rfind("&")
    return text[:amp] if amp != -1 and ";" not in text[amp:] else text


def section(text: str) -> dict[str, Any]:
    """Return a mrkdwn section block, cut to Slack's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, MAX_SECTION_TEXT)}}


def header(text: str) -> dict[str, Any]:
    """Return a header block (plain text, cut to Slack's limit)."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(text, MAX_HEADER_TEXT), "emoji": True},
    }


def context(text: str) -> dict[str, Any]:
    """Return a context block with one mrkdwn element."""
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(text, MAX_CONTEXT_TEXT)}],
    }


def divider() -> dict[str, Any]:
    """Return a divider block."""
    return {"type": "divider"}


def plain(text: str, limit: int = MAX_BUTTON_TEXT) -> dict[str, Any]:
    """Return a plain_text object cut to a limit."""
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def split_blocks(
    groups: Sequence[Sequence[dict[str, Any]]], limit: int = MAX_BLOCKS_MESSAGE
) -> list[list[dict[str, Any]]]:
    """Pack groups of blocks (kept together) into messages of at most `limit` blocks."""
    messages: list[list[dict[str, Any]]] = [[]]
    for group in groups:
        group = list(group)[:limit]
        if len(messages[-1]) + len(group) > limit:
            messages.append([])
        messages[-1].extend(group)
    return [m for m in messages if m] or [[]]


def chunks(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Split a long text into pieces of at most `limit` characters, on line or word boundaries."""
    pieces, rest = [], text
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        pieces.append(
            _unsplit_entity(rest[:cut]) if rest[:cut].rfind("&") > cut - 6 else rest[:cut]
        )
        rest = rest[len(pieces[-1]) :].lstrip()
    return [*pieces, rest] if rest else pieces
