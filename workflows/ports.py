"""What the domain needs from the outside world, as small protocols with plain values.

`bot/slack_gateway.py` implements `Notifier` over Slack's Web API (rendering the Block Kit there);
`tests/fakes.py` records what would have been sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from workflows.types import StandIn, Trouble
from workflows.updates.status import Report

if TYPE_CHECKING:
    from workflows.reports.digests import Digest
    from workflows.updates.confirmation import ConfirmationRequest
from workflows.types import Institution, OutboxKind, Status


@dataclass(frozen=True)
class CheckinItem:
    """One institution's part of a commitment, as a check-in asks its owner about it."""

    key: str
    code: str
    area: str
    number: str
    text: str
    institution: Institution
    status: Status | None
    recorded: Report | None = None  # what the owner recorded in this cycle, if anything
    joint: bool = False  # the commitment is shared: the check-in says which institution's part
    confirmed: bool = False  # the answer was "Nothing changed"


@dataclass(frozen=True)
class CheckinPrompt:
    """A check-in: one owner, the open commitments they answer for, and when it closes."""

    prompt_id: int
    slack_user_id: str
    name: str
    cycle: str
    closes_on: date
    items: tuple[CheckinItem, ...]
    reminder: int = 0  # 0 for the first ask, then 1, 2 … for reminders
    stand_ins: tuple[StandIn, ...] = ()  # whose parts they are asked about instead, and why
    skipped_at: datetime | None = None  # the owner skipped this cycle…
    skip_reason: str = ""  # …saying why

    @property
    def answered(self) -> int:
        """Count the items with an answer recorded in this cycle."""
        return sum(item.recorded is not None for item in self.items)

    @property
    def open_items(self) -> tuple[CheckinItem, ...]:
        """Return the items with no answer yet in this cycle."""
        return tuple(item for item in self.items if item.recorded is None)


@dataclass(frozen=True)
class CheckinReminder:
    """A reminder: the cycle's check-in as it now stands, and where its message is (None: it
    cannot be found, so the reminder goes as a DM of its own)."""

    checkin: CheckinPrompt
    delivery: Delivery | None
    number: int = 1  # the first reminder of the cycle, the second…


@dataclass(frozen=True)
class Delivery:
    """Where a message landed in Slack, so it can be updated in place."""

    channel: str
    ts: str


@dataclass(frozen=True)
class OpenPart:
    """A commitment part still open, as an escalation names it: id, area and words."""

    code: str
    area: str
    text: str
    institution: Institution
    key: str = ""  # `hlm15/gender-3`: what a reassignment names, whichever meeting is current


@dataclass(frozen=True)
class OwnerSilent:
    """An owner who has not answered the last `missed` check-ins, and what is still open
    (`person_id` and `parts` when the escalation offers to nudge them or reassign their work)."""

    name: str
    missed: int
    codes: tuple[str, ...]
    person_id: int | None = None
    parts: tuple[OpenPart, ...] = ()


@dataclass(frozen=True)
class OwnerUnavailable:
    """An owner who has left (`left`) or is away until `away_until`: the backups now answering
    for some of their parts (`backups`), and the parts nobody answers for (`parts`)."""

    person_id: int
    name: str
    left: bool
    away_until: date | None
    backups: tuple[str, ...]
    parts: tuple[OpenPart, ...]


@dataclass(frozen=True)
class OwnerDeparted:
    """An owner who left Slack (`reason`: Slack's word for it), and what needs a new owner."""

    name: str
    reason: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class OwnerUnreachable:
    """An owner the escalation was about, no longer on record."""


@dataclass(frozen=True)
class MessageGivenUp:
    """A message the bot gave up sending after `attempts`; `cause` is why, `trouble` what to fix.

    A digest names its technical meeting (`meeting_id`; `meeting_on` and `meeting_title` unless
    the meeting was removed since); a check-in or reminder names its owner (`person`).
    """

    kind: OutboxKind
    attempts: int
    cause: str
    trouble: Trouble | None = None
    person: str | None = None
    meeting_id: int | None = None
    meeting_on: date | None = None
    meeting_title: str | None = None


EscalationEntry = OwnerSilent | OwnerUnavailable | OwnerDeparted | OwnerUnreachable | MessageGivenUp


@dataclass(frozen=True)
class Escalation:
    """What the coordinators must hear: silent or departed owners, or messages given up on."""

    coordinators: tuple[str, ...]
    entries: tuple[EscalationEntry, ...]
    at: datetime
    nudged: frozenset[int] = frozenset()  # owners already nudged today


@dataclass(frozen=True)
class SlackProfile:
    """What Slack says about a user."""

    slack_user_id: str
    name: str
    email: str | None
    tz: str | None
    deleted: bool = False


class RecipientGone(Exception):
    """Slack says the user is deactivated or unknown: do not retry."""

    def __init__(self, slack_user_id: str, reason: str) -> None:
        super().__init__(f"{slack_user_id}: {reason}")
        self.slack_user_id = slack_user_id
        self.reason = reason


class DeliveryFailed(Exception):
    """Slack could not take the message now (after retries); it stays due and is tried again."""

    def __init__(self, message: str, *, trouble: Trouble | None = None) -> None:
        super().__init__(message)
        self.trouble = trouble


class Notifier(Protocol):
    """Sends what the domain decided to say, and reads who people are."""

    def send_checkin(self, prompt: CheckinPrompt, *, key: str, resume: bool = False) -> Delivery:
        """Send a check-in DM to its owner, tagged with the outbox key.

        `resume`: an earlier attempt may have posted part of it; post only what is missing and
        return the message it began with.
        """
        ...

    def send_reminder(
        self, reminder: CheckinReminder, *, key: str, resume: bool = False
    ) -> Delivery:
        """Remind an owner in one line under their check-in, and show it as it stands (`resume`:
        the line an earlier attempt posted is not posted again)."""
        ...

    def send_escalation(
        self, escalation: Escalation, *, key: str, resume: bool = False
    ) -> Delivery:
        """Tell the coordinators about owners who do not answer or have left, or messages given
        up on (`resume`: the coordinators an earlier attempt told are not told again)."""
        ...

    def post_digest(
        self, digest: Digest, chart: bytes | None, *, key: str, resume: bool = False
    ) -> Delivery:
        """Post a digest to the digest channel: a short message, details in its thread
        (`resume`: post only what an earlier attempt did not)."""
        ...

    def send_confirmation(
        self, request: ConfirmationRequest, *, key: str, resume: bool = False
    ) -> Delivery:
        """Ask an awaited institution's owner, by DM, to confirm another's completion
        (`resume`: an earlier attempt may have posted it already)."""
        ...

    def refresh_checkin(self, prompt: CheckinPrompt, delivery: Delivery) -> None:
        """Show what was recorded in a check-in message, in place."""
        ...

    def profile(self, slack_user_id: str) -> SlackProfile:
        """Return Slack's profile of a user, or raise RecipientGone."""
        ...

    def profiles(self) -> Iterator[SlackProfile]:
        """Return every user of the workspace, deactivated ones included (`deleted`)."""
        ...
