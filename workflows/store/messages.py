"""What each kind of outbox message says, as typed models of the row's JSON `payload`.

Rows are read with `message_of` and written with `write`: nowhere else touches `payload`. A
check-in says nothing here: what it asks is its `Checkin` record (`row.checkin`); a reminder
names the cycle's first check-in, the message it is posted under.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows.store.models import Outbox
from workflows.types import Institution, OutboxKind, Trouble


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class CheckinMessage(_Message):
    """A check-in or reminder: the `Checkin` the row points at says what it asks."""

    type: Literal["checkin"] = "checkin"


class ReminderMessage(_Message):
    """A reminder: one line under the cycle's first check-in (`checkin_id`; None when there was
    none), which is refreshed to show what is still open."""

    type: Literal["reminder"] = "reminder"
    checkin_id: int | None = None


class DigestMessage(_Message):
    """A digest: the weekly one, or the one before a technical meeting."""

    type: Literal["digest"] = "digest"
    meeting_id: int | None = None


class SilentOwner(_Message):
    """Tell the coordinators an owner has not answered for several cycles."""

    type: Literal["silent"] = "silent"


class CoordinatorEscalation(_Message):
    """A coordinator's escalation of the day: to whom, and what it is about (`subjects`: silent
    owners as `silent:<person id>:<cycle>`, parts nobody answers for as
    `unanswered:<commitment id>:<institution>`)."""

    type: Literal["batch"] = "batch"
    coordinator: str
    subjects: tuple[str, ...] = ()


class DepartedOwner(_Message):
    """Tell the coordinators an owner has left Slack and their commitments need a new owner."""

    type: Literal["departed"] = "departed"
    reason: str = "gone"


class GivenUp(_Message):
    """A message the bot gave up sending: what it was, to whom, and why."""

    row: int
    kind: OutboxKind
    person_id: int | None = None
    meeting_id: int | None = None
    attempts: int
    cause: str
    trouble: Trouble | None = None


class Undelivered(_Message):
    """Tell the coordinators which messages were given up on (`carried`: how often this word
    itself could not be delivered and was kept for a later one)."""

    type: Literal["undelivered"] = "undelivered"
    entries: tuple[GivenUp, ...]
    carried: int = 0


class ConfirmationMessage(_Message):
    """Ask the owner of an institution's part to confirm another's completion (`update_id`)."""

    type: Literal["confirmation"] = "confirmation"
    update_id: int
    institution: Institution


OutboxMessage = Annotated[
    CheckinMessage
    | ReminderMessage
    | DigestMessage
    | SilentOwner
    | CoordinatorEscalation
    | DepartedOwner
    | Undelivered
    | ConfirmationMessage,
    Field(discriminator="type"),
]
_ADAPTER: TypeAdapter[OutboxMessage] = TypeAdapter(OutboxMessage)
# What a row of each kind may say.
KINDS: dict[OutboxKind, tuple[type[_Message], ...]] = {
    OutboxKind.CHECKIN: (CheckinMessage,),
    OutboxKind.REMINDER: (ReminderMessage, CheckinMessage),  # (rows written before reminders
    # went under their check-in say CheckinMessage)
    OutboxKind.DIGEST: (DigestMessage,),
    OutboxKind.ESCALATION: (SilentOwner, CoordinatorEscalation, DepartedOwner, Undelivered),
    OutboxKind.CONFIRMATION: (ConfirmationMessage,),
}


# What a row written without a message says.
_SAYS_NOTHING = {
    OutboxKind.CHECKIN: "checkin",
    OutboxKind.REMINDER: "checkin",
    OutboxKind.DIGEST: "digest",
    OutboxKind.ESCALATION: "silent",
}


def message_of(row: Outbox) -> OutboxMessage:
    """Read what an outbox row says (a row that says nothing says its kind's first message)."""
    return _ADAPTER.validate_python(row.payload or {"type": _SAYS_NOTHING[row.kind]})


def write(row: Outbox, message: OutboxMessage) -> None:
    """Store what an outbox row says (its kind decides which messages fit)."""
    if not isinstance(message, KINDS[row.kind]):
        raise TypeError(f"a {row.kind} row cannot say {type(message).__name__}")
    row.payload = message.model_dump(mode="json")


def insert_once(session: Session, row: Outbox, message: OutboxMessage) -> bool:
    """Add an outbox row saying `message` unless a row has its key; False when one has (already
    there, or written by another scheduler a moment ago)."""
    if session.scalar(select(Outbox.id).where(Outbox.key == row.key)) is not None:
        return False
    write(row, message)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True
