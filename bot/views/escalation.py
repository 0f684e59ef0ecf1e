"""The coordinators' escalation: who needs them, what is open, and a button for each next step.

One message, read in one go: owners who left or are away with parts nobody answers for come
first (*Reassign…*), then owners who do not answer (*Nudge*, *Reassign…*), each with their open
commitments by area (ids and short titles, cut with "and N more"), then what the bot gave up
sending. It stays under Slack's 50 blocks however many owners there are: two blocks per owner,
and "and N more owners" past what fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from pydantic import BaseModel, ConfigDict
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.views import Reply
from bot.views.blocks import MAX_BLOCKS_MESSAGE
from bot.views.mrkdwn import CONTEXT_TEXT, OPTION_TEXT, escape, fit, one_line, truncate
from bot.wording import (
    ESCALATION_HEAD,
    MORE_OWNERS,
    MORE_PARTS,
    NOBODY_ANSWERS,
    NUDGE_LINE,
    NUDGED,
    REASSIGNED_TO_YOU,
    day_words,
    escalation_lines,
    open_commitments,
    silent_head,
    unavailable_head,
    weekday_words,
)
from workflows.delivery.escalations import Nudge, Reassigned, ReassignForm
from workflows.ports import (
    Escalation,
    EscalationEntry,
    OpenPart,
    OwnerSilent,
    OwnerUnavailable,
)
from workflows.types import Institution
from workflows.words import counted

NUDGE_ACTION = "hlm_nudge"  # action_id f"hlm_nudge:{person id}"; value: the person id
REASSIGN_ACTION = "hlm_reassign"  # action_id f"hlm_reassign:{person id}"; value: the person id
TITLE = ":warning: HLM: {head}"
NOTICE_TITLE = ":warning: HLM follow-up needs a coordinator"
PARTS_SHOWN = 6  # open commitments named per owner; the rest are counted
TITLE_CHARS = 48  # a commitment's words, cut to a short title
NUDGE, REASSIGN = "Nudge", "Reassign…"


def build_escalation(escalation: Escalation) -> Reply:
    """Tell a coordinator who needs them, with what is open and buttons to act, in one message."""
    owners = [e for e in escalation.entries if isinstance(e, OwnerSilent | OwnerUnavailable)]
    others = [e for e in escalation.entries if e not in owners]
    head = ESCALATION_HEAD.format(owners=counted(len(owners), "owner")) if owners else ""
    title = TITLE.format(head=head) if head else NOTICE_TITLE
    notes = _notes(escalation, others)
    # Room for the title, the notes and the "and N more owners" line.
    budget = MAX_BLOCKS_MESSAGE - 1 - len(notes) - 1
    shown: list[Block] = []
    count = 0
    for entry in owners:
        blocks = _owner_blocks(entry, nudged=entry_id(entry) in escalation.nudged)
        if len(shown) + len(blocks) > budget:
            break
        shown += blocks
        count += 1
    more = len(owners) - count
    tail = [_context(MORE_OWNERS.format(owners=counted(more, "more owner")))] if more else []
    blocks = [SectionBlock(text=f"*{escape(title)}*"), *shown, *tail, *notes]
    return Reply(text=_fallback(title, escalation), blocks=blocks)


def entry_id(entry: EscalationEntry) -> int | None:
    """Return the person an owner's entry is about."""
    return entry.person_id if isinstance(entry, OwnerSilent | OwnerUnavailable) else None


def _owner_blocks(entry: OwnerSilent | OwnerUnavailable, *, nudged: bool) -> list[Block]:
    if isinstance(entry, OwnerUnavailable):
        text = f"*{escape(unavailable_head(entry))}*"
        if entry.parts:
            codes = counted(len(entry.parts), "commitment")
            text += "\n" + escape(NOBODY_ANSWERS.format(parts=codes)) + "\n" + _parts(entry.parts)
        buttons = [_button(REASSIGN_ACTION, REASSIGN, entry.person_id)] if entry.parts else []
    else:
        text = f"*{escape(silent_head(entry))}*\n" + _parts(entry.parts)
        buttons = [_button(REASSIGN_ACTION, REASSIGN, entry.person_id)]
        nudge = _button(NUDGE_ACTION, NUDGE, entry.person_id) if entry.person_id else None
        buttons = [nudge, *buttons] if nudge and not nudged else buttons
        text += f"\n_{NUDGED}_" if nudged else ""
    section = SectionBlock(text=fit(text))
    if not buttons or entry.person_id is None:
        return [section]
    return [section, ActionsBlock(elements=buttons, block_id=f"hlm_owner:{entry.person_id}")]


def _button(action: str, label: str, person_id: int | None) -> ButtonElement:
    return ButtonElement(text=label, action_id=f"{action}:{person_id}", value=str(person_id))


def _parts(parts: Sequence[OpenPart]) -> str:
    """Name open commitments by area: ids and short titles, the rest counted."""
    shown = list(parts[:PARTS_SHOWN])
    lines = []
    for area, group in groupby(shown, key=lambda p: p.area):
        named = "; ".join(
            f"`{escape(p.code)}` {escape(truncate(one_line(p.text), TITLE_CHARS))}" for p in group
        )
        lines.append(f"*{escape(area)}*: {named}")
    if len(parts) > len(shown):
        lines.append(MORE_PARTS.format(n=len(parts) - len(shown)))
    return "\n".join(lines)


def _notes(escalation: Escalation, entries: Sequence[EscalationEntry]) -> list[Block]:
    """Lines about messages given up on, and older notices, in one section."""
    if not entries:
        return []
    only = Escalation(
        coordinators=escalation.coordinators, entries=tuple(entries), at=escalation.at
    )
    lines = escalation_lines(only)
    return [SectionBlock(text=fit("\n".join(f"• {escape(line)}" for line in lines)))]


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=fit(text, CONTEXT_TEXT))])


def _fallback(title: str, escalation: Escalation) -> str:
    """The notification: who needs the coordinator, then what was given up on, line by line."""
    owners = [e for e in escalation.entries if isinstance(e, OwnerSilent | OwnerUnavailable)]
    names = [e.name for e in owners]
    said = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    others = [e for e in escalation.entries if e not in owners]
    only = Escalation(coordinators=escalation.coordinators, entries=tuple(others), at=escalation.at)
    lines = [f"• {escape(line)}" for line in escalation_lines(only)] if others else []
    return fit("\n".join([f"{title}: {said}" if said else title, *lines]), 3000)


REASSIGN_MODAL = "hlm_reassign_modal"  # private_metadata: ReassignMetadata as JSON
B_WHO, A_WHO = "hlm_reassign_who", "who"
B_INSTITUTION, A_INSTITUTION = "hlm_reassign_institution", "institution"
B_PARTS, A_PARTS = "hlm_reassign_parts", "parts"
MODAL_TITLE, MODAL_SUBMIT, MODAL_CLOSE = "Reassign", "Reassign", "Cancel"
MOVE_WHOSE = "Move *{owner}*'s commitments to someone else. The new owner is told in a DM."
NEW_OWNER, FOR_INSTITUTION, WHICH = "New owner", "Their institution", "Commitments to move"
NOTHING_TO_MOVE = "{owner} owns nothing open: there is nothing to move."
OPTIONS_MAX = 100  # Slack's limit on a select's options
ONLY_FIRST = "Only the first {n} are listed: move the rest with `/hlm assign`."


class ReassignMetadata(BaseModel):
    """What the *Reassign…* modal remembers: whose commitments, and the message to refresh."""

    model_config = ConfigDict(frozen=True)

    owner: int
    channel: str = ""
    ts: str = ""


def build_reassign_modal(form: ReassignForm, *, channel: str, ts: str) -> View:
    """The *Reassign…* form: a new owner, their institution, and which commitments (all)."""
    meta = ReassignMetadata(owner=form.owner_id, channel=channel, ts=ts).model_dump_json()
    owner = escape(form.owner)
    if not form.parts:
        blocks: list[Block] = [SectionBlock(text=NOTHING_TO_MOVE.format(owner=owner))]
        return View(type="modal", callback_id=REASSIGN_MODAL, title=MODAL_TITLE,
                    close=MODAL_CLOSE, blocks=blocks, private_metadata=meta)  # fmt: skip
    options = [_part_option(p) for p in form.parts[:OPTIONS_MAX]]
    institutions = [Option(text=i.label, value=i.value) for i in Institution]
    blocks = [
        SectionBlock(text=MOVE_WHOSE.format(owner=owner)),
        InputBlock(block_id=B_WHO, label=NEW_OWNER,
                   element=UserSelectElement(action_id=A_WHO, placeholder="Choose someone")),
        InputBlock(block_id=B_INSTITUTION, label=FOR_INSTITUTION, element=StaticSelectElement(
            action_id=A_INSTITUTION, options=institutions,
            initial_option=next(o for o in institutions if o.value == form.institution.value))),
        InputBlock(block_id=B_PARTS, label=WHICH, element=StaticMultiSelectElement(
            action_id=A_PARTS, options=options, initial_options=options)),
    ]  # fmt: skip
    if len(form.parts) > OPTIONS_MAX:
        blocks.append(_context(ONLY_FIRST.format(n=OPTIONS_MAX)))
    return View(type="modal", callback_id=REASSIGN_MODAL, title=MODAL_TITLE, submit=MODAL_SUBMIT,
                close=MODAL_CLOSE, blocks=blocks, private_metadata=meta)  # fmt: skip


def _part_option(part: OpenPart) -> Option:
    label = f"{part.code} {one_line(part.text)}"
    return Option(text=truncate(label, OPTION_TEXT), value=part.key or part.code)


def build_nudge(nudge: Nudge, *, coordinator: str) -> Reply:
    """The one line a nudged owner reads: who asks, about how much, and by when."""
    day = weekday_words(nudge.reply_by) if (nudge.reply_by - nudge.today).days < 7 else None
    text = NUDGE_LINE.format(
        coordinator=f"<@{coordinator}>",
        parts=open_commitments(nudge.open_parts),
        day=day or day_words(nudge.reply_by),
    )
    return Reply(text=text, blocks=[SectionBlock(text=text)])


def build_reassigned(done: Reassigned, *, coordinator: str) -> Reply:
    """Tell the new owner, in a DM, what they now own and from whom."""
    text = REASSIGNED_TO_YOU.format(
        coordinator=f"<@{coordinator}>",
        institution=done.institution.label,
        parts=counted(len(done.codes), "HLM commitment"),
        owner=escape(done.owner),
        codes=", ".join(f"`{escape(c)}`" for c in done.codes),
    )
    return Reply(text=fit(text, 3000), blocks=[SectionBlock(text=fit(text))])
