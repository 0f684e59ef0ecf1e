"""Words an owner writes in the bot's DM: in a check-in thread they answer it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.bootstrap import Deps
from bot.errors import EXPECTED, explain
from bot.payloads import DmMessage
from bot.screens import Screens
from bot.views.checkin import build_pick_commitment
from bot.views.status import build_message
from workflows.checkins.answering import ThreadAnswer, answer_in_thread

NOT_A_THREAD = (
    "To update a commitment, reply in the thread of a check-in message, "
    "or type `/hlm mine` to see what you own."
)


class MessageListeners:
    """Listeners of DM messages."""

    def __init__(self, deps: Deps) -> None:
        self.deps, self.screens = deps, Screens(deps)

    def handle_dm(self, event: dict[str, Any]) -> None:
        """Record a reply in a check-in thread, or ask which commitment it is about."""
        message = DmMessage.model_validate(event)
        if not message.from_a_person_in_dm:
            return
        if message.thread_ts is None:
            self.deps.slack.say_in(message.channel, build_message(NOT_A_THREAD))
            return
        taken = self.take(message, message.thread_ts)
        if taken.answered is not None:
            self.screens.confirm_in_thread(taken.answered, channel=message.channel, thread_ts=message.thread_ts)  # fmt: skip
            self.screens.show_answer(taken.answered, user_id=message.user or "")
        elif not taken.ignored:  # which commitment? (or: none is left open to pick)
            reply = build_pick_commitment(list(taken.choices), reply_ts=message.ts, excerpt=message.text)  # fmt: skip
            self.screens.say_in_thread(message.channel, message.thread_ts, reply)

    def take(self, message: DmMessage, thread_ts: str) -> ThreadAnswer:
        """Record words under a check-in; a refusal or an outage is said in the thread.

        An event has no response_url, and once acknowledged it is not delivered again: what
        cannot be recorded (too long, an outage, someone else's check-in) must be said here, or
        the owner would never know their words were not kept.
        """
        try:
            with self.deps.unit_of_work() as session:
                return answer_in_thread(
                    session, channel=message.channel, ts=message.ts, thread_ts=thread_ts,
                    slack_user_id=message.user or "", text=message.text, now=self.deps.now(),
                )  # fmt: skip
        except EXPECTED as exc:
            self.screens.say_in_thread(message.channel, thread_ts, build_message(explain(exc)))
            return ThreadAnswer()


def register(app: App, deps: Deps) -> None:
    """Attach the DM message listener."""
    app.event("message")(MessageListeners(deps).handle_dm)
