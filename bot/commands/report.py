"""`/hlm report [hlm15] [docx|md]`: the implementation review, as a file in the coordinator's DM
(coordinators)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext, require_coordinator, send_to_asker
from bot.views import Reply
from bot.views.mrkdwn import escape
from bot.views.status import build_message
from workflows.catalogue.lookup import is_commitment_id
from workflows.catalogue.meetings import find_meeting
from workflows.reports.review import build_review, ordinal, review_chart, review_markdown
from workflows.words import counted

FORMATS = ("docx", "md")
AN_UPDATE = "`/hlm report` prepares the implementation review; to report on a commitment, use `/hlm update`."
SENT = "Sent to your DM: {name} ({commitments} of the {meeting} meeting, in the order of the conclusions)."
COMMENT = "Implementation review of {title}: a draft to edit before it is circulated."
NOT_SENT = "I could not send the review to your DM ({error}). Please try again in a minute."


@dataclass(frozen=True)
class Report:
    """`/hlm report [meeting] [docx|md]`: the implementation review, uploaded to the DM."""

    meeting: str | None = None
    fmt: str = "docx"


def parse_report(words: list[str]) -> Report | Help:
    """Read `[hlm15] [docx|md]`, in either order; `review` as a first word is allowed."""
    words = [w for w in words if w.lower() != "review"]
    meeting_name = words and re.fullmatch(r"hlm\s*\d+", words[0], re.IGNORECASE | re.ASCII)
    if words and not meeting_name and is_commitment_id(words[0]):  # `report gender-3 at-risk`
        return Help(problem=AN_UPDATE, subcommand="update")
    fmt = next((w.lower().lstrip(".") for w in words if w.lower().lstrip(".") in FORMATS), "docx")
    rest = [w for w in words if w.lower().lstrip(".") not in FORMATS]
    return Report(" ".join(rest) or None, fmt)


def handle_report(cmd: Report, ctx: CommandContext) -> list[Reply]:
    """Write the review and upload it (the Word file with its chart, or Markdown) to the DM."""
    require_coordinator(ctx, "prepare the implementation review")
    review = build_review(ctx.session, meeting=find_meeting(ctx.session, cmd.meeting), now=ctx.now)
    name = f"hlm{review.meeting_number}-review.{cmd.fmt}"
    if cmd.fmt == "docx":
        # Deferred: python-docx (and matplotlib, for the chart) load when a review is written.
        from workflows.reports.review_docx import review_docx

        content = review_docx(review, chart_png=review_chart(review))
    else:
        content = review_markdown(review).encode()
    comment = COMMENT.format(title=escape(review.meeting_title))
    error = send_to_asker(ctx, name, content, name, comment)
    if error is not None:
        return [build_message(NOT_SENT.format(error=error))]
    return [build_message(SENT.format(
        name=name, commitments=counted(len(review.items), "commitment"),
        meeting=ordinal(review.meeting_number),
    ))]  # fmt: skip


REPORT = Subcommand(
    name="report",
    usage=("report [hlm15] [docx|md]",),
    summary="coordinators: the implementation review for the next meeting, as a Word file in your DM",
    example="report hlm15 docx",
    parse=parse_report,
    command=Report,
    handle=handle_report,
    aliases=("review",),
    read_only=True,
    slow=True,  # reads every update of the meeting, then uploads to Slack
)
