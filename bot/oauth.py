"""Install by OAuth: one installation per workspace (or per organisation), kept in our database.

When `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` are set, Bolt runs the OAuth flow
(`GET /slack/install` → Slack → `GET /slack/oauth_redirect`) with slack-sdk's SQLAlchemy
installation and state stores on the project's own engine; their tables are made by migration
0015, not by the stores. Each incoming request is authorised from the installation of the
workspace it names (`InstallationStoreAuthorize`, refreshing a rotating token when it is close
to expiring); everything the bot sends on its own (check-ins, digests) takes its client from
`Installations.client_for(team_id)`, refreshed the same way.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import ColumnElement, Engine, and_, desc, func, select

from bot.settings import Settings
from bot.slack_gateway import make_client

log = logging.getLogger(__name__)

# The tables the stores own (migration 0015); the drift check leaves them out by name.
SLACK_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})
STATE_SECONDS = 600  # how long the state of an install started in a browser stays valid


class Triggers:
    """The workspace of the most recent clicks, by trigger id (a few thousand, newest kept)."""

    def __init__(self, most: int = 4096) -> None:
        self._teams: OrderedDict[str, str] = OrderedDict()
        self._most, self._lock = most, threading.Lock()

    def remember(self, trigger_id: str, team_id: str) -> None:
        """Note the workspace a trigger id came from."""
        with self._lock:
            self._teams[trigger_id] = team_id
            while len(self._teams) > self._most:
                self._teams.popitem(last=False)

    def __contains__(self, trigger_id: object) -> bool:
        with self._lock:
            return trigger_id in self._teams

    def __getitem__(self, trigger_id: str) -> str:
        with self._lock:
            return self._teams[trigger_id]


class NotInstalled(LookupError):
    """The app holds no installation for a workspace."""


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """Return the store of installations, on the project's engine."""
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id or "", engine=engine)


def oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """Return Bolt's OAuth settings: our stores, scopes, redirect URL and token rotation."""
    secret = settings.slack_client_secret
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=secret.get_secret_value() if secret is not None else None,
        scopes=[scope.strip() for scope in settings.slack_scopes.split(",") if scope.strip()],
        redirect_uri=settings.hlm_install_redirect_url,
        installation_store=installation_store(settings, engine),
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=settings.hlm_token_rotation_minutes,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
        state_expiration_seconds=STATE_SECONDS,
    )


@dataclass
class Installations:
    """The workspaces the app is installed in, and a Web API client for each."""

    settings: Settings
    store: SQLAlchemyInstallationStore
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # One client per token, so that Slack's "wait" to one sender holds the others too.
    _clients: dict[str, WebClient] = field(default_factory=dict, repr=False)

    def bot(self, team_id: str, enterprise_id: str | None = None) -> Bot | None:
        """Return the newest installation's bot for a workspace, or None.

        A workspace of an organisation the app was installed in organisation-wide is served by
        that installation: the organisation named, or else the only one installed so.
        """
        table = self.store.bots
        mine = table.c.client_id == self.store.client_id
        found = self._newest(and_(mine, table.c.team_id == team_id))
        if found is not None:
            return found
        org_wide = and_(mine, table.c.is_enterprise_install.is_(True))
        if enterprise_id is None:
            with self.store.engine.connect() as connection:
                orgs = connection.scalars(select(table.c.enterprise_id).where(org_wide).distinct())
                only = list(orgs)
            if len(only) != 1:
                return None
            enterprise_id = only[0]
        return self._newest(and_(org_wide, table.c.enterprise_id == enterprise_id))

    def _newest(self, where: ColumnElement[bool]) -> Bot | None:
        table = self.store.bots
        query = (
            select(table)
            .where(where)
            .order_by(desc(table.c.installed_at), desc(table.c.id))
            .limit(1)
        )
        with self.store.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else self.store.build_bot_entity(row)

    def teams(self) -> list[str]:
        """Return the workspaces installed, oldest installation first."""
        table = self.store.bots
        query = (
            select(table.c.team_id)
            .where(table.c.client_id == self.store.client_id, table.c.team_id.is_not(None))
            .group_by(table.c.team_id)
            .order_by(func.min(table.c.installed_at), table.c.team_id)
        )
        with self.store.engine.connect() as connection:
            return [str(team) for team in connection.scalars(query)]

    def installed(self, team_id: str | None, enterprise_id: str | None = None) -> bool:
        """Tell whether the app is installed in a workspace, or organisation-wide in its own."""
        if team_id is None:
            return False
        bot = self.bot(team_id, enterprise_id)
        if bot is None or not bot.is_enterprise_install:
            return bot is not None
        return enterprise_id is not None and bot.enterprise_id == enterprise_id

    def token_for(self, team_id: str) -> str:
        """Return a valid bot token for a workspace, refreshed first when close to expiring."""
        with self._lock:
            bot = self.bot(team_id)
            if bot is None or not bot.bot_token:
                raise NotInstalled(team_id)
            refreshed = self._rotator().perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=self.settings.hlm_token_rotation_minutes
            )
            if refreshed is not None:
                self.store.save_bot(refreshed)
                bot = refreshed
            return str(bot.bot_token)

    def client_for(self, team_id: str) -> WebClient:
        """Return a Web API client holding a workspace's own bot token."""
        token = self.token_for(team_id)
        with self._lock:
            client = self._clients.get(token)
            if client is None:
                client = self._clients[token] = make_client(token, self.settings.slack_api_url)
            return client

    def forget(self, *, team_id: str | None, enterprise_id: str | None) -> None:
        """Delete every installation of a workspace (or of an organisation-wide install)."""
        self.store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        if team_id is not None:  # installed as part of an organisation, or not
            table = self.store.bots, self.store.installations
            with self.store.engine.begin() as connection:
                for each in table:
                    connection.execute(each.delete().where(each.c.team_id == team_id))

    def _rotator(self) -> TokenRotator:
        secret = self.settings.slack_client_secret
        return TokenRotator(
            client_id=self.settings.slack_client_id or "",
            client_secret=secret.get_secret_value() if secret is not None else "",
            client=WebClient(base_url=self.settings.slack_api_url),
        )
