"""Words an owner writes in a check-in thread in the bot's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.bootstrap import Deps
from bot.errors import after_saving
from bot.listeners.actions import recorded_reply
from bot.listeners.home import publish_home
from bot.payloads import DmMessage
from bot.views import Reply
from bot.views.checkin import build_pick_commitment
from bot.views.status import build_message
from workflows.checkins.answers import take_thread_reply
from workflows.checkins.prompts import build_prompt, find_prompt
from workflows.errors import HlmError
from workflows.ports import CheckinPrompt, Delivery

NOT_A_THREAD = (
    "To update a commitment, reply in the thread of a check-in message, "
    "or type `/hlm mine` to see what you own."
)


class MessageListeners:
    """Listeners of DM messages."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_dm(self, event: dict[str, Any], client: WebClient) -> None:
        """Record a reply in a check-in thread, or ask which commitment it is about."""
        message = DmMessage.model_validate(event)
        if message.bot_id or message.subtype or not message.user or message.channel_type != "im":
            return
        if message.thread_ts is None:
            client.chat_postMessage(channel=message.channel, text=NOT_A_THREAD)
            return
        try:
            taken = self.take(message, message.thread_ts, message.user)
        except HlmError as exc:
            # An event has no response_url, and once answered it is never delivered again: a
            # refusal (too long, an unknown author) is said in the thread, or it would be lost.
            taken = build_message(exc.message), None, None
        if taken is None:
            return
        reply, prompt, delivery = taken
        thread_ts, user = message.thread_ts, message.user
        after_saving(
            "Answering in the check-in thread",
            lambda: client.chat_postMessage(
                channel=message.channel,
                thread_ts=thread_ts,
                text=reply.text,
                blocks=reply.block_dicts(),
            ),
        )
        if delivery and prompt is not None:
            shown = prompt
            after_saving(
                "Refreshing the check-in",
                lambda: self.deps.slack.refresh_checkin(shown, delivery),
            )
            publish_home(self.deps, user)

    def take(
        self, message: DmMessage, thread_ts: str, user: str
    ) -> tuple[Reply, CheckinPrompt | None, Delivery | None] | None:
        """Keep a thread reply and record it; return what to say, and the check-in to refresh."""
        with self.deps.unit_of_work() as session:
            outcome = take_thread_reply(
                session,
                channel=message.channel,
                ts=message.ts,
                thread_ts=thread_ts,
                slack_user_id=user,
                text=message.text,
                now=self.deps.clock(),
            )
            if outcome.reply is None or outcome.repeated:
                return None
            if outcome.answer is None:
                prompt = build_prompt(
                    session, find_prompt(session, outcome.reply.prompt_id), now=self.deps.clock()
                )
                chosen = {(k, i) for k, i in outcome.choices}
                items = [item for item in prompt.items if (item.key, item.institution) in chosen]
                reply = build_pick_commitment(items, reply_ts=message.ts, excerpt=message.text)
                delivery = None
            else:
                update = outcome.answer.recorded.update
                reply = recorded_reply(update)
                prompt = build_prompt(
                    session, find_prompt(session, outcome.reply.prompt_id), now=self.deps.clock()
                )
                delivery = Delivery(message.channel, thread_ts)
        return reply, prompt, delivery


def register(app: App, deps: Deps) -> None:
    """Attach the DM message listener."""
    app.event("message")(MessageListeners(deps).handle_dm)
