"""Words an owner writes in the bot's DM, in a check-in's thread or not, and their edits and
deletions: each is recorded, corrected or withdrawn, and answered in the message's thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.bootstrap import Deps
from bot.errors import EXPECTED, explain
from bot.payloads import DmMessage
from bot.screens import Screens
from bot.views import Reply
from bot.views.checkin import build_pick_commitment
from bot.views.status import build_message
from bot.views.words import UNNAMED, build_words_answer
from bot.wording import say
from workflows.checkins.answering import (
    WordsAnswer,
    answer_deletion,
    answer_edit,
    answer_words,
)


class MessageListeners:
    """Listeners of DM messages."""

    def __init__(self, deps: Deps) -> None:
        self.deps, self.screens = deps, Screens(deps)

    def handle_dm(self, event: dict[str, Any]) -> None:
        """Record, correct or withdraw what a person's words in the DM say."""
        message = DmMessage.model_validate(event)
        if message.from_a_person_in_dm:
            self.take_words(message)
        elif message.edit is not None:
            self.take_edit(message)
        elif message.deleted is not None:
            self.take_deletion(message)

    def take_words(self, message: DmMessage) -> None:
        """Record new words; answer under them (in the check-in's thread when they are there)."""
        where = message.thread_ts or message.ts
        answer = self.attempt(
            message.channel, where,
            lambda session: answer_words(
                session, channel=message.channel, ts=message.ts, thread_ts=message.thread_ts,
                slack_user_id=message.user or "", text=message.text, now=self.deps.now(),
            ),
        )  # fmt: skip
        if answer.unnamed:
            self.screens.say_in_thread(message.channel, where, build_message(UNNAMED))
        elif answer.asks:  # which commitment? (or: none is left open to pick)
            reply = build_pick_commitment(list(answer.choices), reply_ts=message.ts, excerpt=message.text)  # fmt: skip
            self.screens.say_in_thread(message.channel, where, reply)
        else:
            self.confirm(message.channel, where, answer, user_id=message.user or "")

    def take_edit(self, message: DmMessage) -> None:
        """Correct what an edited message recorded; say so under it."""
        edit = message.edit
        assert edit is not None  # noqa: S101 (only called for an edit)
        where = edit.thread_ts or edit.ts
        answer = self.attempt(
            message.channel, where,
            lambda session: answer_edit(
                session, channel=message.channel, ts=edit.ts, edited=message.ts,
                thread_ts=edit.thread_ts, slack_user_id=edit.user or "", text=edit.text,
                now=self.deps.now(),
            ),
        )  # fmt: skip
        self.confirm(message.channel, where, answer, user_id=edit.user or "", corrected=True)

    def take_deletion(self, message: DmMessage) -> None:
        """Withdraw what a deleted message recorded; say so where it was."""
        gone = message.deleted
        assert gone is not None  # noqa: S101 (only called for a deletion)
        where = gone.thread_ts or gone.ts
        answer = self.attempt(
            message.channel, where,
            lambda session: answer_deletion(
                session, channel=message.channel, ts=gone.ts, slack_user_id=gone.user,
                now=self.deps.now(),
            ),
        )  # fmt: skip
        self.confirm(message.channel, where, answer, user_id=gone.user or "")

    def attempt(
        self, channel: str, where: str, work: Callable[[Session], WordsAnswer]
    ) -> WordsAnswer:
        """Do the work in one unit; a refusal or an outage is said under the words.

        An event has no response_url, and once acknowledged it is not delivered again: what
        cannot be recorded (too long, an outage, someone else's check-in) must be said here, or
        the owner would never know their words were not kept.
        """
        try:
            with self.deps.unit_of_work() as session:
                return work(session)
        except EXPECTED as exc:
            self.screens.say_in_thread(channel, where, build_message(explain(exc)))
            return WordsAnswer(ignored=True)

    def confirm(
        self, channel: str, where: str, answer: WordsAnswer, *, user_id: str,
        corrected: bool = False,
    ) -> None:  # fmt: skip
        """Say in one line what was recorded, withdrawn or refused; refresh the check-in."""
        if answer.ignored:
            return
        refused = [(line.named, say(line.refused)) for line in answer.lines if line.refused]
        reply: Reply = build_words_answer(
            answer.answered, refused, answer.withdrawn, corrected=corrected
        )
        self.screens.say_in_thread(channel, where, reply)
        if answer.checkins:
            self.screens.show_checkin(answer.checkins[-1], user_id=user_id)
        elif answer.answered or answer.withdrawn:
            self.screens.refresh_home(user_id)


def register(app: App, deps: Deps) -> None:
    """Attach the DM message listener (new messages, replies, edits and deletions)."""
    app.event("message")(MessageListeners(deps).handle_dm)
