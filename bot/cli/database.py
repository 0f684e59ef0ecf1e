"""`hlm db`, `hlm people import`, `hlm export` and `hlm cadence`: the data itself."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from bot.bootstrap import Deps
from bot.cli.base import Failure, with_deps, write_output
from workflows.checkins.prompts import set_cadence
from workflows.errors import InvalidInput
from workflows.people.owners_file import import_owners, read_owners_file
from workflows.reports.export import (
    COORDINATOR_FORMATS,
    FORMATS,
    PARTS,
    export_commitments,
    export_scope,
    write_export,
)
from workflows.store import migrate
from workflows.store.schema import upgrade_to_newest

NOT_DAYS = "“{days}” is not a number of days. Use e.g. 7, or `default`."


@click.group("db")
def db() -> None:
    """Create or change the database schema."""


@db.command("upgrade")
@with_deps
def db_upgrade(deps: Deps) -> None:
    """Bring the schema to the newest version."""
    print(f"Database schema at revision {upgrade_to_newest(deps.engine)}.")


@db.command("downgrade")
@click.argument("revision")
@with_deps
def db_downgrade(deps: Deps, revision: str) -> None:
    """Take the schema back to a REVISION (base for an empty database)."""
    with deps.engine.begin() as connection:
        migrate.downgrade(migrate.alembic_config(connection=connection), revision)
    print(f"Database schema at revision {revision}.")


@db.command("check")
@with_deps
def db_check(deps: Deps) -> None:
    """Fail if the models and the migrations differ."""
    with deps.engine.begin() as connection:
        migrate.check(migrate.alembic_config(connection=connection))
    print("The models match the migrations.")


@click.group("people")
def people() -> None:
    """Import or list owners and coordinators."""


@people.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@with_deps
def people_import(deps: Deps, file: Path) -> None:
    """Add people and assignments from a YAML or CSV FILE, all or nothing."""
    owners = read_owners_file(file)
    with deps.unit_of_work() as session:
        print(import_owners(session, owners, now=deps.now()).summary())


@click.command("export")
@click.argument("what", type=click.Choice(["commitments", *PARTS]))
@click.option(
    "--format", "fmt", type=click.Choice(COORDINATOR_FORMATS),
    help="commitments: json (default), csv or md; current and history: xlsx (default), csv, md, json",
)  # fmt: skip
@click.option("--area", help="current and history: one area (gender, OSH, …); all by default")
@click.option("--meeting", help="whose conclusions, like hlm15 (the current meeting's by default)")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="a file instead of stdout")
@with_deps
def export(
    deps: Deps,
    what: str,
    fmt: str | None,
    area: str | None,
    meeting: str | None,
    output: Path | None,
) -> None:
    """Export the commitments with owners and status; or the current status per institution
    (current) or every update (history). An xlsx workbook holds both."""
    if what == "commitments":
        if fmt not in (None, *FORMATS):
            raise click.BadParameter(
                f"commitments export as {', '.join(FORMATS)}", param_hint="--format"
            )
        with deps.unit_of_work() as session:
            text = export_commitments(session, fmt=fmt or "json", now=deps.now(), meeting=meeting)
        if output:
            write_output(output, text)
        else:
            sys.stdout.write(text)
        return
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError("A workbook is not for a terminal: give --output FILE.xlsx.")
    with deps.reading() as session, _opened(output) as out:
        scope = export_scope(session, area=area, now=deps.now(), meeting=meeting)
        write_export(session, out, scope=scope, fmt=fmt or "xlsx", part=what)


@contextlib.contextmanager
def _opened(output: Path | None) -> Iterator[IO[bytes]]:
    """Open the file an export goes to (standard output without one); a folder that is not
    there is a refusal, not a crash."""
    if output is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    try:
        out = output.open("wb")
    except OSError as exc:
        raise Failure(f"Cannot write {output}: {exc.strerror or exc}.") from None
    with out:
        yield out


@click.command("cadence")
@click.option("--area", help="an area (gender, OSH, …)")
@click.option("--person", help="email, Slack user id or full name")
@click.argument("days")
@with_deps
def cadence(deps: Deps, area: str | None, person: str | None, days: str) -> None:
    """Set how often an area's owners or one person are asked: DAYS, or `default` to clear."""
    if (area is None) == (person is None):
        raise click.UsageError("Name either --area or --person.")
    # ASCII digits only, and few: `int()` refuses "²" although `isdigit()` accepts it.
    if days != "default" and not (days.isascii() and days.isdecimal() and len(days) <= 4):
        raise InvalidInput(NOT_DAYS.format(days=days))
    with deps.unit_of_work() as session:
        print(set_cadence(session, area=area, person=person, days=_days(days)))


def _days(text: str) -> int | None:
    return None if text == "default" else int(text)
