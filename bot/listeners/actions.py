"""Buttons and selects: a check-in's "Nothing changed", "Update…" (and its pages), "Skip this
cycle…"; status buttons of older check-ins, "Add details…", "which commitment?", "Share"."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.bootstrap import Deps
from bot.commands.runner import CommandRunner
from bot.listeners.view_submissions import form_entries, read_form, take_page
from bot.payloads import BlockAction
from bot.screens import Screens, refresh_escalation
from bot.views import ids
from bot.views.checkin import build_details_modal
from bot.views.checkin_form import build_checkin_form, build_skip_modal, pages_of
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
    build_nudge,
    build_reassign_modal,
)
from bot.views.values import CheckinButton, CheckinForm, DetailsButton, PickOption, StatusButton
from workflows.catalogue.lookup import find_commitment
from workflows.checkins.answering import (
    SKIP_REASON,
    answer_checkin,
    answer_pick,
    confirm_unchanged,
    open_checkin,
    part_to_detail,
    save_form,
)
from workflows.delivery.escalations import (
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
        self.screens.show_answer(answered, user_id=click.user.id)

    def handle_confirm(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record "nothing changed" for every part still unanswered, then show it in place."""
        ack()
        click = BlockAction.model_validate(body)
        value = CheckinButton.parse(click.chosen)
        with self.deps.unit_of_work() as session:
            confirmed = confirm_unchanged(
                session, checkin_id=value.prompt_id, slack_user_id=click.user.id,
                # The click's own moment: the same click delivered again is recorded once.
                request_key=f"{value.prompt_id}:{click.action.action_ts}", now=self.deps.now(),
            )  # fmt: skip
        self.screens.show_checkin(confirmed, user_id=click.user.id)

    def handle_form_open(self, ack: Ack, body: dict[str, Any]) -> None:
        """Open the check-in form on its first page (the owner's own check-in only)."""
        ack()
        click = BlockAction.model_validate(body)
        value = CheckinButton.parse(click.chosen)
        with self.deps.reading() as session:
            prompt = open_checkin(
                session, checkin_id=value.prompt_id, slack_user_id=click.user.id,
                now=self.deps.now(),
            )  # fmt: skip
        view = build_checkin_form(prompt, CheckinForm(prompt_id=value.prompt_id))
        self.deps.slack.open_modal(click.trigger_id, view)

    def handle_form_page(self, ack: Ack, body: dict[str, Any]) -> None:
        """Show another page of the check-in form, keeping what was entered on this one; if
        the form would outgrow its metadata, save what it holds first."""
        ack()
        click = BlockAction.model_validate(body)
        if click.view is None:
            return  # a paging button outside a modal: nothing to page
        user, view, now = click.user.id, click.view, self.deps.now()
        form = read_form(view.private_metadata)
        with self.deps.unit_of_work() as session:
            prompt = open_checkin(session, checkin_id=form.prompt_id, slack_user_id=user, now=now)
            form = take_page(form, prompt, view)
            chosen = click.chosen or ""
            wanted = int(chosen) if re.fullmatch(r"[0-9]{1,3}", chosen) else form.page
            form = form.model_copy(update={"page": min(wanted, max(len(pages_of(prompt)) - 1, 0))})
            if not form.fits():
                saved = save_form(
                    session, checkin_id=form.prompt_id, slack_user_id=user,
                    entries=form_entries(form, prompt), request_key=f"{view.id}:{form.saved}",
                    now=now,
                )  # fmt: skip
                form = form.model_copy(update={"entries": {}, "saved": form.saved + saved.created})
                prompt = saved.checkin
        self.deps.slack.update_modal(
            click.user.id, view.id, build_checkin_form(prompt, form), hash_=view.hash
        )

    def handle_skip_open(self, ack: Ack, body: dict[str, Any]) -> None:
        """Ask why the owner skips this cycle (their own check-in only)."""
        ack()
        click = BlockAction.model_validate(body)
        value = CheckinButton.parse(click.chosen)
        with self.deps.reading() as session:
            open_checkin(
                session, checkin_id=value.prompt_id, slack_user_id=click.user.id,
                now=self.deps.now(),
            )  # fmt: skip
        view = build_skip_modal(value.prompt_id, reason_length=SKIP_REASON)
        self.deps.slack.open_modal(click.trigger_id, view)

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
        view = build_details_modal(item, prompt_id=value.prompt_id)
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
NOT_AN_OWNER_BUTTON = "This button names no owner I know. Please use the latest message."


def _owner_of(click: BlockAction) -> int | None:
    """Read the owner a *Nudge* or *Reassign…* button names (a person's id), or None."""
    value = click.chosen or ""
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 10 else None


def handle_nudge(deps: Deps, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """Send a silent owner a one-line reminder (once a day), then show it in the escalation."""
    ack()
    click = BlockAction.model_validate(body)
    with deps.unit_of_work() as session:
        if not is_coordinator(session, click.user.id, deps.coordinators):
            respond(text=COORDINATORS_ONLY, response_type="ephemeral", replace_original=False)
            return
        owner = _owner_of(click)
        if owner is None:
            respond(text=NOT_AN_OWNER_BUTTON, response_type="ephemeral", replace_original=False)
            return
        nudge = nudge_owner(session, person_id=owner, now=deps.now())
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
        owner = _owner_of(click)
        if owner is None:
            respond(text=NOT_AN_OWNER_BUTTON, response_type="ephemeral", replace_original=False)
            return
        form = reassign_form(session, owner_id=owner, now=deps.now())
    where = click.message or Delivery("", "")
    deps.slack.open_modal(click.trigger_id, build_reassign_modal(form, channel=where.channel,
                                                                 ts=where.ts))  # fmt: skip


def register(app: App, deps: Deps) -> None:
    """Attach the action listeners."""
    listeners = ActionListeners(deps)
    app.action(re.compile(rf"^{ids.STATUS_ACTION}:"))(listeners.handle_status_button)
    app.action(ids.CONFIRM_ACTION)(listeners.handle_confirm)
    app.action(ids.FORM_OPEN)(listeners.handle_form_open)
    app.action(re.compile(rf"^{ids.FORM_PAGE}:"))(listeners.handle_form_page)
    app.action(ids.SKIP_OPEN)(listeners.handle_skip_open)
    # ids.AWAY_OPEN ("I'm away…") is answered by `bot.listeners.away`.
    app.action(ids.DETAILS_ACTION)(listeners.handle_details_button)
    app.action(ids.PICK_ACTION)(listeners.handle_pick)
    app.action(ids.SHARE_ACTION)(listeners.handle_share)
    app.action(ids.HOME_MORE_ACTION)(lambda ack: ack())
    app.action(re.compile(rf"^{NUDGE_ACTION}:"))(partial(handle_nudge, deps))
    app.action(re.compile(rf"^{REASSIGN_ACTION}:"))(partial(handle_reassign, deps))
    register_confirmation(app, deps)


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
            code = find_commitment(session, value.key).shown_code
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
