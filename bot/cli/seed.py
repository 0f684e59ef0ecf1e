"""`hlm seed`: load the conclusions, draft a new meeting's seed file, check a seed file.

    hlm seed [load] [FILE…] [--accept-flags]   load (the default: `hlm seed FILE…` still works)
    hlm seed draft FILE [-o OUT]                draft a seed file from a .docx, .pdf or .txt
    hlm seed check FILE                         0 valid, 1 flags left, 2 invalid (stdout: one
                                                line per problem or flag, with its place)

A draft carries flags (spots a person must check); `load` refuses a file that still has any,
unless `--accept-flags` is given.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.bootstrap import Deps
from bot.cli.base import Failure, with_deps, write_output
from seed.draft.build import draft_conclusions
from seed.draft.check import INVALID, check_seed_file
from seed.draft.dump import dump_draft
from seed.draft.readers import SUFFIXES, read_lines
from seed.schema import SeedMeeting
from seed.sync import default_seed_files, load_seed, sync_seed
from workflows.catalogue.lookup import current_meeting

STILL_FLAGGED = (
    "{path}: {count} flagged spots are still to check (`hlm seed check {path}` lists them); "
    "remove each flag once checked, or load anyway with --accept-flags."
)
CANNOT_READ = "Cannot read {path} as conclusions: {problem}"
DRAFTED = "Drafted {areas} areas and {items} items from {path}; {flags} flags to check."


class _LoadByDefault(click.Group):
    """A group whose bare form, `hlm seed FILE…`, is `hlm seed load FILE…`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["load", *args]
        return super().parse_args(ctx, args)


@click.group("seed", cls=_LoadByDefault)
def seed() -> None:
    """Load the conclusions (the default), or draft and check a new meeting's seed file."""


NOT_CURRENT = (
    "HLM {current} stays the current meeting; `hlm conclusions current hlm{other}` switches to it."
)


@seed.command("load")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--accept-flags", is_flag=True, help="Load a file even if spots are still flagged.")
@with_deps
def seed_load(deps: Deps, files: tuple[Path, ...], accept_flags: bool) -> None:
    """Load the conclusions (idempotent; reports what changed). FILES default to the shipped ones."""
    paths = list(files) or default_seed_files()
    seeds = [load_seed(path) for path in paths]
    for path, one in zip(paths, seeds, strict=True):
        _refuse_flagged(path, one, accept_flags=accept_flags)
    with deps.unit_of_work() as session:
        for one in seeds:
            report = sync_seed(session, one, now=deps.now())
            print(report.summary())
            for line in report.details():
                print("  " + line)
        current = current_meeting(session).number
        if any(one.number != current for one in seeds):
            print(NOT_CURRENT.format(current=current, other=max(one.number for one in seeds)))


def _refuse_flagged(path: Path, meeting: SeedMeeting, *, accept_flags: bool) -> None:
    flags = meeting.open_flags()
    if flags and not accept_flags:
        raise Failure(STILL_FLAGGED.format(path=path, count=len(flags)))


@seed.command("draft")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), help="a file instead of stdout")
def seed_draft(file: Path, output: Path | None) -> None:
    """Draft a seed file from conclusions in FILE (.docx, .pdf or .txt), spots to check flagged."""
    if file.suffix.lower() not in SUFFIXES:
        raise Failure(CANNOT_READ.format(path=file, problem=f"not one of {', '.join(SUFFIXES)}."))
    try:
        lines = read_lines(file)
    except Exception as exc:  # unreadable, or not what its suffix says: one line, not a trace
        raise Failure(CANNOT_READ.format(path=file, problem=_first_line(exc))) from None
    draft = draft_conclusions(lines, source=file.name)
    text = dump_draft(draft)
    if output:
        write_output(output, text)
    else:
        sys.stdout.write(text)
    items = [item for area in draft["areas"] for item in area["commitments"]]
    flags = len(draft["flags"]) + sum(len(a["flags"]) for a in draft["areas"])
    flags += sum(len(item["flags"]) for item in items)
    print(
        DRAFTED.format(areas=len(draft["areas"]), items=len(items), path=file, flags=flags),
        file=sys.stderr,
    )


@seed.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def seed_check(file: Path) -> int:
    """Check a seed file: exit 0 if valid and unflagged, 1 if flags remain, 2 if invalid."""
    if not file.is_file():
        raise Failure(f"Cannot read {file}: no such file.")
    report = check_seed_file(file)
    for line in report.lines():
        print(line)
    if report.status == INVALID:
        print(
            f"hlm: {file} is not a valid seed file ({len(report.problems)} problems).",
            file=sys.stderr,
        )
    return report.status


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
