"""The sandbox's clock: the real time, moved forward by `clock +3d` to watch the schedule work."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workflows.store.db import utc_now

_STEP = re.compile(r"\+?(?P<n>\d{1,3}) ?(?P<unit>m|min|mins|h|hours?|d|days?|w|weeks?)")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
LONGEST = timedelta(days=30)
NOT_A_STEP = "“{text}” is not a step of time. Try `clock +3d`, `clock +2h` or `clock +1w`."
BACKWARDS = "The sandbox's clock only moves forward: what was sent stays sent."
TOO_FAR = "Move at most 30 days at a time."


@dataclass
class SandboxClock:
    """A live clock that can be moved forward, never back (what was sent stays sent)."""

    source: Callable[[], datetime] = utc_now
    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        """Return the sandbox's time: the source's, plus how far it was moved."""
        return self.source() + self.offset

    def advance(self, step: timedelta) -> datetime:
        """Move the clock forward by a step; return the new time."""
        self.offset += step
        return self()


def parse_step(text: str) -> timedelta:
    """Read a step forward (`+3d`, `+2h`, `+30m`, `+1w`); raise LookupError with an example."""
    if text.strip().startswith("-"):
        raise LookupError(BACKWARDS)
    match = _STEP.fullmatch(text.strip().lower())
    if match is None or int(match["n"]) == 0:
        raise LookupError(NOT_A_STEP.format(text=text.strip()[:20]))
    unit = match["unit"][0]
    step = timedelta(weeks=int(match["n"])) if unit == "w" else int(match["n"]) * _UNITS[unit]
    if step > LONGEST:
        raise LookupError(TOO_FAR)
    return step


def openings(start: datetime, end: datetime, days: Iterable[tuple[str, time]]) -> list[datetime]:
    """List the moments after `start` up to `end` when someone's working day opens (their zone,
    their first hour), then `end` itself: the moments a scheduler running all along would first
    find each check-in, reminder or digest due."""
    found = {end}
    day, last = (start - timedelta(days=1)).date(), (end + timedelta(days=1)).date()
    while day <= last:
        for zone, opens in days:
            moment = datetime.combine(day, opens, tzinfo=ZoneInfo(zone)).astimezone(UTC)
            if start < moment <= end:
                found.add(moment)
        day += timedelta(days=1)
    return sorted(found)
