"""Turn a document's lines into a draft in the seed format (`seed.schema.SeedMeeting`).

    lines ─ clean (debris out) ─ header ─ areas (layout) ─ items (lead-ins, numbers, actors)

Every spot a person must check carries a flag: `{"kind": …, "note": …}` on the meeting, an
area or an item (the kinds are `seed.schema.FlagKind`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from seed.draft.items import RawItem, read_area
from seed.draft.layout import Block, body_start, clean, find_blocks, is_title
from seed.draft.lines import Line
from seed.draft.words import DAY_DATE, MONTHS, clean_text, slug_for, targets_in

ORDINAL = re.compile(r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)\b|\bHLM\s*(?P<m>\d{1,3})\b", re.IGNORECASE)
PLACE_DATE = re.compile(rf"^(?P<place>[^\d,][^\d]*?)\s*,\s*(?P<date>{DAY_DATE.pattern})$")
Draft = dict[str, Any]


def draft_conclusions(lines: list[Line], *, source: str) -> Draft:
    """Make a draft of a meeting's seed file from the lines of its conclusions."""
    lines = clean(lines)
    start = body_start(lines)
    meeting = _header(lines[:start], source=source)
    since = date.fromisoformat(meeting["held_on"]).year
    taken: set[str] = set()
    meeting["areas"] = [_area(block, taken, since=since) for block in find_blocks(lines[start:])]
    if not meeting["areas"]:
        meeting["flags"].append(_flag("no_items", "No area was found in the document."))
    return meeting


def _flag(kind: str, note: str) -> dict[str, str]:
    return {"kind": kind, "note": note}


def _header(lines: list[Line], *, source: str) -> Draft:
    # The title: a heading rather than a running header, one with the meeting's number first.
    candidates = [line for line in lines if is_title(line)]
    candidates.sort(key=lambda line: (not ORDINAL.search(line.flat), line.kind != "heading"))
    titles = [line.flat for line in candidates]
    dated = [m for line in lines if (m := PLACE_DATE.match(line.flat))]
    flags: list[dict[str, str]] = []
    title = titles[0] if titles else "Conclusions of the High Level Meeting"
    number = ORDINAL.search(title) if titles else None
    place = dated[0]["place"].strip() if dated else "Unknown"
    when = _date(dated[0]["date"]) if dated else _any_date(lines)
    if not titles:
        flags.append(_flag("header_guessed", "No title found: write the meeting's title."))
    if number is None:
        flags.append(_flag("header_guessed", "No meeting number in the title: write it."))
    if not dated:
        flags.append(
            _flag("header_guessed", f"No “place, date” line: check place and date ({when}).")
        )
    return {
        "number": int(number["n"] or number["m"]) if number else 1,
        "title": title,
        "held_on": when,
        "place": place,
        "source": source,
        "flags": flags,
    }


def _date(text: str) -> str:
    match = DAY_DATE.search(text)
    if match is None:
        return "2000-01-01"
    month = MONTHS.index(match["month"]) + 1
    return date(int(match["year"]), month, int(match["day"])).isoformat()


def _any_date(lines: list[Line]) -> str:
    found = [m.group(0) for line in lines if (m := DAY_DATE.search(line.flat))]
    return _date(found[0]) if found else "2000-01-01"


def _area(block: Block, taken: set[str], *, since: int) -> Draft:
    raw = read_area(block)
    slug = slug_for(block.title, taken)
    flags = [_flag(kind, note) for kind, note in block.flags]
    printed = [item.number for item in raw.items if item.number is not None]
    if raw.items and not printed:
        flags.append(_flag("no_numbers", NO_NUMBERS))
    if not raw.items:
        flags.append(_flag("no_items", NO_ITEMS))
    numbers = _numbers(raw.items)
    items = [
        _commitment(f"{slug}-{position}", item, numbers[position - 1], since=since)
        for position, item in enumerate(raw.items, start=1)
    ]
    return {
        "slug": slug,
        "title": block.title,
        "section": block.section,
        "preamble": _paragraphs(raw.preamble),
        "source_line": block.line,
        "flags": flags,
        "commitments": items,
    }


NO_NUMBERS = "No item of this area carries a printed number: check none was lost."
NO_ITEMS = "No item found in this area: check its text (it is kept as the preamble)."


def _paragraphs(text: str) -> str:
    return "\n\n".join(clean_text(part) for part in text.split("\n\n"))


def _numbers(items: list[RawItem]) -> list[tuple[int | None, str | None]]:
    """Give each item its number: printed, or inferred from the printed ones around it."""
    printed = [item.number for item in items]
    result: list[tuple[int | None, str | None]] = [(n, None) for n in printed]
    if not any(n is not None for n in printed):
        return result
    index = 0
    while index < len(items):
        if printed[index] is not None:
            index += 1
            continue
        end = next((j for j in range(index, len(items)) if printed[j] is not None), len(items))
        before = next((printed[j] for j in range(index - 1, -1, -1) if printed[j]), 0) or 0
        after = printed[end] if end < len(items) else None
        fits = after is None or after - before - 1 == end - index
        for offset, j in enumerate(range(index, end), start=1):
            how = _between(before, after) if fits else None
            result[j] = (before + offset, how) if fits else (None, "lost")
        index = end
    return result


def _between(before: int, after: int | None) -> str:
    if after is None:
        return f"Number not printed; inferred from its place after the printed {before}."
    if before == 0:
        return f"Number not printed; inferred from its place before the printed {after}."
    return f"Number not printed; inferred from its place between the printed {before} and {after}."


def _commitment(
    code: str, item: RawItem, numbered: tuple[int | None, str | None], *, since: int
) -> Draft:
    number, how = numbered
    flags = [_flag(kind, note) for kind, note in item.flags]
    text = clean_text(item.text).rstrip(";,").strip()
    out: Draft = {"id": code, "number": number}
    if how == "lost":
        flags.append(_flag("number_lost", "Numbers are printed around this item but none fits it."))
    elif how:
        out["number_reconstructed"] = True
        out["notes"] = how
        flags.append(_flag("number_reconstructed", how))
    out |= {
        "actors": list(item.lead_in.actors),
        "lead_in": item.lead_in.text,
        "text": text,
        "targets": targets_in(text, since=since),
        "source_line": item.line,
        "flags": flags,
    }
    return out
