"""Run the text of a `/hlm` command for someone: parse, pick the unit of work, dispatch.

Shared by the slash command and the *Share* button, so that neither listener calls the other.
"""

from __future__ import annotations

from bot.bootstrap import Deps
from bot.commands.assign import Assign, newcomer
from bot.commands.base import Help
from bot.commands.context import CommandContext, ask_slack, load_actor
from bot.commands.handlers import run_command
from bot.commands.parse import HlmCommand, parse_hlm_command
from bot.commands.registry import entry_for
from bot.errors import as_replies
from bot.views import Reply
from workflows.errors import NotAllowed
from workflows.ports import SlackProfile


class CommandRunner:
    """Runs `/hlm` text as a person typed it and returns the replies (errors become replies)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def replies(
        self,
        user_id: str,
        text: str,
        *,
        request_id: str = "",
        parsed: HlmCommand | Help | None = None,
    ) -> list[Reply]:
        """Run a command (`parsed` from `text`, if the caller has not) and return its replies."""
        command = parsed if parsed is not None else parse_hlm_command(text)
        return as_replies(lambda: self._run(user_id, text, command, request_id))

    def shared(self, user_id: str, text: str) -> list[Reply]:
        """Run a command again to show it to a channel: only one whose reply offers *Share*.

        Raises what the command raises, so that a refusal is answered to its author alone.
        """
        parsed = parse_hlm_command(text)
        if isinstance(parsed, Help) or not entry_for(parsed).shareable:
            raise NotAllowed("not_shareable")
        return self._run(user_id, text, parsed, "")

    def _run(
        self, user_id: str, text: str, parsed: HlmCommand | Help, request_id: str
    ) -> list[Reply]:
        profiles = self._newcomer(user_id, parsed) if isinstance(parsed, Assign) else {}
        scope = self.deps.reading if is_read_only(parsed) else self.deps.unit_of_work
        with scope() as session:
            context = CommandContext(
                deps=self.deps, session=session, user_id=user_id, now=self.deps.now(),
                text=text, request_id=request_id, profiles=profiles,
            )  # fmt: skip
            if not isinstance(parsed, Help) and not self._may_read(context):
                raise NotAllowed("registered_readers_only")
            return run_command(parsed, context)

    def _may_read(self, context: CommandContext) -> bool:
        """Apply HLM_READERS: everyone in the workspace, or only the people the bot knows."""
        if self.deps.settings.hlm_readers == "workspace":
            return True
        return context.actor.person is not None or context.actor.is_coordinator

    def _newcomer(self, user_id: str, parsed: Assign) -> dict[str, SlackProfile | None]:
        """Ask Slack about the person a coordinator's assign names, if the database does not
        know them yet.

        Done before the command's unit of work, so that a Slack call, which can take seconds,
        never holds a transaction (on SQLite, the write lock) open.
        """
        with self.deps.reading() as session:
            asker = load_actor(session, user_id, self.deps.coordinators)
            slack_id = newcomer(session, parsed) if asker.is_coordinator else None
        return {slack_id: ask_slack(self.deps.slack, slack_id)} if slack_id else {}


def is_read_only(parsed: HlmCommand | Help) -> bool:
    """Say whether a command only looks: it then runs without taking SQLite's write lock."""
    return isinstance(parsed, Help) or entry_for(parsed).read_only


def is_slow(parsed: HlmCommand | Help) -> bool:
    """Say whether a command can outlast Slack's 3 seconds (asking Slack, compiling a digest)."""
    return not isinstance(parsed, Help) and entry_for(parsed).slow
