"""Area statuses kept between requests while the data behind them is unchanged.

`/hlm status` is the command people run most, and between two check-ins nothing it shows
changes. A status is kept with the data's token (`workflows.store.revision`) and the moment one of
its items would turn stale; the next request reads the token (one row) and reuses the status
while both hold. A write anywhere, by any process, changes the token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workflows.catalogue.lookup import find_area
from workflows.store.revision import current_token
from workflows.updates.status import STALE_AFTER, AreaStatus, area_status, overview

# However still the data, a kept status is recomputed after this long.
KEEP_AT_MOST = timedelta(minutes=15)
MAX_ENTRIES = 256  # typed area names vary; a few hundred kept statuses are a few MB at most

Kept = tuple[str, datetime, tuple[AreaStatus, ...]]


class StatusCache:
    """Statuses by what was asked, each with the data token and the time it is good until."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[tuple[str, str], Kept] = {}

    def area(self, session: Session, query: str, *, now: datetime) -> AreaStatus:
        """Return an area's status (the same object while it is kept; UnknownArea as find_area)."""
        return self._get(
            session, query.strip().casefold(), now,
            lambda: (area_status(session, find_area(session, query), now=now),),
        )[0]  # fmt: skip

    def overview(self, session: Session, *, now: datetime) -> tuple[AreaStatus, ...]:
        """Return every area's status (the same tuple while it is kept)."""
        return self._get(session, "", now, lambda: tuple(overview(session, now=now)))

    def _get(
        self,
        session: Session,
        asked: str,
        now: datetime,
        compute: Callable[[], tuple[AreaStatus, ...]],
    ) -> tuple[AreaStatus, ...]:
        token = current_token(session)
        key = (str(session.get_bind().engine.url), asked)
        kept = self._kept.get(key)
        if token is not None and kept is not None and kept[0] == token and now < kept[1]:
            return kept[2]
        statuses = compute()
        if token is not None:
            with self._lock:
                if len(self._kept) >= MAX_ENTRIES:
                    self._kept.clear()
                self._kept[key] = (token, good_until(statuses, now=now), statuses)
        return statuses


def good_until(statuses: tuple[AreaStatus, ...], *, now: datetime) -> datetime:
    """Return when a status would first change by the clock alone: an item turning stale."""
    turns = [
        part.last.at + STALE_AFTER
        for status in statuses
        for item in status.items
        if not item.stale
        for part in item.parts
        if part.last is not None and part.last.at + STALE_AFTER > now
    ]
    return min([now + KEEP_AT_MOST, *turns])
