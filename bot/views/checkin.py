"""The check-in DM, its details modal, and the thread-reply questions and confirmations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

from bot.views import Reply, ids
from bot.views.mrkdwn import (
    MAX_BLOCKS_MESSAGE,
    MAX_MODAL_TITLE,
    MAX_OPTION_TEXT,
    MAX_OPTIONS,
    context,
    escape,
    header,
    plain,
    section,
    split_blocks,
    truncate,
)
from bot.views.status import status_label
from workflows.ports import CheckinItem, CheckinPrompt
from workflows.types import Status

GREETING = "Hi {name}, time for the HLM check-in. Where do your commitments stand? (Answers count until {closes:%A %d %B}.)"
REMINDER = "Hi {name}, a reminder: these commitments still wait for your check-in (until {closes:%A %d %B})."
RECORDED = ":white_check_mark: Recorded {status} by {who}, {when:%d %b %H:%M} UTC{late} — you can still change it."
LATE = " (after the check-in closed: marked late)"
THREAD_HINT = "You can also reply in this thread in your own words, e.g. “on track: workshop held”."
ADD_DETAILS = "Add details…"
PICK = "Which commitment is this about?"
RECORDED_REPLY = (
    ":white_check_mark: Recorded for *{code}*: {status}, by {who} at {when:%d %b %H:%M} UTC{late}."
)
MODAL_TITLE = "HLM update"
BUTTONS = (Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK, Status.BLOCKED, Status.COMPLETED)
SHORT_TEXT = 300


def _item_blocks(prompt_id: int, item: CheckinItem) -> list[dict[str, Any]]:
    owner_of = f" ({item.institution.label})" if item.institution else ""
    text = f"*{item.code}* ({item.number}){owner_of} {escape(truncate(item.text, SHORT_TEXT))}\nNow: {status_label(item.status)}"
    blocks = [
        section(text),
        {
            "type": "actions",
            "block_id": f"item:{item.key}:{item.institution.value}",
            "elements": _buttons(prompt_id, item),
        },
    ]
    if item.recorded is not None:
        report = item.recorded
        status = f"*{report.status.label}*" if report.status else "a note"
        late = LATE if report.late else ""
        blocks.append(
            context(
                RECORDED.format(
                    status=status, who=escape(report.author or ""), when=report.at, late=late
                )
            )
        )
    return blocks


def _buttons(prompt_id: int, item: CheckinItem) -> list[dict[str, Any]]:
    elements = []
    for status in BUTTONS:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": f"{ids.STATUS_ACTION}:{status.value}",
            "text": plain(status.label),
            "value": ids.encode(p=prompt_id, c=item.key, i=item.institution.value, s=status.value),
        }
        if status == item.status:
            button["style"] = "primary"
        elements.append(button)
    details = ids.encode(p=prompt_id, c=item.key, i=item.institution.value)
    elements.append(
        {
            "type": "button",
            "action_id": ids.DETAILS_ACTION,
            "text": plain(ADD_DETAILS),
            "value": details,
        }
    )
    return elements


def build_checkin(prompt: CheckinPrompt) -> list[Reply]:
    """Render a check-in: a greeting, then the items grouped by area, split under Slack's limits."""
    first = prompt.name.split()[0] if prompt.name else "there"
    greeting = (REMINDER if prompt.reminder else GREETING).format(
        name=escape(first), closes=prompt.closes_on
    )
    groups: list[list[dict[str, Any]]] = [[section(greeting)]]
    for area, items in groupby(prompt.items, key=lambda i: i.area):
        area_items = list(items)
        groups.append([header(area), *_item_blocks(prompt.prompt_id, area_items[0])])
        groups += [_item_blocks(prompt.prompt_id, item) for item in area_items[1:]]
    groups.append([context(THREAD_HINT)])
    text = f"HLM check-in: {len(prompt.items)} commitments, {prompt.answered} answered"
    return [Reply(text, blocks) for blocks in split_blocks(groups, MAX_BLOCKS_MESSAGE)]


def _option(status: Status) -> dict[str, Any]:
    return {"text": plain(status.label, MAX_OPTION_TEXT), "value": status.value}


def build_details_modal(
    item: CheckinItem, *, prompt_id: int, channel: str, ts: str
) -> dict[str, Any]:
    """Render the modal where an owner gives a status, what happened, a link and a next step."""
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.A_STATUS,
        "options": [_option(s) for s in Status],
    }
    if item.status is not None:
        select["initial_option"] = _option(item.status)
    meta = ids.encode(p=prompt_id, c=item.key, i=item.institution.value, ch=channel, ts=ts)
    return {
        "type": "modal",
        "callback_id": ids.DETAILS_MODAL,
        "private_metadata": meta,
        "title": plain(MODAL_TITLE, MAX_MODAL_TITLE),
        "submit": plain("Save", MAX_MODAL_TITLE),
        "close": plain("Cancel", MAX_MODAL_TITLE),
        "blocks": [
            section(
                f"*{item.code}* ({item.institution.label}) {escape(truncate(item.text, 1200))}"
            ),
            _input(ids.B_STATUS, "Status", select, optional=True),
            _input(
                ids.B_TEXT,
                "What happened",
                {
                    "type": "plain_text_input",
                    "action_id": ids.A_TEXT,
                    "multiline": True,
                    "max_length": 3000,
                },
            ),
            _input(
                ids.B_LINK, "Evidence link", {"type": "url_text_input", "action_id": ids.A_LINK}
            ),
            _input(
                ids.B_NEXT,
                "Next step",
                {"type": "plain_text_input", "action_id": ids.A_NEXT, "max_length": 500},
            ),
        ],
    }


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = True
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }


def build_pick_commitment(items: Sequence[CheckinItem], *, reply_ts: str, excerpt: str) -> Reply:
    """Ask which of the prompt's commitments a thread reply is about."""
    options = [
        {
            "text": plain(f"{item.code} ({item.institution.label}) {item.text}", MAX_OPTION_TEXT),
            "value": ids.encode(c=item.key, i=item.institution.value, r=reply_ts),
        }
        for item in items[:MAX_OPTIONS]
    ]
    quoted = f"> {escape(truncate(excerpt, 500))}"
    select = {
        "type": "static_select",
        "action_id": ids.PICK_ACTION,
        "placeholder": plain("Choose a commitment"),
        "options": options,
    }
    return Reply(
        PICK,
        [
            section(f"{PICK}\n{quoted}"),
            {"type": "actions", "block_id": "pick", "elements": [select]},
        ],
    )


def build_recorded(
    code: str, status_label_text: str, who: str, when: datetime, *, late: bool
) -> Reply:
    """Confirm, in the thread, what a reply recorded."""
    text = RECORDED_REPLY.format(
        code=escape(code),
        status=escape(status_label_text),
        who=escape(who),
        when=when,
        late=LATE if late else "",
    )
    return Reply(text, [section(text)])
