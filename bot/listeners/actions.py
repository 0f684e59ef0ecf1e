"""Buttons and selects: status buttons, "Add details…", "which commitment?", "Share"."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.bootstrap import Deps
from bot.commands.runner import CommandRunner
from bot.payloads import BlockAction
from bot.screens import Screens
from bot.views import ids
from bot.views.checkin import build_details_modal
from bot.views.confirm import (
    CONFIRM_ACTION,
    REMAINS_ACTION,
    ConfirmButton,
    build_confirmed,
    build_remains_modal,
)
from bot.views.escalation import (
    NUDGE_ACTION,
    REASSIGN_ACTION,
    build_escalation,
    build_nudge,
    build_reassign_modal,
)
from bot.views.values import DetailsButton, PickOption, StatusButton
from workflows.catalogue.lookup import find_commitment
from workflows.checkins.answering import answer_checkin, answer_pick, part_to_detail
from workflows.delivery.escalations import (
    escalation_at,
    is_coordinator,
    nudge_owner,
    reassign_form,
)
from workflows.ports import Delivery
from workflows.types import UpdateSource
from workflows.updates.confirmation import confirm_completion
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


COORDINATORS_ONLY = "Only coordinators can do this."


def handle_nudge(deps: Deps, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """Send a silent owner a one-line reminder (once a day), then show it in the escalation."""
    ack()
    click = BlockAction.model_validate(body)
    with deps.unit_of_work() as session:
        if not is_coordinator(session, click.user.id, deps.coordinators):
            respond(text=COORDINATORS_ONLY, response_type="ephemeral", replace_original=False)
            return
        nudge = nudge_owner(session, person_id=int(click.chosen or 0), now=deps.now())
    if nudge is not None:
        deps.slack.nudge(nudge.slack_user_id, build_nudge(nudge, coordinator=click.user.id),
                         thread=nudge.thread)  # fmt: skip
    refresh_escalation(deps, click.message)


def handle_reassign(deps: Deps, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """Open the *Reassign…* form for an owner's commitments."""
    ack()
    click = BlockAction.model_validate(body)
    with deps.reading() as session:
        if not is_coordinator(session, click.user.id, deps.coordinators):
            respond(text=COORDINATORS_ONLY, response_type="ephemeral", replace_original=False)
            return
        form = reassign_form(session, owner_id=int(click.chosen or 0), now=deps.now())
    where = click.message or Delivery("", "")
    deps.slack.open_modal(click.trigger_id, build_reassign_modal(form, channel=where.channel,
                                                                 ts=where.ts))  # fmt: skip


def refresh_escalation(deps: Deps, message: Delivery | None) -> None:
    """Show an escalation message as it stands now, in place."""
    if message is None:
        return
    with deps.reading() as session:
        escalation = escalation_at(session, channel=message.channel, ts=message.ts,
                                   now=deps.now(), cadence=deps.settings.cadence())  # fmt: skip
    if escalation is not None:
        deps.slack.replace(message, build_escalation(escalation))


def register(app: App, deps: Deps) -> None:
    """Attach the action listeners."""
    listeners = ActionListeners(deps)
    app.action(re.compile(rf"^{ids.STATUS_ACTION}:"))(listeners.handle_status_button)
    app.action(ids.DETAILS_ACTION)(listeners.handle_details_button)
    app.action(ids.PICK_ACTION)(listeners.handle_pick)
    app.action(ids.SHARE_ACTION)(listeners.handle_share)
    app.action(ids.HOME_MORE_ACTION)(lambda ack: ack())
    app.action(re.compile(rf"^{NUDGE_ACTION}:"))(partial(handle_nudge, deps))
    app.action(re.compile(rf"^{REASSIGN_ACTION}:"))(partial(handle_reassign, deps))
    register_confirmation(app, deps)
    register_away_button(app, deps)


class ConfirmationActions:
    """The buttons of a request to confirm another institution's completion."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_confirm(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record the awaited part as completed too, then say so in place of the request."""
        ack()
        click = BlockAction.model_validate(body)
        value = ConfirmButton.parse(click.chosen)
        with self.deps.unit_of_work() as session:
            answer = confirm_completion(
                session, key=value.key, institution=value.institution,
                slack_user_id=click.user.id, coordinator=click.user.id in self.deps.coordinators,
                now=self.deps.now(),
            )  # fmt: skip
        if click.message is not None:
            self.deps.slack.replace(click.message, build_confirmed(answer.code, value.institution))

    def handle_remains(self, ack: Ack, body: dict[str, Any]) -> None:
        """Open the modal where the awaited owner says what remains."""
        ack()
        click = BlockAction.model_validate(body)
        value = ConfirmButton.parse(click.chosen)
        where = click.message or Delivery("", "")
        with self.deps.reading() as session:
            code = find_commitment(session, value.key).code
        view = build_remains_modal(
            key=value.key, code=code, institution=value.institution, done=value.done.label,
            channel=where.channel, ts=where.ts,
        )  # fmt: skip
        self.deps.slack.open_modal(click.trigger_id, view)


def register_confirmation(app: App, deps: Deps) -> None:
    """Attach the buttons of a request to confirm a completion."""
    listeners = ConfirmationActions(deps)
    app.action(CONFIRM_ACTION)(listeners.handle_confirm)
    app.action(REMAINS_ACTION)(listeners.handle_remains)


def register_away_button(app: App, deps: Deps) -> None:
    """Attach the *I'm away…* button, which opens the away modal."""
    from bot.listeners.away import AWAY_OPEN_ACTION, AwayListeners

    app.action(AWAY_OPEN_ACTION)(AwayListeners(deps).handle_away_button)
