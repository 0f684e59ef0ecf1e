"""One scheduler tick: write what is due into the outbox, then deliver every pending row."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflows.calendar import WorkingCalendar
from workflows.checkins.prompts import open_parts
from workflows.delivery.jobs import claim_job, fail_job, finish_job
from workflows.delivery.outbox import (
    LEASE,
    MAX_ATTEMPTS,
    Send,
    Sender,
    deliver,
    pending_rows,
    prompt_sender,
)
from workflows.delivery.planner import plan
from workflows.delivery.schedule import Cadence
from workflows.people.profiles import SWEEP, SWEEP_EVERY, SweepReport, apply_profiles
from workflows.ports import Escalation, Notifier, Trouble
from workflows.store.db import session_scope
from workflows.store.models import Outbox, Person, TechnicalMeeting
from workflows.types import OutboxKind
from workflows.words import counted

log = logging.getLogger(__name__)

DEPARTED = "{name} is no longer in Slack ({reason}). Their commitments need a new owner: {codes}."
SILENT = "{name} has not answered {checkins}. Still open: {codes}."
UNDELIVERED = "{what} could not be {sent} after {attempts} attempts ({cause}).{hint}"
UNDELIVERED_SHOWN = 15  # lines about messages given up on, in one word to the coordinators…
UNDELIVERED_CHARS = 2400  # …and characters (a section of the word shows at most 3,000)
HINTS = {
    Trouble.CHANNEL.value: " Check HLM_DIGEST_CHANNEL and that the bot is a member of that channel.",
    Trouble.PERMISSION.value: " Reinstall the app from manifest.yml: it lacks a permission it needs.",
}


def undelivered_lines(session: Session, row: Outbox) -> tuple[str, ...]:
    """Say which messages the bot gave up sending, why, and what happens next."""
    entries: list[dict[str, Any]] = row.payload["undelivered"]
    shown = entries[:UNDELIVERED_SHOWN]
    ids = {e["person_id"] for e in shown if e.get("person_id")}
    people = {p.id: p.name for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    lines: list[str] = []
    for entry in shown:
        line = _undelivered_line(entry, people.get(entry.get("person_id") or 0))
        if sum(map(len, lines)) + len(line) > UNDELIVERED_CHARS:
            break
        lines.append(line)
    if len(entries) > len(lines):
        rest = len(entries) - len(lines)
        lines.append(f"… and {counted(rest, 'more message')} given up on (see the log).")
    return tuple(lines)


def _undelivered_line(entry: dict[str, Any], name: str | None) -> str:
    attempts, cause = entry.get("attempts", MAX_ATTEMPTS), str(entry.get("cause") or "unknown")
    fix = HINTS.get(entry.get("trouble") or "", "")
    if entry["kind"] == OutboxKind.DIGEST.value:
        meeting_id = entry.get("meeting_id")
        if meeting_id is None:
            what, preview = "The weekly digest", "`/hlm digest`"
        elif entry.get("meeting"):
            what = f"The digest for the meeting of {entry['meeting']}"
            preview = f"`/hlm digest {meeting_id}`"
        else:
            what, preview = "The digest for a meeting since removed", ""
        hint = fix or (f" {preview} shows what it says." if preview else "")
        return UNDELIVERED.format(what=what, sent="posted", attempts=attempts, cause=cause,
                                  hint=hint)  # fmt: skip
    what = "A reminder" if entry["kind"] == OutboxKind.REMINDER.value else "A check-in"
    to, who = (f" to {name}", "They") if name else ("", "The owner")
    permission = entry.get("trouble") == Trouble.PERMISSION.value  # (a DM has no channel to fix)
    hint = fix if permission else f" {who} will be asked again next cycle."
    return UNDELIVERED.format(what=what + to, sent="sent", attempts=attempts, cause=cause,
                              hint=hint)  # fmt: skip


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
            report.planned = plan(session, now=now, cadence=self.cadence, calendar=self.calendar)
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
        return report

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
        return self._digest_sender(now)

    def _escalation_sender(self, now: datetime) -> Sender:
        def prepare(session: Session, row: Outbox) -> Send:
            escalation = Escalation(
                coordinators=tuple(coordinator_ids(session, self.coordinators)),
                lines=(
                    undelivered_lines(session, row)
                    if "undelivered" in row.payload
                    else (escalation_line(session, row, now=now, cadence=self.cadence),)
                ),
                at=now,
            )
            return lambda resume: self.notifier.send_escalation(
                escalation, key=row.key, resume=resume
            )

        return prepare

    def _digest_sender(self, now: datetime) -> Sender:
        from workflows.reports.charts import render_status_chart
        from workflows.reports.digests import meeting_digest, weekly_digest

        def prepare(session: Session, row: Outbox) -> Send:
            meeting_id = row.payload.get("meeting_id")
            if meeting_id:
                digest = meeting_digest(
                    session, session.get_one(TechnicalMeeting, meeting_id), now=now
                )
            else:
                digest = weekly_digest(session, now=now)
            chart = render_status_chart(digest)
            return lambda resume: self.notifier.post_digest(
                digest, chart, key=row.key, resume=resume
            )

        return prepare


def coordinator_ids(session: Session, configured: Sequence[str]) -> list[str]:
    """Return the Slack ids of the coordinators: configured ones and those marked in the database."""
    marked = session.scalars(
        select(Person.slack_user_id).where(
            Person.is_coordinator.is_(True),
            Person.active.is_(True),
            Person.slack_user_id.is_not(None),
        )
    )
    return list(dict.fromkeys([*configured, *(m for m in marked if m)]))


def escalation_line(session: Session, row: Outbox, *, now: datetime, cadence: Cadence) -> str:
    """Say to coordinators who is silent or gone, and what they own."""
    person = row.person
    if person is None:
        return "An owner could not be reached."
    codes = ", ".join(c.code for c, _ in open_parts(session, person, now=now)) or "none"
    if row.payload.get("departed"):
        return DEPARTED.format(
            name=person.name, reason=row.payload.get("reason", "gone"), codes=codes
        )
    n = cadence.escalate_after_missed
    checkins = "the last check-in" if n == 1 else f"the last {n} check-ins"
    return SILENT.format(name=person.name, checkins=checkins, codes=codes)
