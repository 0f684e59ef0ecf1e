"""Words an owner writes in a check-in thread: read as a status and a note, and recorded
through `workflows.updates.service` once it is known which commitment they are about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.checkins.prompts import prompt_at, prompt_items
from workflows.errors import InvalidInput, NotAllowed
from workflows.store.models import Checkin, Person, ThreadReply
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.record import MAX_TEXT, Recorded
from workflows.updates.service import RecordUpdate, author_of, record


@dataclass(frozen=True)
class ThreadOutcome:
    """What became of words in a check-in thread."""

    reply: ThreadReply | None
    answer: Recorded | None = None
    choices: tuple[tuple[str, Institution], ...] = ()
    repeated: bool = False  # the same Slack event delivered again: already handled


# "on track: workshop held" or "blocked - no funds": a status, then a colon or a dash. "Ok, I will
# check" is not a status report, so a comma or full stop after the first words does not count.
_STATUS_LEAD = re.compile(
    r"^\s*(?P<status>[a-z][a-z _-]{1,20}?)(\s*:|\s+[–—-])\s+(?P<rest>.+)$", re.I | re.S
)


def split_status(text: str) -> tuple[Status | None, str]:
    """Read a status said first ("on track: workshop held"), else keep the words as a note."""
    match = _STATUS_LEAD.match(text)
    if match:
        try:
            return Status.parse(match["status"]), match["rest"].strip()
        except ValueError:
            pass
    try:
        return Status.parse(text.strip().rstrip(".!")), ""
    except ValueError:
        return None, text.strip()


def take_thread_reply(
    session: Session,
    *,
    channel: str,
    ts: str,
    thread_ts: str,
    slack_user_id: str,
    text: str,
    now: datetime,
) -> ThreadOutcome:
    """Record words written under a check-in, or keep them and ask which commitment they are about."""
    prompt = prompt_at(session, channel=channel, ts=thread_ts)
    if prompt is None or not text.strip():
        return ThreadOutcome(None)
    if prompt.person.slack_user_id != slack_user_id:  # only its owner answers a check-in
        raise NotAllowed("not_your_checkin")
    if len(text) > MAX_TEXT:  # refused before it is kept, whichever commitment it is about
        raise InvalidInput("reply_too_long", length=len(text), limit=MAX_TEXT)
    seen = session.scalar(
        select(ThreadReply).where(ThreadReply.channel == channel, ThreadReply.ts == ts)
    )
    if seen is not None:  # the same Slack event delivered again
        return ThreadOutcome(seen, repeated=True)
    author = author_of(session, slack_user_id)
    reply = ThreadReply(
        person_id=author.id, checkin_id=prompt.id, channel=channel, ts=ts, text=text, created_at=now
    )
    session.add(reply)
    session.flush()
    items = prompt_items(prompt)
    if len(items) != 1:
        return ThreadOutcome(reply, choices=tuple(items))
    return ThreadOutcome(reply, _answer_reply(session, reply, author, items[0], now))


def resolve_thread_reply(
    session: Session,
    *,
    channel: str,
    ts: str,
    key: str,
    institution: Institution,
    slack_user_id: str,
    now: datetime,
) -> ThreadOutcome:
    """Record a kept thread reply against the commitment its author picked (its author only)."""
    reply = session.scalar(
        select(ThreadReply).where(ThreadReply.channel == channel, ThreadReply.ts == ts)
    )
    if reply is None:
        raise NotAllowed("reply_gone")
    author = session.get_one(Person, reply.person_id)
    if author.slack_user_id != slack_user_id:
        raise NotAllowed("not_your_reply")
    if (key, institution) not in prompt_items(session.get_one(Checkin, reply.checkin_id)):
        raise NotAllowed("not_in_checkin")
    return ThreadOutcome(reply, _answer_reply(session, reply, author, (key, institution), now))


def _answer_reply(
    session: Session,
    reply: ThreadReply,
    author: Person,
    item: tuple[str, Institution],
    now: datetime,
) -> Recorded:
    status, words = split_status(reply.text)
    command = RecordUpdate(
        commitment=item[0],
        institution=item[1],
        author_id=author.id,
        status=status,
        source=UpdateSource.THREAD,
        checkin_id=reply.checkin_id,
        text=words,
        # The reply is kept once per Slack message, so its row stands for the message.
        request_key=str(reply.id),
    )
    recorded = record(session, command, now=now)
    reply.update_id = recorded.update.id
    return recorded
