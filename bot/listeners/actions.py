"""Buttons and selects: status buttons, "Add details…", "which commitment?", "Share"."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.bootstrap import Deps
from bot.errors import after_saving
from bot.listeners.home import publish_home
from bot.listeners.slash import SlashListeners
from bot.payloads import BlockAction, SlashCommand
from bot.views import Reply, ids
from bot.views.checkin import build_details_modal, build_recorded
from bot.views.values import DetailsButton, PickOption, StatusButton
from workflows.checkins.answers import author_of, record_answer, resolve_thread_reply
from workflows.checkins.prompts import build_prompt, checkin_item, find_prompt
from workflows.ports import Delivery
from workflows.store.models import Update
from workflows.types import UpdateSource


def recorded_reply(update: Update) -> Reply:
    """Confirm in a thread what an answer recorded."""
    return build_recorded(
        update.commitment.code,
        update.status.label if update.status else "a note",
        update.author.name if update.author else "",
        update.created_at,
        late=update.late,
    )


class ActionListeners:
    """Listeners of the interactive elements the bot posts."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_status_button(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record the status an owner clicked, then show it in place."""
        ack()
        action = BlockAction.model_validate(body)
        value = StatusButton.parse(action.chosen)
        with self.deps.unit_of_work() as session:
            answer = record_answer(
                session,
                key=value.key,
                institution=value.institution,
                author=author_of(session, action.user.id),
                status=value.status,
                source=UpdateSource.BUTTON,
                now=self.deps.clock(),
                prompt_id=value.prompt_id or None,
            )
        self.refresh(action, answer.prompt_id, value.key)

    def refresh(self, action: BlockAction, prompt_id: int | None, key: str) -> None:
        """Show the recorded answer in the message clicked and on the owner's App Home."""
        channel, ts = action.container.channel_id, action.container.message_ts
        if prompt_id and channel and ts:
            delivery = Delivery(channel, ts)
            after_saving(
                "Refreshing the check-in",
                lambda: self.refresh_checkin(prompt_id, delivery, focus=key),
            )
        publish_home(self.deps, action.user.id)

    def refresh_checkin(self, prompt_id: int, delivery: Delivery, *, focus: str | None) -> None:
        """Rewrite a check-in message with what its prompt has recorded so far."""
        with self.deps.reading() as session:
            prompt = build_prompt(session, find_prompt(session, prompt_id), now=self.deps.clock())
        self.deps.slack.refresh_checkin(prompt, delivery, focus=focus)

    def handle_details_button(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open the modal where an owner adds details to an update."""
        ack()
        action = BlockAction.model_validate(body)
        value = DetailsButton.parse(action.chosen)
        with self.deps.unit_of_work() as session:
            item = checkin_item(
                session, key=value.key, institution=value.institution, now=self.deps.clock()
            )
        view = build_details_modal(
            item,
            prompt_id=value.prompt_id,
            channel=action.container.channel_id or "",
            ts=action.container.message_ts or "",
        )
        client.views_open(trigger_id=action.trigger_id, view=view)

    def handle_pick(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Record a thread reply against the commitment its author picked."""
        ack()
        action = BlockAction.model_validate(body)
        value = PickOption.parse(action.chosen)
        channel = action.container.channel_id or ""
        with self.deps.unit_of_work() as session:
            outcome = resolve_thread_reply(
                session,
                channel=channel,
                ts=value.reply_ts,
                key=value.key,
                institution=value.institution,
                now=self.deps.clock(),
            )
            if outcome.answer is None:
                return
            update = outcome.answer.recorded.update
            reply = recorded_reply(update)
            prompt_id = outcome.answer.prompt_id
        if ts := action.container.message_ts:
            after_saving(
                "Confirming a thread answer",
                lambda: client.chat_update(
                    channel=channel, ts=ts, text=reply.text, blocks=reply.block_dicts()
                ),
            )
        self.refresh_prompt(prompt_id, action.user.id)

    def refresh_prompt(self, prompt_id: int | None, user_id: str) -> None:
        """Show what was recorded in the prompt's first message and on App Home."""
        if prompt_id:
            after_saving("Refreshing the check-in", lambda: self._refresh_first(prompt_id))
        publish_home(self.deps, user_id)

    def _refresh_first(self, prompt_id: int) -> None:
        with self.deps.reading() as session:
            row = find_prompt(session, prompt_id)
            prompt = build_prompt(session, row, now=self.deps.clock())
            delivery = Delivery(row.channel, row.ts) if row.channel and row.ts else None
        if delivery:
            self.deps.slack.refresh_checkin(prompt, delivery)

    def handle_share(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """Post an ephemeral /hlm reply again, visible to the whole channel."""
        ack()
        action = BlockAction.model_validate(body)
        request = SlashCommand(user_id=action.user.id, text=(action.chosen or "") + " share")
        replies = SlashListeners(self.deps).replies(request)
        respond(delete_original=True)
        for reply in replies:
            respond(
                text=reply.text,
                blocks=reply.block_dicts(),
                response_type="in_channel",
                replace_original=False,
            )


def register(app: App, deps: Deps) -> None:
    """Attach the action listeners."""
    listeners = ActionListeners(deps)
    app.action(re.compile(rf"^{ids.STATUS_ACTION}:"))(listeners.handle_status_button)
    app.action(ids.DETAILS_ACTION)(listeners.handle_details_button)
    app.action(ids.PICK_ACTION)(listeners.handle_pick)
    app.action(ids.SHARE_ACTION)(listeners.handle_share)
    app.action(ids.HOME_MORE_ACTION)(lambda ack: ack())
