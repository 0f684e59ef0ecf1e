"""`/hlm digest [meeting number or date]`: what the next digest would say (coordinators)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Subcommand
from bot.commands.context import CommandContext, require_coordinator
from bot.views import Reply
from bot.views.digest import build_digest
from workflows.reports.preview import preview_digest


@dataclass(frozen=True)
class DigestPreview:
    """`/hlm digest [meeting number or date]`: what the next digest would say."""

    meeting: str | None = None


def parse_digest(words: list[str]) -> DigestPreview:
    """Read `[meeting number or date]`."""
    return DigestPreview(" ".join(words) or None)


def handle_digest(cmd: DigestPreview, ctx: CommandContext) -> list[Reply]:
    """Show a coordinator the weekly digest, or a meeting's, as it would be posted."""
    require_coordinator(ctx, "preview digests")
    digest = preview_digest(ctx.session, meeting=cmd.meeting, now=ctx.now)
    parent, thread = build_digest(digest)
    return [parent, *thread]


DIGEST = Subcommand(
    name="digest",
    usage=("digest [meeting number or date]",),
    summary="coordinators: preview the next digest",
    example="digest 2026-12-03",
    parse=parse_digest,
    command=DigestPreview,
    handle=handle_digest,
    aliases=("preview",),
    read_only=True,
    slow=True,  # compiling a digest reads every area
)
