"""Global middleware: only requests from the bot's own workspace and app go any further.

The signing secret proves a request came from Slack for this app, not that it came from the
workspace the bot serves: the same app installed elsewhere, or a Slack Connect user from another
organisation, sends correctly signed requests naming another team. The bot holds one workspace's
token, so anything it did for them would be done in its own workspace's name.

Which workspace and app are ours: `SLACK_TEAM_ID` and `SLACK_APP_ID` when set, else what
`auth.test` says about the bot's token when the app starts (so the check is on by default).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.settings import Settings

log = logging.getLogger(__name__)

FOREIGN = "This app only answers in its own Slack workspace."
UNKNOWN = "Slack did not say which workspace this app belongs to; try again in a minute."


@dataclass(frozen=True)
class Workspace:
    """The workspace and app the bot serves (None: not known, so not checked)."""

    team_id: str | None
    app_id: str | None
    enterprise_id: str | None = None
    enterprise_known: bool = False  # learned from Slack: None then means "not in an enterprise"


def learn_workspace(settings: Settings, client: WebClient) -> Workspace:
    """Return the configured workspace and app, asking Slack (auth.test) for what is not set."""
    if settings.slack_team_id and settings.slack_app_id:
        return Workspace(settings.slack_team_id, settings.slack_app_id)
    answer = client.auth_test()
    app_id = answer.get("app_id") or _app_of_bot(client, answer.get("bot_id"))
    return Workspace(
        team_id=settings.slack_team_id or answer.get("team_id"),
        app_id=settings.slack_app_id or app_id,
        enterprise_id=answer.get("enterprise_id") or None,
        enterprise_known=True,
    )


def _app_of_bot(client: WebClient, bot_id: str | None) -> str | None:
    # auth.test names the app only for some tokens; bots.info names the bot's app.
    if not bot_id:
        return None
    bot = client.bots_info(bot=bot_id).get("bot")
    return bot.get("app_id") if isinstance(bot, dict) else None


class WorkspaceGuard(Middleware):
    """Refuse a request that names another workspace, enterprise or app; let the rest through.

    Learns the workspace once, when built; if Slack cannot be asked then, at the next request.
    """

    def __init__(self, learn: Callable[[], Workspace]) -> None:
        self._learn, self._lock = learn, threading.Lock()
        self._workspace: Workspace | None = None
        self._known()

    def _known(self) -> Workspace | None:
        with self._lock:
            if self._workspace is None:
                try:
                    self._workspace = self._learn()
                except (SlackClientError, OSError) as exc:
                    log.warning("could not learn the workspace from Slack: %s", exc)
            return self._workspace

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """Let a request from our workspace and app through; answer any other shortly."""
        body = req.body
        if body.get("type") == "url_verification" or body.get("ssl_check"):
            return next()  # Slack's own checks of the URL: they name no workspace
        workspace = self._known()
        if workspace is None:
            return BoltResponse(status=200, body=UNKNOWN)
        reason = foreign(workspace, body)
        if reason is None:
            return next()
        log.warning("request refused: %s", reason)
        return BoltResponse(status=200, body=FOREIGN)


NOT_INSTALLED = (
    "This app is not installed in this workspace. Ask a workspace admin to install it "
    "(the install link is on the app's page), then try again."
)
# Events Slack sends about an installation itself: answered even once it is gone.
INSTALLATION_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})


class InstalledGuard(Middleware):
    """Installed by OAuth: refuse a request from a workspace with no installation, change nothing."""

    def __init__(
        self,
        installed: Callable[[str | None, str | None], bool],
        remember: Callable[[str, str], None] | None = None,
    ) -> None:
        self._installed, self._remember = installed, remember

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """Let a request from an installed workspace through; answer any other shortly."""
        body = req.body
        if body.get("type") == "url_verification" or body.get("ssl_check"):
            return next()
        if _field(body.get("event"), "type") in INSTALLATION_EVENTS:
            return next()
        teams, enterprises = _teams(body), _enterprises(body)
        enterprise = str(enterprises[0]) if enterprises else None
        if teams and all(isinstance(t, str) and self._installed(t, enterprise) for t in teams):
            trigger = body.get("trigger_id")
            if self._remember is not None and isinstance(trigger, str) and trigger:
                self._remember(trigger, str(teams[0]))  # a modal it opens is in this workspace
            return next()
        log.warning("request from workspace %r refused: not installed there", teams)
        return BoltResponse(status=200, body=NOT_INSTALLED)


class KeptAck(Ack):
    """An `ack` whose first answer stays the answer.

    When a listener raises after acknowledging, Bolt's runner sets the acknowledgement back to
    nothing (or to a 500) once the error handler has run; if the request thread had not yet
    picked the answer up, Slack then gets no acknowledgement within its 3 seconds, or an error
    page, for work that was accepted. Listeners only ever answer once.
    """

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def response(self) -> BoltResponse | None:
        """Return the first answer given, if any."""
        return self.__dict__.get("_kept")

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if self.__dict__.get("_kept") is None:
            self.__dict__["_kept"] = value


class KeepAcknowledgement(Middleware):
    """Give every request an `ack` whose first answer is kept (see `KeptAck`)."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """Put a `KeptAck` in the request's context, then go on."""
        req.context["ack"] = KeptAck()
        return next()


def foreign(workspace: Workspace, body: dict[str, Any]) -> str | None:
    """Say why a request is not from the workspace and app the bot serves; None if it is."""
    if workspace.app_id is not None:
        apps = [body.get("api_app_id"), *_present(_field(body.get("view"), "app_id"))]
        if any(app != workspace.app_id for app in apps):
            return f"app {apps!r} is not {workspace.app_id}"
    if workspace.team_id is not None:
        teams = _teams(body)
        if not teams or any(team != workspace.team_id for team in teams):
            return f"team {teams!r} is not {workspace.team_id}"
    if _org_wide(body):
        return "a request for an organisation-wide installation"
    if workspace.enterprise_known:
        enterprises = _enterprises(body)
        if any(enterprise != workspace.enterprise_id for enterprise in enterprises):
            return f"enterprise {enterprises!r} is not {workspace.enterprise_id}"
    return None


def _teams(body: dict[str, Any]) -> list[object]:
    """Return every workspace id a request names (commands, interactions, events)."""
    view, authorizations = body.get("view"), _list(body.get("authorizations"))
    return _present(
        body.get("team_id"),
        _field(body.get("team"), "id"),
        _field(body.get("user"), "team_id"),
        _field(view, "team_id"),
        _field(view, "app_installed_team_id"),
        *(_field(a, "team_id") for a in authorizations),
    )


def _enterprises(body: dict[str, Any]) -> list[object]:
    """Return every enterprise (organisation) id a request names."""
    authorizations = _list(body.get("authorizations"))
    return _present(
        body.get("enterprise_id"),
        _field(body.get("enterprise"), "id"),
        _field(body.get("user"), "enterprise_id"),
        *(_field(a, "enterprise_id") for a in authorizations),
    )


def _org_wide(body: dict[str, Any]) -> bool:
    """Tell whether a request is for an organisation-wide installation (this bot is not one)."""
    flags = [body.get("is_enterprise_install")]
    flags += [_field(a, "is_enterprise_install") for a in _list(body.get("authorizations"))]
    return any(flag is True or flag == "true" for flag in flags)


def _field(part: object, key: str) -> object:
    return part.get(key) if isinstance(part, dict) else None


def _present(*values: object) -> list[object]:
    return [value for value in values if value not in (None, "")]


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
