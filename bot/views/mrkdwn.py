"""Escaping, and cutting text to Slack's sizes, in one place.

Everything a person typed, and every text of the seed, goes through `escape` before it is placed
in mrkdwn: `<!channel>`, `<@U…>` and `<https://…|label>` typed by someone are shown as typed and
trigger nothing. slack_sdk refuses a block whose text is too long (`to_dict()` raises); builders
cut a text that can be long with `truncate` (or `short`, `fit`) first, and spread a long text
over several sections with `chunks`, so the bot shows less rather than sending nothing. The
limits come from slack_sdk's own models where it has them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from slack_sdk.models.blocks import HeaderBlock, Option, SectionBlock

SECTION_TEXT = SectionBlock.text_max_length
HEADER_TEXT = HeaderBlock.text_max_length
OPTION_TEXT = Option.label_max_length
CONTEXT_TEXT = 2000  # our own cap: a context line is a footnote, kept short
FALLBACK_TEXT = 3000  # our own cap: the top-level text is only the notification
ELLIPSIS = "…"
MORE = "more"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def one_line(text: str) -> str:
    """Fold all whitespace, line breaks included, into single spaces."""
    return " ".join(text.split())


def truncate(text: str, limit: int, more_url: str | None = None) -> str:
    """Cut text to at most `limit` characters on a word boundary, ending with an ellipsis."""
    if len(text) <= limit:
        return text
    tail = ELLIPSIS + (f" <{more_url}|{MORE}>" if more_url else "")
    room = limit - len(tail)
    if room <= 0:
        return _safe_end(text[:limit])
    cut = text[:room]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    cut = cut[:space] if space > room // 2 and not text[room].isspace() else cut
    return _safe_end(cut).rstrip(" \n,:") + tail


def _safe_end(text: str) -> str:
    # Never end inside an entity made by escape() ("&am") or inside our own <link|markup>.
    amp = text.rfind("&")
    if amp != -1 and ";" not in text[amp:]:
        text = text[:amp]
    lt = text.rfind("<")
    return text[:lt] if lt != -1 and ">" not in text[lt:] else text


def short(text: str, limit: int) -> str:
    """Escape a person's or the seed's text and shorten it to one line of `limit` characters."""
    return truncate(escape(one_line(text)), limit)


def fit(text: str, limit: int = SECTION_TEXT) -> str:
    """Cut text to `limit` characters (a section's by default); never empty, as Slack wants."""
    return truncate(text, limit) or " "


def fallback(text: str) -> str:
    """Cut a message's top-level (notification) text to a sensible length."""
    return truncate(text, FALLBACK_TEXT)


def quote(text: str) -> str:
    """Quote (already escaped) text as a mrkdwn block quote, line by line."""
    return "\n".join(f"> {line}" for line in text.strip().splitlines())


def chunks(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Split a long text into pieces of at most `limit` characters, on line or word boundaries."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n"), window.rfind(" "))
        cut = cut if cut > limit // 2 else (len(_safe_end(window)) or limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [p for p in [*pieces, rest] if p]


def pack(lines: Iterable[str], limit: int = SECTION_TEXT, sep: str = "\n") -> list[str]:
    """Join lines into as few texts of at most `limit` characters as possible."""
    packed: list[str] = []
    for line in (truncate(line, limit) for line in lines):
        if packed and len(packed[-1]) + len(sep) + len(line) <= limit:
            packed[-1] += sep + line
        else:
            packed.append(line)
    return packed


DAY_TOKENS = "{date_short_pretty}"
MOMENT_TOKENS = "{date_short_pretty} {time}"


def local_time(when: datetime, *, tokens: str = MOMENT_TOKENS, fallback: str | None = None) -> str:
    """Write a moment that Slack shows in each reader's own time zone and format.

    Only mrkdwn text renders it (not plain text, not a notification's `text`); a client that
    cannot shows the fallback, by default the moment in UTC ("25 Nov 10:02 UTC").
    """
    at = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    shown = fallback or (
        f"{at.day} {at:%b %H:%M} UTC" if "{time}" in tokens else f"{at.day} {at:%b}"
    )
    return f"<!date^{int(at.timestamp())}^{tokens}|{escape(shown)}>"
