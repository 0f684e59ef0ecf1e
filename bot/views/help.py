"""Help for `/hlm`: the whole list, or one subcommand's usage, led by what went wrong.

The lines come from `bot.commands` (derived from the subcommands' declarations); this module
only escapes them and lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import SectionBlock

from bot.views import Reply
from bot.views.mrkdwn import escape, fallback, fit, pack

HELP_TITLE = "*How to use `/hlm`*"
SUGGEST = "Did you mean `/hlm {suggestion}`?"
HELP_FALLBACK = "How to use /hlm"


def build_help(
    lines: Sequence[str], *, suggestion: str | None = None, problem: str | None = None
) -> Reply:
    """Render the help, led by what was wrong and a "Did you mean" when there is a suggestion."""
    lead = [escape(problem)] if problem else []
    lead += [SUGGEST.format(suggestion=escape(suggestion))] if suggestion else []
    blocks = [SectionBlock(text=fit(" ".join(lead)))] if lead else []
    # Escaped line by line: `<id>` in a usage is text, not a link. As many sections as it
    # takes: the whole list is longer than one section holds.
    texts = pack([HELP_TITLE, *(escape(line) for line in lines)])
    sections = [SectionBlock(text=text) for text in texts]
    return Reply(fallback(" ".join(lead) or HELP_FALLBACK), [*blocks, *sections])


def build_usage(
    lines: Sequence[str], *, problem: str | None = None, suggestion: str | None = None
) -> Reply:
    """Render one subcommand's usage, led by what was wrong and a "Did you mean" when there is
    a suggestion."""
    lead = [escape(problem)] if problem else []
    lead += [SUGGEST.format(suggestion=escape(suggestion))] if suggestion else []
    blocks = [SectionBlock(text=fit(" ".join(lead)))] if lead else []
    usage = escape("\n".join(lines))
    return Reply(
        fallback(" ".join(lead) or escape(lines[0])), [*blocks, SectionBlock(text=fit(usage))]
    )
