"""Know cheaply whether what status views show has changed: one row, one read.

Every unit of work that writes commitments, areas, meetings, people, assignments or updates
sets a new random token in `data_version`, in the same transaction. A reader that finds the
token it saw before knows the data is unchanged, so a status computed then still holds. The
token is random rather than counted so that a database rebuilt or restored never repeats a
token with different data behind it.

The hook is on every Session, not one factory: a write from any process or script counts.
"""

from __future__ import annotations

import uuid
from itertools import chain
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from workflows.store.models import (
    Area,
    Assignment,
    Commitment,
    CommitmentActor,
    DataVersion,
    Meeting,
    Person,
    Update,
)

SHOWN = (Meeting, Area, Commitment, CommitmentActor, Person, Assignment, Update)
_BUMPED = "hlm_data_version_bumped"


def current_token(session: Session) -> str | None:
    """Return the data's current token (None in a database without one yet)."""
    return session.scalar(select(DataVersion.token).where(DataVersion.id == 1))


def bump(session: Session) -> None:
    """Give the data a new token (once per transaction is enough)."""
    if session.info.get(_BUMPED):
        return
    session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)  # the row migration 0005 made; without it nothing is kept
        .values(token=uuid.uuid4().hex)
        .execution_options(synchronize_session=False)
    )
    session.info[_BUMPED] = True


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if any(isinstance(o, SHOWN) for o in chain(session.new, session.dirty, session.deleted)):
        bump(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, _transaction: Any) -> None:
    # Any end, a savepoint's too: a bump rolled back with a savepoint must be made again.
    session.info.pop(_BUMPED, None)
