"""The check-in form ("Update…") and the "Skip this cycle…" form.

The check-in form ("Update…"): the owner's commitment parts, a page per area, each with a
status (pre-filled with where it stands), what happened, a next step and an evidence link.

What was entered on the other pages travels in the view's private_metadata (`CheckinForm`),
only the entries that change something. Should it outgrow Slack's 3,000 characters while
paging, the entries are saved as updates then (the listener does it) and the form says so.
"""

from __future__ import annotations

from dataclasses import dataclass

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

from bot.views import ids
from bot.views.checkin import closes
from bot.views.mrkdwn import escape, fit, one_line, truncate
from bot.views.status import footnote
from bot.views.values import CheckinButton, CheckinForm, Entry
from workflows.ports import CheckinItem, CheckinPrompt
from workflows.types import Status
from workflows.updates.record import MAX_TEXT

TITLE = "HLM check-in"
SUBMIT = "Save"
CLOSE = "Cancel"
PAGE_HEAD = "*{area}* · page {page} of {pages} · reply by {closes}"
NOTHING_ASKED = "This check-in asks about nothing any more."
HOW = "Change what moved and leave the rest: only changes are saved, for every page."
SAVED = "{saved} saved while paging (the form grew too long to carry)."
NEXT_AREA, NEXT, PREVIOUS = "Next area ›", "Next ›", "‹ Previous"
LABEL = "{code} · {title}{part}"
PART = " ({institution} part)"
LABEL_TEXT, LABEL_NEXT, LABEL_LINK = "What happened", "Next step", "Evidence link"
PLACEHOLDER_STATUS = "Choose a status"
PLACEHOLDER_TEXT = "What was done, what is planned, what blocks it"
PLACEHOLDER_NEXT = "The next step, and when"
NEXT_LENGTH = 500
LABEL_LENGTH = 150
PAGE_ITEMS = 20  # 4 inputs each: 80 blocks, under a view's 100


@dataclass(frozen=True)
class Page:
    """The parts of one area (or of a slice of a large one) shown together."""

    area: str
    items: tuple[CheckinItem, ...]


def pages_of(prompt: CheckinPrompt) -> list[Page]:
    """Split a check-in's parts into pages, one per area (a large area over several)."""
    pages: list[Page] = []
    for item in prompt.items:
        last = pages[-1] if pages else None
        if last is not None and last.area == item.area and len(last.items) < PAGE_ITEMS:
            pages[-1] = Page(last.area, (*last.items, item))
        else:
            pages.append(Page(item.area, (item,)))
    return pages


def entry_key(item: CheckinItem) -> str:
    """Name a part in the form's metadata and block ids: "ilo:hlm15/gender-4"."""
    return f"{item.institution.value}:{item.key}"


def block_id(field: str, item: CheckinItem) -> str:
    """Name one input of one part."""
    return f"{field}:{entry_key(item)}"


def _option(status: Status) -> Option:
    return Option(text=status.label, value=status.value)


def _inputs(item: CheckinItem, entry: Entry | None) -> list[Block]:
    status = entry.status if entry and entry.status else item.status
    part = PART.format(institution=item.institution.label) if item.joint else ""
    label = LABEL.format(code=item.code, title=one_line(item.text), part=part)
    select = StaticSelectElement(
        action_id=ids.A_STATUS, placeholder=PLACEHOLDER_STATUS,
        options=[_option(s) for s in Status], initial_option=_option(status) if status else None,
    )  # fmt: skip
    text = PlainTextInputElement(
        action_id=ids.A_TEXT, placeholder=PLACEHOLDER_TEXT, max_length=MAX_TEXT, multiline=True,
        initial_value=(entry.text if entry else "") or None,
    )  # fmt: skip
    next_step = PlainTextInputElement(
        action_id=ids.A_NEXT, placeholder=PLACEHOLDER_NEXT, max_length=NEXT_LENGTH,
        initial_value=(entry.next_step if entry else "") or None,
    )  # fmt: skip
    link = UrlInputElement(
        action_id=ids.A_LINK, initial_value=(entry.link if entry else "") or None
    )
    inputs = [
        (ids.F_STATUS, truncate(label, LABEL_LENGTH), select),
        (ids.F_TEXT, LABEL_TEXT, text),
        (ids.F_NEXT, LABEL_NEXT, next_step),
        (ids.F_LINK, LABEL_LINK, link),
    ]
    return [
        InputBlock(block_id=block_id(field, item), label=label, element=element, optional=True)
        for field, label, element in inputs
    ]


def _paging(form: CheckinForm, pages: list[Page]) -> list[Block]:
    buttons = []
    if form.page > 0:
        buttons.append(
            ButtonElement(
                text=PREVIOUS, action_id=f"{ids.FORM_PAGE}:prev", value=str(form.page - 1)
            )
        )
    if form.page + 1 < len(pages):
        same = pages[form.page + 1].area == pages[form.page].area
        forward = ButtonElement(
            text=NEXT if same else NEXT_AREA, action_id=f"{ids.FORM_PAGE}:next",
            value=str(form.page + 1), style="primary",
        )  # fmt: skip
        buttons.append(forward)
    return [ActionsBlock(elements=buttons, block_id="paging")] if buttons else []


def build_checkin_form(prompt: CheckinPrompt, form: CheckinForm) -> View:
    """Render one page of the check-in form, pre-filled with what was entered so far."""
    pages = pages_of(prompt)
    if not pages:
        return _form_view(form, [SectionBlock(text=NOTHING_ASKED)])
    form = form.model_copy(update={"page": min(form.page, len(pages) - 1)})
    page = pages[form.page]
    head = PAGE_HEAD.format(
        area=escape(page.area),
        page=form.page + 1,
        pages=len(pages),
        closes=closes(prompt.closes_on),
    )
    notes = [HOW] + ([SAVED.format(saved=form.saved)] if form.saved else [])
    blocks: list[Block] = [SectionBlock(text=fit(head)), footnote(" ".join(notes))]
    for item in page.items:
        blocks += _inputs(item, form.entries.get(entry_key(item)))
    blocks += _paging(form, pages)
    return _form_view(form, blocks)


def _form_view(form: CheckinForm, blocks: list[Block]) -> View:
    return View(
        type="modal", callback_id=ids.FORM_MODAL, private_metadata=form.encode(),
        title=TITLE, submit=SUBMIT, close=CLOSE, blocks=blocks,
    )  # fmt: skip


SKIP_TITLE = "Skip this cycle"
SKIP_SUBMIT = "Skip"
SKIP_ABOUT = "No reminders will follow for this check-in. The coordinators see your reason."
SKIP_LABEL = "Why?"
SKIP_PLACEHOLDER = "e.g. nothing to report before the next technical meeting"


def build_skip_modal(prompt_id: int, *, reason_length: int) -> View:
    """Render the form asking why an owner skips this cycle (a short reason, required)."""
    reason = PlainTextInputElement(
        action_id=ids.A_REASON, placeholder=SKIP_PLACEHOLDER, max_length=reason_length,
        min_length=2,
    )  # fmt: skip
    return View(
        type="modal", callback_id=ids.SKIP_MODAL,
        private_metadata=CheckinButton(prompt_id=prompt_id).encode(),
        title=SKIP_TITLE, submit=SKIP_SUBMIT, close=CLOSE,
        blocks=[
            SectionBlock(text=SKIP_ABOUT),
            InputBlock(block_id=ids.B_REASON, label=SKIP_LABEL, element=reason),
        ],
    )  # fmt: skip
