"""When a workspace removes the app: forget it, stop sending there, and tell the coordinators.

Slack sends `app_uninstalled` when the app is removed from a workspace, and `tokens_revoked`
when its bot token is revoked. Either way nothing can be sent there any more: the installation
is deleted, the messages still waiting for that workspace's people are marked skipped (never
retried), and every coordinator still reachable hears of it through their own installation.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.bootstrap import Deps
from bot.oauth import NotInstalled
from workflows.store.models import Outbox, Person
from workflows.types import OutboxState

log = logging.getLogger(__name__)


UNINSTALLED = (
    "The HLM commitments app was removed from workspace {team} ({why}). Nothing more is sent "
    "there: {stopped} message(s) waiting for its people were stopped. Install it again to resume."
)
WHY = {"app_uninstalled": "uninstalled", "tokens_revoked": "its token was revoked"}


def register_uninstall(app: App, deps: Deps) -> None:
    """Forget a workspace that removed the app, stop sending there, and tell the coordinators."""

    def removed(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
            return  # only user tokens were revoked: the bot still works there
        team_id, enterprise_id = body.get("team_id"), body.get("enterprise_id")
        installations = deps.installations
        if installations is None or not isinstance(team_id, str):
            return
        installations.forget(team_id=team_id, enterprise_id=enterprise_id)
        with deps.unit_of_work() as session:
            stopped = stop_sending(session, team_id=team_id, now=deps.now())
            coordinators = _coordinators(session, deps, gone=team_id)
        text = UNINSTALLED.format(team=team_id, why=WHY[event["type"]], stopped=stopped)
        for team, user in coordinators:
            _tell(deps, team, user, text)

    app.event("app_uninstalled")(removed)
    app.event("tokens_revoked")(removed)


def stop_sending(session: Session, *, team_id: str, now: datetime) -> int:
    """Mark the pending messages for a workspace's people as skipped, never retried."""
    people = select(Person.id).where(Person.slack_team_id == team_id)
    result = session.execute(
        update(Outbox)
        .where(Outbox.state == OutboxState.PENDING, Outbox.person_id.in_(people))
        .values(state=OutboxState.SKIPPED, last_error=f"app uninstalled from {team_id} at {now}")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _coordinators(session: Session, deps: Deps, *, gone: str) -> list[tuple[str | None, str]]:
    """Return (workspace, user id) of each coordinator still reachable."""
    found: dict[str, str | None] = dict.fromkeys(deps.settings.coordinators)
    query = select(Person.slack_team_id, Person.slack_user_id).where(Person.is_coordinator)
    for team, user in session.execute(query):
        if user:
            found[user] = team
    return [(team, user) for user, team in found.items() if team != gone]


def _tell(deps: Deps, team: str | None, user: str, text: str) -> None:
    try:
        deps.client_for(team).chat_postMessage(channel=user, text=text)
    except (NotInstalled, SlackApiError) as exc:
        log.warning("could not tell coordinator %s about the uninstall: %s", user, exc)
