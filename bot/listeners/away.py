"""The *I'm away…* button and its modal: book an away range as `/hlm away` does.

The modal has no response_url, so the range is booked before the acknowledgement, and any
refusal keeps the modal open with the reason under the input it concerns.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot.bootstrap import Deps
from bot.commands.context import NOT_REGISTERED
from bot.errors import EXPECTED, explain
from bot.payloads import BlockAction, ViewSubmission
from bot.views import away as views
from bot.views import ids
from bot.views.away import build_away_booked, build_away_modal
from workflows.calendar import local_day
from workflows.errors import HlmError, NotAllowed
from workflows.people.absences import AbsenceRequest, book_absence
from workflows.people.directory import person_by_slack_id

PICK_A_DAY = "Pick a day."
# Which input a refusal is shown under; the first one otherwise.
ERROR_BLOCKS = {
    "away_ends_before_start": views.B_UNTIL,
    "away_too_long": views.B_UNTIL,
    "away_reason_too_long": views.B_REASON,
}


class AwayListeners:
    """Open the *I'm away…* modal, and book what it says."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_away_button(self, ack: Ack, body: dict[str, Any]) -> None:
        """Open the modal, its days set to today where the person is."""
        ack()
        click = BlockAction.model_validate(body)
        with self.deps.reading() as session:
            person = person_by_slack_id(session, click.user.id)
            tz = person.tz if person else "UTC"
        self.deps.slack.open_modal(
            click.trigger_id, build_away_modal(today=local_day(self.deps.now(), tz))
        )

    def handle_away_submission(self, ack: Ack, body: dict[str, Any]) -> None:
        """Book the range, then confirm it by DM; or keep the modal open saying why not."""
        submission = ViewSubmission.model_validate(body)
        request, errors = read_away(submission)
        if request is None:
            ack(response_action="errors", errors=errors)
            return
        try:
            reply = self.book(submission.user.id, request)
        except EXPECTED as exc:
            code = exc.code if isinstance(exc, HlmError) else ""
            block = ERROR_BLOCKS.get(code, views.B_FROM)
            ack(response_action="errors", errors={block: explain(exc)})
            return
        ack()
        self.deps.slack.say_in(submission.user.id, reply)

    def book(self, slack_user_id: str, request: AbsenceRequest) -> Any:
        """Book the range as its author, in one transaction; return the confirmation."""
        now = self.deps.now()
        with self.deps.unit_of_work() as session:
            person = person_by_slack_id(session, slack_user_id)
            if person is None:
                raise NotAllowed(NOT_REGISTERED)
            today = local_day(now, person.tz)
            absence = book_absence(session, person, request, today=today, now=now)
            return build_away_booked(absence, today=today)


def read_away(submission: ViewSubmission) -> tuple[AbsenceRequest | None, dict[str, str]]:
    """Read the modal's days and reason, or say which input is missing or unreadable."""
    days: dict[str, date] = {}
    errors: dict[str, str] = {}
    for block, action in ((views.B_FROM, views.A_FROM), (views.B_UNTIL, views.A_UNTIL)):
        try:
            days[block] = date.fromisoformat(submission.value(block, action) or "")
        except ValueError:
            errors[block] = PICK_A_DAY
    if errors:
        return None, errors
    reason = submission.value(views.B_REASON, views.A_REASON) or ""
    return AbsenceRequest(days[views.B_FROM], days[views.B_UNTIL], reason.strip()), {}


def register(app: App, deps: Deps) -> None:
    """Attach the *I'm away…* button, which opens the away modal, and the modal's submission."""
    listeners = AwayListeners(deps)
    app.action(ids.AWAY_OPEN)(listeners.handle_away_button)
    app.view(views.AWAY_MODAL)(listeners.handle_away_submission)
