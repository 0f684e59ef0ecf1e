"""Record what owners report. Updates are only ever added; a correction is a new update."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.meetings import history_ids
from workflows.errors import InvalidInput, InvalidInstitution, NotAllowed
from workflows.store.models import Assignment, Commitment, Person, Update
from workflows.types import Institution, Status, UpdateSource

MAX_TEXT = 3000
MAX_LINKS = 10
HISTORY_LIMIT = 50
_URL = re.compile(r"^https?://[^\s<>|]+$")


@dataclass(frozen=True)
class Recorded:
    """An update, whether this call wrote it (False: the same delivery was seen before), and the
    check-in it answered, to show it there."""

    update: Update
    created: bool
    checkin_id: int | None = None


def record_update(
    session: Session,
    *,
    commitment: Commitment,
    author: Person,
    status: Status | None,
    source: UpdateSource,
    now: datetime,
    institution: Institution | None = None,
    text: str = "",
    next_step: str = "",
    evidence: Sequence[str] = (),
    dedup_key: str | None = None,
    corrects: Update | None = None,
    late: bool = False,
    checkin_id: int | None = None,
    coordinator: bool = False,
) -> Recorded:
    """Record one report on a commitment for one institution, once per dedup key."""
    if dedup_key:
        seen = session.scalar(select(Update).where(Update.dedup_key == dedup_key))
        if seen is not None:
            return Recorded(seen, created=False)
    institution = reporting_institution(
        session, commitment, author, institution, coordinator=coordinator
    )
    # "Nothing changed" on a part that never had a status confirms it as it is: no words needed.
    if status is None and not text.strip() and source is not UpdateSource.CONFIRMED:
        raise InvalidInput("empty_update")
    update = Update(
        commitment_id=commitment.id,
        institution=institution,
        author_id=author.id,
        status=status,
        text=check_text(text, "text"),
        next_step=check_text(next_step, "next_step"),
        evidence=check_links(evidence),
        source=source,
        dedup_key=dedup_key,
        corrects_id=corrects.id if corrects else None,
        late=late,
        checkin_id=checkin_id,
        created_at=now,
    )
    return _insert_once(session, update)


def _insert_once(session: Session, update: Update) -> Recorded:
    # Two deliveries of one Slack event may race past the look-up above in two processes;
    # the unique dedup key lets exactly one insert win, and the other reads the winner.
    try:
        with session.begin_nested():
            session.add(update)
    except IntegrityError:
        if update.dedup_key is None:
            raise
        winner = session.scalars(select(Update).where(Update.dedup_key == update.dedup_key)).one()
        return Recorded(winner, created=False)
    return Recorded(update, created=True)


def reporting_institution(
    session: Session,
    commitment: Commitment,
    author: Person,
    wanted: Institution | None,
    *,
    coordinator: bool = False,
) -> Institution:
    """Decide for which institution an author reports, and check they may.

    `coordinator` says the author coordinates by configuration (HLM_COORDINATORS), whatever
    their record says.
    """
    owned = _owned_institutions(session, commitment, author)
    coordinator = coordinator or author.is_coordinator
    if wanted is not None:
        if wanted not in commitment.actors:
            raise InvalidInstitution("not_an_actor", code=commitment.shown_code, institution=wanted)
        if wanted in owned or coordinator:
            return wanted
        raise NotAllowed("not_an_owner", code=commitment.shown_code, institution=wanted)
    if len(owned) == 1:
        return owned[0]
    if author.institution in commitment.actors and (coordinator or owned):
        return author.institution
    if owned:
        raise InvalidInstitution("several_institutions", code=commitment.shown_code, owned=owned)
    if coordinator and len(commitment.actors) == 1:
        return commitment.actors[0]
    raise NotAllowed("not_an_owner", code=commitment.shown_code, institution=author.institution)


def _owned_institutions(
    session: Session, commitment: Commitment, author: Person
) -> list[Institution]:
    rows = session.scalars(
        select(Assignment.institution).where(
            Assignment.commitment_id == commitment.id, Assignment.person_id == author.id
        )
    )
    return sorted(set(rows), key=list(Institution).index)


def check_text(text: str, field: str) -> str:
    """Return text trimmed, or refuse text longer than Slack lets us show."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput("text_too_long", field=field, length=len(text), limit=MAX_TEXT)
    return text


def check_links(links: Sequence[str]) -> list[str]:
    """Return evidence links if they are web addresses, or refuse them."""
    links = [link.strip() for link in links if link.strip()]
    bad = [link for link in links if not _URL.match(link)]
    if bad:
        raise InvalidInput("not_a_link", link=bad[0][:80])
    if len(links) > MAX_LINKS:
        raise InvalidInput("too_many_links", limit=MAX_LINKS)
    return links


@dataclass(frozen=True)
class History:
    """A commitment's latest updates, newest first, how many it has in all, and which of them
    a later update corrects."""

    updates: list[Update]
    total: int
    replaced: frozenset[int] = frozenset()

    def mark(self, update: Update) -> str | None:
        """Say why an update no longer counts ("withdrawn", "replaced"), or None: it counts."""
        if update.withdrawn_at is not None:
            return WITHDRAWN
        return REPLACED if update.id in self.replaced else None


WITHDRAWN, REPLACED = "withdrawn", "replaced"


def history(session: Session, commitment: Commitment, *, limit: int = HISTORY_LIMIT) -> History:
    """List a commitment's latest updates, newest first, with those of the earlier commitments
    it continues (carried over from an earlier meeting); count them all, and find which of them
    were replaced."""
    ids = history_ids(session, commitment.id)
    updates = list(
        session.scalars(
            select(Update)
            .where(Update.commitment_id.in_(ids))
            .order_by(Update.created_at.desc(), Update.id.desc())
            .limit(limit)
            .options(selectinload(Update.author))
        )
    )
    replaced = replaced_among(session, updates)
    if len(updates) < limit:  # the whole history fitted: nothing more to count
        return History(updates, len(updates), replaced)
    total = session.scalar(
        select(func.count()).select_from(Update).where(Update.commitment_id.in_(ids))
    )
    return History(updates, total or 0, replaced)


def replaced_among(session: Session, updates: Sequence[Update]) -> frozenset[int]:
    """Return the ids of those updates that a later update corrects (one query)."""
    ids = [u.id for u in updates]
    if not ids:
        return frozenset()
    # Narrowed by commitment first: ix_updates_latest leads with it, corrects_id has no index.
    rows = session.scalars(
        select(Update.corrects_id).where(
            Update.commitment_id.in_({u.commitment_id for u in updates}),
            Update.corrects_id.in_(ids),
        )
    )
    return frozenset(i for i in rows if i is not None)
