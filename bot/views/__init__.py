"""Pure Block Kit builders: workflow results in, slack_sdk blocks and views out. No Slack I/O.

Builders return slack_sdk model objects. A message is a `Reply`, and `Reply.block_dicts()` is
where its blocks become Slack's JSON, checked against Slack's limits (`bot.views.blocks`). A
modal or App Home is a slack_sdk `View`, handed as it is to `views_open` / `views_publish`,
which call its validating `to_dict()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block

from bot.views.blocks import as_dicts


@dataclass(frozen=True)
class Reply:
    """One message: the notification (fallback) text and its blocks."""

    text: str
    blocks: Sequence[Block]

    def block_dicts(self) -> list[dict[str, Any]]:
        """Return the blocks as Slack's JSON; raise SlackObjectFormationError if Slack would refuse them.

        Made once per reply: a kept `/hlm status` reply is sent many times, and validating its
        blocks costs more than the rest of the request. (Kept by hand, not with
        functools.cached_property, whose lock in Python 3.11 would make threads wait on each other.)
        The JSON is shared: callers hand it to Slack and do not change it.
        """
        made: list[dict[str, Any]] | None = self.__dict__.get("_dicts")
        if made is None:
            made = as_dicts(self.blocks)
            object.__setattr__(self, "_dicts", made)
        return made
