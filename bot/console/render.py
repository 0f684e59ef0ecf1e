"""Block Kit as readable terminal text, for the offline demo and console."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

WIDTH = 96
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_USER = re.compile(r"<@([A-Z0-9]+)(\|[^>]*)?>")


EMOJI = {
    ":white_circle:": "○", ":large_green_circle:": "●", ":large_orange_circle:": "◐",
    ":red_circle:": "◉", ":white_check_mark:": "✓", ":heavy_multiplication_x:": "✗",
    ":arrows_counterclockwise:": "↻", ":grey_question:": "?", ":warning:": "!",
    ":hourglass:": "⌛", ":thinking_face:": "?", ":memo:": "✎",
}  # fmt: skip
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")  # Slack shows it in the reader's zone


def plain(mrkdwn: str, names: dict[str, str] | None = None) -> str:
    """Turn Slack mrkdwn into plain text: links, mentions, emoji and escapes resolved."""
    text = _EMOJI.sub(lambda m: EMOJI.get(m[0], m[0]), _DATE.sub(r"\1", mrkdwn))
    text = _LINK.sub(r"\2 (\1)", text)
    text = _USER.sub(lambda m: "@" + (names or {}).get(m[1], m[1]), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text.replace("*", "")


def render_blocks(blocks: list[dict[str, Any]], names: dict[str, str] | None = None) -> str:
    """Render a message's or view's blocks as indented text."""
    lines: list[str] = []
    for block in blocks:
        lines += _render_block(block, names or {})
    return "\n".join(lines)


def _text(obj: dict[str, Any] | None, names: dict[str, str]) -> str:
    return plain(str((obj or {}).get("text", "")), names)


def _wrap(text: str, indent: str = "  ") -> list[str]:
    out: list[str] = []
    for line in text.splitlines() or [""]:
        out += textwrap.wrap(line, WIDTH, initial_indent=indent, subsequent_indent=indent) or [
            indent
        ]
    return out


def _render_block(block: dict[str, Any], names: dict[str, str]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"), names)
        return ["", f"  {title}", "  " + "=" * min(len(title), WIDTH)]
    if kind == "divider":
        return ["  " + "-" * 40]
    if kind == "section":
        lines = _wrap(_text(block.get("text"), names)) if block.get("text") else []
        lines += [line for f in block.get("fields", []) for line in _wrap(_text(f, names))]
        if block.get("accessory"):
            lines.append("    " + _element(block["accessory"], names))
        return lines
    if kind == "context":
        return _wrap(" ".join(_text(e, names) for e in block.get("elements", [])), "    ")
    if kind == "actions":
        return ["    " + "  ".join(_element(e, names) for e in block.get("elements", []))]
    if kind == "input":
        return [f"  {_text(block.get('label'), names)}: ____"]
    return [f"  [{kind}]"]


def _element(element: dict[str, Any], names: dict[str, str]) -> str:
    kind = element.get("type")
    if kind == "button":
        return f"[ {_text(element.get('text'), names)} ]"
    if kind in {"static_select", "overflow"}:
        options = [_text(o.get("text"), names) for o in element.get("options", [])]
        return "<choose: " + " | ".join(options[:6]) + (" …" if len(options) > 6 else "") + ">"
    return f"[{kind}]"


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List every interactive element of a message, with the block it sits in."""
    found = []
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements = [*elements, block["accessory"]]
        found += [{**e, "block_id": block.get("block_id", "")} for e in elements]
    return found


def value_of(element: dict[str, Any]) -> dict[str, Any]:
    """Decode the JSON value of a button (empty when it is not JSON)."""
    try:
        decoded = json.loads(element.get("value") or "{}")
    except json.JSONDecodeError:
        return {}
    return decoded if isinstance(decoded, dict) else {}
