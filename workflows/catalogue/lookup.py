"""Look up meetings, areas and commitments as people name them."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.areas import AreaRef, match_area, match_code
from workflows.errors import NotFound, UnknownArea, UnknownCommitment
from workflows.store.models import Area, Commitment, Meeting

# How people type a commitment id: `gender-4`, `gender4`, `gender 4`, `Gender-4`, `GENDER 4`,
# `gender#4`, `supply chains 3`, or `hlm15/gender-4` for another meeting's; and `5.4`, the area's
# position in the conclusions and the item's printed number.
_BY_SLUG = re.compile(
    r"^\s*(?:hlm\s*(?P<meeting>\d{1,9})\s*[/:. ]\s*)?"
    r"(?P<slug>[a-z]+(?:[\s_-]+[a-z]+)*)[\s#_-]*(?P<n>\d{1,9})\s*$",
    re.IGNORECASE | re.ASCII,
)
_MOST_ID_WORDS = 4  # `future of work 3`
_BY_NUMBERS = re.compile(
    r"^\s*(?:hlm\s*(?P<meeting>\d{1,9})\s*[/:]\s*)?(?P<area>\d{1,3})\.(?P<n>\d{1,3})\s*$",
    re.IGNORECASE | re.ASCII,
)
# The same forms inside a line of words: a slug written as one word (hyphens allowed), or the
# dotted form at the start of the line only ("GDP rose 5.4%" names no commitment).
_SLUG_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9/])(?:hlm(?P<meeting>\d{1,9})/)?(?P<slug>[A-Za-z]+(?:-[A-Za-z]+)*)[ #-]?(?P<n>\d{1,3})"
    r"(?![A-Za-z0-9%]|[.,]\d)",
    re.ASCII,
)
_NUMBERS_LEADING = re.compile(
    r"^[\s*•·>-]*(?P<area>\d{1,2})\.(?P<n>\d{1,3})(?![0-9%]|[.,]\d)", re.ASCII
)


@dataclass(frozen=True)
class CommitmentId:
    """A commitment id as typed: by area slug and item (`gender-4`), or by numbers (`5.4`)."""

    number: int  # the item: its order in the area (slug form), or its printed number (`5.4`)
    slug: str | None = None
    area_number: int | None = None
    meeting: int | None = None

    def __str__(self) -> str:
        if self.slug is None:
            code = f"{self.area_number}.{self.number}"
        else:
            code = f"{self.slug}-{self.number}"
        return code if self.meeting is None else f"hlm{self.meeting}/{code}"


@dataclass(frozen=True)
class IdMention:
    """A commitment id found in a line of words, and where (`start`, `end`)."""

    id: CommitmentId
    start: int
    end: int


def read_commitment_id(text: str) -> CommitmentId | None:
    """Read text as one commitment id in any of the forms people type, or None."""
    numbers = _BY_NUMBERS.match(text)
    if numbers:
        meeting = int(numbers["meeting"]) if numbers["meeting"] else None
        return CommitmentId(int(numbers["n"]), area_number=int(numbers["area"]), meeting=meeting)
    found = _BY_SLUG.match(text)
    if not found:
        return None
    slug = "-".join(re.split(r"[\s_-]+", found["slug"].lower()))
    meeting = int(found["meeting"]) if found["meeting"] else None
    return CommitmentId(int(found["n"]), slug=slug, meeting=meeting)


def find_commitment_ids(line: str, slugs: Collection[str]) -> list[IdMention]:
    """Find the commitment ids a line of words names, in order (`slugs`: the areas' slugs)."""
    known = {s.lower() for s in slugs}
    found = []
    leading = _NUMBERS_LEADING.match(line)
    if leading:
        ref = CommitmentId(int(leading["n"]), area_number=int(leading["area"]))
        found.append(IdMention(ref, leading.start("area"), leading.end()))
    for match in _SLUG_IN_TEXT.finditer(line):
        slug = match["slug"].lower()
        if slug in known or match["meeting"]:  # `hlm15/gender-3` names its meeting's area
            meeting = int(match["meeting"]) if match["meeting"] else None
            ref = CommitmentId(int(match["n"]), slug=slug, meeting=meeting)
            found.append(IdMention(ref, *match.span()))
    return found


def take_commitment_id(words: Sequence[str]) -> tuple[str, list[str]]:
    """Split typed words into the commitment id they start with (`gender 4`: two words) and the
    rest; when no leading words read as an id, the first word is taken as one (to be refused)."""
    for size in range(min(len(words), _MOST_ID_WORDS), 0, -1):
        typed = " ".join(words[:size])
        if is_commitment_id(typed):
            return typed, list(words[size:])
    return (words[0], list(words[1:])) if words else ("", [])


def is_commitment_id(text: str) -> bool:
    """Tell whether text reads as one commitment id (`gender 4`), not an area (`gender`)."""
    return read_commitment_id(text) is not None


def current_meeting(session: Session) -> Meeting:
    """Return the meeting being followed up: the one set current, else the latest."""
    meeting = session.scalar(
        select(Meeting).order_by(Meeting.is_current.desc(), Meeting.number.desc()).limit(1)
    )
    if meeting is None:
        raise NotFound("no_conclusions")
    return meeting


def area_slugs(session: Session) -> list[str]:
    """List every meeting's area slugs: what a commitment id in a line of words may begin with
    (an owner may still answer for an earlier meeting's item, by its short id)."""
    return list(session.scalars(select(Area.slug).distinct()))


def list_areas(session: Session, meeting: Meeting | None = None) -> list[Area]:
    """List a meeting's areas in document order (the current meeting by default)."""
    meeting = meeting or current_meeting(session)
    return list(
        session.scalars(select(Area).where(Area.meeting_id == meeting.id).order_by(Area.position))
    )


def find_area(session: Session, query: str, meeting: Meeting | None = None) -> Area:
    """Return the area a person means, or raise UnknownArea with suggestions (and, when no
    meeting was named, the newest other meeting with such an area)."""
    areas = {area.slug: area for area in list_areas(session, meeting)}
    try:
        return areas[match_area(query, _refs(areas.values())).slug]
    except UnknownArea as exc:
        named_by_number = query.strip().removeprefix("#").isdecimal()
        if named_by_number or (meeting is not None and not meeting.is_current):
            raise
        raise UnknownArea(exc.query, exc.choices, _elsewhere(session, query)) from None


def _refs(areas: Iterable[Area]) -> list[AreaRef]:
    return [AreaRef(a.slug, a.title, a.position, tuple(a.aliases)) for a in areas]


def _elsewhere(session: Session, query: str) -> int | None:
    """Return the newest meeting, other than the current one, with an area matching `query`."""
    current = current_meeting(session)
    others = session.scalars(
        select(Meeting).where(Meeting.id != current.id).order_by(Meeting.number.desc())
    )
    for other in others:
        try:
            match_area(query, _refs(list_areas(session, other)))
        except UnknownArea:
            continue
        return other.number
    return None


def find_commitment(session: Session, query: str) -> Commitment:
    """Return the commitment a typed id names (`gender-4`, `gender 4`, `5.4`, `hlm15/gender-4`)."""
    ref = read_commitment_id(query)
    meeting = _meeting_of(session, ref, query)
    commitment = _by_ref(session, meeting, ref) if ref is not None else None
    if commitment is not None:
        return commitment
    codes = session.scalars(select(Commitment.code).where(Commitment.meeting_id == meeting.id))
    try:
        code = match_code(str(ref or query), list(codes))
    except UnknownCommitment as exc:  # named as it was typed, with the closest ids
        raise UnknownCommitment(query.strip()[:60], exc.choices) from None
    return _by_code(session, meeting, code) or _gone(query)


def _meeting_of(session: Session, ref: CommitmentId | None, query: str) -> Meeting:
    if ref is None or ref.meeting is None:
        return current_meeting(session)
    meeting = session.scalar(select(Meeting).where(Meeting.number == ref.meeting))
    if meeting is None:
        raise UnknownCommitment(query)
    return meeting


def _by_ref(session: Session, meeting: Meeting, ref: CommitmentId) -> Commitment | None:
    if ref.slug is not None:
        return _by_code(session, meeting, f"{ref.slug}-{ref.number}")
    area = session.scalar(
        select(Area).where(Area.meeting_id == meeting.id, Area.position == ref.area_number)
    )
    if area is None:
        return None
    items = area_commitments(session, area)
    printed = [c for c in items if c.number == ref.number]
    # An area whose items carry no printed number is counted in order.
    counted = [c for c in items if c.position == ref.number and c.number is None]
    return next(iter(printed or counted), None)


def _by_code(session: Session, meeting: Meeting, code: str) -> Commitment | None:
    return session.scalars(
        select(Commitment)
        .where(Commitment.meeting_id == meeting.id, Commitment.code == code)
        .options(selectinload(Commitment.actor_rows), selectinload(Commitment.area))
    ).one_or_none()


def _gone(query: str) -> Commitment:
    raise UnknownCommitment(query)


def live_commitments(session: Session, areas: Sequence[Area]) -> list[Commitment]:
    """List the live commitments of some areas, as `area_commitments` does, in one query."""
    if not areas:
        return []
    position = {area.id: area.position for area in areas}
    found = session.scalars(
        select(Commitment)
        .where(Commitment.area_id.in_(position), Commitment.retired_at.is_(None))
        .options(selectinload(Commitment.actor_rows))
    )
    return sorted(found, key=lambda c: (position[c.area_id], c.position))


def area_commitments(session: Session, area: Area) -> list[Commitment]:
    """List an area's live commitments in order, with their actors loaded."""
    return list(
        session.scalars(
            select(Commitment)
            .where(Commitment.area_id == area.id, Commitment.retired_at.is_(None))
            .order_by(Commitment.position)
            .options(selectinload(Commitment.actor_rows))
        )
    )
