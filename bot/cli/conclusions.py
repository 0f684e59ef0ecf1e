"""`hlm conclusions`: the High Level Meetings in the database, which one is current, whose
follow-up is closed, and which commitments continue earlier ones (the same as `/hlm conclusions`)."""

from __future__ import annotations

import click

from bot.bootstrap import Deps
from bot.cli.base import with_deps
from bot.commands.conclusions import carry, follow_up
from workflows.catalogue.meetings import list_meetings

LINE = "{mark} HLM {number}  {held_on:%d %b %Y}  {count} commitments{state}  {title}"


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
        print(follow_up(session, "current", meeting, now=deps.now()))


@conclusions.command("close")
@click.argument("meeting")
@with_deps
def conclusions_close(deps: Deps, meeting: str) -> None:
    """End an earlier meeting's follow-up: its owners are no longer asked about it."""
    with deps.unit_of_work() as session:
        print(follow_up(session, "close", meeting, now=deps.now()))


@conclusions.command("reopen")
@click.argument("meeting")
@with_deps
def conclusions_reopen(deps: Deps, meeting: str) -> None:
    """Ask owners about an earlier meeting's open commitments again."""
    with deps.unit_of_work() as session:
        print(follow_up(session, "reopen", meeting, now=deps.now()))


@conclusions.command("carry")
@click.argument("later")
@click.argument("earlier")
@click.option("--with-owners", is_flag=True, help="give the later commitment the earlier owners")
@click.option("--undo", is_flag=True, help="forget the link instead")
@with_deps
def conclusions_carry(deps: Deps, later: str, earlier: str, with_owners: bool, undo: bool) -> None:
    """Say that LATER (hlm16/osh-2) continues EARLIER (hlm15/osh-3)."""
    with deps.unit_of_work() as session:
        print(carry(session, later, earlier, with_owners=with_owners, undo=undo, now=deps.now()))
