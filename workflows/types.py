"""Enums of the domain and the column aliases the models share."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class Institution(enum.StrEnum):
    """An institution that commits to, and reports on, the conclusions."""

    ILO = "ilo"
    COMMISSION = "ec"
    EEAS = "eeas"

    @property
    def label(self) -> str:
        """Name the institution the way people say it."""
        return _INSTITUTION_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Institution:
        """Read an institution from what a person may type (`ilo`, `EC`, `Commission`)."""
        key = text.strip().lower().replace("european ", "")
        for institution, aliases in _INSTITUTION_ALIASES.items():
            if key in aliases:
                return institution
        raise ValueError(text)


_INSTITUTION_LABELS = {
    Institution.ILO: "ILO",
    Institution.COMMISSION: "Commission",
    Institution.EEAS: "EEAS",
}
_INSTITUTION_ALIASES = {
    Institution.ILO: {"ilo", "international labour organization", "international labour office"},
    Institution.COMMISSION: {"ec", "commission", "eu", "european commission"},
    Institution.EEAS: {"eeas", "external action service", "european external action service"},
}


class Status(enum.StrEnum):
    """Where a commitment stands for one institution, as its owner reports it."""

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BLOCKED = "blocked"
    COMPLETED = "completed"
    DROPPED = "dropped"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        """Name the status as coordinators say it."""
        return self.value.replace("_", " ").capitalize()

    @property
    def is_closed(self) -> bool:
        """Tell whether nothing more is expected of the commitment."""
        return self in CLOSED_STATUSES

    @classmethod
    def parse(cls, text: str) -> Status:
        """Read a status from what a person may type (`on track`, `on-track`, `done`)."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        key = _STATUS_ALIASES.get(key, key)
        return cls(key)


CLOSED_STATUSES = frozenset({Status.COMPLETED, Status.DROPPED, Status.SUPERSEDED})
_STATUS_ALIASES = {
    "done": "completed",
    "complete": "completed",
    "finished": "completed",
    "ontrack": "on_track",
    "ok": "on_track",
    "risk": "at_risk",
    "atrisk": "at_risk",
    "notstarted": "not_started",
    "todo": "not_started",
    "stuck": "blocked",
    "abandoned": "dropped",
}


class UpdateSource(enum.StrEnum):
    """Where an update came from."""

    BUTTON = "button"
    MODAL = "modal"
    THREAD = "thread"
    COMMAND = "command"
    CLI = "cli"
    # "Nothing changed" in a check-in: the status is confirmed as it stands, not silence.
    CONFIRMED = "confirmed"


class Section(enum.StrEnum):
    """The part of the conclusions an area belongs to."""

    GENERAL = "general"
    STRATEGIC = "strategic"
    TECHNICAL = "technical"


class Role(enum.StrEnum):
    """How a person holds a commitment for their institution."""

    OWNER = "owner"
    BACKUP = "backup"


class OutboxKind(enum.StrEnum):
    """What an outgoing message is."""

    CHECKIN = "checkin"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    DIGEST = "digest"
    # A joint item one institution completed: its counterpart's owner is asked to confirm.
    CONFIRMATION = "confirmation"


class OutboxState(enum.StrEnum):
    """Where an outgoing message is on its way to Slack."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after repeated transient errors
    GONE = "gone"  # the recipient left Slack; coordinators were told
    SKIPPED = "skipped"  # nothing left to ask, or the person is away


class Trouble(enum.StrEnum):
    """What a lasting refusal is about, so that people can be told what to fix."""

    CHANNEL = "channel"  # the channel is not set, not found, archived, or the bot is not in it
    PERMISSION = "permission"  # the app lacks a scope: it must be reinstalled


@dataclass(frozen=True)
class StandIn:
    """Why someone other than the owner answers for a part: the owner left, or is away."""

    owner: str
    left: bool
    away_until: date | None = None


@dataclass(frozen=True)
class Skip:
    """An owner who skipped a cycle's check-in, and why (coordinators see it in the digest)."""

    name: str
    cycle: str
    reason: str
    at: datetime
