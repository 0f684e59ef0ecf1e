"""The check-in form, the skip form and the details modal: check the inputs and record, then
acknowledge.

A modal has no response_url: once it is acknowledged and closed, nothing can tell its author
that the update was refused. So the update is recorded before the acknowledgement, and any
problem (a refusal, an input the domain rejects, a database outage) keeps the modal open with
the message under an input (`response_action="errors"`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from slack_bolt import Ack, App

from bot.bootstrap import Deps
from bot.errors import EXPECTED, explain
from bot.payloads import ViewSubmission
from bot.screens import Screens, refresh_escalation
from bot.slack_text import plain_link
from bot.views import escalation as esc
from bot.views import ids
from bot.views.checkin_form import block_id, entry_key, pages_of
from bot.views.confirm import (
    A_REMAINS_STATUS,
    A_REMAINS_TEXT,
    B_REMAINS_STATUS,
    B_REMAINS_TEXT,
    REMAINS_MODAL,
    RemainsModal,
    build_remains_recorded,
)
from bot.views.escalation import ReassignMetadata, build_reassigned
from bot.views.values import CheckinButton, CheckinForm, DetailsModal, Entry, ForeignValue
from bot.wording import say
from workflows.checkins.answering import (
    SKIP_REASON,
    Answered,
    CheckinNow,
    FormEntry,
    answer_checkin,
    open_checkin,
    save_form,
    skip_checkin,
)
from workflows.delivery.escalations import Reassigned, reassign
from workflows.errors import HlmError, InvalidInput
from workflows.people.directory import person_by_slack_id, upsert_person
from workflows.ports import CheckinPrompt, Delivery, RecipientGone
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.confirmation import something_remains
from workflows.updates.record import MAX_TEXT, check_links
from workflows.updates.service import RecordUpdate

SAY_SOMETHING = "Choose a status or say what happened."
TOO_LONG = "Keep it under {limit} characters (this is {length})."
CHOOSE_STATUS = "Choose one of the statuses in the list."
OUT_OF_DATE = "This form is out of date. Close it and open it again from your check-in."
GIVE_A_REASON = "Say in a few words why you skip this cycle."


def check_inputs(submission: ViewSubmission) -> dict[str, str]:
    """Return the modal's input errors by block id (empty when all is well)."""
    errors: dict[str, str] = {}
    status = submission.value(ids.B_STATUS, ids.A_STATUS)
    text = submission.value(ids.B_TEXT, ids.A_TEXT) or ""
    if status is None and not text.strip():
        errors[ids.B_STATUS] = SAY_SOMETHING
    if status is not None and status not in {s.value for s in Status}:
        errors[ids.B_STATUS] = CHOOSE_STATUS
    for block, action in ((ids.B_TEXT, ids.A_TEXT), (ids.B_NEXT, ids.A_NEXT)):
        length = len(submission.value(block, action) or "")
        if length > MAX_TEXT:
            errors[block] = TOO_LONG.format(limit=MAX_TEXT, length=length)
    link = plain_link(submission.value(ids.B_LINK, ids.A_LINK) or "")
    if link:
        try:
            check_links([link])
        except HlmError as exc:
            errors[ids.B_LINK] = say(exc)
    return errors


def read_details(private_metadata: str) -> DetailsModal:
    """Read the modal's metadata (made by `build_details_modal`), or refuse it as out of date."""
    try:
        return DetailsModal.parse(private_metadata)
    except ForeignValue as exc:
        raise InvalidInput(OUT_OF_DATE) from exc


class ViewListeners:
    """Listeners of submitted modals."""

    def __init__(self, deps: Deps) -> None:
        self.deps, self.screens = deps, Screens(deps)

    def handle_details(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record the update entered in the details form, or keep the form open saying why not."""
        submission = ViewSubmission.model_validate(body)
        answered, errors = self.take(submission)
        if answered is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        self.screens.show_answer(answered, user_id=submission.user.id)

    def take(self, submission: ViewSubmission) -> tuple[Answered | None, dict[str, str]]:
        """Record the form's update, or say what keeps it from being recorded, by input."""
        errors = check_inputs(submission)
        if errors:
            return None, errors
        try:
            return self.record(submission), {}
        except EXPECTED as exc:
            # The status select is the form's first input: the message shows at the top.
            return None, {ids.B_STATUS: explain(exc)}

    def record(self, submission: ViewSubmission) -> Answered:
        """Record the form's update in one transaction, as its author, on their own check-in."""
        details = read_details(submission.view.private_metadata)
        command = details_command(submission, details, coordinators=self.deps.coordinators)
        with self.deps.unit_of_work() as session:
            return answer_checkin(session, command, now=self.deps.now())


def details_command(
    submission: ViewSubmission, details: DetailsModal, *, coordinators: Collection[str]
) -> RecordUpdate:
    """Turn the form's inputs into the update they ask for."""
    status = submission.value(ids.B_STATUS, ids.A_STATUS)
    link = plain_link(submission.value(ids.B_LINK, ids.A_LINK) or "")
    return RecordUpdate(
        commitment=details.key,
        institution=details.institution,
        author_slack_id=submission.user.id,
        status=Status(status) if status else None,
        source=UpdateSource.MODAL,
        checkin_id=details.prompt_id or None,
        text=submission.value(ids.B_TEXT, ids.A_TEXT) or "",
        evidence=(link,) if link else (),
        next_step=submission.value(ids.B_NEXT, ids.A_NEXT) or "",
        # A form is submitted once; the same payload again is the same update.
        request_key=submission.view.id,
        coordinator=submission.user.id in coordinators,
    )


CHOOSE_OWNER = "Choose who takes them over."
CHOOSE_PARTS = "Choose at least one commitment to move."
NOT_IN_SLACK = "That account is no longer in Slack: choose someone else."


@dataclass(frozen=True)
class ReassignChoice:
    """What the *Reassign…* form asks for: whose commitments, to whom, for which institution."""

    meta: ReassignMetadata
    slack_user_id: str
    institution: Institution
    codes: tuple[str, ...]


def read_reassign(submission: ViewSubmission) -> ReassignChoice | dict[str, str]:
    """Read the *Reassign…* form, or say by input what is missing."""
    try:
        meta = ReassignMetadata.model_validate_json(submission.view.private_metadata)
    except ValueError:
        return {esc.B_PARTS: OUT_OF_DATE}
    values = submission.view.state.get("values") or {}
    who = (values.get(esc.B_WHO) or {}).get(esc.A_WHO) or {}
    picked = (values.get(esc.B_PARTS) or {}).get(esc.A_PARTS) or {}
    codes = tuple(str(o.get("value")) for o in picked.get("selected_options") or [])
    institution = submission.value(esc.B_INSTITUTION, esc.A_INSTITUTION) or ""
    errors = {}
    if not isinstance(who.get("selected_user"), str):
        errors[esc.B_WHO] = CHOOSE_OWNER
    if not codes:
        errors[esc.B_PARTS] = CHOOSE_PARTS
    if institution not in {i.value for i in Institution}:
        errors[esc.B_INSTITUTION] = OUT_OF_DATE
    if errors:
        return errors
    return ReassignChoice(meta, who["selected_user"], Institution(institution), codes)


def handle_reassign_submit(deps: Deps, ack: Ack, body: dict[str, Any]) -> None:
    """Move the chosen commitments to the new owner, tell them, and refresh the escalation."""
    submission = ViewSubmission.model_validate(body)
    choice = read_reassign(submission)
    if isinstance(choice, dict):
        ack(response_action="errors", errors=choice)
        return
    try:
        done = reassign_choice(deps, choice)
    except RecipientGone:
        ack(response_action="errors", errors={esc.B_WHO: NOT_IN_SLACK})
        return
    except EXPECTED as exc:
        ack(response_action="errors", errors={esc.B_PARTS: explain(exc)})
        return
    ack()
    if done.slack_user_id:
        deps.slack.say_in(
            done.slack_user_id, build_reassigned(done, coordinator=submission.user.id)
        )
    where = choice.meta
    if where.channel and where.ts:
        refresh_escalation(deps, Delivery(where.channel, where.ts))


def reassign_choice(deps: Deps, choice: ReassignChoice) -> Reassigned:
    """Make the chosen person owner of the chosen commitments, in one transaction (Slack is
    asked who someone new is before it opens, not while it holds its locks)."""
    with deps.reading() as session:
        known = person_by_slack_id(session, choice.slack_user_id) is not None
    profile = None if known else deps.slack.profile(choice.slack_user_id)
    with deps.unit_of_work() as session:
        person = person_by_slack_id(session, choice.slack_user_id)
        if person is None:
            profile = profile or deps.slack.profile(choice.slack_user_id)
            person = upsert_person(session, name=profile.name, institution=choice.institution,
                                   email=profile.email, slack_user_id=profile.slack_user_id,
                                   tz=profile.tz)  # fmt: skip
        return reassign(session, owner_id=choice.meta.owner, to=person,
                        institution=choice.institution, codes=choice.codes,
                        now=deps.now())  # fmt: skip


class _State(Protocol):
    def value(self, block_id: str, action_id: str) -> str | None: ...


def read_form(private_metadata: str) -> CheckinForm:
    """Read the check-in form's metadata (made by `build_checkin_form`), or refuse it."""
    try:
        return CheckinForm.parse(private_metadata)
    except ForeignValue as exc:
        raise InvalidInput(OUT_OF_DATE) from exc


def take_page(form: CheckinForm, prompt: CheckinPrompt, state: _State) -> CheckinForm:
    """Fold what the form's current page holds into its metadata: only entries that change
    something (another status than the part's, or words) are kept."""
    pages = pages_of(prompt)
    if not pages:
        return form
    page = pages[min(form.page, len(pages) - 1)]
    entries = {k: e for k, e in form.entries.items() if k not in {entry_key(i) for i in page.items}}
    statuses = {s.value: s for s in Status}
    for item in page.items:
        chosen = statuses.get(state.value(block_id(ids.F_STATUS, item), ids.A_STATUS) or "")
        entry = Entry(
            status=chosen if chosen != item.status else None,
            text=(state.value(block_id(ids.F_TEXT, item), ids.A_TEXT) or "")[:MAX_TEXT],
            next_step=(state.value(block_id(ids.F_NEXT, item), ids.A_NEXT) or "")[:MAX_TEXT],
            link=(state.value(block_id(ids.F_LINK, item), ids.A_LINK) or "")[:MAX_TEXT],
        )
        if entry != Entry():
            entries[entry_key(item)] = entry
    return form.model_copy(update={"entries": entries})


def form_entries(form: CheckinForm, prompt: CheckinPrompt) -> list[FormEntry]:
    """Turn the form's kept entries into the updates they ask for (an unchanged status is kept)."""
    items = {entry_key(i): i for i in prompt.items}
    found = []
    for key, entry in form.entries.items():
        item = items.get(key)
        if item is None:
            continue  # no longer asked about (the check-in changed): nothing to record
        link = plain_link(entry.link)
        wanted = FormEntry(
            key=item.key, institution=item.institution, status=entry.status or item.status,
            text=entry.text, next_step=entry.next_step, evidence=(link,) if link else (),
        )  # fmt: skip
        found.append(wanted)
    return found


def check_page(form: CheckinForm, prompt: CheckinPrompt, state: _State) -> dict[str, str]:
    """Return the current page's input errors by block id (empty when all is well)."""
    pages = pages_of(prompt)
    errors: dict[str, str] = {}
    for item in pages[min(form.page, len(pages) - 1)].items if pages else ():
        status = state.value(block_id(ids.F_STATUS, item), ids.A_STATUS)
        if status is not None and status not in {s.value for s in Status}:
            errors[block_id(ids.F_STATUS, item)] = CHOOSE_STATUS
        for field, action in ((ids.F_TEXT, ids.A_TEXT), (ids.F_NEXT, ids.A_NEXT)):
            length = len(state.value(block_id(field, item), action) or "")
            if length > MAX_TEXT:
                errors[block_id(field, item)] = TOO_LONG.format(limit=MAX_TEXT, length=length)
        link = plain_link(state.value(block_id(ids.F_LINK, item), ids.A_LINK) or "")
        try:
            check_links([link] if link else [])
        except HlmError as exc:
            errors[block_id(ids.F_LINK, item)] = say(exc)
    return errors


class CheckinForms:
    """Listeners of the check-in form and the skip form."""

    def __init__(self, deps: Deps) -> None:
        self.deps, self.screens = deps, Screens(deps)

    def handle_form(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record what the check-in form changed, or keep it open saying why not."""
        submission = ViewSubmission.model_validate(body)
        try:
            saved, errors = self.save(submission), {}
        except _Refused as refused:
            saved, errors = None, refused.errors
        if saved is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        self.screens.show_checkin(saved, user_id=submission.user.id)

    def save(self, submission: ViewSubmission) -> CheckinNow:
        """Record the form's changes in one transaction, as its author, on their own check-in."""
        user, view, now = submission.user.id, submission.view, self.deps.now()
        # An error must name an input of the view: the first the page holds.
        first_input = next(iter(_get_values(view.state)), ids.B_STATUS)
        try:
            form = read_form(view.private_metadata)
            with self.deps.unit_of_work() as session:
                prompt = open_checkin(
                    session, checkin_id=form.prompt_id, slack_user_id=user, now=now
                )
                errors = check_page(form, prompt, view)
                if errors:
                    raise _Refused(errors)
                form = take_page(form, prompt, view)
                return save_form(
                    session, checkin_id=form.prompt_id, slack_user_id=user,
                    entries=form_entries(form, prompt), request_key=f"{view.id}:{form.saved}",
                    now=now,
                )  # fmt: skip
        except EXPECTED as exc:
            # The page's first input: the message shows at the top.
            raise _Refused({first_input: explain(exc)}) from exc

    def handle_skip(self, ack: Ack, body: dict[str, Any]) -> None:
        """Mark the check-in skipped with the owner's reason, or keep the form open saying why not."""
        submission = ViewSubmission.model_validate(body)
        reason = " ".join((submission.value(ids.B_REASON, ids.A_REASON) or "").split())
        if not reason:
            ack(response_action="errors", errors={ids.B_REASON: GIVE_A_REASON})
            return
        if len(reason) > SKIP_REASON:
            too_long = TOO_LONG.format(limit=SKIP_REASON, length=len(reason))
            ack(response_action="errors", errors={ids.B_REASON: too_long})
            return
        try:
            value = CheckinButton.parse(submission.view.private_metadata)
            with self.deps.unit_of_work() as session:
                skipped = skip_checkin(
                    session, checkin_id=value.prompt_id, slack_user_id=submission.user.id,
                    reason=reason, now=self.deps.now(),
                )  # fmt: skip
        except EXPECTED as exc:
            ack(response_action="errors", errors={ids.B_REASON: explain(exc)})
            return
        ack()
        self.screens.show_checkin(skipped, user_id=submission.user.id)


def _get_values(state: dict[str, Any]) -> dict[str, Any]:
    values = state.get("values")
    return values if isinstance(values, dict) else {}


class _Refused(Exception):
    """The form cannot be saved as it is: what to say under which input."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def register(app: App, deps: Deps) -> None:
    """Attach the modal listeners."""
    app.view(ids.DETAILS_MODAL)(ViewListeners(deps).handle_details)
    app.view(esc.REASSIGN_MODAL)(partial(handle_reassign_submit, deps))
    app.view(REMAINS_MODAL)(RemainsListener(deps).handle_remains)
    forms = CheckinForms(deps)
    app.view(ids.FORM_MODAL)(forms.handle_form)
    app.view(ids.SKIP_MODAL)(forms.handle_skip)


class RemainsListener:
    """The "something remains" modal of a request to confirm a completion."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_remains(self, ack: Ack, body: dict[str, Any]) -> None:
        """Record what remains as the awaited part's update, or keep the modal open saying why."""
        submission = ViewSubmission.model_validate(body)
        try:
            meta = RemainsModal.parse(submission.view.private_metadata)
            status = Status(submission.value(B_REMAINS_STATUS, A_REMAINS_STATUS) or "")
            with self.deps.unit_of_work() as session:
                something_remains(
                    session, key=meta.key, institution=meta.institution, status=status,
                    slack_user_id=submission.user.id, text=submission.value(B_REMAINS_TEXT, A_REMAINS_TEXT) or "",
                    coordinator=submission.user.id in self.deps.coordinators,
                    request_key=submission.view.id, now=self.deps.now(),
                )  # fmt: skip
        except EXPECTED as exc:  # (a forged metadata too: ForeignValue is one)
            ack(response_action="errors", errors={B_REMAINS_STATUS: explain(exc)})
            return
        except ValueError:  # not a status
            ack(response_action="errors", errors={B_REMAINS_STATUS: CHOOSE_STATUS})
            return
        ack()
        if meta.channel and meta.ts:
            done = build_remains_recorded(meta.code, meta.institution, status)
            self.deps.slack.replace(Delivery(meta.channel, meta.ts), done)
