"""The check-in DM (one short message whatever the number of commitments), the reminder line,
the details modal, and the thread-reply question and confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from itertools import groupby

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.views import Reply, ids
from bot.views.mrkdwn import (
    DAY_TOKENS,
    OPTION_TEXT,
    escape,
    fallback,
    fit,
    local_time,
    one_line,
    pack,
    quote,
    short,
    truncate,
)
from bot.views.status import badge, footnote, stamp
from bot.views.values import CheckinButton, DetailsModal, PickOption
from bot.wording import stand_in_words
from workflows.checkins.answering import Answered
from workflows.ports import CheckinItem, CheckinPrompt, CheckinReminder
from workflows.types import Status
from workflows.updates.record import MAX_TEXT
from workflows.updates.status import Report
from workflows.words import counted

GREETING = "Hi {name}, time for your HLM check-in: {commitments}. Reply by *{closes}*."
PROGRESS = "{answered} answered, *{left} still open*."
ALL_CONFIRMED = "✓ *Confirmed unchanged*, {when}. Thank you, {name}!"
ALL_ANSWERED = "✓ *All answered*, thank you {name}! You can still change an answer with *Update…*."
SKIPPED = "*Skipped this cycle:* {reason}"
THERE = "there"
CHECKIN_TEXT = "HLM check-in: {commitments} to update by {closes}"
REMINDER_LINE = "{waiting} — reply by *{closes}*."
REMINDER_TEXT = "{waiting} — reply by {closes}."
WAITING_ALL = "Your {commitments} {have} no answer yet"
WAITING_SOME = "{left} of your {commitments} {have} no answer yet"
OPEN_LINE = ":white_square: `{code}` {title}{part} — {status}"
ANSWERED_LINE = ":white_check_mark: `{code}` {title}{part} — *✓ {status}, {when}*"
CONFIRMED_STATUS = "unchanged"
NOTE_STATUS = "note"
AREA_LINE = "*{area}*"
PART = " _({institution} part)_"
HINT = "Or reply in this thread in your own words, e.g. `{code} at risk: tender delayed`."
NOTHING_CHANGED, UPDATE, SKIP, AWAY = "Nothing changed", "Update…", "Skip this cycle…", "I'm away…"
TITLE = 60  # characters of a commitment's text on its line
AREA = 80
MAX_SECTIONS = 40  # the list stays within a message's 50 blocks, whatever its length
RECORDED = "✓ Recorded {status} by {who}, {when}{late} — you can still change it"
RECORDED_NOTE = "a note"
LATE = " (late)"
ITEM = "*{code}* ({number}) · {institution}\n{text}\nNow: {status}"
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


def closes(day: date) -> str:
    """Write a check-in's last day as people read it: Friday 4 December."""
    return f"{day:%A} {day.day} {day:%B}"


def _first_name(prompt: CheckinPrompt) -> str:
    return escape(prompt.name.split()[0]) if prompt.name.strip() else THERE


def waiting(left: int, total: int) -> str:
    """Say how many commitments wait for an answer: "12 of your 23 commitments have no…"."""
    words = WAITING_ALL if left == total else WAITING_SOME
    have = "has" if left == 1 else "have"
    return words.format(left=left, commitments=counted(total, "commitment"), have=have)


def item_line(item: CheckinItem) -> str:
    """Write one commitment part on one line: open (its status now) or answered (what, when)."""
    title = short(item.text, TITLE)
    part = PART.format(institution=item.institution.label) if item.joint else ""
    code = escape(item.code)
    if item.recorded is None:
        return OPEN_LINE.format(code=code, title=title, part=part, status=badge(item.status))
    status = item.recorded.status.label.lower() if item.recorded.status else NOTE_STATUS
    status = CONFIRMED_STATUS if item.confirmed else status
    when = local_time(item.recorded.at, tokens=DAY_TOKENS)
    return ANSWERED_LINE.format(code=code, title=title, part=part, status=status, when=when)


def _sections(items: Iterable[CheckinItem]) -> list[str]:
    """Pack the lines into as few sections as fit, an area's title never apart from its first
    items (an area is packed on its own first, then areas are packed together)."""
    areas: list[str] = []
    for area, in_area in groupby(items, key=lambda i: i.area):
        title = AREA_LINE.format(area=short(area, AREA))
        areas += pack([title, *(item_line(item) for item in in_area)])
    return pack(areas)


def _status_line(prompt: CheckinPrompt) -> str:
    name = _first_name(prompt)
    if prompt.skipped_at is not None:
        return SKIPPED.format(reason=escape(prompt.skip_reason))
    if prompt.open_items or not prompt.items:
        greeting = GREETING.format(
            name=name,
            commitments=counted(len(prompt.items), "commitment"),
            closes=closes(prompt.closes_on),
        )
        if not prompt.answered:
            return greeting
        progress = PROGRESS.format(answered=prompt.answered, left=len(prompt.open_items))
        return f"{greeting}\n{progress}"
    if all(item.confirmed for item in prompt.items):
        last = max(item.recorded.at for item in prompt.items if item.recorded)
        return ALL_CONFIRMED.format(when=local_time(last, tokens=DAY_TOKENS), name=name)
    return ALL_ANSWERED.format(name=name)


def _actions(prompt: CheckinPrompt) -> ActionsBlock:
    value = CheckinButton(prompt_id=prompt.prompt_id).encode()
    nothing = ButtonElement(
        text=NOTHING_CHANGED, action_id=ids.CONFIRM_ACTION, value=value, style="primary"
    )
    update = ButtonElement(text=UPDATE, action_id=ids.FORM_OPEN, value=value)
    skip = ButtonElement(text=SKIP, action_id=ids.SKIP_OPEN, value=value)
    away = ButtonElement(text=AWAY, action_id=ids.AWAY_OPEN, value=value)
    if prompt.skipped_at is not None:
        buttons = [update]
    elif prompt.open_items:
        buttons = [nothing, update, skip, away]
    else:
        buttons = [update, away]
    return ActionsBlock(elements=buttons, block_id="checkin")


def build_checkin(prompt: CheckinPrompt) -> Reply:
    """Render a check-in as one short message: where it stands, one line per commitment part,
    a hint, and four buttons, whatever the number of commitments."""
    sections = [SectionBlock(text=text) for text in _sections(prompt.items)]
    if len(sections) > MAX_SECTIONS:
        sections = sections[:MAX_SECTIONS]
    blocks: list[Block] = [SectionBlock(text=fit(_status_line(prompt)))]
    if prompt.stand_ins:  # asked in an absent owner's stead: say whose parts, and why
        blocks.append(footnote(escape(stand_in_words(prompt.stand_ins))))
    blocks += sections
    if prompt.open_items and prompt.skipped_at is None:
        blocks.append(footnote(HINT.format(code=escape(prompt.open_items[0].code))))
    blocks.append(_actions(prompt))
    text = CHECKIN_TEXT.format(
        commitments=counted(len(prompt.items), "commitment"), closes=closes(prompt.closes_on)
    )
    return Reply(fallback(text), blocks)


def build_reminder(reminder: CheckinReminder) -> Reply:
    """Remind an owner in one line of what still waits in their check-in."""
    prompt = reminder.checkin
    left = len(prompt.open_items)
    said = waiting(left, len(prompt.items))
    line = REMINDER_LINE.format(waiting=said, closes=closes(prompt.closes_on))
    text = REMINDER_TEXT.format(waiting=said, closes=closes(prompt.closes_on))
    return Reply(fallback(text), [SectionBlock(text=fit(line))])


def recorded_line(report: Report) -> str:
    """Say what an owner recorded in this cycle, and that it can still be changed."""
    status = f"*{report.status.label}*" if report.status else RECORDED_NOTE
    who = escape(report.author or YOU)
    return RECORDED.format(
        status=status, who=who, when=stamp(report.at), late=LATE if report.late else ""
    )


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


def build_details_modal(item: CheckinItem, *, prompt_id: int) -> View:
    """Render the modal where an owner gives a status, what happened, a link and a next step."""
    about = ITEM.format(
        code=escape(item.code),
        number=escape(item.number),
        institution=item.institution.label,
        text=truncate(escape(item.text.strip()), MODAL_TEXT),
        status=badge(item.status),
    )
    recorded = [footnote(recorded_line(item.recorded))] if item.recorded else []
    meta = DetailsModal(prompt_id=prompt_id or 0, key=item.key, institution=item.institution)
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
