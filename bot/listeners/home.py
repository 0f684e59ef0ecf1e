"""App Home: an owner's commitments, and for coordinators the overview of all areas."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk.models.views import View

from bot.bootstrap import Deps
from bot.commands.handlers import load_actor
from bot.errors import after_saving
from bot.views.home import build_home
from workflows.people.assignments import assignments_of
from workflows.types import Role
from workflows.updates.status import commitment_statuses, overview


def home_view(deps: Deps, user_id: str) -> View:
    """Build the App Home of a user from the database."""
    now = deps.clock()
    with deps.unit_of_work() as session:
        actor = load_actor(session, user_id, deps.coordinators)
        person = actor.person
        owned = (
            [a for a in assignments_of(session, person) if a.role is Role.OWNER] if person else []
        )
        statuses = commitment_statuses(session, [a.commitment for a in owned], now=now)
        mine = [(s, a.institution) for s, a in zip(statuses, owned, strict=True)]
        areas = overview(session, now=now) if actor.is_coordinator else None
        return build_home(name=person.name if person else "", mine=mine, overview=areas)


def publish_home(deps: Deps, user_id: str) -> None:
    """Refresh a user's App Home; a failure here never undoes what was recorded."""
    after_saving(
        f"Refreshing the App Home of {user_id}",
        lambda: deps.slack.client.views_publish(user_id=user_id, view=home_view(deps, user_id)),
    )


def register(app: App, deps: Deps) -> None:
    """Attach the App Home listener."""

    @app.event("app_home_opened")
    def handle_home_opened(event: dict[str, Any]) -> None:
        """Show the App Home when a user opens it."""
        if event.get("tab", "home") == "home":
            publish_home(deps, str(event["user"]))
