"""Look up meetings, areas and commitments as people name them."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.areas import AreaRef, match_area, match_code
from workflows.errors import NotFound, UnknownCommitment
from workflows.store.models import Area, Commitment, Meeting

_QUALIFIED = re.compile(
    r"^\s*hlm\s*(?P<meeting>\d+)\s*[/:. ]\s*(?P<code>.+)$", re.IGNORECASE | re.ASCII
)


def current_meeting(session: Session) -> Meeting:
    """Return the meeting being followed up: the one set current, else the latest."""
    meeting = session.scalar(
        select(Meeting).order_by(Meeting.is_current.desc(), Meeting.number.desc()).limit(1)
    )
    if meeting is None:
        raise NotFound("no_conclusions")
    return meeting


def list_areas(session: Session, meeting: Meeting | None = None) -> list[Area]:
    """List a meeting's areas in document order (the current meeting by default)."""
    meeting = meeting or current_meeting(session)
    return list(
        session.scalars(select(Area).where(Area.meeting_id == meeting.id).order_by(Area.position))
    )


def find_area(session: Session, query: str, meeting: Meeting | None = None) -> Area:
    """Return the area a person means, or raise UnknownArea with suggestions."""
    areas = {area.slug: area for area in list_areas(session, meeting)}
    refs = [AreaRef(a.slug, a.title, a.position, tuple(a.aliases)) for a in areas.values()]
    return areas[match_area(query, refs).slug]


def find_commitment(session: Session, query: str) -> Commitment:
    """Return the commitment with a typed id (`gender-7`, or `hlm15/gender-7` for another meeting)."""
    qualified = _QUALIFIED.match(query)
    if qualified:
        if len(qualified["meeting"]) > 9:  # no such meeting, and more than a database integer
            raise UnknownCommitment(query)
        meeting = session.scalar(select(Meeting).where(Meeting.number == int(qualified["meeting"])))
        if meeting is None:
            raise UnknownCommitment(query)
        code_query = qualified["code"]
    else:
        meeting, code_query = current_meeting(session), query
    codes = list(
        session.scalars(select(Commitment.code).where(Commitment.meeting_id == meeting.id))
    )
    code = match_code(code_query, codes)
    return session.scalars(
        select(Commitment)
        .where(Commitment.meeting_id == meeting.id, Commitment.code == code)
        .options(selectinload(Commitment.actor_rows), selectinload(Commitment.area))
    ).one()


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
