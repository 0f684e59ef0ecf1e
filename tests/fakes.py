"""A Notifier that records what the domain would have sent, for tests without Slack."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from workflows.ports import (
    CheckinPrompt,
    CheckinReminder,
    Delivery,
    DeliveryFailed,
    Escalation,
    RecipientGone,
    SlackProfile,
)


@dataclass
class RecordingNotifier:
    """Keeps a transcript of check-ins, refreshes, escalations and digests."""

    gone: set[str] = field(default_factory=set)
    failing: int = 0  # how many sends fail (transiently) before they succeed
    tz: dict[str, str] = field(default_factory=dict)
    directory: list[SlackProfile] = field(default_factory=list)  # what users.list would say
    transcript: list[tuple[str, Any]] = field(default_factory=list)
    posted: dict[str, Delivery] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _deliver(self, channel: str, key: str) -> Delivery:
        if self.failing > 0:
            self.failing -= 1
            raise DeliveryFailed("ratelimited")
        delivery = Delivery(channel, f"1700000000.{next(self._ts):06d}")
        if key:
            self.posted[key] = delivery
        return delivery

    def send_checkin(
        self, prompt: CheckinPrompt, *, key: str = "", resume: bool = False
    ) -> Delivery:
        if prompt.slack_user_id in self.gone:
            raise RecipientGone(prompt.slack_user_id, "account_inactive")
        return self._record("checkin", prompt, "D" + prompt.slack_user_id, key, resume)

    def refresh_checkin(self, prompt: CheckinPrompt, delivery: Delivery) -> None:
        self.transcript.append(("refresh", prompt))

    def send_reminder(
        self, reminder: CheckinReminder, *, key: str = "", resume: bool = False
    ) -> Delivery:
        who = reminder.checkin.slack_user_id
        if who in self.gone:
            raise RecipientGone(who, "account_inactive")
        # Transcribed as what the owner sees: their check-in as it stands, numbered.
        shown = replace(reminder.checkin, reminder=reminder.number)
        return self._record("checkin", shown, "D" + who, key, resume)

    def send_escalation(
        self, escalation: Escalation, *, key: str = "", resume: bool = False
    ) -> Delivery:
        return self._record("escalation", escalation, "CCOORD", key, resume)

    def post_digest(
        self, digest: Any, chart: bytes | None, *, key: str = "", resume: bool = False
    ) -> Delivery:
        return self._record("digest", digest, "CDIGEST", key, resume)

    def send_confirmation(self, request: Any, *, key: str = "", resume: bool = False) -> Delivery:
        return self._record("confirmation", request, request.slack_user_id, key, resume)

    def _record(self, kind: str, sent: Any, channel: str, key: str, resume: bool) -> Delivery:
        if resume and key in self.posted:  # what an earlier attempt sent is not sent again
            return self.posted[key]
        delivery = self._deliver(channel, key)
        self.transcript.append((kind, sent))
        return delivery

    def profile(self, slack_user_id: str) -> SlackProfile:
        if slack_user_id in self.gone:
            raise RecipientGone(slack_user_id, "account_inactive")
        return SlackProfile(slack_user_id, slack_user_id, None, self.tz.get(slack_user_id))

    def profiles(self) -> Iterator[SlackProfile]:
        self.transcript.append(("directory", len(self.directory)))
        yield from self.directory

    def sent(self, kind: str) -> list[Any]:
        """Return what was sent of one kind, in order."""
        return [item for k, item in self.transcript if k == kind]
