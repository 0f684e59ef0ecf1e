"""`/hlm conclusions`: the High Level Meetings whose conclusions are loaded, which one is current,
whose follow-up is closed, and which commitments continue earlier ones (changes: coordinators).

The sentences are shared with `hlm conclusions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext, require_coordinator
from bot.views import Reply
from bot.views.status import build_message
from workflows.catalogue.lookup import find_commitment
from workflows.catalogue.meetings import (
    MeetingInfo,
    carry_over,
    close_followup,
    find_meeting,
    list_meetings,
    reopen_followup,
    set_current,
    undo_carry_over,
)

WHAT = "Say what to do: list, current <hlm16>, close <hlm15>, reopen <hlm15>, or carry <later> <earlier>."
LINE = "{mark} *HLM {number}* · held {held_on:%d %b %Y} · {count} commitments · {state}"
CURRENT = "current"
FOLLOWED = "earlier: owners still asked about what is open and not carried over"
CLOSED_ON = "earlier: follow-up closed on {closed:%d %b %Y}"
NOW_CURRENT = "HLM {number} is now the current meeting (it was HLM {before})."
ALREADY_CURRENT = "HLM {number} is already the current meeting."
CLOSED = "Closed the follow-up of HLM {number}: its owners are no longer asked about it."
WAS_CLOSED = "The follow-up of HLM {number} was already closed."
REOPENED = "Reopened the follow-up of HLM {number}: owners are asked about its open commitments."
WAS_OPEN = "The follow-up of HLM {number} is open."
CARRIED = "{later} continues {earlier}{owners}."
WITH_OWNERS = ", with {n} owner assignments carried along"
UNCARRIED = "{later} no longer continues {earlier}."
NOT_CARRIED = "{later} did not continue {earlier}."
WITH_OWNERS_WORDS = {"with-owners", "--with-owners", "owners"}
UNDO_WORDS = {"undo", "--undo"}


@dataclass(frozen=True)
class Conclusions:
    """`/hlm conclusions [list]`, `current <meeting>`, `close <meeting>`, `reopen <meeting>`,
    `carry <later> <earlier> [with-owners|undo]`."""

    action: str = "list"
    meeting: str = ""
    later: str = ""
    earlier: str = ""
    with_owners: bool = False
    undo: bool = False


def parse_conclusions(words: list[str]) -> Conclusions | Help:
    """Read `[list]`, `current|close|reopen <meeting>` or `carry <later> <earlier> [with-owners]`."""
    action = words[0].lower() if words else "list"
    rest = words[1:]
    if action == "list" and not rest:
        return Conclusions()
    if action in ("current", "close", "reopen") and rest:
        return Conclusions(action, meeting=" ".join(rest))
    if action == "carry":
        flags = {w.lower() for w in rest} & (WITH_OWNERS_WORDS | UNDO_WORDS)
        ids = [w for w in rest if w.lower() not in WITH_OWNERS_WORDS | UNDO_WORDS]
        if len(ids) == 2:
            return Conclusions(
                "carry", later=ids[0], earlier=ids[1],
                with_owners=bool(flags & WITH_OWNERS_WORDS), undo=bool(flags & UNDO_WORDS),
            )  # fmt: skip
    return CONCLUSIONS.usage_help(WHAT)


def describe(info: MeetingInfo) -> str:
    """Say in one line what a meeting's conclusions are to the follow-up."""
    if info.current:
        state = CURRENT
    elif info.closed_at is not None:
        state = CLOSED_ON.format(closed=info.closed_at)
    else:
        state = FOLLOWED
    return LINE.format(
        mark=":arrow_forward:" if info.current else ":white_small_square:", number=info.number,
        held_on=info.held_on, count=info.commitments, state=state,
    )  # fmt: skip


def handle_conclusions(cmd: Conclusions, ctx: CommandContext) -> list[Reply]:
    """List the meetings, or (coordinators) change which is current, close or reopen a
    follow-up, or link a commitment to the earlier one it continues."""
    if cmd.action == "list":
        return [build_message("\n".join(describe(m) for m in list_meetings(ctx.session)))]
    require_coordinator(ctx, "change the meetings' follow-up")
    if cmd.action == "carry":
        said = carry(ctx.session, cmd.later, cmd.earlier, with_owners=cmd.with_owners,
                     undo=cmd.undo, now=ctx.now)  # fmt: skip
    else:
        said = follow_up(ctx.session, cmd.action, cmd.meeting, now=ctx.now)
    return [build_message(said)]


def follow_up(session: Session, action: str, meeting: str, *, now: datetime) -> str:
    """Make a meeting current (`current`), or close or reopen its follow-up; say what was done."""
    found = find_meeting(session, meeting)
    if action == "current":
        before = set_current(session, found)
        if before is None:
            return ALREADY_CURRENT.format(number=found.number)
        return NOW_CURRENT.format(number=found.number, before=before.number)
    if action == "close":
        done = close_followup(session, found, now=now)
        return (CLOSED if done else WAS_CLOSED).format(number=found.number)
    done = reopen_followup(session, found)
    return (REOPENED if done else WAS_OPEN).format(number=found.number)


def carry(
    session: Session, later: str, earlier: str, *, with_owners: bool, undo: bool, now: datetime
) -> str:
    """Link a commitment (`hlm16/osh-1`) to the earlier one it continues (`hlm15/osh-3`), or
    with `undo` forget the link; say what was done."""
    new, old = find_commitment(session, later), find_commitment(session, earlier)
    if undo:
        done = undo_carry_over(session, commitment=new, earlier=old)
        return (UNCARRIED if done else NOT_CARRIED).format(later=new.key, earlier=old.key)
    added = carry_over(session, commitment=new, earlier=old, with_owners=with_owners, now=now)
    owners = WITH_OWNERS.format(n=len(added)) if added else ""
    return CARRIED.format(later=new.key, earlier=old.key, owners=owners)


CONCLUSIONS = Subcommand(
    name="conclusions",
    usage=(
        "conclusions [list | current <hlm16> | close <hlm15> | reopen <hlm15> | carry <later> <earlier>]",
    ),
    summary="the meetings' conclusions; coordinators choose the current one, end an earlier "
    "one's follow-up, or say which commitment continues which (add `with-owners`)",
    example="conclusions carry hlm16/osh-1 hlm15/osh-3 with-owners",
    parse=parse_conclusions,
    command=Conclusions,
    handle=handle_conclusions,
    aliases=("conclusion",),
)
