"""Asking an institution to confirm another's completion of a joint commitment.

The DM carries two buttons: *Confirm completed* and *Something remains…*; the second opens a
small modal (a status other than Completed, and what remains). Their values and the modal's
metadata are typed here, read back with `parse` like every value the bot posts.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.views import Reply
from bot.views.mrkdwn import DAY_TOKENS, escape, fallback, fit, local_time, quote, short
from bot.views.status import footnote
from bot.views.values import INSTITUTION, KEY, SLACK_ID, SLACK_TS, Value
from workflows.types import Institution, Status
from workflows.updates.confirmation import ConfirmationRequest

CONFIRM_ACTION = "hlm_confirm_completed"  # value: ConfirmButton
REMAINS_ACTION = "hlm_something_remains"  # value: ConfirmButton
REMAINS_MODAL = "hlm_remains_modal"  # private_metadata: RemainsModal
B_REMAINS_STATUS, A_REMAINS_STATUS = "remains_status", "remains_status"
B_REMAINS_TEXT, A_REMAINS_TEXT = "remains_text", "remains_text"

ASK = (
    "*The {done} marked {code} ({number}) completed* on {when}{by}. "
    "Is it completed for the {mine} too?\n{text}"
)
BY = " ({author})"
CONFIRM = "Confirm completed"
REMAINS = "Something remains…"
HINT = "Only you, as the {mine}'s owner, or a coordinator can answer."
CONFIRMED = ":white_check_mark: *{code}*: recorded as completed for the {mine} too. Thank you."
REMAINS_RECORDED = ":memo: *{code}*: recorded for the {mine} as {status}, with what remains."
MODAL_TITLE = "What remains"
MODAL_SUBMIT = "Record"
MODAL_CLOSE = "Cancel"
MODAL_ABOUT = "*{code}* for the {mine}: the {done} marked it completed. What remains on your side?"
LABEL_STATUS = "Where it stands for the {mine}"
LABEL_TEXT = "What remains"
ITEM_TEXT = 300
WORDS_TEXT = 300
REMAINS_TEXT = 3000


class ConfirmButton(Value):
    """A confirmation button: the commitment, and the awaited institution it answers for."""

    LIMIT = ButtonElement.value_max_length
    key: KEY
    institution: INSTITUTION
    done: Annotated[Institution, Field(alias="d")]


class RemainsModal(Value):
    """The "something remains" modal's metadata: the part, and the DM message to rewrite."""

    LIMIT = View.private_metadata_max_length
    key: KEY
    institution: INSTITUTION
    code: Annotated[str, Field(alias="k", min_length=1, max_length=60)]
    channel: Annotated[str, Field(alias="ch", pattern=f"{SLACK_ID}|^$")] = ""
    ts: Annotated[str, Field(alias="ts", pattern=f"{SLACK_TS}|^$")] = ""


def build_confirmation_request(request: ConfirmationRequest) -> Reply:
    """Ask an owner to confirm another institution's completion, or to say what remains."""
    mine = request.institution.label
    ask = ASK.format(
        done=request.completed_by.label,
        code=escape(request.code),
        number=escape(request.number),
        when=local_time(request.completed_at, tokens=DAY_TOKENS),
        by=BY.format(author=escape(request.author)) if request.author else "",
        mine=mine,
        text=short(request.text, ITEM_TEXT),
    )
    words = short(request.words, WORDS_TEXT)
    value = ConfirmButton(
        key=request.key, institution=request.institution, done=request.completed_by
    ).encode()
    buttons = [
        ButtonElement(text=CONFIRM, action_id=CONFIRM_ACTION, value=value, style="primary"),
        ButtonElement(text=REMAINS, action_id=REMAINS_ACTION, value=value),
    ]
    blocks = [
        SectionBlock(text=fit(f"{ask}\n{quote(words)}" if words else ask)),
        ActionsBlock(elements=buttons),
        footnote(HINT.format(mine=mine)),
    ]
    notification = f"The {request.completed_by.label} marked {request.code} completed: confirm?"
    return Reply(fallback(escape(notification)), blocks)


def build_confirmed(code: str, institution: Institution) -> Reply:
    """Say, in place of the request, that the completion was confirmed."""
    text = CONFIRMED.format(code=escape(code), mine=institution.label)
    return Reply(fallback(text), [SectionBlock(text=fit(text))])


def build_remains_recorded(code: str, institution: Institution, status: Status) -> Reply:
    """Say, in place of the request, that what remains was recorded."""
    text = REMAINS_RECORDED.format(code=escape(code), mine=institution.label, status=status.label)
    return Reply(fallback(text), [SectionBlock(text=fit(text))])


def build_remains_modal(
    *, key: str, code: str, institution: Institution, done: str, channel: str, ts: str
) -> View:
    """Render the modal where an owner says what remains: a status (not Completed) and words."""
    mine = institution.label
    options = [Option(text=s.label, value=s.value) for s in Status if s is not Status.COMPLETED]
    select = StaticSelectElement(action_id=A_REMAINS_STATUS, options=options,
                                 initial_option=options[1])  # fmt: skip
    text = PlainTextInputElement(action_id=A_REMAINS_TEXT, multiline=True, max_length=REMAINS_TEXT)
    meta = RemainsModal(key=key, institution=institution, code=code, channel=channel, ts=ts)
    return View(
        type="modal",
        callback_id=REMAINS_MODAL,
        private_metadata=meta.encode(),
        title=MODAL_TITLE,
        submit=MODAL_SUBMIT,
        close=MODAL_CLOSE,
        blocks=[
            SectionBlock(text=fit(MODAL_ABOUT.format(code=escape(code), mine=mine, done=done))),
            InputBlock(
                block_id=B_REMAINS_STATUS, label=LABEL_STATUS.format(mine=mine), element=select
            ),
            InputBlock(block_id=B_REMAINS_TEXT, label=LABEL_TEXT, element=text),
        ],
    )
