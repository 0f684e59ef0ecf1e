"""HTTP mode: Slack's events, commands and interactivity on `/slack/events`, and a health check.

Served by gunicorn (prefork workers, each with a few threads) in front of Bolt's WSGI adapter.
"""

from __future__ import annotations

import gc
import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

WSGIApp = Callable[..., Iterable[bytes]]
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def make_wsgi_app(app: App, sessions: sessionmaker[Session]) -> WSGIApp:
    """Route `/slack/events` to Bolt and `/healthz` to a database check."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return _health(sessions, start_response)
        body = _read_body(environ)
        if not readable(body):
            log.warning("unreadable request to %s refused", environ.get("PATH_INFO"))
            return _plain(start_response, "400 Bad Request", b"unreadable request")
        try:
            return slack(environ, start_response)
        except (ValueError, KeyError, TypeError, AttributeError):
            # Bolt cannot even parse the body (malformed JSON in `payload=`): refuse it plainly.
            log.warning("unreadable request to %s refused", environ.get("PATH_INFO"))
            return _plain(start_response, "400 Bad Request", b"unreadable request")

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


def _read_body(environ: WSGIEnvironment) -> bytes:
    # Read the body once and put it back, so Bolt reads the same bytes.
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def readable(body: bytes) -> bool:
    """Tell whether a body has the shape of a Slack request (Bolt assumes it and can crash)."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        if text.startswith("{"):
            data = json.loads(text)
            return isinstance(data, dict) and isinstance(data.get("event", {}), dict)
        form = parse_qs(text)
        return "payload" not in form or isinstance(json.loads(form["payload"][0]), dict)
    except ValueError:
        return False


def _plain(start_response: Any, status: str, body: bytes) -> Iterable[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code: prefork workers, each with a few threads."""

    def __init__(self, build: Callable[[], WSGIApp], options: dict[str, Any]) -> None:
        self.build, self.options = build, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        # Called in each worker after the fork: every worker has its own database connections.
        app = self.build()
        # What is built by now (modules, mappers, the app) lives as long as the worker. Frozen,
        # it is left out of the collector's full passes, which would otherwise walk all of it
        # and stop every thread of the worker for 60 to 120 ms on a busy 2-core machine. What the
        # build left as garbage is collected first, or frozen it would never be.
        gc.collect()
        gc.freeze()
        return app


def serve(
    build: Callable[[], WSGIApp], *, host: str, port: int, workers: int = 2, threads: int = 4
) -> None:
    """Serve the app over HTTP with several worker processes until interrupted."""
    options = {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
        "accesslog": None, "errorlog": "-", "loglevel": "warning", "timeout": 30, "graceful_timeout": 10,
    }  # fmt: skip
    _Server(build, options).run()
