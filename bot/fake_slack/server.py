"""A stand-in for Slack's Web API on loopback: records every call, answers plausibly, fails on cue.

The end-to-end tests point the real app's WebClient at it; the offline demo and console use it
to show what people would see. Faults are scripted: 429 with Retry-After, 5xx, Slack errors,
a rate limit per method, or random server errors.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

Params = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request the stand-in received."""

    method: str
    params: Params
    status: int
    at: float


@dataclass
class _Fault:
    status: int
    retry_after: int
    times: int


@dataclass
class _Bucket:
    per_second: float
    burst: float
    tokens: float
    stamp: float
    accepted: int = 0
    rejected: int = 0


@dataclass
class FakeSlack:
    """The stand-in server. Use as a context manager, or call start() and stop()."""

    team_id: str = "T0HLM"
    bot_user_id: str = "UBOT"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    _calls: list[Call] = field(default_factory=list)
    _messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _files: dict[str, dict[str, Any]] = field(default_factory=dict)
    _faults: dict[str, list[_Fault]] = field(default_factory=dict)
    _errors: dict[str, tuple[str, Callable[[Params], bool] | None]] = field(default_factory=dict)
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _random: dict[str, tuple[float, random.Random]] = field(default_factory=dict)
    _delays: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    def start(self) -> FakeSlack:
        """Listen on a free loopback port, in a background thread."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Return the server's root URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def base_url(self) -> str:
        """Return the Web API base URL to give a WebClient."""
        return self.url + "api/"

    def response_url(self, name: str = "r") -> str:
        """Return a response_url that records what is posted to it, like Slack's."""
        return f"{self.url}response/{name}"

    # --- the directory -------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str = "",
        real_name: str = "",
        email: str | None = None,
        tz: str = "Europe/Brussels",
        deleted: bool = False,
    ) -> None:
        """Add a user that users.info and users.lookupByEmail know."""
        profile = {"real_name": real_name or name or user_id, "email": email}
        self.users[user_id] = {
            "id": user_id,
            "name": name or user_id,
            "real_name": profile["real_name"],
            "tz": tz,
            "deleted": deleted,
            "profile": profile,
        }

    # --- what was received ---------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Return the calls received (of one method), oldest first."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def ok_calls(self, method: str) -> list[Call]:
        """Return the calls of a method that succeeded."""
        return [c for c in self.calls(method) if c.status == 200]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until a method was called successfully `count` times; return those calls."""
        deadline = time.monotonic() + timeout
        while len(self.ok_calls(method)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{method} called {len(self.ok_calls(method))} times, not {count}"
                )
            time.sleep(0.01)
        return self.ok_calls(method)

    def clear(self) -> None:
        """Forget the calls received (messages and files stay)."""
        with self._lock:
            self._calls.clear()

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Return the messages posted (in their latest state), oldest first."""
        with self._lock:
            found = [m for (c, _), m in self._messages.items() if channel is None or c == channel]
        return sorted(found, key=lambda m: float(m["ts"]))

    def uploaded_files(self) -> list[dict[str, Any]]:
        """Return the files completed with files.completeUploadExternal, with their bytes."""
        with self._lock:
            return [f for f in self._files.values() if f.get("completed")]

    # --- faults ----------------------------------------------------------------------------

    def fail_next(
        self, method: str, *, status: int = 429, retry_after: int = 1, times: int = 1
    ) -> None:
        """Make the next calls of a method fail with an HTTP status (429 carries Retry-After)."""
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(status, retry_after, times))

    def error_for(
        self, method: str, error: str, when: Callable[[Params], bool] | None = None
    ) -> None:
        """Make a method answer ok=false with a Slack error (for matching calls only)."""
        self._errors[method] = (error, when)

    def rate_limit(self, method: str, *, per_second: float, burst: float | None = None) -> None:
        """Answer 429 with Retry-After when a method is called faster than allowed."""
        burst = burst or per_second
        self._buckets[method] = _Bucket(per_second, burst, burst, time.monotonic())

    def random_server_errors(self, method: str, *, rate: float, seed: int = 0) -> None:
        """Answer a share of a method's calls with 500."""
        self._random[method] = (rate, random.Random(seed))  # noqa: S311 (test faults, not security)

    def slow_down(self, method: str, seconds: float) -> None:
        """Make every call of a method take at least this long (a slow network or Slack)."""
        self._delays[method] = seconds

    def stats(self, method: str) -> tuple[int, int]:
        """Return (accepted, rejected) calls of a rate-limited method."""
        bucket = self._buckets[method]
        return bucket.accepted, bucket.rejected

    # --- answering -------------------------------------------------------------------------

    def handle(
        self, method: str, params: Params, headers: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one Web API call: (HTTP status, JSON body, extra headers)."""
        if method in self._delays:
            time.sleep(self._delays[method])
        fault = self._fault(method)
        if fault is not None:
            self._record(method, params, fault[0])
            return fault
        if not headers.get("authorization", "").startswith("Bearer "):
            self._record(method, params, 200)
            return 200, {"ok": False, "error": "not_authed"}, {}
        error = self._errors.get(method)
        if error and (error[1] is None or error[1](params)):
            self._record(method, params, 200)
            return 200, {"ok": False, "error": error[0]}, {}
        body = _ANSWERS.get(method, _ok)(self, params)
        self._record(method, params, 200)
        return 200, body, {}

    def _fault(self, method: str) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        with self._lock:
            queue = self._faults.get(method) or []
            if queue:
                fault = queue[0]
                fault.times -= 1
                if fault.times <= 0:
                    queue.pop(0)
                return _failure(fault.status, fault.retry_after)
            if method in self._buckets and not self._take(self._buckets[method]):
                return _failure(429, 1)
            rate = self._random.get(method)
            if rate and rate[1].random() < rate[0]:
                return _failure(500, 0)
        return None

    def _take(self, bucket: _Bucket) -> bool:
        now = time.monotonic()
        bucket.tokens = min(bucket.burst, bucket.tokens + (now - bucket.stamp) * bucket.per_second)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.accepted += 1
            return True
        bucket.rejected += 1
        return False

    def _record(self, method: str, params: Params, status: int) -> None:
        with self._lock:
            self._calls.append(Call(method, params, status, time.time()))

    def next_ts(self) -> str:
        """Return a new message timestamp, increasing like Slack's."""
        return f"1700000000.{next(self._ts):06d}"

    def store_message(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        """Keep a message's latest state."""
        with self._lock:
            self._messages[(channel, ts)] = message


def _failure(status: int, retry_after: int) -> tuple[int, dict[str, Any], dict[str, str]]:
    if status == 429:
        return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
    return status, {"ok": False, "error": "fatal_error"}, {}


def _ok(fake: FakeSlack, params: Params) -> dict[str, Any]:
    return {"ok": True}


def _json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _post_message(fake: FakeSlack, params: Params) -> dict[str, Any]:
    channel = str(params.get("channel", ""))
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    ts = fake.next_ts()
    message = {
        "channel": channel,
        "ts": ts,
        "text": params.get("text", ""),
        "blocks": _json(params.get("blocks")) or [],
    }
    message |= {k: _json(params[k]) for k in ("thread_ts", "metadata") if params.get(k)}
    fake.store_message(channel, ts, message)
    return {"ok": True, "channel": channel, "ts": ts, "message": message}


def _update(fake: FakeSlack, params: Params) -> dict[str, Any]:
    channel, ts = str(params.get("channel")), str(params.get("ts"))
    with fake._lock:
        message = fake._messages.get((channel, ts))
    if message is None:
        return {"ok": False, "error": "message_not_found"}
    updated = message | {
        "text": params.get("text", ""),
        "blocks": _json(params.get("blocks")) or [],
    }
    fake.store_message(channel, ts, updated)
    return {"ok": True, "channel": channel, "ts": ts, "message": updated}


def _history(fake: FakeSlack, params: Params) -> dict[str, Any]:
    channel = str(params.get("channel"))
    found = [m for m in reversed(fake.messages(channel)) if "thread_ts" not in m]
    return {"ok": True, "messages": found[: int(params.get("limit", 100))], "has_more": False}


def _user(fake: FakeSlack, params: Params) -> dict[str, Any]:
    user = fake.users.get(str(params.get("user")))
    return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}


def _by_email(fake: FakeSlack, params: Params) -> dict[str, Any]:
    email = str(params.get("email", "")).lower()
    user = next(
        (u for u in fake.users.values() if (u["profile"].get("email") or "").lower() == email), None
    )
    return {"ok": True, "user": user} if user else {"ok": False, "error": "users_not_found"}


def _open(fake: FakeSlack, params: Params) -> dict[str, Any]:
    users = str(params.get("users", ""))
    if "," not in users and users in fake.users and fake.users[users]["deleted"]:
        return {"ok": False, "error": "account_inactive"}
    return {"ok": True, "channel": {"id": "D" + users.replace(",", "")}}


def _view(fake: FakeSlack, params: Params) -> dict[str, Any]:
    view = _json(params.get("view")) or {}
    return {"ok": True, "view": {**view, "id": "V" + fake.next_ts().replace(".", "")}}


def _upload_url(fake: FakeSlack, params: Params) -> dict[str, Any]:
    file_id = "F" + fake.next_ts().replace(".", "")
    with fake._lock:
        fake._files[file_id] = {"id": file_id, "filename": params.get("filename"), "content": b""}
    return {"ok": True, "upload_url": f"{fake.url}upload/{file_id}", "file_id": file_id}


def _complete(fake: FakeSlack, params: Params) -> dict[str, Any]:
    files = _json(params.get("files")) or []
    with fake._lock:
        for entry in files:
            stored = fake._files.get(entry.get("id"), {})
            stored |= {
                "title": entry.get("title"),
                "channel": params.get("channel_id"),
                "thread_ts": params.get("thread_ts"),
                "completed": True,
            }
    return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}


_ANSWERS: dict[str, Callable[[FakeSlack, Params], dict[str, Any]]] = {
    "auth.test": lambda fake, p: {
        "ok": True,
        "team_id": fake.team_id,
        "user_id": fake.bot_user_id,
        "bot_id": "BHLM",
        "url": "https://hlm.slack.example/",
    },
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "chat.postEphemeral": lambda fake, p: {"ok": True, "message_ts": fake.next_ts()},
    "conversations.history": _history,
    "conversations.open": _open,
    "users.info": _user,
    "users.lookupByEmail": _by_email,
    "views.open": _view,
    "views.update": _view,
    "views.push": _view,
    "views.publish": _view,
    "files.getUploadURLExternal": _upload_url,
    "files.completeUploadExternal": _complete,
}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSlack
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the calls are recorded instead."""

    def do_GET(self) -> None:
        self._dispatch(dict(parse_qsl(urlparse(self.path).query)))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        path = urlparse(self.path).path
        if path.startswith("/upload/"):
            return self._upload(path.removeprefix("/upload/"), raw)
        if path.startswith("/response/"):
            return self._response(path.removeprefix("/response/"), raw)
        self._dispatch(
            _params(raw, self.headers.get("Content-Type", ""))
            | dict(parse_qsl(urlparse(self.path).query))
        )

    def _dispatch(self, params: Params) -> None:
        method = urlparse(self.path).path.removeprefix("/api/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, body, extra = self.fake.handle(method, params, headers)
        self._reply(status, body, extra)

    def _upload(self, file_id: str, raw: bytes) -> None:
        with self.fake._lock:
            if file_id in self.fake._files:
                self.fake._files[file_id]["content"] = raw
        self.fake._record("upload", {"file_id": file_id, "size": len(raw)}, 200)
        self._reply(200, {"ok": True}, {})

    def _response(self, name: str, raw: bytes) -> None:
        params = _params(raw, self.headers.get("Content-Type", "application/json"))
        self.fake._record("response_url", params | {"_name": name}, 200)
        self._reply(200, {"ok": True}, {})

    def _reply(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def _params(raw: bytes, content_type: str) -> Params:
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            decoded = json.loads(text or "{}")
        except json.JSONDecodeError:
            return {"_raw": text}
        return decoded if isinstance(decoded, dict) else {"_raw": decoded}
    return dict(parse_qsl(text, keep_blank_values=True))
