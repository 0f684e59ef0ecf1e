"""Lists of blocks under the Slack limits that slack_sdk does not check, and their JSON.

Each slack_sdk block validates its own sizes in `to_dict()` (texts, fields, elements, options,
ids; and a `View` its 100 blocks and its metadata). What no single block can know is checked
here: at most 50 blocks in a message, block ids unique within it, no empty text. `as_dicts` is
the one place the bot turns a message's blocks into Slack's JSON (through `Reply.block_dicts`),
so a message Slack would refuse fails here, in a test, rather than in someone's DM.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, HeaderBlock
from slack_sdk.models.views import View

MAX_BLOCKS_MESSAGE = 50  # Slack's limit for a message; slack_sdk checks none
MAX_BLOCKS_VIEW = View.blocks_max_length  # modal or App Home: slack_sdk checks it


def as_dicts(blocks: Sequence[Block], *, limit: int = MAX_BLOCKS_MESSAGE) -> list[dict[str, Any]]:
    """Turn blocks into Slack's JSON; raise SlackObjectFormationError where Slack would refuse."""
    if len(blocks) > limit:
        raise SlackObjectFormationError(f"{len(blocks)} blocks, more than {limit}")
    dicts = [block.to_dict() for block in blocks]
    ids = [d["block_id"] for d in dicts if "block_id" in d]
    if len(ids) != len(set(ids)):
        raise SlackObjectFormationError("a block_id is used twice")
    if any(not text for text in _texts(dicts)):
        raise SlackObjectFormationError("a text is empty")
    return dicts


def _texts(obj: Any) -> Iterator[str]:
    if isinstance(obj, dict):
        if obj.get("type") in {"mrkdwn", "plain_text"}:
            yield str(obj.get("text", ""))
        for value in obj.values():
            yield from _texts(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _texts(value)


def problems(blocks: Sequence[dict[str, Any]], *, limit: int = MAX_BLOCKS_MESSAGE) -> list[str]:
    """Say what Slack would refuse in blocks as sent (JSON), or nothing when all is well."""
    try:
        as_dicts(Block.parse_all(blocks), limit=limit)
    except (SlackObjectFormationError, TypeError, KeyError) as exc:
        return [str(exc)]
    return []


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
        pending += [item] if isinstance(item, Block) else list(item)
        if pending and not isinstance(pending[-1], HeaderBlock):
            groups.append(pending)
            pending = []
    groups += [pending] if pending else []
    return [g[i : i + limit] for g in groups for i in range(0, len(g), limit)]
