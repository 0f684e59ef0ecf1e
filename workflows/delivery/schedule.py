"""What is due now: check-ins, reminders, escalations and digests. Pure functions of data and `now`.

Everything due has an idempotency key (who × cycle × kind, a coordinator × day for an
escalation, or the digest's meeting or week), so
planning the same moment twice, or after a restart, finds the same keys and adds nothing. Time
that passed while the scheduler was down is caught up once: only the current cycle, the latest
reminder and the latest week are ever due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workflows.calendar import Hours, WorkingCalendar, local_day
from workflows.checkins.prompts import Cycle, checkin_key, cycle_on
from workflows.types import Institution, OutboxKind


@dataclass(frozen=True)
class Cadence:
    """How often owners are asked, reminded and escalated, and when digests go out."""

    cycle_days: int = 14
    reminder_after_days: int = 3  # working days after the check-in, and between reminders
    max_reminders: int = 2
    escalate_after_missed: int = 2  # consecutive cycles without an answer
    digest_days_before: int = 3  # working days before a technical meeting
    weekly_weekday: int = 0  # Monday
    weekly_time: time = time(9, 0)
    weekly_tz: str = "Europe/Brussels"


@dataclass(frozen=True)
class SentPrompt:
    """A check-in or reminder already written to the outbox for an owner."""

    kind: OutboxKind
    cycle: str
    reminder: int
    sent_at: datetime | None


@dataclass(frozen=True)
class OwnerState:
    """What the schedule needs to know about one owner."""

    person_id: int
    institution: Institution
    tz: str
    active: bool
    cycle_days: int
    open_parts: int
    prompts: tuple[SentPrompt, ...] = ()
    answers: tuple[datetime, ...] = ()  # when updates on their parts were recorded, recent first
    away: tuple[tuple[date, date], ...] = ()  # ranges booked, both ends included
    snoozed_until: date | None = None  # no check-in or reminder before this day
    hours: Hours | None = None  # their own working hours; None: the calendar's
    first_asked: date | None = None  # the day their first cycle opened; None: never asked

    def is_away(self, day: date) -> bool:
        """Tell whether the owner is away on a day."""
        return any(start <= day <= end for start, end in self.away)

    def is_resting(self, day: date) -> bool:
        """Tell whether the owner is away or snoozed on a day: no check-in, no reminder."""
        return self.is_away(day) or (self.snoozed_until is not None and day < self.snoozed_until)

    def cycle(self, today: date, calendar: WorkingCalendar) -> Cycle:
        """Return the owner's cycle on a day: counted from their first one, or opening today when
        they were never asked, so that the first lasts a full cycle; it closes on a working day."""
        return cycle_on(
            today, length_days=self.cycle_days, first_asked=self.first_asked,
            institution=self.institution, calendar=calendar,
        )  # fmt: skip


@dataclass(frozen=True)
class Due:
    """Something to send: its idempotency key and what it is."""

    key: str
    kind: OutboxKind
    person_id: int | None = None
    cycle: str | None = None
    reminder: int = 0
    closes_on: date | None = None
    meeting_id: int | None = None
    coordinator: str | None = None  # an escalation: to whom…
    subjects: tuple[str, ...] = ()  # …and about what


def look_back(cycle_days: int, cadence: Cadence) -> timedelta:
    """Return how far back an owner's prompts and answers still matter to their schedule.

    The cycles that count towards an escalation, the current one, and one more as a margin for
    time zones and for check-ins sent late in their cycle.
    """
    return timedelta(days=cycle_days * (cadence.escalate_after_missed + 2))


def due_for_owner(
    owner: OwnerState, *, now: datetime, cadence: Cadence, calendar: WorkingCalendar
) -> list[Due]:
    """Decide what an owner is owed now: the cycle's check-in, a reminder, or an escalation."""
    if not owner.active or owner.open_parts == 0:
        return []
    today = local_day(now, owner.tz)
    cycle = owner.cycle(today, calendar)
    due: list[Due] = []
    if owner.is_resting(today) or not calendar.is_within_working_hours(
        institution=owner.institution, tz=owner.tz, moment=now, hours=owner.hours
    ):
        return due
    checkin = _prompt(owner, cycle, OutboxKind.CHECKIN)
    if checkin is None:
        return [*due, _checkin_due(owner, cycle)]
    reminder = _reminder_due(owner, cycle, checkin, now=now, cadence=cadence, calendar=calendar)
    return [*due, *reminder]


def _checkin_due(owner: OwnerState, cycle: Cycle) -> Due:
    return Due(
        key=checkin_key(owner.person_id, cycle.key),
        kind=OutboxKind.CHECKIN,
        person_id=owner.person_id,
        cycle=cycle.key,
        closes_on=cycle.closes,
    )


def _prompt(owner: OwnerState, cycle: Cycle, kind: OutboxKind) -> SentPrompt | None:
    found = [p for p in owner.prompts if p.cycle == cycle.key and p.kind is kind]
    return max(found, key=lambda p: p.reminder) if found else None


def _answered_in(owner: OwnerState, start: datetime, end: datetime | None = None) -> bool:
    return any(start <= at and (end is None or at < end) for at in owner.answers)


def _reminder_due(
    owner: OwnerState,
    cycle: Cycle,
    checkin: SentPrompt,
    *,
    now: datetime,
    cadence: Cadence,
    calendar: WorkingCalendar,
) -> list[Due]:
    if checkin.sent_at is None or _answered_in(owner, checkin.sent_at):
        return []
    last = _prompt(owner, cycle, OutboxKind.REMINDER) or checkin
    if last.reminder >= cadence.max_reminders or last.sent_at is None:
        return []
    sent_day = local_day(last.sent_at, owner.tz)
    due_day = calendar.add_working_days(owner.institution, sent_day, cadence.reminder_after_days)
    if local_day(now, owner.tz) < due_day or due_day > cycle.closes:
        return []
    n = last.reminder + 1
    return [
        Due(
            key=checkin_key(owner.person_id, cycle.key, n),
            kind=OutboxKind.REMINDER,
            person_id=owner.person_id,
            cycle=cycle.key,
            reminder=n,
            closes_on=cycle.closes,
        )
    ]


def missed_cycles(owner: OwnerState, cycle: Cycle) -> int:
    """Count the consecutive past cycles that had a check-in and no report from the owner.

    A report made in the cycle before its check-in went out counts: the owner was not silent.
    """
    missed, opens = 0, cycle.opens
    sent = {p.cycle for p in owner.prompts if p.kind is OutboxKind.CHECKIN and p.sent_at}
    while True:
        opens -= timedelta(days=owner.cycle_days)
        if opens.isoformat() not in sent:
            return missed
        start, end = (
            datetime.combine(day, time(), tzinfo=ZoneInfo(owner.tz))
            for day in (opens, opens + timedelta(days=owner.cycle_days))
        )
        if _answered_in(owner, start, end):
            return missed
        missed += 1


def silent_in(
    owner: OwnerState, *, now: datetime, cadence: Cadence, calendar: WorkingCalendar
) -> str | None:
    """Return the cycle in which an owner counts as silent (their check-ins unanswered for the
    escalation threshold), or None while they answer."""
    if not owner.active or owner.open_parts == 0:
        return None
    cycle = owner.cycle(local_day(now, owner.tz), calendar)
    return cycle.key if missed_cycles(owner, cycle) >= cadence.escalate_after_missed else None


@dataclass(frozen=True)
class CoordinatorState:
    """A coordinator to escalate to: where and when they work, and what they were told lately."""

    slack_user_id: str
    person_id: int | None
    institution: Institution
    tz: str
    told: frozenset[str] = frozenset()  # subjects of their recent escalations
    hours: Hours | None = None  # their own working hours (`/hlm hours`), else the calendar's


def escalation_key(slack_user_id: str, day: date) -> str:
    """Name a coordinator's escalation of a day: one message per coordinator per day, at most."""
    return f"escalation:{slack_user_id}:{day.isoformat()}"


def escalation_due(
    coordinator: CoordinatorState,
    subjects: frozenset[str],
    *,
    now: datetime,
    calendar: WorkingCalendar,
) -> Due | None:
    """Return the coordinator's escalation of the day when something they were not told about
    needs them (`subjects`: silent owners × cycle, parts nobody answers for), in their working
    hours."""
    if not subjects - coordinator.told:
        return None
    # Working hours are the coordinator's own: an escalation is read, and acted on, at work.
    if not calendar.is_within_working_hours(
        institution=coordinator.institution, tz=coordinator.tz, moment=now, hours=coordinator.hours
    ):
        return None
    day = local_day(now, coordinator.tz)
    return Due(
        key=escalation_key(coordinator.slack_user_id, day),
        kind=OutboxKind.ESCALATION,
        person_id=coordinator.person_id,
        cycle=day.isoformat(),
        coordinator=coordinator.slack_user_id,
        subjects=tuple(sorted(subjects)),
    )


def weekly_digest_due(*, now: datetime, cadence: Cadence) -> Due | None:
    """Return this week's digest once its day and time have come (only the latest week)."""
    local = now.astimezone(ZoneInfo(cadence.weekly_tz))
    monday = local.date() - timedelta(days=local.weekday())
    send_day = monday + timedelta(days=cadence.weekly_weekday)
    send_at = datetime.combine(send_day, cadence.weekly_time, tzinfo=ZoneInfo(cadence.weekly_tz))
    if local < send_at:
        return None
    year, week, _ = send_day.isocalendar()
    return Due(key=f"digest:weekly:{year}-W{week:02d}", kind=OutboxKind.DIGEST)


def meeting_digest_due(
    meetings: Sequence[tuple[int, date]],
    *,
    now: datetime,
    cadence: Cadence,
    calendar: WorkingCalendar,
) -> list[Due]:
    """Return the digests owed before technical meetings whose send day has come."""
    due = []
    local = now.astimezone(ZoneInfo(cadence.weekly_tz))
    for meeting_id, held_on in meetings:
        send_day = calendar.add_working_days(
            Institution.COMMISSION, held_on, -cadence.digest_days_before
        )
        send_at = datetime.combine(
            send_day, cadence.weekly_time, tzinfo=ZoneInfo(cadence.weekly_tz)
        )
        if send_at <= local and local.date() <= held_on:
            due.append(
                Due(
                    key=f"digest:meeting:{meeting_id}",
                    kind=OutboxKind.DIGEST,
                    meeting_id=meeting_id,
                )
            )
    return due
