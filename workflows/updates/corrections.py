"""Taking back what was recorded: an edited message corrects its updates, a deleted one and
`/hlm undo` withdraw them.

Updates are never changed or removed. A correction is a new update whose `corrects_id` names
the one it replaces (the history marks that one replaced); a withdrawn update keeps its row,
with `withdrawn_at` set, and no longer counts anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflows.errors import NotAllowed, NotFound
from workflows.store.models import Person, Update
from workflows.updates.record import replaced_among
from workflows.updates.service import author_of, message_key_prefix

# How long after recording an update `/hlm undo` may still withdraw it.
UNDO_GRACE = timedelta(minutes=15)


def message_updates(
    session: Session, *, channel: str, ts: str, author: Person | None = None
) -> list[Update]:
    """List the updates a Slack message recorded that still stand: neither replaced since nor
    withdrawn (found by their dedup keys, which all start with the message's)."""
    query = (
        select(Update)
        .where(Update.dedup_key.startswith(message_key_prefix(channel, ts), autoescape=True))
        .order_by(Update.id)
        .options(selectinload(Update.commitment))
    )
    if author is not None:
        query = query.where(Update.author_id == author.id)
    rows = list(session.scalars(query))
    replaced = replaced_among(session, rows)
    return [u for u in rows if u.id not in replaced and u.withdrawn_at is None]


def withdraw(updates: Sequence[Update], *, now: datetime) -> list[Update]:
    """Withdraw updates: they stay in the history, marked, and count no more."""
    for update in updates:
        update.withdrawn_at = now
    return list(updates)


def withdraw_message(
    session: Session, *, channel: str, ts: str, slack_user_id: str | None, now: datetime
) -> list[Update]:
    """Withdraw what a deleted Slack message recorded (its author's updates only)."""
    author = author_of(session, slack_user_id) if slack_user_id else None
    return withdraw(message_updates(session, channel=channel, ts=ts, author=author), now=now)


def undo_last(
    session: Session, *, slack_user_id: str, now: datetime, grace: timedelta = UNDO_GRACE
) -> Update:
    """Withdraw a person's last update, if it is recent enough and not withdrawn already."""
    author = author_of(session, slack_user_id)
    last = session.scalar(
        select(Update)
        .where(Update.author_id == author.id)
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(1)
        .options(selectinload(Update.commitment))
    )
    if last is None:
        raise NotFound("nothing_to_undo")
    said = {"code": last.commitment.shown_code, "minutes": int(grace.total_seconds() // 60)}
    if last.withdrawn_at is not None:
        raise NotAllowed("already_withdrawn", **said)
    if now - last.created_at > grace:
        raise NotAllowed("undo_too_late", **said)
    last.withdrawn_at = now
    return last
