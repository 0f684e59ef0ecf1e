"""HTTP mode: Slack's events, commands and interactivity on `/slack/events`, and a health check.

Served by waitress (a production WSGI server) in front of Bolt's WSGI adapter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def make_wsgi_app(app: App, sessions: sessionmaker[Session]) -> Callable[..., Iterable[bytes]]:
    """Route `/slack/events` to Bolt and `/healthz` to a database check."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return _health(sessions, start_response)
        return slack(environ, start_response)

    return wsgi


def _health(sessions: sessionmaker[Session], start_response: Any) -> Iterable[bytes]:
    try:
        with sessions() as session:
            session.execute(text("SELECT 1"))
        status, body = "200 OK", {"ok": True, "database": "ok"}
    except Exception as exc:
        status, body = "503 Service Unavailable", {"ok": False, "database": type(exc).__name__}
    payload = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    )
    return [payload]


def serve(
    app: App, sessions: sessionmaker[Session], *, host: str, port: int, threads: int = 8
) -> None:
    """Serve the app over HTTP until interrupted."""
    import waitress

    waitress.serve(make_wsgi_app(app, sessions), host=host, port=port, threads=threads, ident="hlm")
