"""Words of a draft: extraction debris in a text, slugs for titles, dates read as targets."""

from __future__ import annotations

import re

from seed.draft.layout import JOIN, MOVED, STOP

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH = "|".join(MONTHS)
DAY_DATE = re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{MONTH})\s+(?P<year>\d{{4}})\b")
MONTH_DATE = re.compile(rf"\b(?:(?P<day>\d{{1,2}})\s+)?(?P<month>{MONTH})\s+(?P<year>20\d\d)\b")
PART_DATE = re.compile(
    r"\b(?P<part>early|mid|late|(?:the\s+)?end\s+of(?:\s+the\s+year)?)[\s-]+(?P<year>20\d\d)\b",
    re.IGNORECASE,
)
YEAR = re.compile(
    r"(?<![\d,–-])(?<!, )(?<!No\. )\b(?P<year>20\d\d)\b(?!\s*[-–/]\s*\d)(?!\s+Agenda)(?!\s+or\b)"
    r"|\b20\d\d\s+or\s+(?P<later>20\d\d)\b"
)


def clean_text(text: str) -> str:
    """Undo what extraction does to words: "COVID- 19", "Work- life", "10 th", marks, spaces."""
    text = text.replace(JOIN, "").replace(MOVED, "")
    text = re.sub(r"(?<=\w)- (?=\d|[a-z])", "-", text)
    text = re.sub(r"\b(\d+) (st|nd|rd|th)\b", r"\1\2", text)
    return " ".join(text.split())


def slug_for(title: str, taken: set[str]) -> str:
    """Make a short, unique, typeable slug: an acronym in brackets, else the first words."""
    acronym = re.search(r"\(([A-Z]{2,6})\)", title)
    words = [w for w in re.findall(r"[a-z0-9]+", title.lower()) if w not in STOP]
    base = acronym.group(1).lower() if acronym else "-".join(words[:3]) or "area"
    base = base[:36].strip("-")
    if not re.match(r"^[a-z]", base):
        base = "area-" + base
    slug, n = base, 2
    while slug in taken or len(slug) < 3:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def targets_in(text: str, *, since: int) -> list[dict[str, object]]:
    """Read the dates of an item as targets: a day or month, a part of a year, or a year."""
    found: list[tuple[int, dict[str, object]]] = []
    taken: list[range] = []
    for pattern in (MONTH_DATE, PART_DATE, YEAR):
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(set(span) & set(other) for other in taken):
                continue
            target = _target(match, since=since)
            if target is not None:
                taken.append(span)
                found.append((match.start(), target))
    return [target for _, target in sorted(found, key=lambda pair: pair[0])]


def _target(match: re.Match[str], *, since: int) -> dict[str, object] | None:
    groups = match.groupdict()
    year = int(groups.get("later") or groups["year"])
    if not since <= year <= since + 15:
        return None
    target: dict[str, object] = {"text": match.group(0), "year": year}
    if groups.get("month"):
        target["month"] = MONTHS.index(groups["month"]) + 1
    elif groups.get("part"):
        part = groups["part"].lower()
        target["part"] = "end" if "end" in part else part
    return target
