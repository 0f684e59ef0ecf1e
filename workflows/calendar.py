"""Working days and hours: institution holidays, people's own time zones, and forgiving dates.

Holidays follow the institution (the ILO closes on Geneva's public holidays; the Commission and
the EEAS on the EU institutions' holidays); working hours follow the person's own time zone, so
an ILO official posted in New York is asked during New York's working day. Everything is a pure
function of the dates given; nothing reads the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

from workflows.errors import InvalidDate
from workflows.types import Institution

MAX_SEARCH_DAYS = 60


@lru_cache(maxsize=64)
def geneva_holidays(year: int) -> frozenset[date]:
    """Return the public holidays of the canton of Geneva, when the ILO is closed."""
    return frozenset(holidays.country_holidays("CH", subdiv="GE", years=year))


@lru_cache(maxsize=64)
def eu_institution_holidays(year: int) -> frozenset[date]:
    """Return the days the EU institutions in Brussels are closed.

    Public holidays of Belgium, plus the institutions' own: 2 January, Holy Thursday, Good Friday, Europe
    Day (9 May), the day after Ascension, 1 and 2 November, and 24 December to 31 December.
    """
    days = set(holidays.country_holidays("BE", years=year))
    sunday = easter(year)
    days |= {sunday - timedelta(days=3), sunday - timedelta(days=2), sunday + timedelta(days=40)}
    days |= {date(year, 5, 9), date(year, 11, 1), date(year, 11, 2), date(year, 1, 2)}
    days |= {date(year, 12, d) for d in range(24, 32)}
    return frozenset(days)


DEFAULT_ZONES = {
    Institution.ILO: "Europe/Zurich",
    Institution.COMMISSION: "Europe/Brussels",
    Institution.EEAS: "Europe/Brussels",
}


@dataclass(frozen=True)
class WorkingCalendar:
    """When each institution works: weekdays, hours in the person's zone, minus holidays."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    extra_closed: dict[Institution, frozenset[date]] = field(default_factory=dict)
    extra_open: dict[Institution, frozenset[date]] = field(default_factory=dict)

    def is_holiday(self, institution: Institution, day: date) -> bool:
        """Tell whether an institution is closed for a holiday on a day."""
        if day in self.extra_open.get(institution, frozenset()):
            return False
        closed = geneva_holidays if institution is Institution.ILO else eu_institution_holidays
        return day in closed(day.year) or day in self.extra_closed.get(institution, frozenset())

    def is_working_day(self, institution: Institution, day: date) -> bool:
        """Tell whether a day is a weekday on which the institution is open."""
        return day.weekday() < 5 and not self.is_holiday(institution, day)

    def is_within_working_hours(
        self, *, institution: Institution, tz: str | None, moment: datetime
    ) -> bool:
        """Tell whether it is working time for a person of an institution, in their own zone."""
        local = local_time(moment, tz or DEFAULT_ZONES[institution])
        return (
            self.is_working_day(institution, local.date()) and self.start <= local.time() < self.end
        )

    def next_working_moment(
        self, *, institution: Institution, tz: str | None, after: datetime
    ) -> datetime:
        """Return the first moment, from `after` on, that is working time for the person (UTC)."""
        zone = ZoneInfo(tz or DEFAULT_ZONES[institution])
        local = local_time(after, zone.key)
        for offset in range(MAX_SEARCH_DAYS):
            day = local.date() + timedelta(days=offset)
            if not self.is_working_day(institution, day):
                continue
            opens = datetime.combine(day, self.start, tzinfo=zone)
            closes = datetime.combine(day, self.end, tzinfo=zone)
            candidate = max(opens, local) if offset == 0 else opens
            if candidate < closes:
                return candidate.astimezone(ZoneInfo("UTC"))
        raise InvalidDate(f"No working day within {MAX_SEARCH_DAYS} days of {after:%d %B %Y}.")

    def add_working_days(self, institution: Institution, day: date, n: int) -> date:
        """Move n working days from a day (back when n is negative)."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            day += timedelta(days=step)
            remaining -= self.is_working_day(institution, day)
        return day

    def working_days_between(self, institution: Institution, start: date, end: date) -> int:
        """Count the working days after `start` up to and including `end`."""
        days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
        return sum(self.is_working_day(institution, d) for d in days)


def local_time(moment: datetime, tz: str) -> datetime:
    """Return an aware moment in a time zone; refuse naive datetimes."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one")
    return moment.astimezone(ZoneInfo(tz))


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for m in names
}  # fmt: skip
_RELATIVE = re.compile(r"^(in\s+)?\+?(?P<n>\d{1,3})\s*(?P<unit>d|days?|w|weeks?)$")
_NUMERIC = re.compile(r"^(?P<d>\d{1,2})[/.](?P<m>\d{1,2})(?:[/.](?P<y>\d{2,4}))?$")
_WORDS = re.compile(
    r"^(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[a-z]+)|(?P<m2>[a-z]+)\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?),?(?:\s+(?P<y>\d{4}))?$"
)
DATE_HELP = "Give a day like 2026-12-24, 24/12, 24 Dec, friday, tomorrow, next week or 2w."


def parse_day(text: str, *, today: date) -> date:
    """Read a day the way people type it; raise InvalidDate with examples otherwise."""
    key = " ".join(text.strip().lower().split())
    for reader in (_named, _relative, _iso, _numeric, _words):
        try:
            found = reader(key, today)
        except ValueError:
            found = None
        if found is not None:
            return found
    raise InvalidDate(f"I can't read “{text.strip()[:40]}” as a day. {DATE_HELP}")


def _named(key: str, today: date) -> date | None:
    if key in {"today", "tomorrow"}:
        return today + timedelta(days=key == "tomorrow")
    if key == "next week":
        return today + timedelta(days=7 - today.weekday())
    name = key.removeprefix("next ")
    if name in _WEEKDAYS or (name[:3] in {w[:3] for w in _WEEKDAYS} and len(name) == 3):
        target = next(i for i, w in enumerate(_WEEKDAYS) if w.startswith(name))
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    return None


def _relative(key: str, today: date) -> date | None:
    match = _RELATIVE.match(key)
    if not match:
        return None
    n = int(match["n"])
    return today + timedelta(days=n * 7 if match["unit"].startswith("w") else n)


def _iso(key: str, today: date) -> date | None:
    return date.fromisoformat(key) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", key) else None


def _numeric(key: str, today: date) -> date | None:
    match = _NUMERIC.match(key)
    if not match:
        return None
    year = int(match["y"]) if match["y"] else None
    year = year + 2000 if year is not None and year < 100 else year
    return _roll(date(year or today.year, int(match["m"]), int(match["d"])), today, year is None)


def _words(key: str, today: date) -> date | None:
    match = _WORDS.match(key)
    if not match:
        return None
    month = _MONTHS.get((match["m1"] or match["m2"] or "")[:9]) or _MONTHS.get(
        (match["m1"] or match["m2"] or "")[:3]
    )
    if month is None:
        return None
    day = int(match["d1"] or match["d2"])
    year = int(match["y"]) if match["y"] else None
    return _roll(date(year or today.year, month, day), today, year is None)


def _roll(day: date, today: date, year_guessed: bool) -> date:
    # "24 Dec" typed in January means the coming one, not the one just past.
    if year_guessed and day < today:
        return day.replace(year=day.year + 1)
    return day
