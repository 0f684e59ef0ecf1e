"""Deliver outbox rows: claim one, send it outside any transaction, then mark the outcome.

Why a claim with a lease: two processes may look at the same due row; the conditional UPDATE
lets exactly one of them take it, and a process killed mid-send frees it when the lease ends.
Why look before resending: a process killed after Slack took the message (or its first parts)
but before the row was marked leaves a row that looks unsent; every message carries its row's
key in Slack message metadata, so a later attempt finds what was posted and sends only the rest.
A row Slack keeps refusing is given up after MAX_ATTEMPTS, and the coordinators are told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, joinedload, sessionmaker

from workflows.checkins.prompts import (
    SendReport,
    checkin_prompt,
    first_checkin,
    owner_cycle,
    owners_with_open_parts,
    plan_checkin,
)
from workflows.delivery.profiles import depart
from workflows.people.directory import find_person
from workflows.ports import CheckinReminder, Delivery, DeliveryFailed, Notifier, RecipientGone
from workflows.store.db import session_scope
from workflows.store.messages import (
    DigestMessage,
    GivenUp,
    ReminderMessage,
    Undelivered,
    message_of,
    write,
)
from workflows.store.models import Checkin, Outbox
from workflows.types import OutboxKind, OutboxState, Trouble

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
INTERNAL_ERROR = "an error in the bot; its log has the details"
UNDELIVERED_KEY = "undelivered:"  # + the first message the coordinators hear about, + when
REPORT_GATHERS = timedelta(minutes=5)  # a word about messages given up on waits for others
CARRY_AFTER = timedelta(minutes=30)  # a word the coordinators could not get is tried again…
MAX_CARRIED = 32  # …for about a day
CAUSE_CHARS = 100
FIRST_RETRY = timedelta(minutes=1)


class Outcome(Enum):
    """What happened to one outbox row."""

    SENT = "sent"
    TAKEN = "taken"  # another process has it, or it was already sent
    GONE = "gone"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Cause:
    """Why a message was not sent, in words for the coordinators, and what it is about."""

    text: str
    trouble: Trouble | None = None


@dataclass(frozen=True)
class Claimed:
    """A row this process holds for now, with what it takes to send it."""

    row_id: int
    key: str
    kind: OutboxKind
    attempts: int


def claim(session: Session, row_id: int, *, now: datetime, lease: timedelta = LEASE) -> bool:
    """Take a pending row for this process until the lease ends; False if someone else has it."""
    result = session.execute(
        update(Outbox)
        .where(
            Outbox.id == row_id,
            Outbox.state == OutboxState.PENDING,
            or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now),
        )
        .values(claimed_until=now + lease, attempts=Outbox.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def pending_rows(session: Session, *, now: datetime, limit: int = 1000) -> list[int]:
    """List the rows due to be sent now and not held by another process, oldest first."""
    return list(
        session.scalars(
            select(Outbox.id)
            .where(
                Outbox.state == OutboxState.PENDING,
                Outbox.due_at <= now,
                or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now),
            )
            .order_by(Outbox.id)
            .limit(limit)
        )
    )


_DMS = (OutboxKind.CHECKIN, OutboxKind.REMINDER)
# Sends a prepared message; told `resume` when an earlier attempt may have posted part of it, so
# that only the rest is posted. None: nothing to send any more.
Send = Callable[[bool], Delivery | None]
Sender = Callable[[Session, Outbox], Send]


def deliver(
    sessions: sessionmaker[Session],
    notifier: Notifier,
    row_id: int,
    *,
    now: datetime,
    prepare: Sender,
    lease: timedelta = LEASE,
) -> Outcome:
    """Send one row once: claim it and prepare its message, send it, then mark it."""
    with session_scope(sessions) as session:
        if not claim(session, row_id, now=now, lease=lease):
            return Outcome.TAKEN
        row = session.get_one(
            Outbox, row_id, options=[joinedload(Outbox.person), joinedload(Outbox.checkin)]
        )
        claimed = Claimed(row.id, row.key, row.kind, row.attempts)
        unprepared: str | None = None
        try:
            # In a savepoint: a row that cannot be prepared keeps its claim, so the attempt counts.
            with session.begin_nested():
                send = prepare(session, row)
        except DBAPIError:
            raise  # the database is away: the claim is rolled back too, the row stays due
        except Exception as exc:
            log.exception("%s could not be prepared", claimed.key)
            unprepared = f"{type(exc).__name__}: {exc}"
    if unprepared is not None:
        return _release(sessions, claimed, unprepared, now=now, cause=Cause(INTERNAL_ERROR))
    try:
        delivery = send(claimed.attempts > 1)
    except RecipientGone as exc:
        return _mark_gone(sessions, claimed, exc, now=now)
    except DeliveryFailed as exc:
        cause = Cause(str(exc), exc.trouble)
        return _release(sessions, claimed, str(exc), now=now, cause=cause)
    except Exception as exc:  # one broken row must not stop the others; it is retried, then failed
        log.exception("%s could not be sent", claimed.key)
        error = f"{type(exc).__name__}: {exc}"
        return _release(sessions, claimed, error, now=now, cause=Cause(INTERNAL_ERROR))
    if delivery is None:
        return _mark(sessions, claimed, OutboxState.SKIPPED, now=now)
    return _mark(sessions, claimed, OutboxState.SENT, now=now, delivery=delivery)


def prompt_sender(notifier: Notifier, *, now: datetime) -> Sender:
    """Prepare a check-in or reminder for an owner still in Slack, then send the DM."""

    def prepare(session: Session, row: Outbox) -> Send:
        if row.person is not None and not row.person.active:
            return lambda resume: None  # left Slack since it was planned: coordinators were told
        if row.checkin is None:
            raise ValueError(f"{row.key} delivers no check-in")
        prompt = checkin_prompt(session, row.checkin, now=now)
        if not prompt.items:
            return lambda resume: None
        if row.kind is OutboxKind.REMINDER:
            reminder = reminder_of(session, row, now=now)
            if reminder is None:
                return lambda resume: None
            return lambda resume: notifier.send_reminder(reminder, key=row.key, resume=resume)
        return lambda resume: notifier.send_checkin(prompt, key=row.key, resume=resume)

    return prepare


def reminder_of(session: Session, row: Outbox, *, now: datetime) -> CheckinReminder | None:
    """Say what a reminder row reminds of: the cycle's first check-in as it now stands and its
    message (None: skipped, or answered since the reminder was planned). Without a first
    check-in on record, the reminder's own."""
    asked = row.checkin
    if asked is None:
        raise ValueError(f"{row.key} delivers no check-in")
    message = message_of(row)
    first = (
        session.get(Checkin, message.checkin_id)
        if isinstance(message, ReminderMessage) and message.checkin_id is not None
        else first_checkin(session, asked.person_id, asked.cycle)
    )
    if first is None:
        return CheckinReminder(checkin_prompt(session, asked, now=now), None, asked.reminder)
    prompt = checkin_prompt(session, first, now=now)
    if first.skipped_at is not None or not prompt.open_items:
        return None
    sent = first.delivery
    where = Delivery(sent.channel, sent.ts) if sent and sent.channel and sent.ts else None
    return CheckinReminder(prompt, where, asked.reminder)


def _mark(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    state: OutboxState,
    *,
    now: datetime,
    delivery: Delivery | None = None,
) -> Outcome:
    sent = {"channel": delivery.channel, "ts": delivery.ts, "sent_at": now} if delivery else {}
    with session_scope(sessions) as session:
        session.execute(
            update(Outbox)
            .where(Outbox.id == claimed.row_id)
            .values(state=state, claimed_until=None, **sent)
            .execution_options(synchronize_session=False)
        )
    return Outcome.SENT if state is OutboxState.SENT else Outcome.SKIPPED


def _mark_gone(
    sessions: sessionmaker[Session], claimed: Claimed, exc: RecipientGone, *, now: datetime
) -> Outcome:
    with session_scope(sessions) as session:
        row = session.get_one(Outbox, claimed.row_id)
        row.state, row.last_error, row.claimed_until = OutboxState.GONE, exc.reason, None
        if row.person is not None and row.kind in _DMS:
            depart(session, row.person, reason=exc.reason, now=now)
    log.warning("%s not sent: %s", claimed.key, exc)
    return Outcome.GONE


def retry_delay(attempts: int) -> timedelta:
    """Return how long a row waits after its n-th failed attempt: 1, 2, 4, 8 … minutes."""
    return FIRST_RETRY * (1 << max(0, attempts - 1))


def _release(
    sessions: sessionmaker[Session], claimed: Claimed, error: str, *, now: datetime, cause: Cause
) -> Outcome:
    """Leave a row that was not sent due again a little later, or give up on it after the
    last attempt; coordinators are told what was given up (`cause`: why, in their words)."""
    failed = claimed.attempts >= MAX_ATTEMPTS
    with session_scope(sessions) as session:
        row = session.get_one(Outbox, claimed.row_id)
        # Held back a little longer after each failure, so an outage is not hammered.
        row.last_error, row.claimed_until = error[:500], now + retry_delay(claimed.attempts)
        if failed:
            row.state, row.claimed_until = OutboxState.FAILED, None
            message = message_of(row)
            if isinstance(message, Undelivered):  # the coordinators could not be told: later
                carry_report(session, message, now=now)
            elif row.kind is not OutboxKind.ESCALATION:
                report_undelivered(session, [undelivered_entry(row, cause)], now=now)
    level = logging.ERROR if failed else logging.WARNING
    log.log(level, "%s not sent (attempt %s): %s", claimed.key, claimed.attempts, error)
    return Outcome.FAILED if failed else Outcome.RETRY


def undelivered_entry(row: Outbox, cause: Cause) -> GivenUp:
    """Describe a message given up on, for the coordinators (`cause`: why, in their words)."""
    message = message_of(row)
    return GivenUp(
        row=row.id,
        kind=row.kind,
        person_id=row.person_id,
        meeting_id=message.meeting_id if isinstance(message, DigestMessage) else None,
        attempts=row.attempts,
        cause=cause.text[:CAUSE_CHARS],
        trouble=cause.trouble,
    )


def report_undelivered(
    session: Session, entries: Sequence[GivenUp], *, now: datetime, carried: int = 0
) -> None:
    """Add messages given up on to the word the coordinators will get. The word waits a few
    minutes and takes in everything given up meanwhile, so an outage does not become a message
    for each owner."""
    report = session.scalars(
        select(Outbox)
        .where(
            Outbox.kind == OutboxKind.ESCALATION,
            Outbox.key.startswith(UNDELIVERED_KEY),
            Outbox.state == OutboxState.PENDING,
            Outbox.attempts == 0,  # not tried yet: what it will say is still open
            Outbox.claimed_until.is_(None),
        )
        .order_by(Outbox.id)
        .limit(1)
        .with_for_update()
    ).first()
    if report is not None:
        gathered = message_of(report)
        if isinstance(gathered, Undelivered):
            write(report, gathered.model_copy(update={"entries": (*gathered.entries, *entries)}))
            return
    row = Outbox(
        key=f"{UNDELIVERED_KEY}{entries[0].row}-{now:%Y%m%dT%H%M%S.%f}",
        kind=OutboxKind.ESCALATION,
        due_at=now + (CARRY_AFTER if carried else REPORT_GATHERS),
        created_at=now,
    )
    write(row, Undelivered(entries=tuple(entries), carried=carried))
    session.add(row)


def carry_report(session: Session, report: Undelivered, *, now: datetime) -> None:
    """Keep what a word the coordinators could not get said for a later one (for a day)."""
    carried = report.carried + 1
    if carried <= MAX_CARRIED:
        report_undelivered(session, report.entries, now=now, carried=carried)


def send_checkins(
    sessions: sessionmaker[Session],
    notifier: Notifier,
    *,
    now: datetime,
    owners: Sequence[str] | None = None,
    cycle_days: int = 14,
    progress: Callable[[int, int], None] | None = None,
) -> SendReport:
    """Send this cycle's check-in to some owners (by Slack id, email or name) or to all of them."""
    report, planned = SendReport(), []
    with session_scope(sessions) as session:
        people = (
            [find_person(session, ref) for ref in owners]
            if owners
            else owners_with_open_parts(session, now=now)
        )
        for person in people:
            cycle = owner_cycle(session, person, now=now, default=cycle_days)
            row = plan_checkin(session, person, now=now, cycle=cycle).row
            if row is None:
                report.nothing_open.append(person.name)
            elif row.state is not OutboxState.PENDING:
                report.already.append(person.name)
            else:
                planned.append((row.id, person.name))
    buckets = {
        Outcome.SENT: report.sent,
        Outcome.TAKEN: report.already,
        Outcome.GONE: report.gone,
        Outcome.RETRY: report.failed,
        Outcome.FAILED: report.failed,
        Outcome.SKIPPED: report.nothing_open,
    }
    prepare = prompt_sender(notifier, now=now)
    for done, (row_id, name) in enumerate(planned, start=1):
        buckets[deliver(sessions, notifier, row_id, now=now, prepare=prepare)].append(name)
        if progress:
            progress(done, len(planned))
    return report
