"""Requests shaped and signed as Slack sends them to an app (slash commands, actions, events).

Signature: `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret, in the
`X-Slack-Signature` header, with `X-Slack-Request-Timestamp` (Slack's "Verifying requests").
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

Built = tuple[str, dict[str, str]]
FORM = "application/x-www-form-urlencoded"


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Return the headers Slack adds to sign a request body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class SlackRequests:
    """Builds signed request bodies and headers for one app."""

    signing_secret: str
    team_id: str = "T0HLM"
    api_app_id: str = "A0HLM"
    forge: bool = False  # sign with a wrong secret
    age: int = 0  # seconds to backdate the timestamp by
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _headers(self, body: str, content_type: str) -> dict[str, str]:
        secret = "not-the-secret" if self.forge else self.signing_secret
        return {"Content-Type": content_type} | sign(secret, body, int(time.time()) - self.age)

    def _id(self, prefix: str) -> str:
        return f"{prefix}{next(self._serial):08d}"

    def slash_command(
        self,
        user_id: str,
        text: str,
        *,
        command: str = "/hlm",
        channel_id: str = "C0HLM",
        response_url: str = "https://hooks.slack.example/commands/1",
        trigger_id: str | None = None,
    ) -> Built:
        """Return a signed /hlm invocation."""
        fields = {
            "token": "deprecated", "team_id": self.team_id, "team_domain": "hlm", "channel_id": channel_id,
            "channel_name": "hlm", "user_id": user_id, "user_name": user_id.lower(), "command": command,
            "text": text, "api_app_id": self.api_app_id, "response_url": response_url,
            "trigger_id": trigger_id or self._id("trigger."),
        }  # fmt: skip
        body = urlencode(fields)
        return body, self._headers(body, FORM)

    def _interactive(self, payload: dict[str, Any]) -> Built:
        body = urlencode({"payload": json.dumps(payload)})
        return body, self._headers(body, FORM)

    def block_action(
        self,
        user_id: str,
        action_id: str,
        *,
        value: str | None = None,
        selected_option: dict[str, Any] | None = None,
        block_id: str = "b",
        message: dict[str, Any] | None = None,
        channel_id: str | None = None,
        container: dict[str, Any] | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        view: dict[str, Any] | None = None,
    ) -> Built:
        """Return a signed click on a button (or a choice in a select), in a message or a view."""
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        if value is not None:
            action["value"] = value
        if selected_option is not None:
            action |= {"type": "static_select", "selected_option": selected_option}
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": self.team_id, "domain": "hlm"}, "user": self._user(user_id),
            "api_app_id": self.api_app_id, "token": "deprecated", "trigger_id": trigger_id or self._id("trigger."),
            "is_enterprise_install": False, "actions": [action],
        }  # fmt: skip
        payload |= self._where(message, channel_id, view)
        if container is not None:
            payload["container"] = container
        if response_url:
            payload["response_url"] = response_url
        return self._interactive(payload)

    def _user(self, user_id: str) -> dict[str, str]:
        return {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": self.team_id,
        }

    @staticmethod
    def _where(
        message: dict[str, Any] | None, channel_id: str | None, view: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Return the channel, message or view, and container of an action payload."""
        channel_id = channel_id or (message or {}).get("channel")
        found: dict[str, Any] = {"channel": {"id": channel_id}} if channel_id else {}
        if message is not None:
            found |= {
                "message": {"type": "message"} | message,
                "container": {"type": "message", "message_ts": message.get("ts"),
                              "channel_id": channel_id, "is_ephemeral": False},
            }  # fmt: skip
        if view is not None:
            found |= {"view": view, "container": {"type": "view", "view_id": view.get("id")}}
        return found

    def view_submission(
        self,
        user_id: str,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> Built:
        """Return a signed modal submission with the given input values."""
        view = {
            "id": view_id or self._id("V"), "type": "modal", "callback_id": callback_id, "private_metadata": private_metadata,
            "state": {"values": values}, "hash": self._id("h"), "blocks": [], "app_id": self.api_app_id, "team_id": self.team_id,
        }  # fmt: skip
        payload = {
            "type": "view_submission", "team": {"id": self.team_id, "domain": "hlm"}, "user": self._user(user_id),
            "api_app_id": self.api_app_id, "token": "deprecated", "trigger_id": self._id("trigger."),
            "view": view, "response_urls": [], "is_enterprise_install": False,
        }  # fmt: skip
        return self._interactive(payload)

    @staticmethod
    def text_value(text: str) -> dict[str, Any]:
        """Return a plain_text_input's state value."""
        return {"type": "plain_text_input", "value": text or None}

    @staticmethod
    def url_value(url: str | None) -> dict[str, Any]:
        """Return a url_text_input's state value."""
        return {"type": "url_text_input", "value": url}

    @staticmethod
    def select_value(value: str | None) -> dict[str, Any]:
        """Return a static_select's state value."""
        option = {"text": {"type": "plain_text", "text": value}, "value": value} if value else None
        return {"type": "static_select", "selected_option": option}

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Built:
        """Return a signed Events API delivery (a retry when retry_num is given)."""
        envelope = {
            "token": "deprecated", "team_id": self.team_id, "api_app_id": self.api_app_id, "event": event,
            "type": "event_callback", "event_id": event_id or self._id("Ev"), "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team_id, "user_id": "UBOT", "is_bot": True}],
        }  # fmt: skip
        body = json.dumps(envelope)
        headers = self._headers(body, "application/json")
        if retry_num is not None:
            reason = retry_reason or "http_timeout"
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": reason}
        return body, headers

    def dm_message(
        self,
        user_id: str,
        text: str,
        *,
        channel: str | None = None,
        ts: str | None = None,
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """Return a message event in the bot's DM (to wrap with `event`)."""
        message = {
            "type": "message", "channel": channel or "D" + user_id, "user": user_id, "text": text,
            "ts": ts or f"{time.time():.6f}", "channel_type": "im", "event_ts": f"{time.time():.6f}",
        }  # fmt: skip
        return message | ({"thread_ts": thread_ts} if thread_ts else {})

    @staticmethod
    def app_home_opened(user_id: str) -> dict[str, Any]:
        """Return an app_home_opened event (to wrap with `event`)."""
        return {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D" + user_id,
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }

    @staticmethod
    def app_uninstalled() -> dict[str, Any]:
        """Return an app_uninstalled event (to wrap with `event`): the app was removed."""
        return {"type": "app_uninstalled", "event_ts": f"{time.time():.6f}"}

    @staticmethod
    def tokens_revoked(
        *, bot: list[str] | None = None, oauth: list[str] | None = None
    ) -> dict[str, Any]:
        """Return a tokens_revoked event (to wrap with `event`) naming the users or bots whose
        tokens were revoked."""
        return {
            "type": "tokens_revoked",
            "tokens": {"oauth": oauth or [], "bot": bot or []},
            "event_ts": f"{time.time():.6f}",
        }

    def url_verification(self, challenge: str) -> Built:
        """Return Slack's URL verification request."""
        body = json.dumps(
            {"token": "deprecated", "challenge": challenge, "type": "url_verification"}
        )
        return body, self._headers(body, "application/json")


def http_post(
    url: str, body: str | Built, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, str]:
    """POST a body (or a built request) with headers; return (status, body), even on 4xx or 5xx."""
    text, sent = (
        (body[0], body[1] | (headers or {})) if isinstance(body, tuple) else (body, headers)
    )
    request = urllib.request.Request(url, data=text.encode(), headers=sent or {}, method="POST")  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode()
