"""A joint commitment one institution marked completed is confirmed by the others.

Until every actor has completed it, `/hlm status` reads "Completed by the ILO, awaiting the
Commission's confirmation" (`workflows.updates.status.awaiting_confirmation`). The owner of each
awaited part is asked once, in a DM, per completion update: the scheduler's planner writes one
outbox row keyed `confirm:<update id>:<institution>` (the unique key makes it exactly once,
whichever process plans it). They confirm (COMPLETED for their part too) or say what remains
(their own status and words). Only that owner, or a coordinator, may answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.lookup import find_commitment
from workflows.errors import InvalidInput, NotAllowed
from workflows.store.messages import ConfirmationMessage, insert_once, message_of
from workflows.store.models import (
    Assignment,
    Commitment,
    Outbox,
    Person,
    Update,
    commitment_actors,
)
from workflows.types import Institution, OutboxKind, Role, Status, UpdateSource
from workflows.updates.record import Recorded, record_update
from workflows.updates.service import author_of
from workflows.updates.status import CommitmentStatus, commitment_statuses, updates_on

# Completions are looked for this far back at each tick: a scheduler down for a week still asks.
LOOK_BACK = timedelta(days=7)
KEY = "confirm:{update}:{institution}"
CONFIRMED = "Confirmed the {institution}'s completion"


@dataclass(frozen=True)
class ConfirmationRequest:
    """What the owner of an awaited part is asked: confirm another institution's completion."""

    slack_user_id: str
    key: str
    code: str
    number: str
    text: str
    institution: Institution  # the awaited one, theirs
    completed_by: Institution
    completed_at: datetime
    author: str | None
    words: str


def plan_confirmations(session: Session, *, now: datetime) -> list[str]:
    """Write a request to confirm for every fresh joint completion still awaited; return keys."""
    joint = session.execute(
        select(commitment_actors.c.commitment_id, commitment_actors.c.institution).where(
            commitment_actors.c.commitment_id.in_(
                select(commitment_actors.c.commitment_id)
                .group_by(commitment_actors.c.commitment_id)
                .having(func.count() > 1)
            )
        )
    ).all()
    parts = {(cid, Institution(inst)) for cid, inst in joint}
    # Only parts with a word since LOOK_BACK can hold a fresh completion: read on the latest-update
    # index, part by part, before the status of those few commitments is derived.
    recent = {cid for cid, inst, _ in session.execute(updates_on(parts, since=now - LOOK_BACK))
              if (cid, Institution(inst)) in parts}  # fmt: skip
    if not recent:
        return []
    commitments = session.scalars(
        select(Commitment)
        .where(Commitment.id.in_(recent), Commitment.retired_at.is_(None))
        .options(selectinload(Commitment.area), selectinload(Commitment.actor_rows))
    ).all()
    written = []
    for item, commitment in zip(commitment_statuses(session, commitments, now=now), commitments, strict=True):  # fmt: skip
        for update_id, institution in fresh_completions(item, since=now - LOOK_BACK):
            key = _plan_one(session, commitment.id, update_id, institution, now=now)
            written += [key] if key else []
    return written


def fresh_completions(item: CommitmentStatus, *, since: datetime) -> list[tuple[int, Institution]]:
    """List (completion update, awaited institution) pairs of a joint item, completions since."""
    done = [
        p.with_status
        for p in item.parts
        if p.institution in item.completed_by and p.with_status is not None
    ]
    return [
        (report.update_id, awaited)
        for report in done
        if report.update_id is not None and report.at >= since
        for awaited in item.awaiting
    ]


def awaited_by(item: CommitmentStatus, update: Update) -> tuple[Institution, ...]:
    """Name the institutions still to confirm a completion, if it is its part's current status."""
    part = next((p for p in item.parts if p.institution == update.institution), None)
    with_status = part.with_status if part is not None else None
    current = with_status is not None and with_status.update_id == update.id
    return item.awaiting if current and update.institution in item.completed_by else ()


def _plan_one(
    session: Session,
    commitment_id: int,
    update_id: int,
    institution: Institution,
    *,
    now: datetime,
) -> str | None:
    key = KEY.format(update=update_id, institution=institution.value)
    if session.scalar(select(Outbox.id).where(Outbox.key == key)) is not None:
        return None
    owner = part_owner(session, commitment_id, institution)
    if owner is None or not owner.active or not owner.slack_user_id:
        return None  # nobody to ask: the status says whose confirmation is awaited
    row = Outbox(key=key, kind=OutboxKind.CONFIRMATION, person_id=owner.id, due_at=now,
                 created_at=now)  # fmt: skip
    message = ConfirmationMessage(update_id=update_id, institution=institution)
    return key if insert_once(session, row, message) else None


def part_owner(session: Session, commitment_id: int, institution: Institution) -> Person | None:
    """Return the owner of one institution's part of a commitment, if it has one."""
    return session.scalar(
        select(Person)
        .join(Assignment, Assignment.person_id == Person.id)
        .where(
            Assignment.commitment_id == commitment_id,
            Assignment.institution == institution,
            Assignment.role == Role.OWNER,
        )
    )


def confirmation_request(session: Session, row: Outbox, *, now: datetime) -> ConfirmationRequest | None:  # fmt: skip
    """Say what a planned request asks, or None when nothing is awaited from its owner any more."""
    message = message_of(row)
    if not isinstance(message, ConfirmationMessage) or row.person is None:
        return None
    update = session.get(Update, message.update_id)
    if update is None or not row.person.active or not row.person.slack_user_id:
        return None
    item = commitment_statuses(session, [update.commitment], now=now)[0]
    if message.institution not in awaited_by(item, update):
        return None
    return ConfirmationRequest(
        slack_user_id=row.person.slack_user_id,
        key=item.key,
        code=item.code,
        number=item.shown_number,
        text=item.text,
        institution=message.institution,
        completed_by=update.institution,
        completed_at=update.created_at,
        author=update.author.name if update.author else None,
        words=update.text,
    )


@dataclass(frozen=True)
class Answer:
    """An owner's answer to a request to confirm: the update recorded, and the commitment."""

    recorded: Recorded
    code: str
    institution: Institution
    completed_by: tuple[Institution, ...]


def confirm_completion(
    session: Session,
    *,
    key: str,
    institution: Institution,
    slack_user_id: str,
    coordinator: bool,
    now: datetime,
) -> Answer:
    """Record the awaited institution's part as completed too, on its owner's word."""
    commitment, author, item = _awaited(session, key, institution, slack_user_id, coordinator, now)
    done = item.completed_by[0]
    recorded = record_update(
        session, commitment=commitment, author=author, status=Status.COMPLETED,
        source=UpdateSource.BUTTON, now=now, institution=institution,
        text=CONFIRMED.format(institution=done.label), coordinator=coordinator,
    )  # fmt: skip
    return Answer(recorded, commitment.shown_code, institution, item.completed_by)


def something_remains(
    session: Session,
    *,
    key: str,
    institution: Institution,
    slack_user_id: str,
    coordinator: bool,
    status: Status,
    text: str,
    request_key: str,
    now: datetime,
) -> Answer:
    """Record what remains for the awaited institution: its own status and words."""
    if status is Status.COMPLETED:
        raise InvalidInput("remains_not_completed")
    commitment, author, item = _awaited(session, key, institution, slack_user_id, coordinator, now)
    recorded = record_update(
        session, commitment=commitment, author=author, status=status, source=UpdateSource.MODAL,
        now=now, institution=institution, text=text, coordinator=coordinator,
        dedup_key=f"remains:{request_key}",
    )  # fmt: skip
    return Answer(recorded, commitment.shown_code, institution, item.completed_by)


def _awaited(
    session: Session,
    key: str,
    institution: Institution,
    slack_user_id: str,
    coordinator: bool,
    now: datetime,
) -> tuple[Commitment, Person, CommitmentStatus]:
    """Check that the answer is still awaited, and that this person may give it."""
    commitment = find_commitment(session, key)
    author = author_of(session, slack_user_id)
    coordinator = coordinator or author.is_coordinator
    owner = part_owner(session, commitment.id, institution)
    if not coordinator and (owner is None or owner.id != author.id):
        raise NotAllowed("not_awaited_owner", code=commitment.shown_code, institution=institution)
    item = commitment_statuses(session, [commitment], now=now)[0]
    if institution not in item.awaiting:
        raise InvalidInput(
            "nothing_to_confirm", code=commitment.shown_code, institution=institution
        )
    return commitment, author, item
