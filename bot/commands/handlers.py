"""Run a parsed `/hlm` command: call the workflows, render the replies. No Slack I/O here.

Each subcommand's handler lives next to its parser (see `bot.commands.registry`); help, for a
usage mistake or an unknown word, is rendered here from the registry.
"""

from __future__ import annotations

from bot.commands.base import Help
from bot.commands.context import CommandContext
from bot.commands.help import help_lines, usage_lines
from bot.commands.parse import HlmCommand
from bot.commands.registry import BY_NAME, REGISTRY, entry_for
from bot.views import Reply
from bot.views.help import build_help, build_usage


def run_command(command: HlmCommand | Help, ctx: CommandContext) -> list[Reply]:
    """Run one parsed command and return the replies to show."""
    if isinstance(command, Help):
        return [help_reply(command)]
    handle = entry_for(command).handle
    assert handle is not None  # noqa: S101 (only help has no handler, and it is answered above)
    return handle(command, ctx)


def help_reply(command: Help) -> Reply:
    """Render help: one subcommand's usage, or every subcommand with a "Did you mean"."""
    if command.subcommand is not None:
        lines = usage_lines(BY_NAME[command.subcommand])
        return build_usage(lines, problem=command.problem, suggestion=command.suggestion)
    return build_help(help_lines(REGISTRY), suggestion=command.suggestion, problem=command.problem)
