"""Slack's Block Kit limits, checked on every message and view the stand-in receives.

Slack refuses a payload over its limits with `invalid_blocks` (or `invalid_arguments` for a
view), so the stand-in does the same, and also keeps each refusal in `REFUSED`, so a test suite
can fail any test whose code sent something Slack would not show. The limits are Slack's
published ones (https://docs.slack.dev/reference/block-kit/blocks and .../block-elements);
standard library only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000
SECTION_TEXT = 3_000
FIELD_TEXT = 2_000
FIELDS = 10
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
ACTION_ID = 255
BLOCK_ID = 255
BUTTON_VALUE = 2_000
URL = 3_000
INPUT_LABEL = 2_000
VIEW_TITLE = 24
VIEW_BUTTON = 24
PRIVATE_METADATA = 3_000
CALLBACK_ID = 255

_lock = threading.Lock()
REFUSED: list[tuple[str, list[str]]] = []  # (method, problems), for the test suite to inspect


def take_refused() -> list[tuple[str, list[str]]]:
    """Return and forget the payloads refused so far."""
    with _lock:
        refused = list(REFUSED)
        REFUSED.clear()
    return refused


def check_message(method: str, params: dict[str, Any]) -> list[str]:
    """Say what Slack would refuse in a message's blocks and text, recording any refusal."""
    problems: list[str] = []
    text = params.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        problems.append(f"text: {len(text)} characters > {MESSAGE_TEXT}")
    blocks = _decoded(params.get("blocks"))
    if blocks is not None:
        problems += _blocks(blocks, MESSAGE_BLOCKS)
    return _record(method, problems)


def check_view(method: str, params: dict[str, Any]) -> list[str]:
    """Say what Slack would refuse in a modal or App Home view, recording any refusal."""
    view = _decoded(params.get("view"))
    if not isinstance(view, dict):
        return []
    problems = _blocks(view.get("blocks") or [], VIEW_BLOCKS)
    for key in ("title", "submit", "close"):
        limit = VIEW_TITLE if key == "title" else VIEW_BUTTON
        problems += _plain(f"view.{key}", view.get(key), limit)
    problems += _length("view.private_metadata", view.get("private_metadata"), PRIVATE_METADATA)
    problems += _length("view.callback_id", view.get("callback_id"), CALLBACK_ID)
    return _record(method, problems)


def _record(method: str, problems: list[str]) -> list[str]:
    if problems:
        with _lock:
            REFUSED.append((method, problems))
    return problems


def _decoded(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def _blocks(blocks: Any, limit: int) -> list[str]:
    if not isinstance(blocks, list):
        return ["blocks: not a list"]
    problems = [f"blocks: {len(blocks)} > {limit}"] if len(blocks) > limit else []
    ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    if len(ids) != len(set(ids)):
        problems.append("blocks: a block_id is used twice")
    for n, block in enumerate(blocks):
        if not isinstance(block, dict):
            problems.append(f"blocks[{n}]: not an object")
            continue
        problems += [f"blocks[{n}] ({block.get('type')}): {p}" for p in _block(block)]
    return problems


def _block(block: dict[str, Any]) -> Iterator[str]:
    kind = block.get("type")
    yield from _length("block_id", block.get("block_id"), BLOCK_ID)
    if kind == "section":
        text = block.get("text")
        if text is None and not block.get("fields"):
            yield "a section needs text or fields"
        yield from _text("text", text, SECTION_TEXT)
        fields = block.get("fields") or []
        if len(fields) > FIELDS:
            yield f"fields: {len(fields)} > {FIELDS}"
        for n, field in enumerate(fields):
            yield from _text(f"fields[{n}]", field, FIELD_TEXT)
        if block.get("accessory"):
            yield from _element("accessory", block["accessory"])
    elif kind == "header":
        yield from _plain("text", block.get("text"), HEADER_TEXT)
    elif kind == "context":
        elements = block.get("elements") or []
        if not elements or len(elements) > CONTEXT_ELEMENTS:
            yield f"elements: {len(elements)} (1 to {CONTEXT_ELEMENTS})"
        for n, element in enumerate(elements):
            if element.get("type") in ("mrkdwn", "plain_text"):
                yield from _text(f"elements[{n}]", element, SECTION_TEXT)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not elements or len(elements) > ACTIONS_ELEMENTS:
            yield f"elements: {len(elements)} (1 to {ACTIONS_ELEMENTS})"
        for n, element in enumerate(elements):
            yield from _element(f"elements[{n}]", element)
    elif kind == "input":
        yield from _plain("label", block.get("label"), INPUT_LABEL)
        yield from _element("element", block.get("element") or {})


def _element(where: str, element: dict[str, Any]) -> Iterator[str]:
    yield from _length(f"{where}.action_id", element.get("action_id"), ACTION_ID)
    if element.get("type") == "button":
        yield from _plain(f"{where}.text", element.get("text"), BUTTON_TEXT)
        yield from _length(f"{where}.value", element.get("value"), BUTTON_VALUE)
        yield from _length(f"{where}.url", element.get("url"), URL)
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    if len(options) > OPTIONS:
        yield f"{where}.options: {len(options)} > {OPTIONS}"
    for n, option in enumerate(options):
        yield from _text(f"{where}.options[{n}].text", option.get("text"), OPTION_TEXT)
        yield from _length(f"{where}.options[{n}].value", option.get("value"), OPTION_VALUE)
    initial = element.get("initial_option")
    if initial is not None and options and initial not in options:
        yield f"{where}.initial_option is not one of the options"


def _text(where: str, text: Any, limit: int) -> Iterator[str]:
    if text is None:
        return
    if not isinstance(text, dict) or not isinstance(text.get("text"), str):
        yield f"{where}: not a text object"
        return
    if not text["text"]:
        yield f"{where}: empty"
    yield from _length(where, text["text"], limit)


def _plain(where: str, text: Any, limit: int) -> Iterator[str]:
    if text is None:
        return
    if isinstance(text, dict) and text.get("type") != "plain_text":
        yield f"{where}: must be plain_text"
    yield from _text(where, text, limit)


def _length(where: str, value: Any, limit: int) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"{where}: {len(value)} characters > {limit}"]
    return []
