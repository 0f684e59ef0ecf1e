"""App Home: an owner's commitments, and for coordinators the overview of all areas."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.bootstrap import Deps
from bot.screens import Screens


def register(app: App, deps: Deps) -> None:
    """Attach the App Home listener."""
    screens = Screens(deps)

    @app.event("app_home_opened")
    def handle_home_opened(event: dict[str, Any]) -> None:
        """Show the App Home when a user opens it."""
        if event.get("tab", "home") == "home":
            screens.refresh_home(str(event.get("user") or ""))
