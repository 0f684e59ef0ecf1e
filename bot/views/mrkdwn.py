"""Escaping and Slack's size limits, in one place.

Everything a person typed, and every text of the seed, goes through `escape` before it is placed
in mrkdwn: `<!channel>`, `<@U…>` and `<https://…|label>` typed by someone are shown as typed and
trigger nothing. Builders cut texts with `truncate` (or `short`), spread long texts over several
sections with `chunks`, and split long block lists with `split_blocks`, so Slack never rejects a
message for its size (`invalid_blocks`, `msg_too_long`: a rejected message is a message lost).
`problems` checks a finished block list against the same limits; the tests use it on every
builder.

Limits: docs.slack.dev/reference/block-kit (blocks, block elements, composition objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Block = dict[str, Any]

MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_VIEW = 100  # modal or App Home
MAX_MESSAGE_TEXT = 40_000
MAX_FALLBACK_TEXT = 3000  # our own cap: the top-level text is only the notification
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 2000  # text objects allow 3000; we keep context lines shorter
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_LABEL = 2000
MAX_ID = 255  # action_id, block_id, callback_id
MAX_MODAL_TITLE = 24  # also submit and close
MAX_PRIVATE_METADATA = 3000
MAX_INPUT_LENGTH = 3000  # plain_text_input max_length
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


def fit_section(text: str) -> str:
    """Cut mrkdwn text to what one section holds."""
    return truncate(text, MAX_SECTION_TEXT)


def fallback(text: str) -> str:
    """Cut a message's top-level (notification) text to a sensible length."""
    return truncate(text, MAX_FALLBACK_TEXT)


def quote(text: str) -> str:
    """Quote (already escaped) text as a mrkdwn block quote, line by line."""
    return "\n".join(f"> {line}" for line in text.strip().splitlines())


def chunks(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
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


def pack(lines: Iterable[str], limit: int = MAX_SECTION_TEXT, sep: str = "\n") -> list[str]:
    """Join lines into as few texts of at most `limit` characters as possible."""
    packed: list[str] = []
    for line in (truncate(line, limit) for line in lines):
        if packed and len(packed[-1]) + len(sep) + len(line) <= limit:
            packed[-1] += sep + line
        else:
            packed.append(line)
    return packed


def split_blocks(
    items: Sequence[Block | Sequence[Block]], limit: int = MAX_BLOCKS_MESSAGE
) -> list[list[Block]]:
    """Pack blocks into messages of at most `limit` blocks.

    An item is a block or a list of blocks kept together (a commitment and its buttons). A
    header stays with the item after it; only a group longer than `limit` is ever cut.
    """
    messages: list[list[Block]] = [[]]
    for group in _groups(items, limit):
        if messages[-1] and len(messages[-1]) + len(group) > limit:
            messages.append([])
        messages[-1].extend(group)
    return [m for m in messages if m]


def _groups(items: Sequence[Block | Sequence[Block]], limit: int) -> list[list[Block]]:
    groups: list[list[Block]] = []
    pending: list[Block] = []
    for item in items:
        pending += [item] if isinstance(item, dict) else list(item)
        if pending and pending[-1].get("type") != "header":
            groups.append(pending)
            pending = []
    groups += [pending] if pending else []
    return [g[i : i + limit] for g in groups for i in range(0, len(g), limit)]


# Blocks and objects, cut to their limits.


def plain(text: str, limit: int = MAX_BUTTON_TEXT) -> dict[str, Any]:
    """Return a plain_text object (never parsed for mentions or links) cut to a limit."""
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def section(text: str) -> Block:
    """Return a mrkdwn section block, cut to Slack's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": fit_section(text) or " "}}


def sections(text: str) -> list[Block]:
    """Return as many sections as a long mrkdwn text needs."""
    return [section(piece) for piece in chunks(text)]


def header(text: str) -> Block:
    """Return a header block (plain text, cut to Slack's limit)."""
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def context(text: str) -> Block:
    """Return a context block with one mrkdwn element."""
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(text, MAX_CONTEXT_TEXT) or " "}],
    }


def divider() -> Block:
    """Return a divider block."""
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict[str, Any]:
    """Return a button; a value too long for Slack is a bug, so it raises ValueError."""
    if len(value) > MAX_BUTTON_VALUE:
        raise ValueError(f"button value of {len(value)} characters")
    element = {"type": "button", "action_id": action_id, "text": plain(text), "value": value}
    return {**element, "style": style} if style else element


def option(text: str, value: str) -> dict[str, Any]:
    """Return a select option; a value too long for Slack is a bug, so it raises ValueError."""
    if len(value) > MAX_OPTION_VALUE:
        raise ValueError(f"option value of {len(value)} characters")
    return {"text": plain(text, MAX_OPTION_TEXT), "value": value}


def actions(elements: list[dict[str, Any]], block_id: str | None = None) -> Block:
    """Return an actions block (at most 25 elements)."""
    block: Block = {"type": "actions", "elements": elements[:MAX_ACTIONS_ELEMENTS]}
    return {**block, "block_id": block_id[:MAX_ID]} if block_id else block


# Checking a finished block list.


def problems(blocks: Sequence[Block], *, limit: int = MAX_BLOCKS_MESSAGE) -> list[str]:
    """List what Slack would reject in a message's or view's blocks (empty when all is well)."""
    found = [f"{len(blocks)} blocks > {limit}"] if len(blocks) > limit else []
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    found += ["duplicate block_id"] if len(ids) != len(set(ids)) else []
    for n, block in enumerate(blocks):
        found += [f"block {n} ({block.get('type')}): {p}" for p in _block_problems(block)]
    return found


def _too_long(what: str, obj: dict[str, Any] | None, limit: int) -> list[str]:
    text = str((obj or {}).get("text", ""))
    return (
        [f"{what} is empty"] if not text else ([f"{what} > {limit}"] if len(text) > limit else [])
    )


def _block_problems(block: Block) -> list[str]:
    kind = block.get("type")
    found = [] if len(block.get("block_id", "")) <= MAX_ID else ["block_id too long"]
    if kind == "section":
        fields = block.get("fields", [])
        found += _too_long("text", block.get("text"), MAX_SECTION_TEXT) if not fields else []
        found += [f"{len(fields)} fields"] if len(fields) > MAX_FIELDS else []
        found += [p for f in fields for p in _too_long("field", f, MAX_FIELD_TEXT)]
        found += _element_problems(block["accessory"]) if "accessory" in block else []
    elif kind == "header":
        found += _too_long("header", block.get("text"), MAX_HEADER_TEXT)
    elif kind == "context":
        elements = block.get("elements", [])
        found += [f"{len(elements)} elements"] if len(elements) > MAX_CONTEXT_ELEMENTS else []
        found += [p for e in elements for p in _too_long("context", e, MAX_CONTEXT_TEXT)]
    elif kind == "actions":
        elements = block.get("elements", [])
        found += [f"{len(elements)} elements"] if len(elements) > MAX_ACTIONS_ELEMENTS else []
        found += [p for e in elements for p in _element_problems(e)]
    elif kind == "input":
        found += _too_long("label", block.get("label"), MAX_LABEL)
        found += _element_problems(block["element"])
    return found


def _element_problems(element: dict[str, Any]) -> list[str]:
    found = [] if len(element.get("action_id", "")) <= MAX_ID else ["action_id too long"]
    if element.get("type") == "button":
        found += _too_long("button text", element.get("text"), MAX_BUTTON_TEXT)
        found += (
            ["button value too long"] if len(element.get("value", "")) > MAX_BUTTON_VALUE else []
        )
    options = element.get("options", [])
    found += [f"{len(options)} options"] if len(options) > MAX_OPTIONS else []
    found += (
        ["a select without options"]
        if element.get("type") == "static_select" and not options
        else []
    )
    for opt in options:
        found += _too_long("option text", opt.get("text"), MAX_OPTION_TEXT)
        found += ["option value too long"] if len(opt.get("value", "")) > MAX_OPTION_VALUE else []
    return found
