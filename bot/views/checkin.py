"""The check-in DM, its details modal, and the thread-reply question and confirmation."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.views import Reply, ids
from bot.views.blocks import MAX_BLOCKS_MESSAGE
from bot.views.mrkdwn import (
    HEADER_TEXT,
    OPTION_TEXT,
    escape,
    fallback,
    fit,
    one_line,
    quote,
    short,
    truncate,
)
from bot.views.status import badge, footnote, stamp
from bot.views.values import DetailsButton, DetailsModal, PickOption, StatusButton
from bot.wording import stand_in_words
from workflows.checkins.answering import Answered
from workflows.ports import CheckinItem, CheckinPrompt
from workflows.types import Status
from workflows.updates.record import MAX_TEXT
from workflows.updates.status import Report
from workflows.words import counted

GREETING = "Hi {name}, time for the HLM check-in (cycle {cycle}, closes {closes}). Where do your commitments stand?"
REMINDER = "Hi {name}, a reminder about the HLM check-in (cycle {cycle}, closes {closes}): {waiting} for an answer."
WAITING_ALL = "your {commitments} still {wait}"
WAITING_SOME = "{left} of your {commitments} still {wait}"
THERE = "there"
CHECKIN_TEXT = "HLM check-in: {commitments} to update by {closes}"
REMINDER_TEXT = "Reminder: HLM check-in, {commitments} still to update by {closes}"
ITEM = "*{code}* ({number}) · {institution}\n{text}\nNow: {status}"
RECORDED = "✓ Recorded {status} by {who}, {when}{late} — you can still change it"
RECORDED_NOTE = "a note"
LATE = " (late)"
THREAD_HINT = "You can also reply in this thread in your own words."
CONTINUED = "{area} (continued)"
ADD_DETAILS = "Add details…"
BUTTONS = (Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK, Status.BLOCKED, Status.COMPLETED)
ITEM_TEXT = 250
MODAL_TEXT = 2500
MODAL_TITLE = "HLM update"
MODAL_SUBMIT = "Save"
MODAL_CLOSE = "Cancel"
LABEL_STATUS = "Status"
LABEL_TEXT = "What happened"
LABEL_LINK = "Evidence link"
LABEL_NEXT = "Next step"
PLACEHOLDER_STATUS = "Choose a status"
PLACEHOLDER_TEXT = "What was done, what is planned, what blocks it"
PLACEHOLDER_NEXT = "The next step, and when"
NEXT_LENGTH = 500
PICK = "Which commitment is this about?"
PICK_PLACEHOLDER = "Choose a commitment"
PICK_EXCERPT = 500
NOTHING_TO_PICK = "I could not tell which commitment this reply is about, and this check-in has none left to choose from."
RECORDED_REPLY = "✓ Recorded *{status}* for *{code}* by {who}, {when}{late}."
YOU = "you"


def _closes(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def _greeting(prompt: CheckinPrompt) -> str:
    name = escape(prompt.name.split()[0]) if prompt.name.strip() else THERE
    words = REMINDER if prompt.reminder > 0 else GREETING
    return words.format(
        name=name,
        cycle=escape(prompt.cycle),
        closes=_closes(prompt.closes_on),
        waiting=_waiting(len(prompt.items) - prompt.answered, len(prompt.items)),
    )


def _waiting(left: int, total: int) -> str:
    # "1 of your 2 commitments still waits", "your 3 commitments still wait".
    words = WAITING_ALL if left == total else WAITING_SOME
    wait = "waits" if left == 1 else "wait"
    return words.format(left=left, commitments=counted(total, "commitment"), wait=wait)


def _notification(prompt: CheckinPrompt) -> str:
    words = REMINDER_TEXT if prompt.reminder > 0 else CHECKIN_TEXT
    left = len(prompt.items) - prompt.answered
    count = left if prompt.reminder > 0 else len(prompt.items)
    return words.format(commitments=counted(count, "commitment"), closes=_closes(prompt.closes_on))


def recorded_line(report: Report) -> str:
    """Say what an owner recorded in this cycle, and that it can still be changed."""
    status = f"*{report.status.label}*" if report.status else RECORDED_NOTE
    who = escape(report.author or YOU)
    return RECORDED.format(
        status=status, who=who, when=stamp(report.at), late=LATE if report.late else ""
    )


def item_blocks(prompt_id: int, item: CheckinItem) -> list[Block]:
    """Render one commitment of a check-in: its text, status and answer, then the buttons."""
    text = ITEM.format(
        code=escape(item.code),
        number=escape(item.number),
        institution=item.institution.label,
        text=short(item.text, ITEM_TEXT),
        status=badge(item.status),
    )
    # The answer is a line of the section, not a block of its own: answering never changes the
    # number of blocks, so a check-in refreshed in place never pushes an item out of its message.
    recorded = f"\n{recorded_line(item.recorded)}" if item.recorded else ""
    block_id = f"item:{item.key}:{item.institution.value}"
    buttons = ActionsBlock(elements=_buttons(prompt_id, item), block_id=block_id)
    return [SectionBlock(text=fit(text + recorded)), buttons]


def _buttons(prompt_id: int, item: CheckinItem) -> list[ButtonElement]:
    p, key, part = prompt_id or 0, item.key, item.institution
    elements = [
        ButtonElement(
            text=status.label,
            action_id=f"{ids.STATUS_ACTION}:{status.value}",
            value=StatusButton(prompt_id=p, key=key, institution=part, status=status).encode(),
            style="primary" if status == item.status else None,
        )
        for status in BUTTONS
    ]
    details = DetailsButton(prompt_id=p, key=key, institution=part).encode()
    return [*elements, ButtonElement(text=ADD_DETAILS, action_id=ids.DETAILS_ACTION, value=details)]


def build_checkin(prompt: CheckinPrompt) -> list[Reply]:
    """Render a check-in DM, items grouped by area, split into messages under 50 blocks."""
    by_area: dict[str, list[CheckinItem]] = {}
    for item in prompt.items:
        by_area.setdefault(item.area, []).append(item)
    pages: list[list[Block]] = [[SectionBlock(text=fit(_greeting(prompt)))]]
    pages[0] += [footnote(escape(stand_in_words(prompt.stand_ins)))] if prompt.stand_ins else []
    for area, items in by_area.items():
        for n, item in enumerate(items):
            group = ([_header(area)] if n == 0 else []) + item_blocks(prompt.prompt_id, item)
            if len(pages[-1]) + len(group) > MAX_BLOCKS_MESSAGE - 1:  # room for the hint
                pages.append([] if n == 0 else [_header(CONTINUED.format(area=area))])
            pages[-1] += group
    pages[-1].append(footnote(THREAD_HINT))
    return [Reply(fallback(_notification(prompt)), page) for page in pages]


def _header(area: str) -> HeaderBlock:
    return HeaderBlock(text=fit(area, HEADER_TEXT))


def _status_option(status: Status) -> Option:
    return Option(text=status.label, value=status.value)


def _status_select(current: Status | None) -> StaticSelectElement:
    return StaticSelectElement(
        action_id=ids.A_STATUS,
        placeholder=PLACEHOLDER_STATUS,
        options=[_status_option(s) for s in Status],
        initial_option=_status_option(current) if current else None,
    )


def _modal_inputs(current: Status | None) -> list[Block]:
    text = PlainTextInputElement(
        action_id=ids.A_TEXT, placeholder=PLACEHOLDER_TEXT, max_length=MAX_TEXT, multiline=True
    )
    next_step = PlainTextInputElement(
        action_id=ids.A_NEXT, placeholder=PLACEHOLDER_NEXT, max_length=NEXT_LENGTH, multiline=False
    )
    inputs = [
        (ids.B_STATUS, LABEL_STATUS, _status_select(current)),
        (ids.B_TEXT, LABEL_TEXT, text),
        (ids.B_LINK, LABEL_LINK, UrlInputElement(action_id=ids.A_LINK)),
        (ids.B_NEXT, LABEL_NEXT, next_step),
    ]
    return [
        InputBlock(block_id=block_id, label=label, element=element, optional=True)
        for block_id, label, element in inputs
    ]


def build_details_modal(item: CheckinItem, *, prompt_id: int, channel: str, ts: str) -> View:
    """Render the modal where an owner gives a status, what happened, a link and a next step."""
    about = ITEM.format(
        code=escape(item.code),
        number=escape(item.number),
        institution=item.institution.label,
        text=truncate(escape(item.text.strip()), MODAL_TEXT),
        status=badge(item.status),
    )
    recorded = [footnote(recorded_line(item.recorded))] if item.recorded else []
    meta = DetailsModal(
        prompt_id=prompt_id or 0,
        key=item.key,
        institution=item.institution,
        channel=channel or "",
        ts=ts or "",
    )
    return View(
        type="modal",
        callback_id=ids.DETAILS_MODAL,
        private_metadata=meta.encode(),
        title=MODAL_TITLE,
        submit=MODAL_SUBMIT,
        close=MODAL_CLOSE,
        blocks=[SectionBlock(text=fit(about)), *recorded, *_modal_inputs(item.status)],
    )


def build_pick_commitment(items: list[CheckinItem], *, reply_ts: str, excerpt: str) -> Reply:
    """Ask which of the check-in's commitments a thread reply is about, quoting the reply."""
    quoted = quote(truncate(escape(excerpt.strip()), PICK_EXCERPT))
    if not items:
        return Reply(
            NOTHING_TO_PICK, [SectionBlock(text=fit(f"{NOTHING_TO_PICK}\n{quoted}".strip()))]
        )
    options = [
        Option(
            text=fit(f"{item.code} ({item.institution.label}) {one_line(item.text)}", OPTION_TEXT),
            value=PickOption(
                key=item.key, institution=item.institution, reply_ts=reply_ts
            ).encode(),
        )
        for item in items[: StaticSelectElement.options_max_length]
    ]
    select = StaticSelectElement(
        action_id=ids.PICK_ACTION, placeholder=PICK_PLACEHOLDER, options=options
    )
    question = SectionBlock(text=fit(f"{PICK}\n{quoted}".strip()))
    return Reply(PICK, [question, ActionsBlock(elements=[select], block_id="pick")])


def build_answer_recorded(answered: Answered) -> Reply:
    """Confirm, in the thread, what an owner's answer recorded."""
    status = answered.status.label if answered.status else RECORDED_NOTE
    return build_recorded(answered.code, status, answered.author, answered.at, late=answered.late)


def build_recorded(
    item_code: str, status_label: str, who: str, when: datetime, *, late: bool
) -> Reply:
    """Confirm, in the thread, what an owner's answer recorded."""
    text = RECORDED_REPLY.format(
        status=escape(status_label),
        code=escape(item_code),
        who=escape(who or YOU),
        when=stamp(when),
        late=LATE if late else "",
    )
    return Reply(fallback(text), [SectionBlock(text=fit(text))])
