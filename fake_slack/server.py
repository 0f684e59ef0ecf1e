"""A stand-in for Slack's Web API on loopback: records every call, answers plausibly, fails on cue.

The end-to-end tests point the real app's WebClient at it; the offline demo and console use it
to show what people would see. Faults are scripted: 429 with Retry-After, 5xx, Slack errors,
a rate limit per method, or random server errors. Standard library only.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlparse

from fake_slack import blockkit

Params = dict[str, Any]
Answer = tuple[int, dict[str, Any], dict[str, str]]  # HTTP status, JSON body, extra headers
Matcher = Callable[[Params], bool]


@dataclass(frozen=True)
class Call:
    """One request the stand-in received: an attempt, successful or not."""

    method: str
    params: Params
    headers: dict[str, str]
    at: float
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Tell whether Slack would have carried the call out (HTTP 200 and ok=true)."""
        return self.status == 200 and self.error is None


class Stats(NamedTuple):
    """How many calls of a method were let through and how many were refused with 429."""

    accepted: int
    rejected: int


@dataclass
class _Fault:
    status: int
    retry_after: int
    times: int


@dataclass
class _Loss:
    status: int
    after: int
    times: int


@dataclass
class _Bucket:
    per_second: float
    burst: float
    tokens: float
    stamp: float
    accepted: int = 0
    rejected: int = 0

    def take(self) -> bool:
        """Take a token if one is left, refilling first; count the outcome."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.accepted += 1
            return True
        self.rejected += 1
        return False

    def wait(self) -> int:
        """Return the whole seconds until the next token (at least 1), for Retry-After."""
        return max(1, math.ceil((1 - self.tokens) / self.per_second))


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # tracked, so server_close() waits for the handlers...
    block_on_close = True  # ...and every accepted socket is closed before stop() returns


@dataclass
class FakeSlack:
    """The stand-in server. Use as a context manager, or call start() and stop()."""

    team_id: str = "T0HLM"
    app_id: str = "A0HLM"
    bot_user_id: str = "UBOT"
    bot_id: str = "BHLM"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The WebSocket URL `apps.connections.open` hands out (see fake_slack/socket_mode.py).
    socket_mode_url: str | None = None
    _calls: list[Call] = field(default_factory=list, repr=False)
    _messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict, repr=False)
    _files: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    _faults: dict[str, list[_Fault]] = field(default_factory=dict, repr=False)
    _errors: dict[str, tuple[str, Matcher | None]] = field(default_factory=dict, repr=False)
    _buckets: dict[str, _Bucket] = field(default_factory=dict, repr=False)
    _random: dict[str, tuple[float, int, random.Random]] = field(default_factory=dict, repr=False)
    _delays: dict[str, float] = field(default_factory=dict, repr=False)
    _lost: dict[str, list[_Loss]] = field(default_factory=dict, repr=False)
    _random_lost: dict[str, tuple[float, int, random.Random]] = field(
        default_factory=dict, repr=False
    )
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(100), repr=False)
    # Other workspaces the app can be installed in by OAuth (see `add_workspace`).
    workspaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    client_id: str = "111.222"
    client_secret: str = "fake-client-secret"  # noqa: S105 (the stand-in's own)
    # Seconds a token issued by oauth.v2.access lives, when token rotation is on (None: off).
    token_lifetime: int | None = None
    _tokens: dict[str, str] = field(default_factory=dict, repr=False)  # token → team
    _revoked: set[str] = field(default_factory=set, repr=False)
    _codes: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    _refresh: dict[str, str] = field(default_factory=dict, repr=False)  # refresh token → team
    _here: threading.local = field(default_factory=threading.local, repr=False)
    _server: _Server | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Listen on a free loopback port, in a background thread."""
        if self._server is not None:
            return self
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() returns within this
            name="fake-slack",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, finish the requests under way, and release the port."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Return the server's root URL."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def base_url(self) -> str:
        """Return the Web API base URL to give a WebClient."""
        return self.url + "api/"

    def response_url(self, name: str = "r") -> str:
        """Return a response_url that records what is posted to it (as method "response_url")."""
        return f"{self.url}response/{name}"

    # --- the directory ---------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str = "",
        real_name: str = "",
        email: str | None = None,
        tz: str = "Europe/Brussels",
        deleted: bool = False,
        team_id: str | None = None,
    ) -> None:
        """Add a user that users.info and users.lookupByEmail know (in the first workspace
        unless another is named)."""
        shown = real_name or name or user_id
        profile = {"real_name": shown, "display_name": name or shown, "email": email}
        user = {"id": user_id, "team_id": team_id or self.team_id, "name": name or user_id, "real_name": shown,
                "tz": tz, "deleted": deleted, "is_bot": False, "profile": profile}  # fmt: skip
        with self._lock:
            self.users[user_id] = user

    def directory(self) -> list[dict[str, Any]]:
        """Return every user of the calling workspace, in the order they were added (users.list)."""
        team = self.calling_team()
        with self._lock:
            return [u for u in self.users.values() if team is None or u["team_id"] == team]

    # --- workspaces, installation by OAuth -------------------------------------------------

    def add_workspace(
        self, team_id: str, *, name: str = "", bot_user_id: str = "", bot_id: str = ""
    ) -> None:
        """Add a workspace the app can be installed in (oauth.v2.access), with its own bot."""
        bot = {"name": name or team_id, "bot_user_id": bot_user_id or f"UBOT{team_id[1:]}",
               "bot_id": bot_id or f"B{team_id[1:]}"}  # fmt: skip
        with self._lock:
            self.workspaces[team_id] = bot

    def authorize(self, team_id: str, *, installer: str = "UINSTALLER") -> str:
        """Return the code Slack sends back to the redirect URL once someone allows the app."""
        code = f"code-{team_id}-{next(self._ts)}"
        with self._lock:
            self._codes[code] = (team_id, installer)
        return code

    def revoke(self, team_id: str) -> None:
        """Revoke every token of a workspace (the app was uninstalled there)."""
        with self._lock:
            for token, team in list(self._tokens.items()):
                if team == team_id:
                    del self._tokens[token]
                    self._revoked.add(token)

    def team_of(self, token: str) -> str | None:
        """Return the workspace a token issued by oauth.v2.access belongs to."""
        with self._lock:
            return self._tokens.get(token)

    def calling_team(self) -> str | None:
        """Return the workspace of the token of the call being answered (None: outside one)."""
        return getattr(self._here, "team", None)

    def issue_tokens(self, team_id: str) -> dict[str, Any]:
        """Issue a bot token for a workspace (and a refresh token when they rotate)."""
        serial = next(self._ts)
        token = f"xoxb-{team_id}-{serial}"
        answer: dict[str, Any] = {"access_token": token, "token_type": "bot"}
        with self._lock:
            self._tokens[token] = team_id
            if self.token_lifetime is not None:
                refresh = f"xoxe-1-{team_id}-{serial}"
                self._refresh[refresh] = team_id
                answer |= {"refresh_token": refresh, "expires_in": self.token_lifetime}
        return answer

    def user(self, user_id: str) -> dict[str, Any] | None:
        """Return a user of the directory, or None."""
        with self._lock:
            return self.users.get(user_id)

    def user_by_email(self, email: str) -> dict[str, Any] | None:
        """Return the user of the directory with this email (case-insensitive), or None."""
        wanted = email.lower()
        with self._lock:
            found = (
                u for u in self.users.values() if (u["profile"]["email"] or "").lower() == wanted
            )
            return next(found, None)

    # --- what was received -----------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Return the calls received (of one method), oldest first, failed attempts included."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def ok_calls(self, method: str) -> list[Call]:
        """Return the calls of a method that got an HTTP 200 answer (ok=false included)."""
        return [c for c in self.calls(method) if c.status == 200]

    def last(self, method: str) -> Call:
        """Return the latest call of a method; raise LookupError if there was none."""
        found = self.calls(method)
        if not found:
            raise LookupError(f"{method} was never called")
        return found[-1]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until a method got `count` HTTP 200 answers; return those calls."""
        deadline = time.monotonic() + timeout
        while len(found := self.ok_calls(method)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{method} answered {len(found)} times, not {count}")
            time.sleep(0.01)
        return found

    def clear(self) -> None:
        """Forget the calls received (messages, files, users and faults stay)."""
        with self._lock:
            self._calls.clear()

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Return the messages posted (in their latest state), oldest first."""
        with self._lock:
            found = [m for (c, _), m in self._messages.items() if channel is None or c == channel]
        return sorted(found, key=lambda m: float(m["ts"]))

    def uploaded_files(self) -> list[dict[str, Any]]:
        """Return the files shared by files.completeUploadExternal: content (bytes), title, channel…"""
        with self._lock:
            return [dict(f) for f in self._files.values() if f.get("completed")]

    # --- faults ----------------------------------------------------------------------------

    def fail_next(
        self, method: str, *, status: int = 429, retry_after: int = 1, times: int = 1
    ) -> None:
        """Make the next calls of a method fail with an HTTP status (429 carries Retry-After)."""
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(status, retry_after, times))

    def lose_answer(
        self, method: str, *, status: int = 500, times: int = 1, after: int = 0
    ) -> None:
        """Make calls of a method take effect, then answer with a server error, as when Slack
        stores a message and its answer is lost on the way back: `times` calls, once `after`
        more calls have been answered normally."""
        with self._lock:
            self._lost.setdefault(method, []).append(_Loss(status, after, times))

    def error_for(
        self, method: str, error: str = "user_not_found", when: Matcher | None = None
    ) -> None:
        """Make a method answer ok=false with a Slack error (for the calls `when` matches)."""
        with self._lock:
            self._errors[method] = (error, when)

    def rate_limit(self, method: str, *, per_second: float, burst: float | None = None) -> None:
        """Answer 429 with Retry-After when a method is called faster than allowed (token bucket)."""
        size = burst or per_second
        with self._lock:
            self._buckets[method] = _Bucket(per_second, size, size, time.monotonic())

    def random_server_errors(
        self, method: str, *, rate: float = 0.05, seed: int = 0, status: int = 500
    ) -> None:
        """Answer a share of a method's calls with a server error, reproducibly."""
        with self._lock:
            self._random[method] = (rate, status, random.Random(seed))  # noqa: S311 (not security)

    def random_lost_answers(
        self, method: str, *, rate: float = 0.05, seed: int = 0, status: int = 500
    ) -> None:
        """Let a share of a method's calls take effect, then answer them with a server error
        (as `lose_answer`, at random), reproducibly."""
        with self._lock:
            self._random_lost[method] = (rate, status, random.Random(seed))  # noqa: S311

    def slow_down(self, method: str, seconds: float) -> None:
        """Make every call of a method take at least this long (a slow network or Slack)."""
        with self._lock:
            self._delays[method] = seconds

    def heal(self, method: str | None = None) -> None:
        """Remove the scripted faults, errors, limits and delays (of one method, or all)."""
        with self._lock:
            tables = (self._faults, self._errors, self._buckets, self._random, self._delays,
                      self._lost, self._random_lost)  # fmt: skip
            for table in tables:
                for name in [m for m in table if method is None or m == method]:
                    del table[name]

    def stats(self, method: str) -> Stats:
        """Return (accepted, rejected): by the rate limit if set, else HTTP 200 versus 429 calls."""
        with self._lock:
            bucket = self._buckets.get(method)
            if bucket is not None:
                return Stats(bucket.accepted, bucket.rejected)
        statuses = [c.status for c in self.calls(method)]
        return Stats(statuses.count(200), statuses.count(429))

    # --- answering -------------------------------------------------------------------------

    def handle(self, method: str, params: Params, headers: dict[str, str]) -> Answer:
        """Answer one Web API call, and record it with its outcome."""
        with self._lock:
            delay = self._delays.get(method, 0.0)
        if delay:
            time.sleep(delay)
        answer = self._fault(method) or self._refusal(method, params, headers)
        answer = answer or _over_limits(method, params)
        if answer is None:
            answer = 200, _ANSWERS.get(method, _ok)(self, params), {}
            answer = self._lose(method) or answer
        status, body, _ = answer
        self.record(method, params, headers, status, None if body.get("ok") else body.get("error"))
        return answer

    def record(
        self,
        method: str,
        params: Params,
        headers: dict[str, str] | None = None,
        status: int = 200,
        error: str | None = None,
    ) -> None:
        """Add a call to the record."""
        call = Call(method, params, dict(headers or {}), time.time(), status, error)
        with self._lock:
            self._calls.append(call)

    def _fault(self, method: str) -> Answer | None:
        with self._lock:
            queue = self._faults.get(method)
            if queue:
                fault = queue[0]
                fault.times -= 1
                if fault.times <= 0:
                    queue.pop(0)
                return _failure(fault.status, fault.retry_after)
            bucket = self._buckets.get(method)
            if bucket is not None and not bucket.take():
                return _failure(429, bucket.wait())
            chance = self._random.get(method)
            if chance is not None and chance[2].random() < chance[0]:
                return _failure(chance[1], 0)
        return None

    def _lose(self, method: str) -> Answer | None:
        with self._lock:
            chance = self._random_lost.get(method)
            if chance is not None and chance[2].random() < chance[0]:
                return _failure(chance[1], 0)
            queue = self._lost.get(method)
            if not queue:
                return None
            loss = queue[0]
            if loss.after > 0:
                loss.after -= 1
                return None
            loss.times -= 1
            if loss.times <= 0:
                queue.pop(0)
            return _failure(loss.status, 0)

    def _refusal(self, method: str, params: Params, headers: dict[str, str]) -> Answer | None:
        self._here.team = None
        if method == "oauth.v2.access":  # the app's own credentials (HTTP Basic), not a token
            basic = headers.get("authorization", "").removeprefix("Basic ")
            try:
                self._here.client = base64.b64decode(basic).decode().split(":", 1)
            except (ValueError, UnicodeDecodeError):
                self._here.client = None
            return None
        authorization = headers.get("authorization", "")
        if not authorization.startswith("Bearer "):
            return 200, {"ok": False, "error": "not_authed"}, {}
        token = authorization.removeprefix("Bearer ")
        with self._lock:
            if token in self._revoked:
                return 200, {"ok": False, "error": "token_revoked"}, {}
            self._here.team = self._tokens.get(token, self.team_id)
            if _about_a_stranger(self, params):
                return 200, {"ok": False, "error": "user_not_found"}, {}
        with self._lock:
            error, when = self._errors.get(method, (None, None))
        if error is not None and (when is None or when(params)):
            return 200, {"ok": False, "error": error}, {}
        return None

    # --- state the answers share -----------------------------------------------------------

    def next_ts(self) -> str:
        """Return a new message timestamp, increasing like Slack's."""
        with self._lock:
            return f"1700000000.{next(self._ts):06d}"

    def store_message(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        """Keep a message's latest state."""
        with self._lock:
            self._messages[(channel, ts)] = message

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """Return a message's latest state, or None."""
        with self._lock:
            return self._messages.get((channel, ts))

    def drop_message(self, channel: str, ts: str) -> bool:
        """Forget a deleted message; tell whether it existed."""
        with self._lock:
            return self._messages.pop((channel, ts), None) is not None

    def new_file(self, filename: str | None, length: int | None) -> dict[str, Any]:
        """Make room for a file to be uploaded; return its record."""
        file_id = "F" + self.next_ts().replace(".", "")
        record = {"id": file_id, "filename": filename, "length": length, "content": b""}
        with self._lock:
            self._files[file_id] = record
        return record

    def store_upload(self, file_id: str, content: bytes) -> bool:
        """Keep the bytes posted to a file's upload URL; tell whether the file is known."""
        with self._lock:
            if file_id not in self._files:
                return False
            self._files[file_id]["content"] = content
            return True

    def complete_file(self, file_id: str, details: dict[str, Any]) -> dict[str, Any] | None:
        """Mark an uploaded file as shared, with its title and channel; return its record."""
        with self._lock:
            stored = self._files.get(file_id)
            if stored is None:
                return None
            stored |= details | {"completed": True}
            return dict(stored)


def _over_limits(method: str, params: Params) -> Answer | None:
    """Refuse a message or view over Block Kit's limits, as Slack does."""
    if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        problems, error = blockkit.check_message(method, params), "invalid_blocks"
    elif method.startswith("views."):
        problems, error = blockkit.check_view(method, params), "invalid_arguments"
    else:
        return None
    if not problems:
        return None
    return 200, {"ok": False, "error": error, "response_metadata": {"messages": problems}}, {}


def _failure(status: int, retry_after: int) -> Answer:
    if status == 429:
        return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
    errors = {500: "internal_error", 503: "service_unavailable"}
    return status, {"ok": False, "error": errors.get(status, "fatal_error")}, {}


def _json(value: Any) -> Any:
    """Decode a JSON-encoded form field (blocks, view, files…); leave anything else as is."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _channel(params: Params, key: str = "channel") -> str:
    """Return the channel a call names; a user ID stands for the app's DM with that user."""
    channel = str(params.get(key) or "")
    return "D" + channel if channel[:1] in ("U", "W") else channel


def _ok(fake: FakeSlack, params: Params) -> dict[str, Any]:
    return {"ok": True}


def _auth_test(fake: FakeSlack, params: Params) -> dict[str, Any]:
    team = fake.calling_team() or fake.team_id
    other = fake.workspaces.get(team)
    if other is not None:
        return {"ok": True, "url": f"https://{team.lower()}.slack.example/", "team": other["name"],
                "user": "hlm", "team_id": team, "user_id": other["bot_user_id"],
                "bot_id": other["bot_id"], "app_id": fake.app_id, "is_enterprise_install": False}  # fmt: skip
    return {"ok": True, "url": "https://hlm.slack.example/", "team": "HLM", "user": "hlm",
            "team_id": fake.team_id, "user_id": fake.bot_user_id, "bot_id": fake.bot_id,
            "app_id": fake.app_id, "is_enterprise_install": False}  # fmt: skip


def _about_a_stranger(fake: FakeSlack, params: Params) -> bool:
    """Tell whether a call names a user of another workspace than its token's (Slack: not found)."""
    team = fake.calling_team()
    named = [params.get("user"), params.get("users"), params.get("channel")]
    for user_id in (str(n) for n in named if isinstance(n, str) and n[:1] in ("U", "W")):
        user = fake.users.get(user_id)
        if user is not None and user["team_id"] != team:
            return True
    return False


def _oauth_access(fake: FakeSlack, params: Params) -> dict[str, Any]:
    """Exchange a code, or a refresh token, for a workspace's bot token (oauth.v2.access)."""
    client = getattr(fake._here, "client", None) or [params.get("client_id"), None]
    if client[0] != fake.client_id:
        return {"ok": False, "error": "invalid_client_id"}
    if (client[1] if len(client) > 1 else None) != fake.client_secret:
        return {"ok": False, "error": "bad_client_secret"}
    if params.get("grant_type") == "refresh_token":
        with fake._lock:
            team = fake._refresh.pop(str(params.get("refresh_token")), None)
        if team is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        return {"ok": True, "team": {"id": team}, **fake.issue_tokens(team)}
    with fake._lock:
        team_and_installer = fake._codes.pop(str(params.get("code")), None)
    if team_and_installer is None:
        return {"ok": False, "error": "invalid_code"}
    team, installer = team_and_installer
    bot = fake.workspaces[team]
    return {"ok": True, "app_id": fake.app_id, "scope": "chat:write,commands",
            "bot_user_id": bot["bot_user_id"], "team": {"id": team, "name": bot["name"]},
            "enterprise": None, "is_enterprise_install": False,
            "authed_user": {"id": installer}, **fake.issue_tokens(team)}  # fmt: skip


def _connections_open(fake: FakeSlack, params: Params) -> dict[str, Any]:
    if fake.socket_mode_url is None:
        return {"ok": False, "error": "socket_mode_not_enabled"}
    return {"ok": True, "url": fake.socket_mode_url}


def _post_message(fake: FakeSlack, params: Params) -> dict[str, Any]:
    channel = _channel(params)
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
        return {"ok": False, "error": "no_text"}
    ts = fake.next_ts()
    message = {"type": "message", "channel": channel, "ts": ts, "user": fake.bot_user_id,
               "bot_id": fake.bot_id, "text": params.get("text") or "",
               "blocks": _json(params.get("blocks")) or []}  # fmt: skip
    message |= {k: _json(params[k]) for k in ("thread_ts", "metadata") if params.get(k)}
    fake.store_message(channel, ts, message)
    return {"ok": True, "channel": channel, "ts": ts, "message": message}


def _update(fake: FakeSlack, params: Params) -> dict[str, Any]:
    channel, ts = _channel(params), str(params.get("ts") or "")
    message = fake.message(channel, ts)
    if message is None:
        return {"ok": False, "error": "message_not_found"}
    changes = {k: _json(params[k]) for k in ("text", "blocks", "metadata") if k in params}
    updated = message | changes
    fake.store_message(channel, ts, updated)
    return {"ok": True, "channel": channel, "ts": ts, "text": updated["text"], "message": updated}


def _delete(fake: FakeSlack, params: Params) -> dict[str, Any]:
    channel, ts = _channel(params), str(params.get("ts") or "")
    if not fake.drop_message(channel, ts):
        return {"ok": False, "error": "message_not_found"}
    return {"ok": True, "channel": channel, "ts": ts}


def _ephemeral(fake: FakeSlack, params: Params) -> dict[str, Any]:
    if not params.get("channel") or not params.get("user"):
        return {"ok": False, "error": "channel_not_found"}
    return {"ok": True, "message_ts": fake.next_ts()}


def _history(fake: FakeSlack, params: Params) -> dict[str, Any]:
    # The channel's own messages (not thread replies), newest first.
    found = [m for m in reversed(fake.messages(_channel(params))) if "thread_ts" not in m]
    page = _page(found, params, default=100)
    if page is None:
        return {"ok": False, "error": "invalid_cursor"}
    messages, cursor = page
    return {"ok": True, "messages": messages, "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor}}  # fmt: skip


def _replies(fake: FakeSlack, params: Params) -> dict[str, Any]:
    # The message first, then its thread, oldest first.
    channel, ts = _channel(params), str(params.get("ts") or "")
    if fake.message(channel, ts) is None:
        return {"ok": False, "error": "thread_not_found"}
    thread = [m for m in fake.messages(channel) if ts in (m["ts"], m.get("thread_ts"))]
    page = _page(thread, params)
    if page is None:
        return {"ok": False, "error": "invalid_cursor"}
    messages, cursor = page
    return {"ok": True, "messages": messages, "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor}}  # fmt: skip


def _page(
    items: list[dict[str, Any]], params: Params, *, default: int = 1000
) -> tuple[list[dict[str, Any]], str] | None:
    """Return a page of `limit` items from the cursor on, and the next cursor ("" at the end);
    None for a cursor this server did not give. (The cursor, opaque to callers, is an offset.)"""
    limit = max(1, min(int(params.get("limit") or 0) or default, 1000))
    try:
        start = int(base64.b64decode(str(params.get("cursor") or "")).decode() or 0)
    except ValueError:
        return None
    following = base64.b64encode(str(start + limit).encode()).decode()
    return items[start : start + limit], following if start + limit < len(items) else ""


def _open(fake: FakeSlack, params: Params) -> dict[str, Any]:
    users = [u for u in str(params.get("users") or "").split(",") if u]
    if not users:
        return {"ok": False, "error": "users_list_not_supplied"}
    known = fake.user(users[0]) if len(users) == 1 else None
    if known is not None and known["deleted"]:
        return {"ok": False, "error": "user_disabled"}
    channel = "D" + users[0] if len(users) == 1 else "G" + "".join(users)
    return {"ok": True, "channel": {"id": channel}}


def _user_info(fake: FakeSlack, params: Params) -> dict[str, Any]:
    user = fake.user(str(params.get("user") or ""))
    return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}


def _users_list(fake: FakeSlack, params: Params) -> dict[str, Any]:
    page = _page(fake.directory(), params)
    if page is None:
        return {"ok": False, "error": "invalid_cursor"}
    members, cursor = page
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": cursor}}


def _by_email(fake: FakeSlack, params: Params) -> dict[str, Any]:
    user = fake.user_by_email(str(params.get("email") or ""))
    return {"ok": True, "user": user} if user else {"ok": False, "error": "users_not_found"}


def _view(fake: FakeSlack, params: Params) -> dict[str, Any]:
    view = _json(params.get("view"))
    if not isinstance(view, dict):
        return {"ok": False, "error": "invalid_arguments"}
    if params.get("view_id"):
        view_id = str(params["view_id"])
    elif params.get("user_id"):  # views.publish: one Home tab per user
        view_id = "VHOME" + str(params["user_id"])
    else:
        view_id = "V" + fake.next_ts().replace(".", "")
    return {"ok": True, "view": view | {"id": view_id, "team_id": fake.team_id, "hash": view_id}}


def _upload_url(fake: FakeSlack, params: Params) -> dict[str, Any]:
    length = params.get("length")
    if not params.get("filename") or length is None:
        return {"ok": False, "error": "invalid_arguments"}
    record = fake.new_file(str(params["filename"]), int(length))
    return {"ok": True, "upload_url": f"{fake.url}upload/{record['id']}", "file_id": record["id"]}


def _complete(fake: FakeSlack, params: Params) -> dict[str, Any]:
    entries = _json(params.get("files"))
    if not isinstance(entries, list) or not entries:
        return {"ok": False, "error": "invalid_arguments"}
    details = {"channel": params.get("channel_id"), "thread_ts": params.get("thread_ts"),
               "initial_comment": params.get("initial_comment")}  # fmt: skip
    done = [
        fake.complete_file(str(e.get("id")), details | {"title": e.get("title")}) for e in entries
    ]
    if any(d is None for d in done):
        return {"ok": False, "error": "file_not_found"}
    files = [{"id": d["id"], "title": d["title"], "name": d["filename"]} for d in done if d]
    channel = str(params.get("channel_id") or "")
    if channel:  # shared: the files appear in the channel (or thread) as a message
        ts = fake.next_ts()
        message = {"type": "message", "channel": channel, "ts": ts, "user": fake.bot_user_id,
                   "text": params.get("initial_comment") or "", "files": files, "upload": True}  # fmt: skip
        if params.get("thread_ts"):
            message["thread_ts"] = str(params["thread_ts"])
        fake.store_message(channel, ts, message)
    return {"ok": True, "files": files}


_ANSWERS: dict[str, Callable[[FakeSlack, Params], dict[str, Any]]] = {
    "auth.test": _auth_test,
    "oauth.v2.access": _oauth_access,
    "apps.connections.open": _connections_open,
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "chat.delete": _delete,
    "chat.postEphemeral": _ephemeral,
    "conversations.history": _history,
    "conversations.replies": _replies,
    "conversations.open": _open,
    "users.info": _user_info,
    "users.lookupByEmail": _by_email,
    "users.list": _users_list,
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
    timeout = 10  # seconds a connection may idle, so stop() never waits long

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the calls are recorded instead."""

    def do_GET(self) -> None:
        """Answer a Web API call made with GET."""
        self._route(b"")

    def do_POST(self) -> None:
        """Answer a Web API call, an upload, or a post to a response_url."""
        length = int(self.headers.get("Content-Length") or 0)
        self._route(self.rfile.read(length))

    def _route(self, raw: bytes) -> None:
        url = urlparse(self.path)
        kind, _, name = url.path.lstrip("/").partition("/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        if kind == "api" and name:
            params = _params(raw, headers.get("content-type", "")) | dict(parse_qsl(url.query))
            return self._reply(*self.fake.handle(name, params, headers))
        if kind == "upload" and self.command == "POST":
            known = self.fake.store_upload(name, raw)
            self.fake.record(
                "upload", {"file_id": name, "size": len(raw)}, headers, 200 if known else 404
            )
            return self._reply_text(200, f"OK - {len(raw)}") if known else self._reply_text(404, "")
        if kind == "response" and self.command == "POST":
            params = _params(raw, headers.get("content-type", "application/json"))
            blockkit.check_message("response_url", params)
            self.fake.record("response_url", params | {"_name": name}, headers)
            return self._reply(200, {"ok": True}, {})
        self._reply(404, {"ok": False, "error": "unknown_method"}, {})

    def _reply(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8", headers)

    def _reply_text(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/plain; charset=utf-8", {})

    def _send(
        self, status: int, payload: bytes, content_type: str, headers: dict[str, str]
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def _params(raw: bytes, content_type: str) -> Params:
    """Decode a request body as slack_sdk sends it: a form, or JSON."""
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type or text.startswith("{"):
        try:
            decoded = json.loads(text or "{}")
        except json.JSONDecodeError:
            return {"_raw": text}
        return decoded if isinstance(decoded, dict) else {"_raw": decoded}
    return dict(parse_qsl(text, keep_blank_values=True))
