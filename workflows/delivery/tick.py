"""One scheduler tick: write what is due into the outbox, then deliver every pending row."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflows.calendar import WorkingCalendar
from workflows.checkins.prompts import open_parts
from workflows.delivery.escalations import (
    coordinator_ids,
    escalation_for,
    plan_escalations,
)
from workflows.delivery.jobs import claim_job, fail_job, finish_job
from workflows.delivery.outbox import (
    LEASE,
    Outcome,
    Send,
    Sender,
    deliver,
    pending_rows,
    prompt_sender,
)
from workflows.delivery.planner import (
    Decided,
    cycle_days_for_all,
    open_answerers,
    owner_states,
    plan,
)
from workflows.delivery.profiles import SWEEP, SWEEP_EVERY, SweepReport, apply_profiles
from workflows.delivery.schedule import Cadence, OwnerState
from workflows.ports import (
    Escalation,
    EscalationEntry,
    MessageGivenUp,
    Notifier,
    OwnerDeparted,
    OwnerSilent,
    OwnerUnreachable,
)
from workflows.reports.digests import meeting_digest, weekly_digest
from workflows.store.db import session_scope
from workflows.store.messages import (
    CoordinatorEscalation,
    DepartedOwner,
    DigestMessage,
    GivenUp,
    Undelivered,
    message_of,
)
from workflows.store.models import Outbox, Person, TechnicalMeeting
from workflows.types import OutboxKind
from workflows.updates.confirmation import confirmation_request

log = logging.getLogger(__name__)


def given_up_entries(session: Session, report: Undelivered) -> tuple[MessageGivenUp, ...]:
    """Describe the messages a report gave up on, with the names and meetings they concern."""
    people_ids = {e.person_id for e in report.entries if e.person_id}
    meeting_ids = {e.meeting_id for e in report.entries if e.meeting_id}
    people = {
        p.id: p.name for p in session.scalars(select(Person).where(Person.id.in_(people_ids)))
    }
    meetings = {
        m.id: m
        for m in session.scalars(
            select(TechnicalMeeting).where(TechnicalMeeting.id.in_(meeting_ids))
        )
    }
    return tuple(_given_up(e, people, meetings) for e in report.entries)


def _given_up(
    entry: GivenUp, people: dict[int, str], meetings: dict[int, TechnicalMeeting]
) -> MessageGivenUp:
    meeting = meetings.get(entry.meeting_id or 0)
    return MessageGivenUp(
        kind=entry.kind,
        attempts=entry.attempts,
        cause=entry.cause,
        trouble=entry.trouble,
        person=people.get(entry.person_id or 0),
        meeting_id=entry.meeting_id,
        meeting_on=meeting.held_on if meeting else None,
        meeting_title=meeting.title if meeting else None,
    )


@dataclass
class TickReport:
    """What one tick planned and delivered."""

    planned: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    profiles: SweepReport | None = None  # when the daily sweep of Slack's directory ran

    def summary(self) -> str:
        """Say in one line what the tick did."""
        done = ", ".join(f"{n} {o}" for o, n in sorted(self.outcomes.items())) or "nothing to send"
        swept = f"; {self.profiles.summary()}" if self.profiles else ""
        return f"planned {len(self.planned)}; {done}{swept}"


@dataclass(frozen=True)
class Scheduler:
    """What a tick needs: the database, Slack, the cadence, the calendar and the coordinators."""

    sessions: sessionmaker[Session]
    notifier: Notifier
    cadence: Cadence
    calendar: WorkingCalendar
    coordinators: Sequence[str] = ()
    lease: timedelta = LEASE
    workers: int = 8

    def tick(
        self, *, now: datetime, progress: Callable[[int, int], None] | None = None
    ) -> TickReport:
        """Plan what is due now and deliver everything pending, each row once."""
        report = TickReport(profiles=self.sweep_profiles(now=now))
        with session_scope(self.sessions) as session:
            # Who answers for what, and the owners' state, are weighed once for both plans.
            decided = open_answerers(
                session, now=now, cycle_days=cycle_days_for_all(session, self.cadence),
                calendar=self.calendar,
            )  # fmt: skip
            states = owner_states(session, now=now, cadence=self.cadence, decided=decided)
            report.planned = plan(
                session, now=now, cadence=self.cadence, calendar=self.calendar, states=states
            )
            report.planned += self._plan_escalations(
                session, now=now, states=states, decided=decided
            )
        seen: set[int] = set()
        began = time.monotonic()
        # Sending can make more due (a departed owner is reported to coordinators): a few passes.
        for _ in range(3):
            with session_scope(self.sessions) as session:
                rows = [
                    (i, session.get_one(Outbox, i).kind)
                    for i in pending_rows(
                        session, now=now + timedelta(seconds=time.monotonic() - began)
                    )
                    if i not in seen
                ]
            if not rows:
                break
            seen |= {row_id for row_id, _ in rows}
            self._deliver_all(rows, now=now, report=report, progress=progress)
            if report.outcomes[Outcome.GONE.value]:  # the coordinators hear of it today
                with session_scope(self.sessions) as session:
                    report.planned += self._plan_escalations(session, now=now)
        return report

    def _plan_escalations(
        self,
        session: Session,
        *,
        now: datetime,
        states: Sequence[OwnerState] | None = None,
        decided: Decided | None = None,
    ) -> list[str]:
        return plan_escalations(
            session, now=now, cadence=self.cadence, calendar=self.calendar,
            coordinators=self.coordinators, states=states, decided=decided,
        )  # fmt: skip

    def sweep_profiles(self, *, now: datetime) -> SweepReport | None:
        """Once a day, read Slack's directory: time zones, and owners who have left."""
        with session_scope(self.sessions) as session:
            if not claim_job(session, SWEEP, now=now, every=SWEEP_EVERY):
                return None
        try:
            profiles = list(self.notifier.profiles())
        except Exception as exc:  # Slack away: planning goes on with what is known; retried later
            log.warning("the directory of Slack users could not be read: %s", exc)
            with session_scope(self.sessions) as session:
                fail_job(session, SWEEP, error=f"{type(exc).__name__}: {exc}")
            return None
        with session_scope(self.sessions) as session:
            swept = apply_profiles(session, profiles, now=now)
            finish_job(session, SWEEP, now=now)
        log.info("profiles: %s", swept.summary())
        return swept

    def _deliver_all(
        self,
        rows: list[tuple[int, OutboxKind]],
        *,
        now: datetime,
        report: TickReport,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        started = time.monotonic()

        def send(row: tuple[int, OutboxKind]) -> str:
            # The lease runs from when the row is claimed, not from when the tick began: a long
            # fan-out must not leave late rows with a lease that has already run out.
            at = now + timedelta(seconds=time.monotonic() - started)
            prepare = self.sender(row[1], at)
            return deliver(
                self.sessions, self.notifier, row[0], now=at, prepare=prepare, lease=self.lease
            ).value

        # A few senders in parallel: one waiting out a 429 or a 5xx back-off does not stall the rest.
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="hlm-send") as pool:
            for done, outcome in enumerate(pool.map(send, rows), start=1):
                report.outcomes[outcome] += 1
                if progress:
                    progress(done, len(rows))

    def sender(self, kind: OutboxKind, now: datetime) -> Sender:
        """Choose how a row of a kind is prepared and sent."""
        if kind in (OutboxKind.CHECKIN, OutboxKind.REMINDER):
            return prompt_sender(self.notifier, now=now)
        if kind is OutboxKind.ESCALATION:
            return self._escalation_sender(now)
        if kind is OutboxKind.CONFIRMATION:
            return self._confirmation_sender(now)
        return self._digest_sender(now)

    def _confirmation_sender(self, now: datetime) -> Sender:
        def prepare(session: Session, row: Outbox) -> Send:
            request = confirmation_request(session, row, now=now)
            if request is None:  # confirmed, or changed, since it was planned: nothing to ask
                return lambda resume: None
            return lambda resume: self.notifier.send_confirmation(
                request, key=row.key, resume=resume
            )

        return prepare

    def _escalation_sender(self, now: datetime) -> Sender:
        def prepare(session: Session, row: Outbox) -> Send:
            message = message_of(row)
            if isinstance(message, CoordinatorEscalation):
                return self._daily_escalation(session, row.key, message, now=now)
            if isinstance(message, DepartedOwner) and coordinator_ids(session, self.coordinators):
                # The coordinators' escalation of the day says it, with what to do about it.
                return lambda resume: None
            escalation = Escalation(
                coordinators=tuple(coordinator_ids(session, self.coordinators)),
                entries=escalation_entries(session, row, now=now, cadence=self.cadence),
                at=now,
            )
            return lambda resume: self.notifier.send_escalation(
                escalation, key=row.key, resume=resume
            )

        return prepare

    def _daily_escalation(
        self, session: Session, key: str, message: CoordinatorEscalation, *, now: datetime
    ) -> Send:
        escalation = escalation_for(
            session, message.coordinator, message.subjects, now=now, cadence=self.cadence,
            calendar=self.calendar,
        )  # fmt: skip
        if not escalation.entries:  # all settled since it was planned
            return lambda resume: None
        return lambda resume: self.notifier.send_escalation(escalation, key=key, resume=resume)

    def _digest_sender(self, now: datetime) -> Sender:
        # Deferred: the chart needs matplotlib, which a process that sends no digest never loads.
        from workflows.reports.charts import render_status_chart

        def prepare(session: Session, row: Outbox) -> Send:
            message = message_of(row)
            meeting_id = message.meeting_id if isinstance(message, DigestMessage) else None
            if meeting_id:
                digest = meeting_digest(
                    session, session.get_one(TechnicalMeeting, meeting_id), now=now
                )
            else:
                digest = weekly_digest(session, now=now)
            chart = None if digest.quiet else render_status_chart(digest)  # a quiet week: one line
            return lambda resume: self.notifier.post_digest(
                digest, chart, key=row.key, resume=resume
            )

        return prepare


def escalation_entries(
    session: Session, row: Outbox, *, now: datetime, cadence: Cadence
) -> tuple[EscalationEntry, ...]:
    """Say to coordinators who is silent or gone and what they own, or what was given up on."""
    message = message_of(row)
    if isinstance(message, Undelivered):
        return given_up_entries(session, message)
    person = row.person
    if person is None:
        return (OwnerUnreachable(),)
    codes = tuple(c.shown_code for c, _ in open_parts(session, person, now=now))
    if isinstance(message, DepartedOwner):
        return (OwnerDeparted(person.name, message.reason, codes),)
    return (OwnerSilent(person.name, cadence.escalate_after_missed, codes),)
