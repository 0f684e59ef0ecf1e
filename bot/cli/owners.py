"""`hlm assign`, `hlm unassign`, `hlm status` and `hlm people hours`: the same rules and results as `/hlm`.

Naming and freeing owners go through `workflows.people.ownership`, as the slash commands do;
only the way a person is named (email, Slack id or full name) and the printed text differ.
"""

from __future__ import annotations

import click

from bot.bootstrap import Deps
from bot.cli.base import with_deps
from bot.console.terminal import render_area, render_overview
from bot.slack_text import plain_person
from workflows.calendar import DEFAULT_HOURS, read_hours, write_hours
from workflows.catalogue.lookup import find_area
from workflows.catalogue.meetings import find_meeting
from workflows.people.directory import find_person, set_hours
from workflows.people.ownership import assign_person, parse_institution, unassign_part
from workflows.types import Institution
from workflows.updates.status import area_status, overview

FREED = "Freed {codes}."
NOBODY = "Nobody was assigned there."

TARGET = click.argument("target")
INSTITUTION = click.option("--institution", help="ilo, ec or eeas (default: the person's own)")
BACKUP = click.option("--backup", is_flag=True, help="the backup, not the owner")


@click.command("assign")
@TARGET
@click.argument("person")
@INSTITUTION
@BACKUP
@with_deps
def assign(deps: Deps, target: str, person: str, institution: str | None, backup: bool) -> None:
    """Make PERSON (email, Slack id or full name) owner of TARGET (gender-7, or an area)."""
    named = _institution(institution)
    with deps.unit_of_work() as session:
        assigned = assign_person(
            session,
            target=target,
            person=find_person(session, plain_person(person)),
            institution=named,
            backup=backup,
            now=deps.now(),
        )
        print(assigned.summary())


@click.command("unassign")
@TARGET
@click.option("--institution", help="ilo, ec or eeas (needed when several have someone there)")
@BACKUP
@with_deps
def unassign(deps: Deps, target: str, institution: str | None, backup: bool) -> None:
    """Remove the owner (or backup) of TARGET (gender-7, or an area)."""
    named = _institution(institution)
    with deps.unit_of_work() as session:
        freed = unassign_part(session, target=target, institution=named, backup=backup)
    print(FREED.format(codes=", ".join(freed)) if freed else NOBODY)


def _institution(text: str | None) -> Institution | None:
    return None if text is None else parse_institution(text)


@click.command("status")
@click.argument("area", nargs=-1)
@click.option("--meeting", help="whose conclusions, like hlm15 (the current meeting's by default)")
@with_deps
def status(deps: Deps, area: tuple[str, ...], meeting: str | None) -> None:
    """Show an AREA's commitments, owners and status (gender, OSH, child labour, 5; default: all)."""
    query = " ".join(area).strip()
    with deps.unit_of_work() as session:
        found = find_meeting(session, meeting)
        if not query:
            print(render_overview(overview(session, now=deps.now(), meeting=found)))
            return
        shown = area_status(session, find_area(session, query, found), now=deps.now())
        print(render_area(shown))


HOURS_SET = "{name}: working hours {hours}{default}, {tz} time."


@click.command("hours")
@click.argument("person")
@click.argument("hours", nargs=-1, required=True)
@with_deps
def people_hours(deps: Deps, person: str, hours: tuple[str, ...]) -> None:
    """Set PERSON's working hours (08:00-16:00), or `default` for 09:00–17:00."""
    changed = read_hours(" ".join(hours))
    with deps.unit_of_work() as session:
        named = find_person(session, plain_person(person))
        set_hours(named, changed)
        shown = changed or DEFAULT_HOURS
        print(
            HOURS_SET.format(
                name=named.name,
                hours=write_hours(shown),
                default="" if changed else " (the default)",
                tz=named.tz,
            )
        )
