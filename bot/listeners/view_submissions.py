"""The check-in details modal: check the inputs, then record the update."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.deps import Deps
from bot.errors import after_saving
from bot.listeners.home import publish_home
from bot.payloads import ViewSubmission
from bot.views import ids
from workflows.answers import author_of, record_answer
from workflows.checkins import build_prompt, find_prompt
from workflows.errors import HlmError
from workflows.ports import Delivery
from workflows.types import Institution, Status, UpdateSource
from workflows.updates import MAX_TEXT, check_links

SAY_SOMETHING = "Choose a status or say what happened."
TOO_LONG = "Keep it under {limit} characters (this is {length})."


def check_inputs(submission: ViewSubmission) -> dict[str, str]:
    """Return the modal's input errors by block id (empty when all is well)."""
    errors: dict[str, str] = {}
    status = submission.value(ids.B_STATUS, ids.A_STATUS)
    text = submission.value(ids.B_TEXT, ids.A_TEXT) or ""
    if status is None and not text.strip():
        errors[ids.B_STATUS] = SAY_SOMETHING
    if len(text) > MAX_TEXT:
        errors[ids.B_TEXT] = TOO_LONG.format(limit=MAX_TEXT, length=len(text))
    link = submission.value(ids.B_LINK, ids.A_LINK)
    if link:
        try:
            check_links([link])
        except HlmError as exc:
            errors[ids.B_LINK] = exc.message
    return errors


class ViewListeners:
    """Listeners of submitted modals."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_details(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record the update entered in the details modal."""
        submission = ViewSubmission.model_validate(body)
        errors = check_inputs(submission)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        meta = ids.decode(submission.view.private_metadata)
        status = submission.value(ids.B_STATUS, ids.A_STATUS)
        link = submission.value(ids.B_LINK, ids.A_LINK)
        with self.deps.unit_of_work() as session:
            answer = record_answer(
                session,
                key=meta["c"],
                institution=Institution(meta["i"]),
                author=author_of(session, submission.user.id),
                status=Status(status) if status else None,
                source=UpdateSource.MODAL,
                now=self.deps.clock(),
                prompt_id=int(meta.get("p") or 0) or None,
                text=submission.value(ids.B_TEXT, ids.A_TEXT) or "",
                evidence=[link] if link else [],
                next_step=submission.value(ids.B_NEXT, ids.A_NEXT) or "",
                # A modal is submitted once; the same payload again is the same update.
                dedup_key=f"view:{submission.view.id}",
            )
            prompt = (
                build_prompt(session, find_prompt(session, answer.prompt_id), now=self.deps.clock())
                if answer.prompt_id
                else None
            )
        if prompt and meta.get("ch") and meta.get("ts"):
            delivery, key = Delivery(meta["ch"], meta["ts"]), meta["c"]
            after_saving(
                "Refreshing the check-in",
                lambda: self.deps.notifier.refresh_checkin(prompt, delivery, focus=key),
            )
        publish_home(self.deps, submission.user.id)


def register(app: App, deps: Deps) -> None:
    """Attach the modal listeners."""
    app.view(ids.DETAILS_MODAL)(ViewListeners(deps).handle_details)
