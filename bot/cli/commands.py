"""The `hlm` subcommands that work on the database: db, seed, people, assign, status, export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.bootstrap import Deps
from bot.cli.main import in_transaction, run_migrations, seed_paths
from bot.console.terminal import render_area, render_overview
from workflows.catalogue.lookup import find_area
from workflows.errors import InvalidInput, InvalidInstitution
from workflows.people.assignments import assign, unassign
from workflows.people.directory import find_person
from workflows.people.owners_file import import_owners, read_owners_file
from workflows.reports.export import FORMATS, export_commitments
from workflows.store import migrate
from workflows.types import Institution, Role
from workflows.updates.status import area_status, overview

Subparsers = Any  # argparse's _SubParsersAction is private


def add_all(sub: Subparsers) -> None:
    """Register every subcommand on the `hlm` parser."""
    for add in (
        _add_db,
        _add_seed,
        _add_people,
        _add_assign,
        _add_status,
        _add_export,
        _add_meetings,
        _add_cadence,
    ):
        add(sub)
    from bot.cli import slack as cli_slack

    cli_slack.add_all(sub)


def _add_db(sub: Subparsers) -> None:
    db = sub.add_parser("db", help="create or change the database schema")
    actions = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("upgrade", help="bring the schema to the newest version").set_defaults(
        handler=cmd_db_upgrade
    )
    down = actions.add_parser("downgrade", help="take the schema back to a revision")
    down.add_argument("revision", help="a revision id, or base for an empty database")
    down.set_defaults(handler=cmd_db_downgrade)
    actions.add_parser("check", help="fail if the models and migrations differ").set_defaults(
        handler=cmd_db_check
    )


def cmd_db_upgrade(args: argparse.Namespace, deps: Deps) -> int:
    """Migrate the database to the newest schema."""
    print(f"Database schema at revision {run_migrations(deps)}.")
    return 0


def cmd_db_downgrade(args: argparse.Namespace, deps: Deps) -> int:
    """Migrate the database down to a revision."""
    with deps.engine.begin() as connection:
        migrate.downgrade(migrate.alembic_config(connection=connection), args.revision)
    print(f"Database schema at revision {args.revision}.")
    return 0


def cmd_db_check(args: argparse.Namespace, deps: Deps) -> int:
    """Check that the models match the migrations."""
    with deps.engine.begin() as connection:
        migrate.check(migrate.alembic_config(connection=connection))
    print("The models match the migrations.")
    return 0


def _add_seed(sub: Subparsers) -> None:
    seed = sub.add_parser("seed", help="load the conclusions (idempotent; reports what changed)")
    seed.add_argument("files", nargs="*", type=Path, help="seed files (default: the shipped ones)")
    seed.set_defaults(handler=cmd_seed)


def cmd_seed(args: argparse.Namespace, deps: Deps) -> int:
    """Load the conclusions from the seed files and report what changed."""
    from seed.sync import load_seed, sync_seed

    seeds = [load_seed(path) for path in seed_paths(args.files)]
    with in_transaction(deps) as session:
        for seed in seeds:
            report = sync_seed(session, seed, now=deps.now())
            print(report.summary())
            for line in report.details():
                print("  " + line)
    return 0


def _add_people(sub: Subparsers) -> None:
    people = sub.add_parser("people", help="import or list owners and coordinators")
    actions = people.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="add people and assignments from a YAML or CSV file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=cmd_people_import)


def cmd_people_import(args: argparse.Namespace, deps: Deps) -> int:
    """Import people and their assignments from an owners file, all or nothing."""
    owners = read_owners_file(args.file)
    with in_transaction(deps) as session:
        print(import_owners(session, owners, now=deps.now()).summary())
    return 0


def _add_assign(sub: Subparsers) -> None:
    for name, handler in (("assign", cmd_assign), ("unassign", cmd_unassign)):
        verb = "make someone" if name == "assign" else "remove"
        parser = sub.add_parser(name, help=f"{verb} the owner of a commitment or a whole area")
        parser.add_argument("target", help="a commitment id (gender-7) or an area (gender)")
        if name == "assign":
            parser.add_argument("person", help="email, Slack user id or full name of a person")
        parser.add_argument("--institution", help="ilo, ec or eeas (default: the person's own)")
        parser.add_argument("--backup", action="store_true", help="the backup, not the owner")
        parser.set_defaults(handler=handler)


def _institution(text: str | None) -> Institution | None:
    if text is None:
        return None
    try:
        return Institution.parse(text)
    except ValueError:
        raise InvalidInstitution(f"“{text}” is not an institution. Use ilo, ec or eeas.") from None


def cmd_assign(args: argparse.Namespace, deps: Deps) -> int:
    """Assign a person to one commitment or to an area's commitments."""
    role = Role.BACKUP if args.backup else Role.OWNER
    institution = _institution(args.institution)
    with in_transaction(deps) as session:
        person = find_person(session, args.person)
        report = assign(
            session,
            target=args.target,
            person=person,
            institution=institution,
            role=role,
            now=deps.now(),
        )
        print(report.summary(person.name, institution or person.institution, role))
    return 0


def cmd_unassign(args: argparse.Namespace, deps: Deps) -> int:
    """Remove the owner (or backup) of one commitment or of an area's commitments."""
    institution = _institution(args.institution)
    if institution is None:
        raise InvalidInput("Say whose part to free: --institution ilo, ec or eeas.")
    role = Role.BACKUP if args.backup else Role.OWNER
    with in_transaction(deps) as session:
        freed = unassign(session, target=args.target, institution=institution, role=role)
    print(f"Freed {', '.join(freed)}." if freed else "Nobody was assigned there.")
    return 0


def _add_status(sub: Subparsers) -> None:
    status = sub.add_parser("status", help="show an area's commitments, owners and status")
    status.add_argument("area", nargs="*", help="gender, OSH, child labour, 5 … (default: all)")
    status.set_defaults(handler=cmd_status)


def cmd_status(args: argparse.Namespace, deps: Deps) -> int:
    """Print one area's commitments with owners and status, or the overview of all areas."""
    query = " ".join(args.area).strip()
    with in_transaction(deps) as session:
        if not query:
            print(render_overview(overview(session, now=deps.now())))
            return 0
        area = find_area(session, query)
        print(render_area(area_status(session, area, now=deps.now())))
    return 0


def _add_export(sub: Subparsers) -> None:
    export = sub.add_parser("export", help="export commitments with owners and status")
    export.add_argument("what", choices=["commitments"])
    export.add_argument("--format", dest="fmt", choices=FORMATS, default="json")
    export.add_argument("--output", "-o", type=Path, help="write to a file instead of stdout")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace, deps: Deps) -> int:
    """Export every commitment of the current meeting in the chosen format."""
    with in_transaction(deps) as session:
        text = export_commitments(session, fmt=args.fmt, now=deps.now())
    if args.output:
        write_output(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def write_output(path: Path, text: str, *, newline: str | None = None) -> None:
    """Write a command's output to a file; a folder that is not there is a refusal, not a crash."""
    try:
        path.write_text(text, encoding="utf-8", newline=newline)
    except OSError as exc:
        raise InvalidInput(f"Cannot write {path}: {exc.strerror or exc}.") from exc


def _add_meetings(sub: Subparsers) -> None:
    meeting = sub.add_parser("meeting", help="technical meetings: add, list, remove, calendar")
    actions = meeting.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a technical meeting")
    add.add_argument("day", help="the date, e.g. 2026-12-03")
    add.add_argument("title")
    add.add_argument("--area", action="append", default=[], help="an area it covers (repeatable)")
    add.set_defaults(handler=cmd_meeting_add)
    actions.add_parser("list", help="list the meetings").set_defaults(handler=cmd_meeting_list)
    remove = actions.add_parser("remove", help="remove a meeting")
    remove.add_argument("meeting", help="its number or date")
    remove.set_defaults(handler=cmd_meeting_remove)
    ics = actions.add_parser("ics", help="write the meetings as an iCalendar file")
    ics.add_argument("--output", "-o", type=Path)
    ics.set_defaults(handler=cmd_meeting_ics)
    digest = sub.add_parser("digest", help="digests")
    digest_actions = digest.add_subparsers(dest="action", metavar="ACTION", required=True)
    preview = digest_actions.add_parser("preview", help="print a digest without posting it")
    preview.add_argument("--meeting", help="a technical meeting's number or date (default: weekly)")
    preview.add_argument("--format", dest="fmt", choices=["md", "slack"], default="md")
    preview.set_defaults(handler=cmd_digest_preview)


def cmd_meeting_add(args: argparse.Namespace, deps: Deps) -> int:
    """Add a technical meeting."""
    from workflows.calendar import parse_day
    from workflows.reports.meetings import add_meeting

    with in_transaction(deps) as session:
        day = parse_day(args.day, today=deps.now().date())
        meeting = add_meeting(
            session, held_on=day, title=args.title, areas=args.area, now=deps.now()
        )
        areas = ", ".join(a.slug for a in meeting.areas) or "all areas"
        print(
            f"Meeting {meeting.id} added: {meeting.held_on:%A %d %B %Y}, {meeting.title} ({areas})."
        )
    return 0


def cmd_meeting_list(args: argparse.Namespace, deps: Deps) -> int:
    """List technical meetings."""
    from workflows.reports.meetings import list_meetings

    with in_transaction(deps) as session:
        meetings = list_meetings(session)
        for m in meetings:
            print(
                f"{m.id:>4}  {m.held_on:%Y-%m-%d}  {m.title}  [{', '.join(a.slug for a in m.areas) or 'all areas'}]"
            )
        if not meetings:
            print(
                'No technical meetings yet. Add one with `hlm meeting add 2026-12-03 "Title" --area osh`.'
            )
    return 0


def cmd_meeting_remove(args: argparse.Namespace, deps: Deps) -> int:
    """Remove a technical meeting."""
    from workflows.reports.meetings import remove_meeting

    with in_transaction(deps) as session:
        meeting = remove_meeting(session, args.meeting)
        print(f"Removed meeting {meeting.id}: {meeting.held_on:%d %B %Y}, {meeting.title}.")
    return 0


def cmd_meeting_ics(args: argparse.Namespace, deps: Deps) -> int:
    """Write the technical meetings as an iCalendar file."""
    from workflows.reports.meetings import list_meetings, meetings_ics

    with in_transaction(deps) as session:
        text = meetings_ics(list_meetings(session), now=deps.now())
    if args.output:
        write_output(args.output, text, newline="")
    else:
        sys.stdout.write(text)
    return 0


def cmd_digest_preview(args: argparse.Namespace, deps: Deps) -> int:
    """Print a digest (weekly, or before a meeting) as Markdown or as Slack's JSON."""
    import json

    from bot.views.digest import build_digest
    from workflows.reports.digests import meeting_digest, to_markdown, weekly_digest
    from workflows.reports.meetings import find_meeting

    with in_transaction(deps) as session:
        if args.meeting:
            digest = meeting_digest(session, find_meeting(session, args.meeting), now=deps.now())
        else:
            digest = weekly_digest(session, now=deps.now())
    if args.fmt == "md":
        sys.stdout.write(to_markdown(digest))
        return 0
    parent, thread = build_digest(digest)
    payload = {"parent": parent.__dict__, "thread": [r.__dict__ for r in thread]}
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


def _add_cadence(sub: Subparsers) -> None:
    cadence = sub.add_parser("cadence", help="how often an area's owners or one person are asked")
    who = cadence.add_mutually_exclusive_group(required=True)
    who.add_argument("--area", help="an area (gender, OSH, …)")
    who.add_argument("--person", help="email, Slack user id or full name")
    cadence.add_argument("days", help="days between check-ins, or `default` to clear")
    cadence.set_defaults(handler=cmd_cadence)


def cmd_cadence(args: argparse.Namespace, deps: Deps) -> int:
    """Set or clear a check-in cadence for an area or a person."""
    from workflows.checkins.prompts import set_cadence

    # ASCII digits only, and few: `int()` refuses "²" although `isdigit()` accepts it.
    if args.days != "default" and not (
        args.days.isascii() and args.days.isdecimal() and len(args.days) <= 4
    ):
        raise InvalidInput(f"“{args.days}” is not a number of days. Use e.g. 7, or `default`.")
    days = None if args.days == "default" else int(args.days)
    with in_transaction(deps) as session:
        print(set_cadence(session, area=args.area, person=args.person, days=days))
    return 0
