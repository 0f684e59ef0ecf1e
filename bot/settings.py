"""Settings, read from the environment and a `.env` file. Built once, at the edge, and passed down."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflows.delivery.schedule import Cadence
from workflows.store.db import normalise_url

DEFAULT_DATABASE_URL = "sqlite:///var/hlm.sqlite3"
SLACK_API_URL = "https://slack.com/api/"
# The bot scopes an installation asks for (see manifest.yaml).
DEFAULT_SCOPES = (
    "commands,chat:write,im:write,im:history,channels:history,groups:history,users:read,"
    "users:read.email,files:write"
)

# Where each variable comes from, for the one line shown when it is missing or wrong.
HOW_TO_GET = {
    "slack_bot_token": "the Bot User OAuth Token (xoxb-…) under OAuth & Permissions of the Slack app",
    "slack_signing_secret": "the Signing Secret under Basic Information of the Slack app",
    "slack_app_token": "an app-level token (xapp-…) with connections:write, under Basic Information",
    "database_url": "a SQLAlchemy URL such as sqlite:///var/hlm.sqlite3 or postgresql://user@host/db",
    "hlm_coordinators": "Slack user ids separated by commas, e.g. U012AB3CD,U045EF6GH",
    "hlm_digest_channel": (
        "a channel id such as C0123456789 (channel details, at the bottom), or one per workspace"
        " as T0123:C0123,T0456:C0456"
    ),
    "slack_team_id": "the workspace id, T followed by capitals and digits (auth.test's team_id)",
    "slack_client_id": "the Client ID under Basic Information, App Credentials",
    "slack_client_secret": "the Client Secret under Basic Information, App Credentials",
    "slack_app_id": "the app id, A followed by capitals and digits (Basic Information, App ID)",
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and says how to get it."""


class Settings(BaseSettings):
    """Everything the bot is configured with. Environment names match case-insensitively."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL
    # Installed by OAuth into one workspace or more when both are set (see README).
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: str = DEFAULT_SCOPES
    hlm_install_redirect_url: str | None = None
    # Minutes before a rotating token expires that it is refreshed.
    hlm_token_rotation_minutes: int = Field(default=120, ge=1, le=720)
    # The workspace whose installation posts to a digest channel shared over Slack Connect.
    hlm_digest_team: str | None = Field(default=None, pattern=r"^T[A-Z0-9]{2,30}$")
    # The only workspace and app whose requests are answered; learned from auth.test when unset.
    slack_team_id: str | None = Field(default=None, pattern=r"^T[A-Z0-9]{2,30}$")
    slack_app_id: str | None = Field(default=None, pattern=r"^A[A-Z0-9]{2,30}$")
    database_url: str = DEFAULT_DATABASE_URL
    hlm_digest_channel: str | None = None
    hlm_coordinators: str = ""
    # Who may read status, history and owners: any member of the workspace, or only the people
    # the bot knows (owners, backups, coordinators). See SECURITY.md.
    hlm_readers: Literal["workspace", "registered"] = "workspace"
    hlm_coordinators_channel: str | None = None
    hlm_timezone: str = "Europe/Brussels"
    hlm_cycle_days: int = Field(default=14, ge=1, le=366)
    hlm_reminder_after_days: int = Field(default=3, ge=1, le=60)
    hlm_max_reminders: int = Field(default=2, ge=0, le=10)
    hlm_escalate_after_missed: int = Field(default=2, ge=1, le=52)
    hlm_digest_days_before: int = Field(default=3, ge=0, le=30)
    hlm_weekly_digest_weekday: int = Field(default=0, ge=0, le=6)
    hlm_weekly_digest_time: time = time(9, 0)
    hlm_tick_seconds: float = Field(default=60, gt=0)
    hlm_lease_seconds: float = Field(default=300, gt=0)
    hlm_send_workers: int = Field(default=8, ge=1, le=32)
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = normalise_url(value.strip())
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("use sqlite:///path or postgresql://user:password@host/dbname")
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("a bot token starts with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("an app-level token starts with xapp-")
        return value

    @field_validator("hlm_digest_channel")
    @classmethod
    def _digest_channel(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        digest_channels_of(value, team=None)  # a mixed or broken value fails at start-up
        return value or None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("use a URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @property
    def coordinators(self) -> list[str]:
        """Return the Slack user ids named as coordinators."""
        return [part.strip() for part in self.hlm_coordinators.split(",") if part.strip()]

    def require(self, *names: str) -> None:
        """Raise SettingsError naming the first of these settings that is not set."""
        for name in names:
            if getattr(self, name) is None:
                raise SettingsError(f"{name.upper()} is not set: {_how(name)}.")

    @property
    def oauth_mode(self) -> bool:
        """Tell whether the app is installed by OAuth (client id and secret set)."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    def signing_secret(self) -> str:
        """Return the signing secret, or raise SettingsError naming it."""
        self.require("slack_signing_secret")
        secret = self.slack_signing_secret
        if secret is None:  # unreachable after require(); keeps mypy informed
            raise SettingsError("SLACK_SIGNING_SECRET is needed.")
        return secret.get_secret_value()

    def check_serving(self) -> None:
        """Raise SettingsError unless Slack's requests can be served: installed by OAuth, the
        signing secret; otherwise the bot token and signing secret."""
        if self.oauth_mode:
            self.signing_secret()
        else:
            self.slack_credentials()

    def digest_channels(self) -> dict[str | None, str]:
        """Return the digest channel of each workspace (None: the only or the owning one).

        `C0DIG` is one channel; `T0ILO:C0DIG,T0EC:C0DIG2` is one channel per workspace.
        """
        return digest_channels_of(self.hlm_digest_channel or "", team=self.hlm_digest_team)

    def slack_credentials(self) -> tuple[str, str]:
        """Return the bot token and signing secret, or raise SettingsError naming the missing one."""
        self.require("slack_bot_token", "slack_signing_secret")
        token, secret = self.slack_bot_token, self.slack_signing_secret
        if token is None or secret is None:  # unreachable after require(); keeps mypy informed
            raise SettingsError("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are needed.")
        return token.get_secret_value(), secret.get_secret_value()

    def cadence(self) -> Cadence:
        """Return the check-in and digest cadence these settings describe."""
        return Cadence(
            cycle_days=self.hlm_cycle_days,
            reminder_after_days=self.hlm_reminder_after_days,
            max_reminders=self.hlm_max_reminders,
            escalate_after_missed=self.hlm_escalate_after_missed,
            digest_days_before=self.hlm_digest_days_before,
            weekly_weekday=self.hlm_weekly_digest_weekday,
            weekly_time=self.hlm_weekly_digest_time,
            weekly_tz=self.hlm_timezone,
        )

    def ensure_sqlite_dir(self) -> None:
        """Create the folder of a SQLite database file, so the default works anywhere."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            Path(self.database_url.removeprefix(prefix)).parent.mkdir(parents=True, exist_ok=True)


def digest_channels_of(value: str, *, team: str | None) -> dict[str | None, str]:
    """Read HLM_DIGEST_CHANNEL: one channel (of `team`), or `TEAM:CHANNEL` pairs; ValueError
    when it mixes the two or a pair lacks a side."""
    value = value.strip()
    if not value:
        return {}
    if ":" not in value and "," not in value:
        return {team: value}
    pairs = [part.split(":", 1) for part in value.split(",") if part.strip()]
    if any(len(pair) != 2 or not all(side.strip() for side in pair) for pair in pairs):
        raise ValueError(f"“{value}” is neither one channel id nor TEAM:CHANNEL pairs")
    return {owner.strip(): channel.strip() for owner, channel in pairs}


def _how(name: str) -> str:
    return f"set it to {HOW_TO_GET.get(name, 'a value')} (see .env.example)"


def get_settings(**overrides: object) -> Settings:
    """Read the settings, or raise SettingsError with one readable line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "settings"
        message = error["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{name.upper()} is not valid: {message}; {_how(name)}.") from None
