"""The Notifier port over Slack's Web API: renders Block Kit and sends it, with retries.

Retries of 429 (honouring Retry-After), transient 5xx and dropped connections are slack_sdk's
retry handlers; what still fails becomes `DeliveryFailed` (try again later) or `RecipientGone`
(the user left: do not retry). Every message from the outbox carries its key (and, in a thread,
its part number) in Slack message metadata, so that a later attempt finds what an interrupted
one posted and sends only the rest.
"""

from __future__ import annotations

import itertools
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest, HttpResponse, Jitter, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.models.views import View

from bot.views import Reply
from bot.views.checkin import build_checkin, build_reminder
from bot.views.confirm import build_confirmation_request
from bot.views.digest import build_digest
from bot.views.escalation import build_escalation
from bot.views.mrkdwn import escape
from bot.views.status import build_note
from workflows.ports import (
    CheckinPrompt,
    CheckinReminder,
    Delivery,
    DeliveryFailed,
    Escalation,
    RecipientGone,
    SlackProfile,
)
from workflows.types import Trouble

if TYPE_CHECKING:
    from workflows.reports.digests import Digest
    from workflows.updates.confirmation import ConfirmationRequest

log = logging.getLogger(__name__)

# The person has left. (`account_inactive` is about our own token, not the recipient.)
GONE_ERRORS = {"user_not_found", "user_disabled"}
DIRECTORY_PAGE = 200  # users.list: Slack advises at most 200 a page
HISTORY_PAGES = 5  # an interrupted send is looked for among a channel's last 1,000 messages
OUTBOX_EVENT = "hlm_outbox"
CHART_FILE = "hlm-status.png"
CHART_MISSING = "The status chart could not be attached this time ({error})."
# Slack is down or busy for everyone, rather than refusing one message.
UNAVAILABLE_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                      "request_timeout"}  # fmt: skip
# Calls that store something. After a 5xx, or a connection lost once the request was sent,
# Slack may have stored it, and a blind retry would post it twice. The SDK retries them only
# when nothing reached Slack (a 429, a refused connection); for the rest the gateway first
# looks for the message by the key in its metadata, and posts again only if it is not there.
STORING = frozenset({"chat.postMessage", "files.completeUploadExternal"})
# Refusals someone can fix: the channel, or the app's permissions.
TROUBLES = {"channel_not_found": Trouble.CHANNEL, "not_in_channel": Trouble.CHANNEL,
            "is_archived": Trouble.CHANNEL, "missing_scope": Trouble.PERMISSION,
            "not_allowed_token_type": Trouble.PERMISSION}  # fmt: skip


class SlackUnavailable(DeliveryFailed):
    """Slack is not answering anyone now (after the retries): not a matter of one recipient."""


class SharedRateLimits(RateLimitErrorRetryHandler):
    """Retry a 429 after its Retry-After, and hold every other call of that method as long.

    Slack limits a method for the whole workspace, not for one thread: when one sender is told
    to wait, the others would only be told the same after a wasted call each. Holding them all
    lets the allowance refill, then the senders use it together.
    """

    def __init__(self, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}

    def hold(self, method: str, seconds: float) -> None:
        """Keep calls of a method waiting for some seconds from now."""
        with self._lock:
            self._until[method] = max(self._until.get(method, 0.0), time.monotonic() + seconds)

    def held(self, method: str) -> float:
        """Return how many seconds calls of a method are still held (0 when they are free)."""
        return max(0.0, self._until.get(method, 0.0) - time.monotonic())

    def wait(self, method: str) -> None:
        """Wait until a method may be called again."""
        while (delay := self._until.get(method, 0.0) - time.monotonic()) > 0:
            time.sleep(delay)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Hold the method for Retry-After seconds (1 if Slack gave none), then try again."""
        if response is None:
            raise error or RuntimeError("a rate limit without a response")
        state.next_attempt_requested = True
        headers = {k.lower(): v for k, v in response.headers.items()}
        try:
            seconds = float((headers.get("retry-after") or ["1"])[0])
        except ValueError:
            seconds = 1.0
        method = method_of(request)
        self.hold(method, seconds + random.uniform(0, 0.1))  # noqa: S311 (jitter, not security)
        self.wait(method)
        state.increment_current_attempt()


class ServerErrorsWithinLimits(ServerErrorRetryHandler):
    """Retry a 5xx after a short back-off, and no sooner than a rate limit allows the method."""

    def __init__(self, limits: SharedRateLimits, max_retry_count: int) -> None:
        # A 5xx is brief: try again after about a quarter of a second, then back off.
        interval = BackoffRetryIntervalCalculator(backoff_factor=0.25, jitter=_ShortJitter())
        super().__init__(max_retry_count=max_retry_count, interval_calculator=interval)
        self.limits = limits

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if method_of(request) in STORING:  # it may have been stored: see STORING
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Back off, then wait for any hold another sender's 429 put on the method."""
        super().prepare_for_next_attempt(
            state=state, request=request, response=response, error=error
        )
        self.limits.wait(method_of(request))


class ConnectionRetries(ConnectionErrorRetryHandler):
    """Retry a dropped connection, except a storing call that may have reached Slack."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if method_of(request) in STORING and not _never_sent(error):
            return False
        return bool(
            super()._can_retry(state=state, request=request, response=response, error=error)
        )


def _never_sent(error: Exception | None) -> bool:
    """Tell whether a connection failed before any request could reach Slack."""
    reason = getattr(error, "reason", error)
    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


def method_of(request: HttpRequest) -> str:
    """Name the Web API method a request calls (the last part of its URL: `chat.postMessage`)."""
    return request.url.rsplit("/", 1)[-1]


def make_client(token: str, base_url: str, *, max_retries: int = 4) -> WebClient:
    """Build a WebClient that retries rate limits, server errors and dropped connections."""
    client = WebClient(token=token, base_url=base_url, timeout=15)
    limits = SharedRateLimits(max_retry_count=max_retries)
    client.retry_handlers.extend(
        [
            limits,
            ServerErrorsWithinLimits(limits, max_retry_count=max_retries),
            ConnectionRetries(max_retry_count=max_retries),
        ]
    )
    return client


class SlackNotifier:
    """Sends check-ins, escalations and digests, and reads profiles, through Slack's Web API."""

    def __init__(
        self,
        client: WebClient,
        *,
        digest_channel: str | None = None,
        coordinators_channel: str | None = None,
        client_for: Callable[[str | None], WebClient] | None = None,
        team_of: Callable[[str], str | None] | None = None,
        digest_channels: dict[str | None, str] | None = None,
    ) -> None:
        self._client = client
        # Installed in several workspaces: each call goes out with the token of the workspace of
        # the person (or channel) it is about; `team_of` names it, `client_for` gives its client.
        self._client_for, self._team_of = client_for, team_of
        self._channel_team: dict[str, str | None] = {}
        # The digest channel of each workspace, or one channel shared over Slack Connect posted
        # in once by the workspace that owns it (HLM_DIGEST_TEAM); None: `digest_channel`.
        self._digest_channels = digest_channels
        # Slack's "wait" to one sender holds the others too (see SharedRateLimits).
        self._limits = next(
            (h for h in client.retry_handlers if isinstance(h, SharedRateLimits)), None
        )
        self.digest_channel = digest_channel
        self.coordinators_channel = coordinators_channel
        self._dm: dict[str, str] = {}

    def send_checkin(
        self, prompt: CheckinPrompt, *, key: str = "", resume: bool = False
    ) -> Delivery:
        """Post the check-in in the owner's DM: one message, whatever it asks about."""
        who = prompt.slack_user_id
        # Posting to the user's id opens the DM: one call per check-in, not two. Looking for
        # what an earlier attempt posted needs the DM's own id.
        channel = self._open_dm(who) if resume else self._dm.get(who, who)
        found = self._find_parts(channel, key, thread=False) if resume else None
        parent = found.parent if found else self._post(who, channel, build_checkin(prompt), key=key)
        self._dm[who] = parent.channel
        return parent

    def refresh_checkin(self, prompt: CheckinPrompt, delivery: Delivery) -> None:
        """Rewrite a check-in message to show it as it stands."""
        reply = build_checkin(prompt)
        self._call(
            self._client.chat_update,
            prompt.slack_user_id,
            channel=delivery.channel,
            ts=delivery.ts,
            text=reply.text,
            blocks=reply.block_dicts(),
        )

    def send_reminder(
        self, reminder: CheckinReminder, *, key: str = "", resume: bool = False
    ) -> Delivery:
        """Post one line under the check-in and show the check-in as it stands; when its message
        cannot be found, post the line as a DM of its own (never the whole list again)."""
        who, line = reminder.checkin.slack_user_id, build_reminder(reminder)
        where = reminder.delivery
        if where is not None and self._refreshed(reminder.checkin, where):
            found = self._find_in_thread(where, key) if resume else None
            return found or self._post(who, where.channel, line, key=key, thread_ts=where.ts)
        channel = self._open_dm(who) if resume else self._dm.get(who, who)
        posted = self._find_parts(channel, key, thread=False) if resume else None
        return posted.parent if posted else self._post(who, channel, line, key=key)

    def _refreshed(self, prompt: CheckinPrompt, delivery: Delivery) -> bool:
        """Show a check-in as it stands; False if Slack no longer has its message."""
        try:
            self.refresh_checkin(prompt, delivery)
        except DeliveryFailed as exc:
            if not str(exc).endswith(("message_not_found", "channel_not_found")):
                raise
            return False
        return True

    def _find_in_thread(self, parent: Delivery, key: str) -> Delivery | None:
        """Find the reply an earlier attempt posted under a message, by the key it carries."""
        replies = self._pages(
            self._client.conversations_replies, parent.channel, channel=parent.channel,
            ts=parent.ts, limit=200, include_all_metadata=True,
        )  # fmt: skip
        for message in (m for page in replies for m in page.get("messages") or []):
            if _payload(message).get("key") == key:
                return Delivery(parent.channel, str(message["ts"]))
        return None

    def update_modal(
        self, slack_user_id: str, view_id: str, view: View, *, hash_: str = ""
    ) -> None:
        """Show another page of the modal a person has open (`hash_`: Slack's guard against a
        stale page); the person says whose workspace's token shows it."""
        extra = {"hash": hash_} if hash_ else {}
        self._call(self._client.views_update, slack_user_id, view_id=view_id, view=view, **extra)

    def open_modal(self, trigger_id: str, view: View) -> None:
        """Open a modal for the person who just clicked (their trigger lasts three seconds)."""
        # The trigger names the workspace of the click (see `Deps.team_of`).
        self._call(self._client.views_open, trigger_id, trigger_id=trigger_id, view=view)

    def publish_home(self, slack_user_id: str, view: View) -> None:
        """Show a person's App Home."""
        self._call(self._client.views_publish, slack_user_id, user_id=slack_user_id, view=view)

    def reply_in_thread(self, channel: str, thread_ts: str, reply: Reply) -> None:
        """Answer under a message (in a DM: under the owner's words or their check-in)."""
        self._post(channel, channel, reply, thread_ts=thread_ts)

    def say_in(self, channel: str, reply: Reply) -> None:
        """Post a short message in a conversation the person is in."""
        self._post(channel, channel, reply)

    def replace(self, delivery: Delivery, reply: Reply) -> None:
        """Rewrite a message the bot posted."""
        self._call(
            self._client.chat_update, delivery.channel, channel=delivery.channel,
            ts=delivery.ts, text=reply.text, blocks=reply.block_dicts(),
        )  # fmt: skip

    def _find_parts(self, channel: str, key: str, *, thread: bool) -> _Posted | None:
        """Find what an earlier attempt posted in a channel: the message with this key and
        (`thread`) the numbered parts and files in its thread. None if the message is not there.
        """
        if not key:
            return None
        history = self._pages(
            self._client.conversations_history, channel, most=HISTORY_PAGES, channel=channel,
            limit=200, include_all_metadata=True,
        )  # fmt: skip
        # Newest first: files shared in the channel after the message (a digest's chart) are
        # seen before it, and count as posted too.
        files: set[str] = set()
        parent = None
        for message in (m for page in history for m in page.get("messages") or []):
            files.update(str(f.get("name")) for f in message.get("files") or [])
            if _payload(message).get("key") == key:
                parent = message
                break
        if parent is None:
            return None
        found = _Posted(Delivery(channel, str(parent["ts"])), files=files)
        if not thread:
            return found
        replies = self._pages(
            self._client.conversations_replies, channel, channel=channel, ts=found.parent.ts,
            limit=200, include_all_metadata=True,
        )  # fmt: skip
        for message in (m for page in replies for m in page.get("messages") or []):
            payload = _payload(message)
            if payload.get("key") == key and isinstance(payload.get("part"), int):
                found.parts.add(payload["part"])
            found.files.update(str(f.get("name")) for f in message.get("files") or [])
        return found

    def send_escalation(
        self, escalation: Escalation, *, key: str = "", resume: bool = False
    ) -> Delivery:
        """Tell the coordinators, in their channel or by DM to each of them."""
        reply = build_escalation(escalation)
        if self.coordinators_channel:
            channel = self.coordinators_channel
            # Each coordinator's escalation of the day is one message in a shared channel.
            shared = _shared_key(key)
            look = resume or shared != key
            found = self._find_parts(channel, shared, thread=False) if look else None
            return found.parent if found else self._post(channel, channel, reply, key=shared)
        if not escalation.coordinators:
            raise DeliveryFailed("no coordinator to tell: set HLM_COORDINATORS")
        told: list[Delivery] = []
        gone: list[RecipientGone] = []
        failed: list[DeliveryFailed] = []
        for coordinator in escalation.coordinators:
            # A coordinator told by an earlier attempt is not told again, and one who cannot be
            # told now (or has left Slack) does not keep the others from being told.
            try:
                dm = self._open_dm(coordinator)
                found = self._find_parts(dm, key, thread=False) if resume else None
                told.append(found.parent if found else self._post(coordinator, dm, reply, key=key))
            except RecipientGone as exc:
                log.warning("coordinator %s not told: %s", coordinator, exc.reason)
                gone.append(exc)
            except SlackUnavailable:
                raise  # the others would only wait for the same: the next attempt tells them
            except DeliveryFailed as exc:
                log.warning("coordinator %s not told yet: %s", coordinator, exc)
                failed.append(exc)
        if failed:
            raise failed[0]  # the next attempt tells only those not told
        if not told:
            raise gone[0]
        return told[0]

    def nudge(self, slack_user_id: str, reply: Reply, *, thread: Delivery | None) -> None:
        """Remind an owner in one line: under their latest check-in, else in their DM."""
        if thread is not None and thread.channel and thread.ts:
            self._post(slack_user_id, thread.channel, reply, thread_ts=thread.ts)
        else:
            self._post(slack_user_id, slack_user_id, reply)

    def send_confirmation(
        self, request: ConfirmationRequest, *, key: str = "", resume: bool = False
    ) -> Delivery:
        """Ask the awaited institution's owner, in their DM, to confirm another's completion."""
        who = request.slack_user_id
        channel = self._open_dm(who) if resume else self._dm.get(who, who)
        found = self._find_parts(channel, key, thread=False) if resume else None
        sent = found.parent if found else self._post(who, channel, build_confirmation_request(request), key=key)  # fmt: skip
        self._dm[who] = sent.channel
        return sent

    def post_digest(
        self, digest: Digest, chart: bytes | None, *, key: str = "", resume: bool = False
    ) -> Delivery:
        """Post the digest: in the digest channel, or in each workspace's (installed in several:
        see `digest_channels`). Each gets its message with the chart right under it, and each
        area's detail in the message's thread; a quiet period is its one line, nothing more.

        The chart goes to the channel itself, not the thread, so that readers see it; an upload
        cannot carry blocks or metadata, so it follows the message instead of holding it, and
        is named after the key, which lets a later attempt see it is there.
        """
        channels = self._digest_channels or {None: self.digest_channel or ""}
        if not all(channels.values()):
            raise DeliveryFailed("HLM_DIGEST_CHANNEL is not set", trouble=Trouble.CHANNEL)
        delivered = []
        for team, channel in channels.items():
            if self._client_for is not None:
                self._channel_team[channel] = team
            delivered.append(self._digest_in(channel, digest, chart, key=key, resume=resume))
        return delivered[0]

    def _digest_in(
        self, channel: str, digest: Digest, chart: bytes | None, *, key: str, resume: bool
    ) -> Delivery:
        parent, thread = build_digest(digest)
        chart = None if digest.quiet else chart
        found = self._find_parts(channel, key, thread=bool(thread or chart)) if resume else None
        first = found.parent if found else self._post(channel, channel, parent, key=key)
        missing: Reply | None = None
        name = chart_name(key)
        # The chart is there, or the thread already says it could not be attached.
        charted = found is not None and (name in found.files or len(thread) + 1 in found.parts)
        if chart and not charted:
            try:
                self.upload(channel, chart, filename=name, title=digest.title)
            except SlackUnavailable:
                raise  # the next attempt adds it, and what follows
            except DeliveryFailed as exc:  # refused: the digest goes out, and says so
                log.warning("%s: chart not attached: %s", key, exc)
                missing = build_note(CHART_MISSING.format(error=escape(str(exc))))
        self._post_thread(channel, first, [*thread, *([missing] if missing else [])], key=key,
                          found=found)  # fmt: skip
        return first

    def upload(
        self,
        channel: str,
        content: bytes,
        *,
        filename: str,
        title: str = "",
        comment: str | None = None,
        who: str = "",
    ) -> None:
        """Share a file in a conversation (a channel, or a DM's id), with an optional comment
        (mrkdwn, escaped by the caller); RecipientGone or DeliveryFailed as for any call."""
        self._call(
            self._client.files_upload_v2, who or channel, channel=channel, content=content,
            filename=filename, title=title or filename, initial_comment=comment,
        )  # fmt: skip

    def upload_to_dm(
        self, slack_user_id: str, filename: str, content: bytes, title: str, comment: str
    ) -> None:
        """Share a file in a person's DM with the bot (files.completeUploadExternal shares into
        a conversation id, not a user id); RecipientGone if they left."""
        channel = self._open_dm(slack_user_id)
        self.upload(channel, content, filename=filename, title=title, comment=comment,
                    who=slack_user_id)  # fmt: skip

    def profile(self, slack_user_id: str) -> SlackProfile:
        """Return Slack's profile of a user, or raise RecipientGone."""
        user = self._call(self._client.users_info, slack_user_id, user=slack_user_id)["user"]
        if user.get("deleted"):
            raise RecipientGone(slack_user_id, "deactivated")
        return _profile(user)

    def profiles(self) -> Iterator[SlackProfile]:
        """Read the workspace's directory page by page, deactivated accounts included."""
        pages = self._pages(self._client.users_list, "directory", limit=DIRECTORY_PAGE)
        for user in (u for page in pages for u in page.get("members") or []):
            if user.get("id") and not user.get("is_bot"):
                yield _profile(user)

    def _pages(
        self, method: Callable[..., Any], who: str, *, most: int | None = None, **params: Any
    ) -> Iterator[Any]:
        """Call a paginated method, page after page while the caller reads (`most` pages)."""
        cursor = None
        for _ in range(most) if most is not None else itertools.count():
            page = self._call(method, who, cursor=cursor, **params)
            yield page
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return

    def _post(
        self,
        who: str,
        channel: str,
        reply: Reply,
        *,
        key: str = "",
        part: int = 0,
        thread_ts: str | None = None,
    ) -> Delivery:
        """Post one message; with a key, tag it (and which part of the whole it is) in its
        metadata, so that a later attempt can tell what is already there.

        A post is never repeated here (see STORING): when Slack fails mid-way the outbox tries
        again later with `resume`, which looks for the message by its key first.
        """
        extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        if key:
            payload: dict[str, Any] = {"key": key} | ({"part": part} if part else {})
            extra["metadata"] = {"event_type": OUTBOX_EVENT, "event_payload": payload}
        response = self._call(
            self._client.chat_postMessage,
            who,
            channel=channel,
            text=reply.text,
            blocks=reply.block_dicts(),
            **extra,
        )
        return Delivery(str(response["channel"]), str(response["ts"]))

    def _post_thread(
        self, who: str, parent: Delivery, replies: list[Reply], *, key: str, found: _Posted | None
    ) -> None:
        """Post the rest of a message in its thread, parts numbered from 1, except the parts an
        earlier attempt posted (`found`)."""
        for part, reply in enumerate(replies, 1):
            if not (found and part in found.parts):
                self._post(who, parent.channel, reply, key=key, part=part, thread_ts=parent.ts)

    def _open_dm(self, slack_user_id: str) -> str:
        if slack_user_id not in self._dm:
            response = self._call(
                self._client.conversations_open, slack_user_id, users=slack_user_id
            )
            self._dm[slack_user_id] = str(response["channel"]["id"])
        return self._dm[slack_user_id]

    def _team(self, who: str) -> str | None:
        """Return the workspace of a person or channel (None: the single or home workspace)."""
        if who in self._channel_team:
            return self._channel_team[who]
        return self._team_of(who) if self._team_of is not None else None

    def _on_client_of(self, method: Callable[..., Any], who: str) -> Callable[..., Any]:
        """Return the same Web API method on the client of `who`'s workspace."""
        if self._client_for is None:
            return method
        client = self._client_for(self._team(who))
        return getattr(client, method.__name__)  # type: ignore[no-any-return]

    def _call(self, method: Callable[..., Any], who: str, **params: Any) -> Any:
        if self._limits is not None:
            self._limits.wait(_api_method(method))
        try:
            method = self._on_client_of(method, who)
            answer = method(**params)
            channel = answer.get("channel") if hasattr(answer, "get") else None
            channel_id = channel.get("id") if isinstance(channel, dict) else channel
            if self._client_for is not None and isinstance(channel_id, str) and channel_id != who:
                self._channel_team.setdefault(channel_id, self._team(who))
            return answer
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error in GONE_ERRORS:
                raise RecipientGone(who, error) from exc
            failure = f"{method.__name__}: {error or exc.response.status_code}"
            if exc.response.status_code >= 500 or error in UNAVAILABLE_ERRORS:
                raise SlackUnavailable(failure) from exc
            raise DeliveryFailed(failure, trouble=TROUBLES.get(error)) from exc
        except OSError as exc:  # connection refused or reset after the retries
            raise SlackUnavailable(f"{method.__name__}: {exc}") from exc


@dataclass
class _Posted:
    """What an earlier attempt posted: the message, and the parts and files in its thread."""

    parent: Delivery
    parts: set[int] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


def chart_name(key: str) -> str:
    """Name a digest's chart file after its outbox key ("digest-weekly-2026-11-23.png")."""
    if not key:
        return CHART_FILE
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in key) + ".png"


def _payload(message: dict[str, Any]) -> dict[str, Any]:
    """Return what a message carries in its metadata (the outbox key, the part), or {}."""
    payload = (message.get("metadata") or {}).get("event_payload")
    return payload if isinstance(payload, dict) else {}


def _shared_key(key: str) -> str:
    """Name a coordinator's escalation of a day (`escalation:<who>:<day>`) as the channel's."""
    kind, *rest = key.split(":")
    return f"{kind}:channel:{rest[1]}" if kind == "escalation" and len(rest) == 2 else key


def _profile(user: dict[str, Any]) -> SlackProfile:
    profile = user.get("profile") or {}
    slack_user_id = str(user.get("id"))
    return SlackProfile(
        slack_user_id=slack_user_id,
        name=profile.get("real_name") or user.get("real_name") or user.get("name") or slack_user_id,
        email=profile.get("email"),
        tz=user.get("tz"),
        deleted=bool(user.get("deleted")),
    )


class _ShortJitter(Jitter):
    """Spread retries by up to a quarter of their interval (the default adds up to a second)."""

    def recalculate(self, duration: float) -> float:
        return duration * (1 + random.uniform(0, 0.25))  # noqa: S311 (jitter, not security)


def _api_method(method: Callable[..., Any]) -> str:
    """Name the Web API method a client method calls: chat_postMessage is chat.postMessage."""
    return method.__name__.replace("_", ".", 1)
