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

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.views import Reply
from bot.views.blocks import MAX_BLOCKS_MESSAGE
from bot.views.mrkdwn import CONTEXT_TEXT, escape, fit, one_line, truncate
from bot.wording import (
    ESCALATION_HEAD,
    MORE_OWNERS,
    MORE_PARTS,
    NOBODY_ANSWERS,
    NUDGED,
    escalation_lines,
    silent_head,
    unavailable_head,
)
from workflows.ports import (
    Escalation,
    EscalationEntry,
    MessageGivenUp,
    OpenPart,
    OwnerSilent,
    OwnerUnavailable,
)
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
    names = [e.name for e in escalation.entries if isinstance(e, OwnerSilent | OwnerUnavailable)]
    given_up = sum(isinstance(e, MessageGivenUp) for e in escalation.entries)
    said = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    if given_up:
        said += ("; " if said else "") + counted(given_up, "message") + " given up on"
    return fit(f"{title}: {said}" if said else title, 3000)
