"""`hlm conclusions`: the High Level Meetings in the database, which one is current, whose
follow-up is closed, and which commitments continue earlier ones."""

from __future__ import annotations

import click

from bot.bootstrap import Deps
from bot.cli.base import with_deps
from workflows.catalogue.lookup import find_commitment
from workflows.catalogue.meetings import (
    carry_over,
    close_followup,
    find_meeting,
    list_meetings,
    reopen_followup,
    set_current,
    undo_carry_over,
)

LINE = "{mark} HLM {number}  {held_on:%d %b %Y}  {count} commitments{state}  {title}"
NOW_CURRENT = "HLM {number} is now the current meeting (it was HLM {before})."
ALREADY_CURRENT = "HLM {number} is already the current meeting."
CLOSED = "Closed the follow-up of HLM {number}: its owners are no longer asked about it."
WAS_CLOSED = "The follow-up of HLM {number} was already closed."
REOPENED = "Reopened the follow-up of HLM {number}: owners are asked about its open commitments."
WAS_OPEN = "The follow-up of HLM {number} is open."
CARRIED = "{later} continues {earlier}{owners}."
UNCARRIED = "{later} no longer continues {earlier}."
NOT_CARRIED = "{later} did not continue {earlier}."


@click.group("conclusions")
def conclusions() -> None:
    """The meetings' conclusions: list them, choose the current one, close a follow-up."""


@conclusions.command("list")
@with_deps
def conclusions_list(deps: Deps) -> None:
    """List the meetings, newest first; * marks the current one."""
    with deps.reading() as session:
        for m in list_meetings(session):
            state = f", follow-up closed {m.closed_at:%d %b %Y}" if m.closed_at else ""
            print(LINE.format(mark="*" if m.current else " ", number=m.number, held_on=m.held_on,
                              count=m.commitments, state=state, title=m.title))  # fmt: skip


@conclusions.command("current")
@click.argument("meeting")
@with_deps
def conclusions_current(deps: Deps, meeting: str) -> None:
    """Make a meeting (hlm16) the current one: status, reports and check-ins follow it."""
    with deps.unit_of_work() as session:
        found = find_meeting(session, meeting)
        before = set_current(session, found)
        print(
            NOW_CURRENT.format(number=found.number, before=before.number)
            if before
            else ALREADY_CURRENT.format(number=found.number)
        )


@conclusions.command("close")
@click.argument("meeting")
@with_deps
def conclusions_close(deps: Deps, meeting: str) -> None:
    """End an earlier meeting's follow-up: its owners are no longer asked about it."""
    with deps.unit_of_work() as session:
        found = find_meeting(session, meeting)
        done = close_followup(session, found, now=deps.now())
        print((CLOSED if done else WAS_CLOSED).format(number=found.number))


@conclusions.command("reopen")
@click.argument("meeting")
@with_deps
def conclusions_reopen(deps: Deps, meeting: str) -> None:
    """Ask owners about an earlier meeting's open commitments again."""
    with deps.unit_of_work() as session:
        found = find_meeting(session, meeting)
        done = reopen_followup(session, found)
        print((REOPENED if done else WAS_OPEN).format(number=found.number))


@conclusions.command("carry")
@click.argument("later")
@click.argument("earlier")
@click.option("--with-owners", is_flag=True, help="give the later commitment the earlier owners")
@click.option("--undo", is_flag=True, help="forget the link instead")
@with_deps
def conclusions_carry(deps: Deps, later: str, earlier: str, with_owners: bool, undo: bool) -> None:
    """Say that LATER (hlm16/osh-2) continues EARLIER (hlm15/osh-3)."""
    with deps.unit_of_work() as session:
        new, old = find_commitment(session, later), find_commitment(session, earlier)
        if undo:
            done = undo_carry_over(session, commitment=new, earlier=old)
            print((UNCARRIED if done else NOT_CARRIED).format(later=new.key, earlier=old.key))
            return
        added = carry_over(session, commitment=new, earlier=old, with_owners=with_owners,
                           now=deps.now())  # fmt: skip
        owners = f", with {len(added)} owner assignments carried along" if added else ""
        print(CARRIED.format(later=new.key, earlier=old.key, owners=owners))
