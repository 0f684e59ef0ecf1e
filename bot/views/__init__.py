"""Pure Block Kit builders: workflow results in, message and view dicts out. No Slack I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One message: the notification (fallback) text and its blocks."""

    text: str
    blocks: list[dict[str, Any]]
