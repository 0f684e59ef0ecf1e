"""One way to record an update, whichever surface it came from.

A status button, the details modal, a reply in a check-in thread and `/hlm update` all build a
`RecordUpdate` and hand it to `record`. An answer within its check-in's cycle is recorded against
the check-in (so the check-in can show it, and a second answer corrects the first); an answer
after the cycle closed is recorded and marked late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_day
from workflows.catalogue.lookup import find_commitment
from workflows.errors import NotFound, UnknownAuthor
from workflows.people.directory import person_by_slack_id
from workflows.store.models import Checkin, Commitment, Person, Update
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.record import Recorded, record_update

# What the dedup key of an update from each surface starts with. The same request delivered
# twice (a retried command, a modal submitted again, a thread reply seen twice) has the same key.
_KEY_PREFIX = {
    UpdateSource.COMMAND: "command",
    UpdateSource.MODAL: "view",
    UpdateSource.THREAD: "thread",
    UpdateSource.BUTTON: "btn",
    UpdateSource.CLI: "cli",
    UpdateSource.CONFIRMED: "confirmed",
}


@dataclass(frozen=True)
class RecordUpdate:
    """A report on one commitment part, as any surface asks for it.

    `author_slack_id` or `author_id` says who reports. `request_key` is an opaque id the edge
    gives for the request (a trigger id, a view id, a message): the same key twice is one
    update. `coordinator` says the author coordinates by configuration, whatever their record.
    """

    commitment: str
    status: Status | None
    source: UpdateSource
    author_slack_id: str | None = None
    author_id: int | None = None
    institution: Institution | None = None
    text: str = ""
    next_step: str = ""
    evidence: tuple[str, ...] = ()
    checkin_id: int | None = None
    request_key: str | None = None
    coordinator: bool = False


def record(session: Session, command: RecordUpdate, *, now: datetime) -> Recorded:
    """Record one report on a commitment part, against its check-in when there is one."""
    author = _author(session, command)
    commitment = find_commitment(session, command.commitment)
    checkin = _checkin(session, command.checkin_id)
    checkin_id = checkin.id if checkin is not None else None
    previous = _latest_in(session, checkin, commitment, command.institution)
    clicked_again = previous is not None and previous.status == command.status  # (button)
    if command.source is UpdateSource.BUTTON and previous is not None and clicked_again:
        # A double click, or the same click delivered twice: the answer is already there.
        return Recorded(previous, created=False, checkin_id=checkin_id)
    # The cycle closes at the end of the owner's own day, in their time zone.
    late = checkin is not None and local_day(now, author.tz or "UTC") > checkin.closes_on
    recorded = record_update(
        session,
        commitment=commitment,
        author=author,
        status=command.status,
        source=command.source,
        now=now,
        institution=command.institution,
        text=command.text,
        next_step=command.next_step,
        evidence=command.evidence,
        dedup_key=dedup_key(command, commitment=commitment, previous=previous),
        corrects=previous if not late else None,
        late=late,
        checkin_id=checkin_id,
        coordinator=command.coordinator,
    )
    return Recorded(recorded.update, recorded.created, checkin_id=checkin_id)


def dedup_key(
    command: RecordUpdate, *, commitment: Commitment, previous: Update | None
) -> str | None:
    """Derive the key that makes one request one update (None: every request is new)."""
    prefix = _KEY_PREFIX[command.source]
    if command.source is UpdateSource.BUTTON:
        if command.checkin_id is None:
            return None
        # Two clicks racing (in two processes) read the same previous answer, so they build the
        # same key and the unique index lets one through; a later change of mind follows a
        # different previous answer, so it gets a key of its own.
        after = previous.id if previous is not None else 0
        return (
            f"{prefix}:{command.checkin_id}:{commitment.key}:{command.institution}:"
            f"{command.status}:after:{after}"
        )
    return f"{prefix}:{command.request_key}" if command.request_key else None


def _checkin(session: Session, checkin_id: int | None) -> Checkin | None:
    if checkin_id is None:
        return None
    checkin = session.get(Checkin, checkin_id)
    if checkin is None:
        raise NotFound("checkin_gone", checkin_id=checkin_id)
    return checkin


def author_of(session: Session, slack_user_id: str) -> Person:
    """Return the person behind a Slack user id, or raise UnknownAuthor."""
    person = person_by_slack_id(session, slack_user_id)
    if person is None:
        raise UnknownAuthor(slack_user_id)
    return person


def _author(session: Session, command: RecordUpdate) -> Person:
    if command.author_id is not None:
        return session.get_one(Person, command.author_id)
    return author_of(session, command.author_slack_id or "")


def _latest_in(
    session: Session,
    checkin: Checkin | None,
    commitment: Commitment,
    institution: Institution | None,
) -> Update | None:
    if checkin is None:
        return None
    query = select(Update).where(
        Update.checkin_id == checkin.id, Update.commitment_id == commitment.id
    )
    if institution is not None:
        query = query.where(Update.institution == institution)
    return session.scalar(query.order_by(Update.created_at.desc(), Update.id.desc()).limit(1))
