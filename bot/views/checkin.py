"""The check-in DM, its details modal, and the thread-reply question and confirmation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.views import Reply, ids
from bot.views.mrkdwn import (
    MAX_BLOCKS_MESSAGE,
    MAX_INPUT_LENGTH,
    MAX_MODAL_TITLE,
    MAX_OPTIONS,
    MAX_PLACEHOLDER,
    Block,
    actions,
    button,
    context,
    escape,
    fallback,
    header,
    one_line,
    option,
    plain,
    quote,
    section,
    short,
    truncate,
)
from bot.views.status import badge, stamp
from workflows.ports import CheckinItem, CheckinPrompt
from workflows.types import Status
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
    return [section(text + recorded), actions(_buttons(prompt_id, item), block_id=block_id)]


def _buttons(prompt_id: int, item: CheckinItem) -> list[dict[str, Any]]:
    fields = {"p": prompt_id or 0, "c": item.key, "i": item.institution.value}
    elements = [
        button(
            status.label,
            f"{ids.STATUS_ACTION}:{status.value}",
            ids.encode(**fields, s=status.value),
            style="primary" if status == item.status else None,
        )
        for status in BUTTONS
    ]
    return [*elements, button(ADD_DETAILS, ids.DETAILS_ACTION, ids.encode(**fields))]


def build_checkin(prompt: CheckinPrompt) -> list[Reply]:
    """Render a check-in DM, items grouped by area, split into messages under 50 blocks."""
    by_area: dict[str, list[CheckinItem]] = {}
    for item in prompt.items:
        by_area.setdefault(item.area, []).append(item)
    pages: list[list[Block]] = [[section(_greeting(prompt))]]
    for area, items in by_area.items():
        for n, item in enumerate(items):
            group = ([header(area)] if n == 0 else []) + item_blocks(prompt.prompt_id, item)
            if len(pages[-1]) + len(group) > MAX_BLOCKS_MESSAGE - 1:  # room for the hint
                pages.append([] if n == 0 else [header(CONTINUED.format(area=area))])
            pages[-1] += group
    pages[-1].append(context(THREAD_HINT))
    return [Reply(fallback(_notification(prompt)), page) for page in pages]


def _status_option(status: Status) -> dict[str, Any]:
    return option(status.label, status.value)


def _input(block_id: str, label: str, element: dict[str, Any]) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": True,
    }


def _status_select(current: Status | None) -> dict[str, Any]:
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.A_STATUS,
        "placeholder": plain(PLACEHOLDER_STATUS, MAX_PLACEHOLDER),
        "options": [_status_option(s) for s in Status],
    }
    return {**select, "initial_option": _status_option(current)} if current else select


def _text_input(
    action_id: str, placeholder: str, *, max_length: int, multiline: bool
) -> dict[str, Any]:
    return {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
        "placeholder": plain(placeholder, MAX_PLACEHOLDER),
    }


def _modal_inputs(current: Status | None) -> list[Block]:
    text = _text_input(ids.A_TEXT, PLACEHOLDER_TEXT, max_length=MAX_INPUT_LENGTH, multiline=True)
    next_step = _text_input(ids.A_NEXT, PLACEHOLDER_NEXT, max_length=NEXT_LENGTH, multiline=False)
    return [
        _input(ids.B_STATUS, LABEL_STATUS, _status_select(current)),
        _input(ids.B_TEXT, LABEL_TEXT, text),
        _input(ids.B_LINK, LABEL_LINK, {"type": "url_text_input", "action_id": ids.A_LINK}),
        _input(ids.B_NEXT, LABEL_NEXT, next_step),
    ]


def build_details_modal(
    item: CheckinItem, *, prompt_id: int, channel: str, ts: str
) -> dict[str, Any]:
    """Render the modal where an owner gives a status, what happened, a link and a next step."""
    about = ITEM.format(
        code=escape(item.code),
        number=escape(item.number),
        institution=item.institution.label,
        text=truncate(escape(item.text.strip()), MODAL_TEXT),
        status=badge(item.status),
    )
    recorded = [context(recorded_line(item.recorded))] if item.recorded else []
    meta = ids.encode(
        p=prompt_id or 0, c=item.key, i=item.institution.value, ch=channel or "", ts=ts or ""
    )
    return {
        "type": "modal",
        "callback_id": ids.DETAILS_MODAL,
        "private_metadata": meta,
        "title": plain(MODAL_TITLE, MAX_MODAL_TITLE),
        "submit": plain(MODAL_SUBMIT, MAX_MODAL_TITLE),
        "close": plain(MODAL_CLOSE, MAX_MODAL_TITLE),
        "blocks": [section(about), *recorded, *_modal_inputs(item.status)],
    }


def build_pick_commitment(items: list[CheckinItem], *, reply_ts: str, excerpt: str) -> Reply:
    """Ask which of the check-in's commitments a thread reply is about, quoting the reply."""
    quoted = quote(truncate(escape(excerpt.strip()), PICK_EXCERPT))
    if not items:
        return Reply(NOTHING_TO_PICK, [section(f"{NOTHING_TO_PICK}\n{quoted}".strip())])
    options = [
        option(
            f"{item.code} ({item.institution.label}) {one_line(item.text)}",
            ids.encode(c=item.key, i=item.institution.value, r=reply_ts),
        )
        for item in items[:MAX_OPTIONS]
    ]
    select = {
        "type": "static_select",
        "action_id": ids.PICK_ACTION,
        "placeholder": plain(PICK_PLACEHOLDER, MAX_PLACEHOLDER),
        "options": options,
    }
    return Reply(PICK, [section(f"{PICK}\n{quoted}".strip()), actions([select], block_id="pick")])


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
    return Reply(fallback(text), [section(text)])
