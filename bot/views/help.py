"""Help for `/hlm`: every subcommand, the statuses, and what went wrong when there is a reason."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from bot.views import Reply
from bot.views.mrkdwn import escape, fallback, fit
from workflows.types import Status

HELP_TITLE = "*How to use `/hlm`*"
COMMANDS = (
    "• `/hlm status [area]`: an area's commitments, owners and latest status (all areas without one)",
    "• `/hlm show <id>`: a commitment's full text and history, e.g. `/hlm show gender-7`",
    "• `/hlm mine`: the commitments you own",
    "• `/hlm update <id> <status> [what happened]`: record where a commitment stands",
    "• `/hlm owners [area]`: who owns what, and what nobody owns yet",
    "• `/hlm away <until> [reason]` or `/hlm away off`: pause your check-ins, e.g. `/hlm away 5 January`",
    "• `/hlm assign <id|area> <@user> [ilo|ec|eeas] [backup]`: name an owner (coordinators)",
    "• `/hlm unassign <id|area> [ilo|ec|eeas] [backup]`: remove an owner (coordinators)",
    "• `/hlm meeting [list]`: the technical meetings; `/hlm meeting add <date> <title> [areas: a, b]`"
    " or `/hlm meeting remove <n>` to change them (coordinators)",
    "• `/hlm digest [meeting number or date]`: preview the next digest (coordinators)",
    "• `/hlm help`: this list",
)
STATUSES = "Statuses: " + ", ".join(f"`{s.value.replace('_', '-')}`" for s in Status) + "."
AREAS = "Areas can be named loosely: `gender`, `child labour`, `OSH`, or the area's number."
HELP = escape("\n".join([HELP_TITLE, *COMMANDS, STATUSES, AREAS]))  # `<id|area>` is no link
SUGGEST = "Did you mean `/hlm {suggestion}`?"
HELP_FALLBACK = "How to use /hlm"


def build_help(suggestion: str | None = None, *, problem: str | None = None) -> Reply:
    """Render the help, led by what was wrong and a "Did you mean" when there is a suggestion."""
    lead = [escape(problem)] if problem else []
    lead += [SUGGEST.format(suggestion=escape(suggestion))] if suggestion else []
    blocks = [SectionBlock(text=fit(" ".join(lead)))] if lead else []
    return Reply(fallback(" ".join(lead) or HELP_FALLBACK), [*blocks, SectionBlock(text=fit(HELP))])
