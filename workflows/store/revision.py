"""Know cheaply whether what status views show has changed: one row, one read.

Every unit of work that writes commitments, areas, meetings, people, assignments or updates
sets a new random token in `data_version`, in the same transaction. A reader that finds the
token it saw before knows the data is unchanged, so a status computed then still holds. The
token is random rather than counted so that a database rebuilt or restored never repeats a
token with different data behind it.

The hooks are installed on a session factory by `track_changes`, which `make_session_factory`
calls: every unit of work of the application, its scripts and its tests counts.
"""

from __future__ import annotations

import uuid
from itertools import chain
from typing import Any

from sqlalchemy import column, event, select, table, update
from sqlalchemy.orm import Session, sessionmaker

# Named, not imported: the models import the database module, which installs these hooks.
SHOWN = frozenset(
    {"meetings", "areas", "commitments", "commitment_actors", "people", "assignments", "updates"}
)
DATA_VERSION = table("data_version", column("id"), column("token"))
_BUMPED = "hlm_data_version_bumped"


def current_token(session: Session) -> str | None:
    """Return the data's current token (None in a database without one yet)."""
    return session.scalar(select(DATA_VERSION.c.token).where(DATA_VERSION.c.id == 1))


def bump(session: Session) -> None:
    """Give the data a new token (once per transaction is enough)."""
    if session.info.get(_BUMPED):
        return
    session.execute(
        update(DATA_VERSION)
        .where(DATA_VERSION.c.id == 1)  # the row migration 0005 made; without it nothing is kept
        .values(token=uuid.uuid4().hex)
        .execution_options(synchronize_session=False)
    )
    session.info[_BUMPED] = True


def track_changes(factory: sessionmaker[Session]) -> None:
    """Make every session of this factory give the data a new token when it writes."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_transaction_end", _forget)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(getattr(getattr(o, "__table__", None), "name", None) in SHOWN for o in changed):
        bump(session)


def _forget(session: Session, _transaction: Any) -> None:
    # Any end, a savepoint's too: a bump rolled back with a savepoint must be made again.
    session.info.pop(_BUMPED, None)
