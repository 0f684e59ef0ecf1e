"""`/hlm digest [meeting number or date | hlm15]`: what the next digest would say (coordinators):
before a technical meeting, or the weekly one (of the current conclusions, or of `hlm15`'s).

The preview is the digest as it would be posted, shown to the coordinator alone, and its chart
is shared in their DM with the bot (an ephemeral reply cannot carry a file).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext, require_coordinator, send_to_asker
from bot.commands.words import split_meeting
from bot.slack_gateway import CHART_FILE
from bot.views import Reply
from bot.views.digest import build_preview
from bot.views.mrkdwn import escape
from workflows.reports.digests import Digest
from workflows.reports.preview import names_conclusions, preview_digest

ONE_OF = (
    "Name a technical meeting (its number or date) or a meeting's conclusions (hlm15), not both."
)
CHART_SENT = ":bar_chart: The chart is in your DM with the bot."
CHART_COMMENT = "Preview of the chart for “{title}” (not posted)."
CHART_NOT_SENT = "The chart could not be sent to your DM ({error})."


@dataclass(frozen=True)
class DigestPreview:
    """`/hlm digest [meeting number or date]`: what the next digest would say."""

    meeting: str | None = None


def parse_digest(words: list[str]) -> DigestPreview | Help:
    """Read `[meeting number or date]`, or `hlm15` for a meeting's conclusions (`--meeting`
    names either, as on the command line)."""
    rest, named = split_meeting(words)
    if named is None:
        return DigestPreview(" ".join(rest) or None)
    if rest:  # a technical meeting and another meeting's conclusions: which one?
        return DIGEST.usage_help(ONE_OF)
    if names_conclusions(named):
        return DigestPreview("hlm" + "".join(ch for ch in named if ch.isdigit()))
    return DigestPreview(named or None)  # `--meeting 3`: the technical meeting


def handle_digest(cmd: DigestPreview, ctx: CommandContext) -> list[Reply]:
    """Show a coordinator the weekly digest, or a meeting's, as it would be posted."""
    require_coordinator(ctx, "preview digests")
    digest = preview_digest(ctx.session, meeting=cmd.meeting, now=ctx.now)
    if digest.quiet:  # one line, and no chart, as it would be posted
        return build_preview(digest)
    return build_preview(digest, share_chart(digest, ctx))


def share_chart(digest: Digest, ctx: CommandContext) -> str:
    """Send the digest's chart to the coordinator's DM; say where it is, or why it is not."""
    # Deferred: matplotlib is loaded only when a chart is drawn.
    from workflows.reports.charts import render_status_chart

    chart = render_status_chart(digest)
    comment = CHART_COMMENT.format(title=escape(digest.title))
    error = send_to_asker(ctx, CHART_FILE, chart, digest.title, comment)
    if error is not None:
        return CHART_NOT_SENT.format(error=escape(error))
    return CHART_SENT


DIGEST = Subcommand(
    name="digest",
    usage=("digest [meeting number or date | hlm15]",),
    summary="coordinators: preview the next digest, its chart in your DM",
    example="digest 2026-12-03",
    parse=parse_digest,
    command=DigestPreview,
    handle=handle_digest,
    aliases=("preview",),
    read_only=True,
    slow=True,  # compiling a digest reads every area, and the chart is drawn and uploaded
)
