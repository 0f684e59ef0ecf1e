"""What changes on an owner's screen after they answer: the check-in message, and App Home.

These steps follow a committed update, so a failure in them is logged and never reported as a
failure to save (`bot.errors.after_saving`).
"""

from __future__ import annotations

from bot.bootstrap import Deps
from bot.errors import after_saving
from bot.views import Reply
from bot.views.checkin import build_answer_recorded
from bot.views.escalation import build_escalation
from bot.views.home import build_home
from workflows.checkins.answering import Answered, CheckinNow
from workflows.delivery.escalations import escalation_at
from workflows.ports import Delivery
from workflows.updates.home import home_of


class Screens:
    """Refreshes what people see once something was recorded."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def show_answer(self, answered: Answered, *, user_id: str) -> None:
        """Show an answer in its check-in message (the one its outbox row names, never one a
        payload names) and on App Home."""
        if answered.checkin is not None:
            self.show_checkin(CheckinNow(answered.checkin, answered.delivery), user_id=user_id)
        else:
            self.refresh_home(user_id)

    def show_checkin(self, now: CheckinNow, *, user_id: str) -> None:
        """Rewrite a check-in message as it now stands, then refresh App Home."""
        checkin, message = now.checkin, now.delivery
        if message is not None:
            after_saving(
                "Refreshing the check-in",
                lambda: self.deps.slack.refresh_checkin(checkin, message),
            )
        self.refresh_home(user_id)

    def confirm_in_place(self, answered: Answered, message: Delivery) -> None:
        """Turn the "which commitment?" question into what the answer recorded."""
        if not _in_checkin(answered, message):
            return
        reply = build_answer_recorded(answered)
        after_saving("Confirming a thread answer", lambda: self.deps.slack.replace(message, reply))

    def say_in_thread(self, channel: str, thread_ts: str, reply: Reply) -> None:
        """Answer in a check-in's thread (a failure to is logged: the words are kept)."""
        after_saving(
            "Answering in the check-in thread",
            lambda: self.deps.slack.reply_in_thread(channel, thread_ts, reply),
        )

    def refresh_home(self, user_id: str, *, meeting: str | None = None) -> None:
        """Show a person's App Home as it now stands (a coordinator's overview of `meeting`'s
        conclusions, the current meeting's by default)."""
        after_saving(
            f"Refreshing the App Home of {user_id}", lambda: self._publish(user_id, meeting)
        )

    def _publish(self, user_id: str, meeting: str | None) -> None:
        with self.deps.reading() as session:
            home = home_of(
                session, slack_user_id=user_id, coordinators=self.deps.coordinators,
                now=self.deps.now(), meeting=meeting,
            )  # fmt: skip
        view = build_home(
            name=home.name, mine=home.mine, overview=home.overview, meeting=home.meeting
        )
        self.deps.slack.publish_home(user_id, view)


def _in_checkin(answered: Answered, message: Delivery | None) -> bool:
    """Tell whether a message Slack named is in the conversation of the answered check-in."""
    own = answered.delivery
    return message is not None and own is not None and message.channel == own.channel


def refresh_escalation(deps: Deps, message: Delivery | None) -> None:
    """Show an escalation message as it stands now, in place."""
    if message is None:
        return
    with deps.reading() as session:
        escalation = escalation_at(session, channel=message.channel, ts=message.ts,
                                   now=deps.now(), cadence=deps.settings.cadence())  # fmt: skip
    if escalation is not None:
        deps.slack.replace(message, build_escalation(escalation))
