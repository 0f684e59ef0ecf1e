"""Words an owner writes in the bot's DM, in a check-in's thread or not: read line by line as
the commitments they name (`gender-4 at risk: tender delayed`), a status and a note, and
recorded through `workflows.updates.service`; words naming no commitment are kept until their
author says which one they are about.

Each update a message records has a dedup key made of the message (channel and ts) and the
line that named its commitment (`service.message_request_key`), so that an edit or a deletion
of the message finds what it recorded (`workflows.updates.corrections`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import local_day
from workflows.catalogue.lookup import (
    CommitmentId,
    area_slugs,
    find_commitment,
    read_commitment_id,
)
from workflows.checkins.prompts import prompt_at, prompt_items
from workflows.checkins.reading import Said, read_lines, split_status
from workflows.errors import HlmError, InvalidInput, NotAllowed
from workflows.store.models import Checkin, Commitment, Person, ThreadReply, Update
from workflows.types import Institution, UpdateSource
from workflows.updates.corrections import message_updates, withdraw
from workflows.updates.record import MAX_TEXT, Recorded
from workflows.updates.service import RecordUpdate, author_of, message_request_key, record


def resolve_thread_reply(
    session: Session,
    *,
    channel: str,
    ts: str,
    key: str,
    institution: Institution,
    slack_user_id: str,
    now: datetime,
) -> DmOutcome:
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
    answer = _answer_reply(session, reply, author, (key, institution), now)
    return DmOutcome(reply=reply, answer=answer, checkin_id=reply.checkin_id)


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
        # The message and its first line: an edit or a deletion of the message finds it.
        request_key=message_request_key(reply.channel, reply.ts),
    )
    recorded = record(session, command, now=now)
    reply.update_id = recorded.update.id
    return recorded


# --- Words anywhere in the DM, line by line -------------------------------------------------


@dataclass(frozen=True)
class LineOutcome:
    """What became of one commitment a message named: recorded, or refused and why."""

    named: str
    recorded: Recorded | None = None
    refused: HlmError | None = None


@dataclass(frozen=True)
class DmOutcome:
    """What became of words in the DM.

    `lines`: one outcome per commitment named. Naming none, the words are kept (`reply`) to
    ask which part of `checkin` they are about (`choices`), or, with no check-in to ask about,
    `unnamed` says so. `repeated`: the same Slack event again, already handled.
    """

    lines: tuple[LineOutcome, ...] = ()
    reply: ThreadReply | None = None
    answer: Recorded | None = None  # words naming none, under a check-in of one part
    choices: tuple[tuple[str, Institution], ...] = ()
    checkin_id: int | None = None
    unnamed: bool = False
    repeated: bool = False


def take_dm_words(
    session: Session,
    *,
    channel: str,
    ts: str,
    thread_ts: str | None,
    slack_user_id: str,
    text: str,
    now: datetime,
) -> DmOutcome:
    """Record what a message in the DM says about the commitments it names, against the
    check-in it answers (its thread's, else the writer's latest open one); or keep words
    naming none and ask which part of that check-in they are about."""
    if not text.strip():
        return DmOutcome()
    if len(text) > MAX_TEXT:  # refused before it is kept, whichever commitment it is about
        raise InvalidInput("reply_too_long", length=len(text), limit=MAX_TEXT)
    author = author_of(session, slack_user_id)
    checkin = checkin_answered(session, author, channel=channel, thread_ts=thread_ts, now=now)
    said = read_lines(text, area_slugs(session))
    if not said:
        return _keep_to_pick(session, author, checkin, channel=channel, ts=ts, text=text, now=now)
    lines = tuple(
        record_said(session, item, author=author, checkin=checkin, channel=channel, ts=ts, now=now)
        for item in said
    )
    repeated = all(o.refused is None and not _created(o) for o in lines)
    return DmOutcome(lines, checkin_id=checkin.id if checkin else None, repeated=repeated)


def _created(outcome: LineOutcome) -> bool:
    return outcome.recorded is not None and outcome.recorded.created


def checkin_answered(
    session: Session, author: Person, *, channel: str, thread_ts: str | None, now: datetime
) -> Checkin | None:
    """Return the check-in words answer: the one whose thread they are in, else the writer's
    latest check-in still open (None: the words are recorded without one)."""
    if thread_ts is not None:
        prompt = prompt_at(session, channel=channel, ts=thread_ts)
        if prompt is not None:
            if prompt.person_id != author.id:  # only its owner answers a check-in
                raise NotAllowed("not_your_checkin")
            return prompt
    return session.scalar(
        select(Checkin)
        .where(
            Checkin.person_id == author.id,
            Checkin.closes_on >= local_day(now, author.tz or "UTC"),
        )
        .order_by(Checkin.created_at.desc(), Checkin.id.desc())
        .limit(1)
    )


def record_said(
    session: Session,
    said: Said,
    *,
    author: Person,
    checkin: Checkin | None,
    channel: str,
    ts: str,
    now: datetime,
    edited: str | None = None,
    corrects_id: int | None = None,
) -> LineOutcome:
    """Record what one line said about a commitment, or say why not (nothing else undone)."""
    try:
        with session.begin_nested():  # a refused line leaves the others recorded
            commitment = _asked_in(session, said, checkin) or find_commitment(session, str(said.id))
            asked = [i for k, i in prompt_items(checkin) if k == commitment.key] if checkin else []
            command = RecordUpdate(
                commitment=commitment.key,
                status=said.status,
                source=UpdateSource.THREAD,
                author_id=author.id,
                institution=asked[0] if len(asked) == 1 else None,
                text=said.text,
                checkin_id=checkin.id if checkin is not None and asked else None,
                request_key=message_request_key(channel, ts, said.line, edited=edited),
                corrects_id=corrects_id,
            )
            return LineOutcome(said.named, recorded=record(session, command, now=now))
    except HlmError as exc:
        return LineOutcome(said.named, refused=exc)


def _asked_in(session: Session, said: Said, checkin: Checkin | None) -> Commitment | None:
    """Return the commitment of the check-in a short id names (`gender-3` there may be an
    earlier meeting's, asked before or after the current meeting changed), if it names one."""
    if checkin is None or said.id.meeting is not None or said.id.slug is None:
        return None
    code = f"{said.id.slug}-{said.id.number}"
    keys = [key for key, _ in prompt_items(checkin) if key.partition("/")[2] == code]
    return find_commitment(session, keys[0]) if len(set(keys)) == 1 else None


def _keep_to_pick(
    session: Session,
    author: Person,
    checkin: Checkin | None,
    *,
    channel: str,
    ts: str,
    text: str,
    now: datetime,
) -> DmOutcome:
    if checkin is None:
        return DmOutcome(unnamed=True)
    seen = session.scalar(
        select(ThreadReply).where(ThreadReply.channel == channel, ThreadReply.ts == ts)
    )
    if seen is not None:  # the same Slack event delivered again
        return DmOutcome(reply=seen, checkin_id=checkin.id, repeated=True)
    reply = ThreadReply(
        person_id=author.id,
        checkin_id=checkin.id,
        channel=channel,
        ts=ts,
        text=text,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    items = prompt_items(checkin)
    if len(items) == 1:
        answer = _answer_reply(session, reply, author, items[0], now)
        return DmOutcome(reply=reply, answer=answer, checkin_id=checkin.id)
    return DmOutcome(reply=reply, choices=tuple(items), checkin_id=checkin.id)


@dataclass(frozen=True)
class EditOutcome:
    """What an edited message changed: corrections recorded (or refused), updates withdrawn
    because the message no longer names their commitment."""

    lines: tuple[LineOutcome, ...] = ()
    withdrawn: tuple[Update, ...] = ()


def correct_dm_words(
    session: Session,
    *,
    channel: str,
    ts: str,
    edited: str,
    thread_ts: str | None,
    slack_user_id: str,
    text: str,
    now: datetime,
) -> EditOutcome:
    """Correct what an edited message recorded: each commitment it still names gets a new
    update replacing the old (when what is said changed), a commitment it no longer names has
    its update withdrawn. Words still awaiting a pick take the new text."""
    if len(text) > MAX_TEXT:
        raise InvalidInput("reply_too_long", length=len(text), limit=MAX_TEXT)
    author = author_of(session, slack_user_id)
    standing = message_updates(session, channel=channel, ts=ts, author=author)
    said = read_lines(text, area_slugs(session))
    if not standing and not said:
        _rewrite_kept(session, channel=channel, ts=ts, author=author, text=text)
        return EditOutcome()
    if not said and len(standing) == 1:  # the words were about that one commitment
        status, words = split_status(text)
        only = standing[0].commitment
        said = [Said(0, _id_of(only.key), only.shown_code, status, words)]
    stood = {u.commitment_id: u for u in standing}
    answered = functools.cache(  # the same for every line: looked up once, if needed
        lambda: checkin_answered(session, author, channel=channel, thread_ts=thread_ts, now=now)
    )
    lines = []
    for item in said:
        old = _stood_for(session, item, standing)
        if old is not None:
            del stood[old.commitment_id]
            if (old.status, old.text) == (item.status, item.text.strip()):
                continue  # this line did not change
        lines.append(
            record_said(
                session,
                item,
                author=author,
                checkin=_checkin_of(session, old) or answered(),
                now=now,
                corrects_id=old.id if old else None,
                channel=channel,
                ts=ts,
                edited=edited,
            )
        )
    return EditOutcome(tuple(lines), tuple(withdraw(list(stood.values()), now=now)))


def _stood_for(session: Session, said: Said, standing: list[Update]) -> Update | None:
    try:
        commitment = find_commitment(session, str(said.id))
    except HlmError:
        return None  # refused when recorded
    return next((u for u in standing if u.commitment_id == commitment.id), None)


def _id_of(key: str) -> CommitmentId:
    ref = read_commitment_id(key)
    if ref is None:  # a key is always an id: `hlm15/gender-4`
        raise AssertionError(f"not a commitment key: {key}")  # pragma: no cover
    return ref


def _checkin_of(session: Session, update: Update | None) -> Checkin | None:
    if update is None or update.checkin_id is None:
        return None
    return session.get(Checkin, update.checkin_id)


def _rewrite_kept(session: Session, *, channel: str, ts: str, author: Person, text: str) -> None:
    kept = session.scalar(
        select(ThreadReply).where(
            ThreadReply.channel == channel,
            ThreadReply.ts == ts,
            ThreadReply.person_id == author.id,
            ThreadReply.update_id.is_(None),
        )
    )
    if kept is not None:
        kept.text = text


def forget_kept(session: Session, *, channel: str, ts: str) -> None:
    """Forget words of a deleted message still awaiting a pick: picking them records nothing."""
    kept = session.scalar(
        select(ThreadReply).where(
            ThreadReply.channel == channel, ThreadReply.ts == ts, ThreadReply.update_id.is_(None)
        )
    )
    if kept is not None:
        session.delete(kept)
