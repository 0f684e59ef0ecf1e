"""App Home: an owner's commitments, and for coordinators the overview of all areas (of the
meeting they pick, when several meetings' conclusions are loaded)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.bootstrap import Deps
from bot.payloads import BlockAction
from bot.screens import Screens
from bot.views import ids


def register(app: App, deps: Deps) -> None:
    """Attach the App Home listener."""
    screens = Screens(deps)

    @app.event("app_home_opened")
    def handle_home_opened(event: dict[str, Any]) -> None:
        """Show the App Home when a user opens it."""
        if event.get("tab", "home") == "home":
            screens.refresh_home(str(event.get("user") or ""))

    @app.action(ids.HOME_MEETING_ACTION)
    def handle_meeting_picked(ack: Ack, body: dict[str, Any]) -> None:
        """Show the overview of the meeting a coordinator picked on App Home."""
        ack()
        click = BlockAction.model_validate(body)
        if click.chosen is not None:
            screens.refresh_home(click.user.id, meeting=click.chosen)
