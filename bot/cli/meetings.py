"""`hlm meeting`, `hlm digest preview` and `hlm digest chart`: technical meetings and what their
digests say and show.

The sentences for a meeting added or removed, and which digest a preview shows, are the
slash commands' (`bot.commands.meeting`, `workflows.reports.preview`).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.bootstrap import Deps
from bot.cli.base import with_deps, write_output
from bot.commands.meeting import describe_added, describe_removed, meeting_areas
from bot.views.digest import build_digest
from workflows.calendar import parse_day
from workflows.reports.digest_markdown import to_markdown
from workflows.reports.digests import weekly_digest
from workflows.reports.meetings import add_meeting, list_meetings, meetings_ics, remove_meeting
from workflows.reports.preview import preview_digest
from workflows.words import counted

CHART_WRITTEN = "Wrote {path} ({width}×{height} px): {areas}, {commitments}."
LISTED = "{id:>4}  {held_on:%Y-%m-%d}  {title}  [{areas}]"
NO_MEETINGS = (
    'No technical meetings yet. Add one with `hlm meeting add 2026-12-03 "Title" --area osh`.'
)


@click.group("meeting")
def meeting() -> None:
    """Technical meetings: add, list, remove, calendar."""


@meeting.command("add")
@click.argument("day")
@click.argument("title")
@click.option("--area", "areas", multiple=True, help="an area it covers (repeatable)")
@with_deps
def meeting_add(deps: Deps, day: str, title: str, areas: tuple[str, ...]) -> None:
    """Add a technical meeting on DAY (2026-12-03, 3 December, …) called TITLE."""
    with deps.unit_of_work() as session:
        held_on = parse_day(day, today=deps.now().date())
        added = add_meeting(session, held_on=held_on, title=title, areas=areas, now=deps.now())
        print(describe_added(added))


@meeting.command("list")
@with_deps
def meeting_list(deps: Deps) -> None:
    """List the meetings."""
    with deps.unit_of_work() as session:
        meetings = list_meetings(session)
        for m in meetings:
            print(LISTED.format(id=m.id, held_on=m.held_on, title=m.title, areas=meeting_areas(m)))
        if not meetings:
            print(NO_MEETINGS)


@meeting.command("remove")
@click.argument("ref", metavar="MEETING")
@with_deps
def meeting_remove(deps: Deps, ref: str) -> None:
    """Remove a MEETING (its number or date)."""
    with deps.unit_of_work() as session:
        print(describe_removed(remove_meeting(session, ref)))


@meeting.command("ics")
@click.option("--output", "-o", type=click.Path(path_type=Path))
@with_deps
def meeting_ics(deps: Deps, output: Path | None) -> None:
    """Write the meetings as an iCalendar file."""
    with deps.unit_of_work() as session:
        text = meetings_ics(list_meetings(session), now=deps.now())
    if output:
        write_output(output, text, newline="")
    else:
        sys.stdout.write(text)


@click.group("digest")
def digest() -> None:
    """Digests."""


@digest.command("preview")
@click.option(
    "--meeting",
    "ref",
    help="a technical meeting's number or date, or hlm15 for the weekly of that meeting's "
    "conclusions (default: the weekly of the current ones)",
)
@click.option("--format", "fmt", type=click.Choice(["md", "slack"]), default="md")
@with_deps
def digest_preview(deps: Deps, ref: str | None, fmt: str) -> None:
    """Print a digest without posting it, as Markdown or as Slack's JSON."""
    with deps.unit_of_work() as session:
        compiled = preview_digest(session, meeting=ref, now=deps.now())
    if fmt == "md":
        sys.stdout.write(to_markdown(compiled))
        return
    parent, thread = build_digest(compiled)
    as_json = [{"text": r.text, "blocks": r.block_dicts()} for r in (parent, *thread)]
    payload = {"parent": as_json[0], "thread": as_json[1:]}
    print(json.dumps(payload, indent=2, ensure_ascii=False))


@digest.command("chart")
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="the first day the digest covers, YYYY-MM-DD (default: a week ago)",
)
@click.option(
    "--meeting",
    "ref",
    help="a technical meeting's number or date, or hlm15 for the weekly of that meeting's "
    "conclusions (default: the weekly of the current ones)",
)
@with_deps
def digest_chart(deps: Deps, output: Path, since: datetime | None, ref: str | None) -> None:
    """Write the digest's chart as a PNG, as it would be posted."""
    # Deferred: matplotlib is loaded only by the commands that draw.
    from workflows.reports.charts import render_status_chart

    with deps.unit_of_work() as session:
        if ref or since is None:
            compiled = preview_digest(session, meeting=ref, now=deps.now())
        else:
            start = since.replace(tzinfo=UTC)
            compiled = weekly_digest(session, now=deps.now(), since=start)
    png = render_status_chart(compiled)
    write_output(output, png)
    width, height = int.from_bytes(png[16:20]), int.from_bytes(png[20:24])
    print(
        CHART_WRITTEN.format(
            path=output,
            width=width,
            height=height,
            areas=counted(len(compiled.areas), "area"),
            commitments=counted(compiled.totals.commitments, "commitment"),
        )
    )
