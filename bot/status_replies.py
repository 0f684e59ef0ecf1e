"""Replies to `/hlm status`, kept while the data behind them is unchanged.

Why a cache at all: `/hlm status` is the command people run most, and between two check-ins
nothing it shows changes. Computing an area's status and rendering its Block Kit takes tens of
milliseconds; `bench/latency.py` showed that without keeping them the bot answered about 1.5
times slower than a bare Bolt app at 8 concurrent commands, and with them about 1.1 times.

Why it is correct: every unit of work that writes what status shows sets a new random token
(`workflows.store.revision`, installed on the session factory). A kept reply is reused only
while the token is the one it was rendered under and no item has turned stale by the clock
alone since; a write from any process changes the token, and the next request renders afresh.
One instance is owned by the composition root (`bot.bootstrap.Deps.statuses`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.views import Reply
from workflows.store.revision import current_token
from workflows.updates.status import AreaStatus, turns_stale_at

# However still the data, a kept reply is rendered afresh after this long.
KEEP_AT_MOST = timedelta(minutes=15)
MAX_ENTRIES = 256  # typed area names vary; a few hundred kept replies are a few MB at most


@dataclass(frozen=True)
class _Kept:
    token: str
    good_until: datetime
    replies: tuple[Reply, ...]


class StatusReplies:
    """Rendered status replies, by what was asked, each with the token it holds under."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, _Kept] = {}

    def get(
        self,
        session: Session,
        asked: str,
        *,
        now: datetime,
        compute: Callable[[], Sequence[AreaStatus]],
        render: Callable[[Sequence[AreaStatus]], list[Reply]],
    ) -> list[Reply]:
        """Return the replies for `asked`, computing and rendering them only when needed."""
        token = current_token(session)
        kept = self._kept.get(asked)
        if token is not None and kept is not None and kept.token == token and now < kept.good_until:
            return list(kept.replies)
        statuses = compute()
        replies = render(statuses)
        if token is not None:
            stale_at = turns_stale_at(statuses, now=now)
            until = min(now + KEEP_AT_MOST, stale_at or now + KEEP_AT_MOST)
            with self._lock:
                if len(self._kept) >= MAX_ENTRIES:
                    self._kept.clear()
                self._kept[asked] = _Kept(token, until, tuple(replies))
        return replies
