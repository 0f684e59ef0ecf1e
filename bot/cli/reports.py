"""`hlm report review`: the implementation review of a meeting's conclusions, as Word or Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from bot.bootstrap import Deps
from bot.cli.base import with_deps, write_output
from workflows.catalogue.meetings import find_meeting
from workflows.reports.review import build_review, ordinal, review_chart, review_markdown
from workflows.reports.review_docx import review_docx

WROTE = "Wrote {path}: {count} commitments of the {number} meeting."


@click.group("report")
def report() -> None:
    """Produce the documents coordinators bring to meetings."""


@report.command("review")
@click.option("--meeting", help="the meeting, like hlm15 (the current one by default)")
@click.option(
    "--format", "fmt", type=click.Choice(["docx", "md"]), default="docx", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="the file (hlmN-review.FORMAT)"
)
@with_deps
def review(deps: Deps, meeting: str | None, fmt: str, output: Path | None) -> None:
    """Write the implementation review: every commitment, in the order of the conclusions."""
    with deps.reading() as session:
        found = find_meeting(session, meeting)
        content = build_review(session, meeting=found, now=deps.now())
    path = output or Path(f"hlm{content.meeting_number}-review.{fmt}")
    chart = review_chart(content)
    if fmt == "docx":
        write_output(path, review_docx(content, chart_png=chart))
    else:  # the chart beside the Markdown file, which links to it
        chart_path = path.with_name(f"{path.stem}-chart.png")
        write_output(chart_path, chart)
        write_output(path, review_markdown(content, chart_file=chart_path.name))
    print(WROTE.format(path=path, count=len(content.items), number=ordinal(content.meeting_number)))
