"""Register every listener of the app, one module per Slack surface."""

from __future__ import annotations

from slack_bolt import App

from bot.bootstrap import Deps
from bot.listeners import actions, away, home, messages, slash, view_submissions


def register_listeners(app: App, deps: Deps) -> None:
    """Attach the slash command, actions, modal, DM and App Home listeners."""
    for module in (slash, actions, view_submissions, away, messages, home):
        module.register(app, deps)
