"""Working days and hours: institution holidays, people's own time zones, and forgiving dates.

Holidays follow the institution (the ILO closes on Geneva's public holidays and Labour Day; the
Commission and the EEAS on the EU institutions' holidays); working hours follow the person's own
time zone, so an ILO official posted in New York is asked during New York's working day but not
on the Jeûne genevois. Everything is a pure function of the dates given; nothing reads the clock.
Time zone names are checked where people type them (`workflows.people.directory.check_timezone`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

from workflows.errors import InvalidDate, InvalidInput
from workflows.types import Institution

Hours = tuple[time, time]  # a working day's start and end, on the wall clock
DEFAULT_HOURS: Hours = (time(9, 0), time(17, 0))  # for whoever set none of their own
# Words that, typed instead of hours, ask for the default back.
DEFAULT_WORDS = frozenset({"default", "reset", "off", "clear", "none"})

# The longest run of closed days we accept before deciding the calendar is misconfigured.
MAX_CLOSED_RUN = 60

DEFAULT_ZONES: Mapping[Institution, str] = MappingProxyType(
    {
        Institution.ILO: "Europe/Zurich",
        Institution.COMMISSION: "Europe/Brussels",
        Institution.EEAS: "Europe/Brussels",
    }
)


@lru_cache(maxsize=64)
def ilo_holidays(year: int) -> frozenset[date]:
    """Return the days the ILO in Geneva is closed by default.

    The public holidays of the canton of Geneva from `holidays` (CH-GE: 1 January, Good Friday,
    Easter Monday, Ascension, Whit Monday, 1 August, Jeûne genevois, 25 and 31 December) plus
    Labour Day, 1 May, which the UN organizations in Geneva observe though the canton does not.
    Erring towards closed costs a day's delay; erring towards open pings people on a holiday.
    Eid al-Fitr and Eid al-Adha, and any change in the ILO's yearly circular, are configuration:
    `WorkingCalendar(extra_closed=..., extra_open=...)`, since their dates are fixed each year.
    """
    geneva = holidays.country_holidays("CH", subdiv="GE", years=year)
    return frozenset(geneva) | {date(year, 5, 1)}


# (month, day) of the EU institutions' fixed holidays, and days from Easter Sunday of the movable
# ones: Holy Thursday, Good Friday, Easter Monday, Ascension, the Friday after, Whit Monday.
_EU_FIXED = (
    (1, 1), (1, 2), (5, 1), (5, 9), (7, 21), (8, 15), (11, 1), (11, 2),
    *((12, d) for d in range(24, 32)),
)  # fmt: skip
_EU_FROM_EASTER = (-3, -2, 1, 39, 40, 50)


@lru_cache(maxsize=64)
def eu_institution_holidays(year: int) -> frozenset[date]:
    """Return the days the EU institutions in Brussels are closed by default.

    The list the Commission publishes each year for Brussels: 1 and 2 January, Holy Thursday,
    Good Friday, Easter Monday, 1 May, Europe Day (9 May), Ascension and the Friday after, Whit
    Monday, 21 July, 15 August, 1 and 2 November, and 24 to 31 December. That is Belgium's public
    holidays without Armistice Day (11 November) plus the institutions' own. A holiday falling on a
    weekend is not moved, as in the published lists.
    """
    sunday = easter(year)
    fixed = {date(year, month, day) for month, day in _EU_FIXED}
    return frozenset(fixed | {sunday + timedelta(days=n) for n in _EU_FROM_EASTER})


DEFAULT_HOLIDAYS: Mapping[Institution, Callable[[int], frozenset[date]]] = MappingProxyType(
    {
        Institution.ILO: ilo_holidays,
        Institution.COMMISSION: eu_institution_holidays,
        Institution.EEAS: eu_institution_holidays,
    }
)


@dataclass(frozen=True)
class WorkingCalendar:
    """When each institution works: Monday to Friday, hours in the person's zone, minus holidays.

    `zones` overrides the zone of people who have none; `extra_closed` adds closed days and
    `extra_open` removes default holidays, per institution (e.g. from configuration).
    """

    start: time = DEFAULT_HOURS[0]
    end: time = DEFAULT_HOURS[1]
    zones: Mapping[Institution, str] = field(default_factory=dict)
    extra_closed: Mapping[Institution, Set[date]] = field(default_factory=dict)
    extra_open: Mapping[Institution, Set[date]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Refuse impossible hours or unknown zones, and freeze what was given."""
        if self.start.tzinfo or self.end.tzinfo or not self.start < self.end:
            raise ValueError(f"working hours {self.start}–{self.end} must be naive and increase")
        zones = {**DEFAULT_ZONES, **self.zones}
        for name in zones.values():
            ZoneInfo(name)  # raises ZoneInfoNotFoundError on a name that is not IANA's
        object.__setattr__(self, "zones", MappingProxyType(zones))
        for name in ("extra_closed", "extra_open"):
            days = {i: frozenset(d) for i, d in getattr(self, name).items()}
            object.__setattr__(self, name, MappingProxyType(days))

    def is_holiday(self, institution: Institution, day: date) -> bool:
        """Tell whether an institution is closed for a holiday on a day."""
        if day in self.extra_open.get(institution, ()):
            return False
        default = DEFAULT_HOLIDAYS[institution](day.year)
        return day in default or day in self.extra_closed.get(institution, ())

    def is_working_day(self, institution: Institution, day: date) -> bool:
        """Tell whether a day is a weekday on which the institution is open."""
        return day.weekday() < 5 and not self.is_holiday(institution, day)

    def zone(self, *, institution: Institution, tz: str | None) -> ZoneInfo:
        """Return a person's zone, or their institution's when they have none."""
        return ZoneInfo(tz or self.zones[institution])

    def hours_of(self, hours: Hours | None) -> Hours:
        """Return a person's own working hours, or the calendar's when they set none."""
        return hours or (self.start, self.end)

    def is_within_working_hours(
        self,
        *,
        institution: Institution,
        tz: str | None,
        moment: datetime,
        hours: Hours | None = None,
    ) -> bool:
        """Tell whether it is working time for a person of an institution, in their own zone and
        their own hours (the calendar's when `hours` is None)."""
        start, end = self.hours_of(hours)
        local = local_time(moment, self.zone(institution=institution, tz=tz).key)
        return self.is_working_day(institution, local.date()) and start <= local.time() < end

    def last_working_day(self, institution: Institution, day: date) -> date:
        """Return the day itself when the institution works then, else the working day before."""
        return (
            day
            if self.is_working_day(institution, day)
            else self.add_working_days(institution, day, -1)
        )

    def add_working_days(self, institution: Institution, day: date, n: int) -> date:
        """Move n working days from a day: later when n is positive, earlier when negative."""
        step = timedelta(days=1 if n >= 0 else -1)
        remaining, closed_run = abs(n), 0
        while remaining:
            day += step
            if self.is_working_day(institution, day):
                remaining, closed_run = remaining - 1, 0
            elif (closed_run := closed_run + 1) > MAX_CLOSED_RUN:
                raise ValueError(
                    f"{institution.label} has no working day for {MAX_CLOSED_RUN} days"
                )
        return day

    def working_days_between(self, institution: Institution, *, start: date, end: date) -> int:
        """Count the working days after `start` up to and including `end` (negative if before)."""
        if end < start:
            return -self.working_days_between(institution, start=end, end=start)
        days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
        return sum(self.is_working_day(institution, d) for d in days)


def local_time(now: datetime, tz: str) -> datetime:
    """Return an aware moment as the wall clock shows it in a time zone."""
    return _utc(now).astimezone(ZoneInfo(tz))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} is a naive datetime; pass one with a time zone")
    return moment.astimezone(UTC)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {n: i for i, name in enumerate(_MONTH_NAMES, 1) for n in (name, name[:3])} | {"sept": 9}
_RELATIVE = re.compile(r"(?:in )?\+?(?P<n>\d{1,3}) ?(?P<unit>d|days?|w|wks?|weeks?)")
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_NUMERIC = re.compile(r"(?P<d>\d{1,2})([/.-])(?P<m>\d{1,2})(?:\2(?P<y>\d{4}|\d{2}))?")
_ORDINAL = r"(?:st|nd|rd|th)?"
_WORDS = re.compile(
    rf"(?P<d1>\d{{1,2}}){_ORDINAL} (?P<m1>[a-z]+)\.?,?(?: (?P<y1>\d{{4}}))?"
    rf"|(?P<m2>[a-z]+)\.? (?P<d2>\d{{1,2}}){_ORDINAL},?(?: (?P<y2>\d{{4}}))?"
)


def parse_day(text: str, *, today: date) -> date:
    """Read a day the way people type it; raise InvalidDate with examples otherwise.

    Numbers are day first (24/12), as in Geneva and Brussels. A weekday is the next one after
    today; a day and month without a year is the next one from today on.
    """
    key = " ".join(text.strip().lower().replace(",", ", ").split()).replace(" ,", ",")
    for reader in (_named, _relative, _iso, _numeric, _words):
        found = reader(key, today)
        if found is not None:
            return _within_reach(found, today)
    shown = text.strip()[:40]
    raise InvalidDate("unreadable_day", text=shown)


# Days further from today than this are typing mistakes (9999-12-31), and some cannot be written
# in a calendar (the day after 9999-12-31 does not exist).
YEARS_OF_REACH = 10


def _within_reach(day: date, today: date) -> date:
    if abs(day.year - today.year) > YEARS_OF_REACH:
        first, last = today.year - YEARS_OF_REACH, today.year + YEARS_OF_REACH
        raise InvalidDate(
            f"{day.isoformat()} is too far from today: give a day in a year from {first} to {last}."
        )
    return day


def _named(key: str, today: date) -> date | None:
    if key in {"today", "tomorrow"}:
        return today + timedelta(days=int(key == "tomorrow"))
    if key == "next week":
        return today + timedelta(days=7 - today.weekday())
    name = key.removeprefix("next ").removeprefix("this ")
    matches = [i for i, w in enumerate(_WEEKDAYS) if len(name) >= 3 and w.startswith(name)]
    if len(matches) != 1:
        return None
    return today + timedelta(days=(matches[0] - today.weekday() - 1) % 7 + 1)


def _relative(key: str, today: date) -> date | None:
    match = _RELATIVE.fullmatch(key)
    if match is None:
        return None
    n = int(match["n"])
    return today + timedelta(days=n * 7 if match["unit"].startswith("w") else n)


def _iso(key: str, today: date) -> date | None:
    match = _ISO.fullmatch(key)
    return _day(int(match["y"]), int(match["m"]), int(match["d"])) if match else None


def _numeric(key: str, today: date) -> date | None:
    match = _NUMERIC.fullmatch(key)
    if match is None:
        return None
    year = int(match["y"]) if match["y"] else None
    if year is not None and year < 100:
        year += 2000
    return _dated(int(match["d"]), int(match["m"]), year, today)


def _words(key: str, today: date) -> date | None:
    match = _WORDS.fullmatch(key)
    if match is None:
        return None
    month = _MONTHS.get(match["m1"] or match["m2"])
    year = match["y1"] or match["y2"]
    if month is None:
        return None
    return _dated(int(match["d1"] or match["d2"]), month, int(year) if year else None, today)


def _dated(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is not None:
        return _day(year, month, day)
    # "24 Dec" typed in January means the coming one; "29 Feb" the next leap year's.
    candidates = (_day(today.year + i, month, day) for i in range(5))
    return next((d for d in candidates if d is not None and d >= today), None)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def local_day(now: datetime, tz: str) -> date:
    """Return the calendar day it is in a time zone."""
    return now.astimezone(ZoneInfo(tz)).date()


_CLOCK = r"(?P<{p}h>\d{{1,2}})(?:[:.h](?P<{p}m>\d{{2}}))? ?(?P<{p}ap>am|pm)?"
_HOURS = re.compile(
    _CLOCK.format(p="a") + r" ?(?:-|–|—|to|until) ?" + _CLOCK.format(p="b"), re.IGNORECASE
)
SHORTEST_DAY = timedelta(hours=1)


def parse_hours(text: str) -> Hours:
    """Read working hours as people type them: `08:00-16:00`, `8-16`, `8.30 to 16.30`, `8am-4pm`.

    Raise InvalidInput on anything else, on a day that ends before it starts or lasts less than
    an hour (a night shift across midnight is not supported).
    """
    match = _HOURS.fullmatch(text.strip())
    if match is None:
        raise InvalidInput("unreadable_hours", text=text.strip()[:40])
    start, end = (_clock(match, p) for p in "ab")
    if start is None or end is None:
        raise InvalidInput("unreadable_hours", text=text.strip()[:40])
    if end <= start or _minutes(end) - _minutes(start) < SHORTEST_DAY.seconds // 60:
        raise InvalidInput("hours_backwards", start=start, end=end)
    return start, end


def read_hours(text: str) -> Hours | None:
    """Read hours as typed (see `parse_hours`), or None for a word asking for the default."""
    return None if text.strip().lower() in DEFAULT_WORDS else parse_hours(text)


def _clock(match: re.Match[str], p: str) -> time | None:
    hour, minute, ap = int(match[p + "h"]), int(match[p + "m"] or 0), (match[p + "ap"] or "")
    if ap:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ap.lower() == "pm" else 0)
    if hour == 24 and minute == 0:
        return time(23, 59)  # "until 24:00": the end of the day
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def write_hours(hours: Hours) -> str:
    """Write working hours as `08:00–16:00`."""
    return f"{hours[0]:%H:%M}–{hours[1]:%H:%M}"
