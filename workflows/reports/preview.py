"""Which digest a preview shows: before a technical meeting when one is named, else the weekly
(of the current meeting's conclusions, or of another meeting's named like `hlm15`)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from workflows.catalogue.meetings import find_meeting as find_conclusions
from workflows.reports.digests import Digest, meeting_digest, weekly_digest
from workflows.reports.meetings import find_meeting

CONCLUSIONS = re.compile(r"\s*hlm[\s-]*\d+\s*", re.IGNORECASE | re.ASCII)


def names_conclusions(ref: str) -> bool:
    """Tell whether a reference names a High Level Meeting (`hlm15`), not a technical one."""
    return CONCLUSIONS.fullmatch(ref) is not None


def preview_digest(session: Session, *, meeting: str | None, now: datetime) -> Digest:
    """Compile the digest of a technical meeting (its number or date), or the weekly one (of
    the conclusions named like `hlm15`, the current meeting's by default)."""
    if meeting and names_conclusions(meeting):
        return weekly_digest(session, now=now, conclusions=find_conclusions(session, meeting))
    if meeting:
        return meeting_digest(session, find_meeting(session, meeting), now=now)
    return weekly_digest(session, now=now)
