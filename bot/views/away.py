"""Replies about time: away ranges, snoozes, working hours, and the *I'm away…* modal. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.views import Reply
from bot.views.status import build_message
from workflows.calendar import write_hours
from workflows.people.absences import REASON_CHARS, Snoozed
from workflows.store.models import Absence

AWAY_BOOKED = (
    "You are away {days}{reason}. No check-in or reminder reaches you then; "
    "a check-in due meanwhile waits until you are back."
)
AWAY_NONE = "You have no away days booked. Book some with `/hlm away 4 Jan to 15 Jan mission`."
AWAY_LIST = "Your away days:\n{lines}\nCancel one with `/hlm away cancel <n>`."
SNOOZED_LINE = "Check-ins snoozed until {day} (`/hlm snooze off` to end it)."
CANCELLED = "Cancelled: away {days}{reason}."
ENDED_EARLY = "Away {days}{reason}: ended, as you are back from today."
BACK = "Welcome back: check-ins and reminders reach you again."
NOT_AWAY = "You were not marked away or snoozed: check-ins reach you as usual."
SNOOZED = "Snoozed: no check-in or reminder until {day}."
SNOOZE_CAPPED = (
    "Snoozed until {day}, two cycles, the longest a snooze lasts. For longer, use "
    "`/hlm away until <day>`."
)
UNSNOOZED = "Snooze ended: check-ins and reminders reach you again."
NOT_SNOOZED = "You had no snooze running: check-ins reach you as usual."
HOURS_SHOWN = (
    "Your working hours: {hours}{default}, {tz} time, on working days. "
    "Check-ins and reminders reach you then. Change them with `/hlm hours 08:00-16:00`."
)
HOURS_SET = "Your working hours are now {hours}{default}, {tz} time."
DEFAULT_MARK = " (the default)"

# The *I'm away…* modal.
AWAY_MODAL = "away_modal"
B_FROM, A_FROM = "away_from", "away_from_day"
B_UNTIL, A_UNTIL = "away_until", "away_until_day"
B_REASON, A_REASON = "away_reason", "away_reason_text"
MODAL_TITLE = "I'm away"
MODAL_SUBMIT = "Book"


def write_day(day: date) -> str:
    """Write a day as `Monday 4 January 2027`."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def write_days(start: date, end: date, *, today: date) -> str:
    """Write a range as `from Monday 4 January to Friday 15 January 2027` (or `from today`)."""
    first = "today" if start == today else f"{start:%A} {start.day} {start:%B}"
    if start.year != end.year and start != today:
        first += f" {start.year}"
    if start == end:
        return f"on {write_day(end)}" if start != today else "today"
    return f"from {first} to {write_day(end)}"


def _reason(absence: Absence) -> str:
    return f" ({absence.reason})" if absence.reason else ""


def build_away_booked(absence: Absence, *, today: date) -> Reply:
    """Confirm the days booked away."""
    days = write_days(absence.starts_on, absence.ends_on, today=today)
    return build_message(AWAY_BOOKED.format(days=days, reason=_reason(absence)))


def build_away_list(booked: Sequence[Absence], *, snoozed_until: date | None, today: date) -> Reply:
    """List the ranges `upcoming_absences` gives, numbered as `/hlm away cancel` reads them."""
    snooze = (
        [SNOOZED_LINE.format(day=write_day(snoozed_until))]
        if snoozed_until and snoozed_until > today
        else []
    )
    if not booked:
        return build_message("\n".join([AWAY_NONE, *snooze]))
    lines = [
        f"{n}. {write_days(a.starts_on, a.ends_on, today=today)}{_reason(a)}"
        for n, a in enumerate(booked, start=1)
    ]
    return build_message("\n".join([AWAY_LIST.format(lines="\n".join(lines)), *snooze]))


def build_cancelled(absence: Absence, *, today: date) -> Reply:
    """Confirm a range cancelled (or, once begun, ended yesterday)."""
    if absence.cancelled_at is None:
        days = write_days(absence.starts_on, absence.ends_on, today=today)
        return build_message(ENDED_EARLY.format(days=days, reason=_reason(absence)))
    days = write_days(absence.starts_on, absence.ends_on, today=today)
    return build_message(CANCELLED.format(days=days, reason=_reason(absence)))


def build_back(*, was_away: bool, was_snoozed: bool) -> Reply:
    """Welcome someone back, or say they were not away."""
    return build_message(BACK if was_away or was_snoozed else NOT_AWAY)


def build_snoozed(snoozed: Snoozed) -> Reply:
    """Confirm a snooze, saying when it was cut to the longest one."""
    template = SNOOZE_CAPPED if snoozed.capped else SNOOZED
    return build_message(template.format(day=write_day(snoozed.until)))


def build_unsnoozed(*, was_snoozed: bool) -> Reply:
    """Confirm a snooze ended, or say there was none."""
    return build_message(UNSNOOZED if was_snoozed else NOT_SNOOZED)


def build_hours(
    hours: tuple[time, time] | None,
    *,
    default: tuple[time, time],
    tz: str,
    changed: bool = False,
) -> Reply:
    """Show a person's working hours (theirs, or the default), or confirm a change."""
    template = HOURS_SET if changed else HOURS_SHOWN
    return build_message(
        template.format(
            hours=write_hours(hours or default),
            default="" if hours else DEFAULT_MARK,
            tz=tz,
        )
    )


def build_away_modal(*, today: date, private_metadata: str = "") -> View:
    """Build the *I'm away…* modal: first and last day away, and an optional reason."""
    return View(
        type="modal",
        callback_id=AWAY_MODAL,
        title=PlainTextObject(text=MODAL_TITLE),
        submit=PlainTextObject(text=MODAL_SUBMIT),
        close=PlainTextObject(text="Cancel"),
        private_metadata=private_metadata,
        blocks=[
            InputBlock(
                block_id=B_FROM,
                label="First day away",
                element=DatePickerElement(action_id=A_FROM, initial_date=today.isoformat()),
            ),
            InputBlock(
                block_id=B_UNTIL,
                label="Last day away",
                element=DatePickerElement(action_id=A_UNTIL, initial_date=today.isoformat()),
            ),
            InputBlock(
                block_id=B_REASON,
                label="Reason (optional)",
                optional=True,
                element=PlainTextInputElement(action_id=A_REASON, max_length=REASON_CHARS),
            ),
        ],
    )
