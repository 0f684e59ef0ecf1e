"""A stand-in for Slack's Socket Mode on loopback: plays envelopes to a connected app.

An app in Socket Mode asks `apps.connections.open` (with its app-level token) for a WebSocket
URL, connects, receives `hello`, then receives each request as an envelope
(`slash_commands`, `interactive`, `events_api`) that it must acknowledge by sending back the
envelope's id, with the command's answer in `payload` when the envelope accepts one (Slack's
"Using Socket Mode": https://docs.slack.dev/apis/events-api/using-socket-mode). Attach this to
a `FakeSlack` (`fake.socket_mode = SocketModeStandIn().start()`) and its
`apps.connections.open` answers this server's URL.

Built on the `websockets` library's threaded server; used by the tests only.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any
from urllib.parse import parse_qsl

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from fake_slack.requests import Built

ENVELOPE_TYPES = {"slash_commands", "interactive", "events_api"}


class SocketModeStandIn:
    """A WebSocket server that plays envelopes to the app connected to it and keeps its acks."""

    def __init__(self) -> None:
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._connection: ServerConnection | None = None
        self._changed = threading.Condition()
        self._acks: dict[str, dict[str, Any]] = {}
        self._serial = itertools.count(1)
        self.connections = 0  # how many times an app connected

    def start(self) -> SocketModeStandIn:
        """Listen on a free loopback port in a background thread."""
        self._server = serve(self._serve, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the connection and stop listening."""
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """The URL `apps.connections.open` hands out."""
        assert self._server is not None, "start() first"  # noqa: S101 (a test-only misuse)
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=stand-in"

    def wait_connected(self, timeout: float = 20.0) -> None:
        """Wait until an app has connected (and been greeted)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._connection is not None, timeout):
                raise TimeoutError("no app connected in Socket Mode")

    def play(
        self, kind: str, payload: dict[str, Any], *, timeout: float = 10.0, retry_attempt: int = 0
    ) -> dict[str, Any]:
        """Send one envelope and return the app's acknowledgement (its `payload` if any).

        Raises TimeoutError when the app does not acknowledge in time, as Slack would then
        count the request as failed.
        """
        if kind not in ENVELOPE_TYPES:
            raise ValueError(f"unknown envelope type {kind!r}")
        envelope_id = f"env-{next(self._serial):06d}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind == "slash_commands",
        }
        if kind == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": ""}
        self.wait_connected(timeout)
        connection = self._connection
        assert connection is not None  # noqa: S101 (wait_connected saw it)
        connection.send(json.dumps(envelope))
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self._acks, timeout):
                raise TimeoutError(f"the app did not acknowledge {kind} {envelope_id}")
            return self._acks[envelope_id]

    def play_built(self, built: Built, **options: Any) -> dict[str, Any]:
        """Play a request built for HTTP by `SlackRequests` as the envelope Slack would send."""
        kind, payload = envelope_of(built)
        return self.play(kind, payload, **options)

    def _serve(self, connection: ServerConnection) -> None:
        hello = {"type": "hello", "num_connections": 1, "debug_info": {"host": "stand-in"},
                 "connection_info": {"app_id": "A0HLM"}}  # fmt: skip
        connection.send(json.dumps(hello))
        with self._changed:
            self._connection = connection
            self.connections += 1
            self._changed.notify_all()
        try:
            for raw in connection:
                self._take(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                if self._connection is connection:
                    self._connection = None
                self._changed.notify_all()

    def _take(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if isinstance(message, dict) and message.get("envelope_id"):
            with self._changed:
                self._acks[str(message["envelope_id"])] = dict(message.get("payload") or {}) | {
                    "_acked_at": time.time()
                }
                self._changed.notify_all()


def envelope_of(built: Built) -> tuple[str, dict[str, Any]]:
    """Turn a signed HTTP request (body, headers) into the envelope type and payload Slack sends."""
    body, headers = built
    if headers.get("Content-Type") == "application/json":
        return "events_api", json.loads(body)
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        return "interactive", json.loads(form["payload"])
    return "slash_commands", form
