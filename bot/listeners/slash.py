"""`/hlm`: acknowledge, parse, run, reply ephemerally (or in the channel when asked)."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.bootstrap import Deps
from bot.commands.assign import Assign, newcomer
from bot.commands.base import Help
from bot.commands.context import CommandContext, ask_slack, load_actor
from bot.commands.handlers import run_command
from bot.commands.parse import HlmCommand, parse_hlm_command
from bot.commands.registry import entry_for
from bot.errors import as_replies
from bot.payloads import SlashCommand
from bot.views import Reply
from workflows.ports import SlackProfile

WORKING = "Working on it…"


class SlashListeners:
    """Listeners of the `/hlm` command."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_hlm(self, ack: Ack, command: dict[str, str], respond: Respond) -> None:
        """Answer a /hlm command: the first reply with the acknowledgement, the rest after."""
        # Most commands take milliseconds, so the answer travels with the acknowledgement (well
        # inside Slack's 3 seconds) and appears at once; long answers follow in parts. Slow
        # commands are acknowledged first, and their whole answer follows.
        request = SlashCommand.model_validate(command)
        parsed = parse_hlm_command(request.text)
        if is_slow(parsed):
            ack(text=WORKING, response_type="ephemeral")
            self.send(respond, self.replies(request, parsed))
            return
        first, *rest = self.replies(request, parsed)
        ack(text=first.text, blocks=first.block_dicts(), response_type="ephemeral")
        self.send(respond, rest)

    @staticmethod
    def send(respond: Respond, replies: list[Reply]) -> None:
        """Post replies to the command's response_url, visible only to the person who typed it."""
        for reply in replies:
            respond(text=reply.text, blocks=reply.block_dicts(), response_type="ephemeral")

    def replies(
        self, request: SlashCommand, parsed: HlmCommand | Help | None = None
    ) -> list[Reply]:
        """Run the command a request carries and return its replies (errors become replies)."""
        command = parsed or parse_hlm_command(request.text)
        return as_replies(lambda: self._run(request, command))

    def _run(self, request: SlashCommand, parsed: HlmCommand | Help) -> list[Reply]:
        profiles = self.ask_about_newcomer(request, parsed) if isinstance(parsed, Assign) else {}
        scope = self.deps.reading if is_read_only(parsed) else self.deps.unit_of_work
        with scope() as session:
            context = CommandContext(
                deps=self.deps,
                session=session,
                user_id=request.user_id,
                now=self.deps.now(),
                text=request.text,
                request_id=request.trigger_id,
                profiles=profiles,
            )
            return run_command(parsed, context)

    def ask_about_newcomer(
        self, request: SlashCommand, parsed: Assign
    ) -> dict[str, SlackProfile | None]:
        """Ask Slack about the person a coordinator's assign names, if the database does not
        know them yet.

        Done before the command's unit of work, so that a Slack call, which can take seconds,
        never holds a transaction (on SQLite, the write lock) open.
        """
        with self.deps.reading() as session:
            asker = load_actor(session, request.user_id, self.deps.coordinators)
            slack_id = newcomer(session, parsed) if asker.is_coordinator else None
        return {slack_id: ask_slack(self.deps.slack, slack_id)} if slack_id else {}


def is_read_only(parsed: HlmCommand | Help) -> bool:
    """Say whether a command only looks: it then runs without taking SQLite's write lock."""
    return isinstance(parsed, Help) or entry_for(parsed).read_only


def is_slow(parsed: HlmCommand | Help) -> bool:
    """Say whether a command can outlast Slack's 3 seconds (asking Slack, compiling a digest)."""
    return not isinstance(parsed, Help) and entry_for(parsed).slow


def register(app: App, deps: Deps) -> None:
    """Attach the /hlm listener."""
    app.command("/hlm")(SlashListeners(deps).handle_hlm)
