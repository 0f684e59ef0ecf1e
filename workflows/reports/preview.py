"""Which digest a preview shows: before a technical meeting when one is named, else the weekly."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from workflows.reports.digests import Digest, meeting_digest, weekly_digest
from workflows.reports.meetings import find_meeting


def preview_digest(session: Session, *, meeting: str | None, now: datetime) -> Digest:
    """Compile the digest of a technical meeting (its number or date), or the weekly one."""
    if meeting:
        return meeting_digest(session, find_meeting(session, meeting), now=now)
    return weekly_digest(session, now=now)
