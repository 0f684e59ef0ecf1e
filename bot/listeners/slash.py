"""`/hlm`: acknowledge with the first reply (or "working on it"), send the rest after."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.bootstrap import Deps
from bot.commands.parse import parse_hlm_command
from bot.commands.runner import CommandRunner, is_slow
from bot.payloads import SlashCommand

WORKING = "Working on it…"


class SlashListeners:
    """Listeners of the `/hlm` command."""

    def __init__(self, deps: Deps) -> None:
        self.runner = CommandRunner(deps)

    def handle_hlm(self, ack: Ack, command: dict[str, str], respond: Respond) -> None:
        """Answer a /hlm command: the first reply with the acknowledgement, the rest after."""
        # Most commands take milliseconds, so the answer travels with the acknowledgement (well
        # inside Slack's 3 seconds); slow ones are acknowledged first and answered after.
        request = SlashCommand.model_validate(command)
        parsed = parse_hlm_command(request.text)
        slow = is_slow(parsed)
        if slow:
            ack(text=WORKING, response_type="ephemeral")
        replies = self.runner.replies(request.user_id, request.text, request_id=request.trigger_id, parsed=parsed)  # fmt: skip
        if not slow:
            first, *replies = replies
            ack(text=first.text, blocks=first.block_dicts(), response_type="ephemeral")
        for reply in replies:
            respond(text=reply.text, blocks=reply.block_dicts(), response_type="ephemeral")


def register(app: App, deps: Deps) -> None:
    """Attach the /hlm listener."""
    app.command("/hlm")(SlashListeners(deps).handle_hlm)
