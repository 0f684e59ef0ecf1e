"""HTTP mode: Slack's events, commands and interactivity on `/slack/events`, and a health check.

Served by gunicorn (prefork workers, each with a few threads) in front of Bolt's WSGI adapter.

Before Bolt sees a request, this layer refuses, in order:
- any other path (404) or method (405);
- a body over `MAX_BODY_BYTES` (413), without reading it;
- a request that does not carry Slack's signature over its raw body, made with our signing
  secret within the last five minutes (401): nothing else is done for it, not even parsing;
- a signed body that cannot be taken apart (400), however it fails (deeply nested JSON too).
Bolt then checks the signature again, and the app's middleware checks the workspace.
"""

from __future__ import annotations

import gc
import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import Deps

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

WSGIApp = Callable[..., Iterable[bytes]]
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
METHODS = {EVENTS_PATH: ("POST",), HEALTH_PATH: ("GET", "HEAD")}
# Installed by OAuth, a browser starts an install and Slack sends it back: unsigned GETs.
OAUTH_METHODS = {INSTALL_PATH: ("GET",), REDIRECT_PATH: ("GET",)}

# Slack's requests are small, except an interaction from a big view: a block_actions payload
# carries the whole view (up to 100 blocks of up to 3,000 characters each) and a view submission
# its state too, JSON inside a URL-encoded form (a non-ASCII character can take 9 bytes). 4 MiB
# holds the largest such view; anything bigger is not Slack's.
MAX_BODY_BYTES = 4 * 1024 * 1024
# A timestamp as Slack writes it: seconds since 1970, ASCII digits only (int() would also take
# "+1", " 1", "1_0" or Arabic digits, and raise on a 5,000-digit one).
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
DIGITS = re.compile(r"[0-9]{1,19}")


class Refused(Exception):
    """A request is answered with an HTTP error before Bolt sees it."""

    def __init__(self, status: str, body: bytes, headers: list[tuple[str, str]] | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or []


def make_wsgi_app(app: App, deps: Deps) -> WSGIApp:
    """Route `/slack/events` to Bolt (verified requests only) and `/healthz` to a database check.

    Installed by OAuth, GET `/slack/install` and `/slack/oauth_redirect` go to Bolt's OAuth flow.
    """
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    verifier = SignatureVerifier(deps.settings.signing_secret())
    sessions = deps.sessions
    routes = METHODS | (OAUTH_METHODS if app.oauth_flow is not None else {})

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            path = _route(environ, routes)
            if path == HEALTH_PATH:
                return _health(sessions, start_response)
            if path in OAUTH_METHODS:
                return _to_bolt(slack, environ, start_response)
            body = _read_body(environ)
            _verify(verifier, environ, body)
            _check_readable(environ, body)
            _spell_out_payload(verifier, environ, body)
            return _to_bolt(slack, environ, start_response)
        except Refused as refusal:
            # Slack retries an event answered with an error; the same request would fail again.
            headers = [*refusal.headers, ("X-Slack-No-Retry", "1")]
            return _plain(start_response, refusal.status, refusal.body, headers)

    return wsgi


def _route(environ: WSGIEnvironment, routes: dict[str, tuple[str, ...]]) -> str:
    """Return the path of a request this server answers; refuse any other path or method."""
    path = environ.get("PATH_INFO") or ""
    allowed = routes.get(path)
    if allowed is None:
        raise Refused("404 Not Found", b"not found")
    if environ.get("REQUEST_METHOD") not in allowed:
        raise Refused(
            "405 Method Not Allowed", b"method not allowed", [("Allow", ", ".join(allowed))]
        )
    return path


def _read_body(environ: WSGIEnvironment) -> bytes:
    """Read the body, up to the cap, and put it back for Bolt; refuse it if it is too big."""
    declared = (environ.get("CONTENT_LENGTH") or "").strip()
    if declared and not DIGITS.fullmatch(declared):
        raise Refused("400 Bad Request", b"bad content length")
    if declared and int(declared) > MAX_BODY_BYTES:
        raise Refused("413 Request Entity Too Large", b"request too large")
    # Without a length (chunked), read one byte past the cap to tell whether there is more.
    wanted = int(declared) if declared else MAX_BODY_BYTES + 1
    body = environ["wsgi.input"].read(wanted) if wanted > 0 else b""
    if len(body) > MAX_BODY_BYTES:
        raise Refused("413 Request Entity Too Large", b"request too large")
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
    return body


def _verify(verifier: SignatureVerifier, environ: WSGIEnvironment, body: bytes) -> None:
    """Refuse a request Slack did not sign with our secret in the last five minutes."""
    if not signed(verifier, environ, body):
        log.warning("request with no valid signature to %s refused", environ.get("PATH_INFO"))
        raise Refused("401 Unauthorized", b"invalid request")


def signed(verifier: SignatureVerifier, environ: WSGIEnvironment, body: bytes) -> bool:
    """Tell whether a request carries Slack's signature of its raw body, made recently."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
    signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
    if not (TIMESTAMP.fullmatch(timestamp) and SIGNATURE.fullmatch(signature)):
        return False  # checked first: the verifier raises on what int() or hmac cannot take
    try:
        text = body.decode("utf-8")  # Slack's bodies are UTF-8; the verifier signs text
    except UnicodeDecodeError:
        return False
    return verifier.is_valid(text, timestamp, signature)


def _spell_out_payload(verifier: SignatureVerifier, environ: WSGIEnvironment, body: bytes) -> None:
    """Keep Bolt from mistaking a form that mentions "payload" for an interaction.

    Bolt reads any form body holding the letters "payload" as an interaction and, finding no
    `payload` field, as empty (`slack_bolt.request.internals.parse_body`): `/hlm search payload`
    would vanish. Such a body is handed on with the word percent-encoded (`p%61yload`, which
    reads back the same) and signed again with the request's own, already verified, timestamp.
    """
    text = body.decode("utf-8")
    content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip()
    if "payload" not in text or content_type == "application/json" or text.startswith("{"):
        return
    if "payload" in dict(parse_qsl(text, keep_blank_values=True)):
        return  # an interaction: Bolt reads it as it is
    spelled = text.replace("payload", "p%61yload").encode()
    timestamp = environ["HTTP_X_SLACK_REQUEST_TIMESTAMP"]
    environ["HTTP_X_SLACK_SIGNATURE"] = verifier.generate_signature(
        timestamp=timestamp, body=spelled.decode()
    )
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(spelled), str(len(spelled))


def _check_readable(environ: WSGIEnvironment, body: bytes) -> None:
    """Refuse a signed body that Bolt could not take apart (it would crash on it)."""
    if not readable(body, environ.get("CONTENT_TYPE")):
        log.warning("unreadable request to %s refused", environ.get("PATH_INFO"))
        raise Refused("400 Bad Request", b"unreadable request")


def readable(body: bytes, content_type: str | None = None) -> bool:
    """Tell whether a body has the shape of a Slack request, parsed as Bolt parses it."""
    try:
        data = _parse(body.decode("utf-8"), (content_type or "").split(";")[0].strip())
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
        return False
    return isinstance(data, dict) and isinstance(data.get("event", {}), dict)


def _parse(text: str, content_type: str) -> object:
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in text and "payload" in form:
        return json.loads(form["payload"])
    return form


def _to_bolt(
    slack: SlackRequestHandler, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    try:
        return slack(environ, start_response)
    except Exception:
        # Only Bolt's reading of a signed body can raise here (its dispatch answers for what
        # follows): a shape it does not expect is the sender's fault, not ours.
        log.warning("request to %s that Bolt could not read refused", environ.get("PATH_INFO"))
        raise Refused("400 Bad Request", b"unreadable request") from None


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


def _plain(
    start_response: Any, status: str, body: bytes, headers: list[tuple[str, str]] | None = None
) -> Iterable[bytes]:
    start_response(
        status,
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), *(headers or [])],
    )
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
