"""Answers to check-ins: a status button, the details modal, or words in the DM thread.

An answer within the cycle is recorded against its prompt (so the prompt can show it, and a
second answer corrects the first); an answer after the cycle closed is recorded and marked late.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.catalogue.lookup import find_commitment
from workflows.checkins.prompts import closes_on, find_prompt, prompt_at, prompt_items
from workflows.delivery.schedule import local_day
from workflows.errors import InvalidInput, NotAllowed
from workflows.people.directory import person_by_slack_id
from workflows.store.models import Commitment, Outbox, Person, ThreadReply, Update
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.record import MAX_TEXT, Recorded, record_update

TOO_LONG_REPLY = (
    "Your reply is {length:,} characters long, over the limit of {limit:,}, so nothing was "
    "recorded. Please write it again, shorter (add details with the check-in's button)."
)
UNKNOWN_AUTHOR = (
    "I don't know you yet, so I can't record this. Ask a coordinator to add you as an owner."
)


@dataclass(frozen=True)
class Answer:
    """What an answer recorded, and the prompt to refresh."""

    recorded: Recorded
    prompt_id: int | None
    late: bool


def author_of(session: Session, slack_user_id: str) -> Person:
    """Return the person behind a Slack user id, or refuse."""
    person = person_by_slack_id(session, slack_user_id)
    if person is None:
        raise NotAllowed(UNKNOWN_AUTHOR)
    return person


def record_answer(
    session: Session,
    *,
    key: str,
    institution: Institution | None,
    author: Person,
    status: Status | None,
    source: UpdateSource,
    now: datetime,
    prompt_id: int | None = None,
    text: str = "",
    evidence: Sequence[str] = (),
    next_step: str = "",
    dedup_key: str | None = None,
) -> Answer:
    """Record an owner's answer on one commitment part, against its prompt when there is one."""
    commitment = find_commitment(session, key)
    prompt = find_prompt(session, prompt_id) if prompt_id else None
    previous = _latest_in_prompt(session, prompt, commitment, institution)
    if source is UpdateSource.BUTTON and previous is not None and previous.status == status:
        # A double click, or the same click delivered twice: the answer is already there.
        return Answer(
            Recorded(previous, created=False), prompt.id if prompt else None, previous.late
        )
    # The cycle closes at the end of the owner's own day, in their time zone.
    late = prompt is not None and local_day(now, author.tz or "UTC") > closes_on(prompt)
    if source is UpdateSource.BUTTON and prompt is not None:
        # Two clicks racing (in two processes) read the same previous answer, so they build the
        # same key and the unique index lets one through; a later change of mind follows a
        # different previous answer, so it gets a key of its own.
        after = previous.id if previous is not None else 0
        dedup_key = f"btn:{prompt.id}:{commitment.key}:{institution}:{status}:after:{after}"
    recorded = record_update(
        session,
        commitment=commitment,
        author=author,
        status=status,
        source=source,
        now=now,
        institution=institution,
        text=text,
        next_step=next_step,
        evidence=evidence,
        dedup_key=dedup_key,
        corrects=previous if not late else None,
        late=late,
        prompt_id=prompt.id if prompt else None,
    )
    return Answer(recorded, prompt.id if prompt else None, late)


def _latest_in_prompt(
    session: Session, prompt: Outbox | None, commitment: Commitment, institution: Institution | None
) -> Update | None:
    if prompt is None:
        return None
    query = select(Update).where(
        Update.prompt_id == prompt.id, Update.commitment_id == commitment.id
    )
    if institution is not None:
        query = query.where(Update.institution == institution)
    return session.scalar(query.order_by(Update.created_at.desc(), Update.id.desc()).limit(1))


@dataclass(frozen=True)
class ThreadOutcome:
    """What became of words in a check-in thread."""

    reply: ThreadReply | None
    answer: Answer | None = None
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
    if len(text) > MAX_TEXT:  # refused before it is kept, whichever commitment it is about
        raise InvalidInput(TOO_LONG_REPLY.format(length=len(text), limit=MAX_TEXT))
    seen = session.scalar(
        select(ThreadReply).where(ThreadReply.channel == channel, ThreadReply.ts == ts)
    )
    if seen is not None:  # the same Slack event delivered again
        return ThreadOutcome(seen, repeated=True)
    author = author_of(session, slack_user_id)
    reply = ThreadReply(
        person_id=author.id, prompt_id=prompt.id, channel=channel, ts=ts, text=text, created_at=now
    )
    session.add(reply)
    session.flush()
    items = prompt_items(prompt)
    if len(items) != 1:
        return ThreadOutcome(reply, choices=tuple(items))
    return ThreadOutcome(reply, _answer_reply(session, reply, author, items[0], now))


def resolve_thread_reply(
    session: Session, *, channel: str, ts: str, key: str, institution: Institution, now: datetime
) -> ThreadOutcome:
    """Record a kept thread reply against the commitment its author picked."""
    reply = session.scalar(
        select(ThreadReply).where(ThreadReply.channel == channel, ThreadReply.ts == ts)
    )
    if reply is None:
        raise NotAllowed("I can't find that reply any more. Please write it again in the thread.")
    author = session.get_one(Person, reply.person_id)
    return ThreadOutcome(reply, _answer_reply(session, reply, author, (key, institution), now))


def _answer_reply(
    session: Session,
    reply: ThreadReply,
    author: Person,
    item: tuple[str, Institution],
    now: datetime,
) -> Answer:
    status, words = split_status(reply.text)
    answer = record_answer(
        session,
        key=item[0],
        institution=item[1],
        author=author,
        status=status,
        source=UpdateSource.THREAD,
        now=now,
        prompt_id=reply.prompt_id,
        text=words,
        dedup_key=f"thread:{reply.channel}:{reply.ts}",
    )
    reply.update_id = answer.recorded.update.id
    return answer
