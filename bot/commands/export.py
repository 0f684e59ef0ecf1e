"""`/hlm export [area] [xlsx|csv|md|json]`: the current status and the history, as a file in the
coordinator's DM (coordinators)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext, require_coordinator, send_to_asker
from bot.commands.words import split_meeting
from bot.views import Reply
from bot.views.mrkdwn import escape
from bot.views.status import build_message
from workflows.reports.export import COORDINATOR_FORMATS, ExportFile, export_for_coordinators
from workflows.words import counted

WHAT = "Say which area to export (or none for all), and the format: xlsx, csv, md or json."
SENT = "Sent to your DM: {names} ({commitments}, {updates})."
COMMENT = "{title}: the current status per commitment and institution, and every update."
NOT_SENT = "I could not send the file to your DM ({error}). Please try again in a minute."
DEFAULT_FORMAT = "xlsx"


@dataclass(frozen=True)
class Export:
    """`/hlm export [area] [format]`: the export, uploaded to the coordinator's DM."""

    area: str | None = None
    fmt: str = DEFAULT_FORMAT
    meeting: str | None = None


def parse_export(words: list[str]) -> Export | Help:
    """Read `[area] [xlsx|csv|md|json] [hlm15]`, the format last (or alone) but for the
    meeting."""
    words, meeting = split_meeting(words)
    fmt = DEFAULT_FORMAT
    if words and words[-1].lower().lstrip(".") in COORDINATOR_FORMATS:
        fmt, words = words[-1].lower().lstrip("."), words[:-1]
    return Export(" ".join(words) or None, fmt, meeting)


def handle_export(cmd: Export, ctx: CommandContext) -> list[Reply]:
    """Make the export and upload its file(s) to the coordinator's DM."""
    require_coordinator(ctx, "export the status and history")
    made = export_for_coordinators(
        ctx.session, fmt=cmd.fmt, area=cmd.area, now=ctx.now, meeting=cmd.meeting
    )
    for file in made.files:
        error = upload(ctx, file)
        if error is not None:
            return [build_message(NOT_SENT.format(error=error))]
    names = " and ".join(f.filename for f in made.files)
    return [build_message(SENT.format(
        names=names, commitments=counted(made.commitments, "commitment"),
        updates=counted(made.updates, "update"),
    ))]  # fmt: skip


def upload(ctx: CommandContext, file: ExportFile) -> str | None:
    """Upload one file of an export to the DM of who asked; None once sent, else why not."""
    comment = COMMENT.format(title=escape(file.title))
    return send_to_asker(ctx, file.filename, file.content, file.title, comment)


EXPORT = Subcommand(
    name="export",
    usage=("export [area] [xlsx|csv|md|json] [hlm15]",),
    summary="coordinators: the status and the whole history as a file in your DM (xlsx by default)",
    example="export gender xlsx",
    parse=parse_export,
    command=Export,
    handle=handle_export,
    read_only=True,
    slow=True,  # reads every update of the areas, then uploads to Slack
)
