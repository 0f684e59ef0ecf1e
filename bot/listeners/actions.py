"""Buttons and selects: status buttons, "Add details…", "which commitment?", "Share"."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.bootstrap import Deps
from bot.commands.runner import CommandRunner
from bot.payloads import BlockAction
from bot.screens import Screens
from bot.views import ids
from bot.views.checkin import build_details_modal
from bot.views.values import DetailsButton, PickOption, StatusButton
from workflows.checkins.answering import answer_checkin, answer_pick, part_to_detail
from workflows.ports import Delivery
from workflows.types import UpdateSource
from workflows.updates.service import RecordUpdate


class ActionListeners:
    """Listeners of the interactive elements the bot posts."""

    def __init__(self, deps: Deps) -> None:
        self.deps, self.screens, self.runner = deps, Screens(deps), CommandRunner(deps)

    def handle_status_button(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record the status an owner clicked, then show it in place."""
        ack()
        click = BlockAction.model_validate(body)
        value = StatusButton.parse(click.chosen)
        command = RecordUpdate(
            commitment=value.key, institution=value.institution, status=value.status,
            author_slack_id=click.user.id, source=UpdateSource.BUTTON,
            checkin_id=value.prompt_id or None,
        )  # fmt: skip
        with self.deps.unit_of_work() as session:
            answered = answer_checkin(session, command, now=self.deps.now())
        self.screens.show_answer(answered, user_id=click.user.id, where=click.message)

    def handle_details_button(self, ack: Ack, body: dict[str, Any]) -> None:
        """Open the form where an owner adds details to an update (their own parts only)."""
        ack()
        click = BlockAction.model_validate(body)
        value = DetailsButton.parse(click.chosen)
        with self.deps.reading() as session:
            item = part_to_detail(
                session, key=value.key, institution=value.institution,
                checkin_id=value.prompt_id or None, slack_user_id=click.user.id,
                now=self.deps.now(), coordinator=click.user.id in self.deps.coordinators,
            )  # fmt: skip
        where = click.message or Delivery("", "")  # App Home: no message to refresh
        view = build_details_modal(
            item, prompt_id=value.prompt_id, channel=where.channel, ts=where.ts
        )
        self.deps.slack.open_modal(click.trigger_id, view)

    def handle_pick(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record a thread reply against the commitment its author picked."""
        ack()
        click = BlockAction.model_validate(body)
        value = PickOption.parse(click.chosen)
        with self.deps.unit_of_work() as session:
            answered = answer_pick(
                session, channel=click.container.channel_id or "", reply_ts=value.reply_ts,
                key=value.key, institution=value.institution, slack_user_id=click.user.id,
                now=self.deps.now(),
            )  # fmt: skip
        if (message := click.message) is not None:
            self.screens.confirm_in_place(answered, message)
            self.screens.show_answer(answered, user_id=click.user.id)

    def handle_share(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """Post an ephemeral /hlm reply again, visible to the whole channel."""
        ack()
        click = BlockAction.model_validate(body)
        replies = self.runner.shared(click.user.id, (click.chosen or "") + " share")
        respond(delete_original=True)
        for reply in replies:
            respond(text=reply.text, blocks=reply.block_dicts(), response_type="in_channel",
                    replace_original=False)  # fmt: skip


def register(app: App, deps: Deps) -> None:
    """Attach the action listeners."""
    listeners = ActionListeners(deps)
    app.action(re.compile(rf"^{ids.STATUS_ACTION}:"))(listeners.handle_status_button)
    app.action(ids.DETAILS_ACTION)(listeners.handle_details_button)
    app.action(ids.PICK_ACTION)(listeners.handle_pick)
    app.action(ids.SHARE_ACTION)(listeners.handle_share)
    app.action(ids.HOME_MORE_ACTION)(lambda ack: ack())
    register_away_button(app, deps)


def register_away_button(app: App, deps: Deps) -> None:
    """Attach the *I'm away…* button, which opens the away modal."""
    from bot.listeners.away import AWAY_OPEN_ACTION, AwayListeners

    app.action(AWAY_OPEN_ACTION)(AwayListeners(deps).handle_away_button)
