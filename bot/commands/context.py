"""What every `/hlm` handler receives: the dependencies, the session, who asked, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.bootstrap import Deps
from workflows.errors import NotAllowed
from workflows.people.directory import coordinator_names, person_by_slack_id
from workflows.ports import DeliveryFailed, Notifier, RecipientGone, SlackProfile
from workflows.store.models import Person

COORDINATORS_ONLY = "Only coordinators can {what}. Ask one of them: {names}."
NOT_REGISTERED = "You are not registered as an owner yet. Ask a coordinator to assign you."


@dataclass(frozen=True)
class Actor:
    """Who issued a command, as the command handlers need them."""

    slack_user_id: str
    person: Person | None
    is_coordinator: bool


@dataclass(frozen=True)
class CommandContext:
    """What every command handler receives."""

    deps: Deps
    session: Session
    user_id: str  # the Slack id of who issued the command
    now: datetime
    text: str
    request_id: str  # Slack's trigger_id: the same command delivered twice has the same one
    # What Slack said about people the command names, asked before the unit of work began (None:
    # gone from Slack). Someone not in here is asked about during the command.
    profiles: dict[str, SlackProfile | None] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        """Who issued the command, looked up when a command first asks (a status never does)."""
        # Kept by hand: functools.cached_property takes one lock for every instance (until
        # Python 3.12), which would make concurrent commands wait on each other's lookup.
        actor = self.__dict__.get("_actor")
        if actor is None:
            actor = load_actor(self.session, self.user_id, self.deps.coordinators)
            object.__setattr__(self, "_actor", actor)
        return actor


def load_actor(session: Session, slack_user_id: str, coordinators: frozenset[str]) -> Actor:
    """Find who issued a command; people named in HLM_COORDINATORS count as coordinators."""
    person = person_by_slack_id(session, slack_user_id)
    listed = slack_user_id in coordinators
    return Actor(slack_user_id, person, listed or bool(person and person.is_coordinator))


def registered(ctx: CommandContext) -> Person:
    """Return who issued the command, or refuse someone the bot does not know as a person."""
    person = ctx.actor.person
    if person is None:
        raise NotAllowed(NOT_REGISTERED)
    return person


def require_coordinator(ctx: CommandContext, what: str) -> None:
    """Refuse, naming the coordinators to ask, unless a coordinator issued the command."""
    if not ctx.actor.is_coordinator:
        names = coordinator_names(ctx.session, ctx.deps.coordinators)  # only when refusing
        raise NotAllowed(COORDINATORS_ONLY.format(what=what, names=names))


def ask_slack(notifier: Notifier, slack_id: str) -> SlackProfile | None:
    """Return Slack's profile of a user, or None if the account is gone."""
    try:
        return notifier.profile(slack_id)
    except RecipientGone:
        return None


def send_to_asker(
    ctx: CommandContext, filename: str, content: bytes, title: str, comment: str
) -> str | None:
    """Upload a file to the DM of who asked; None once sent, else the words of the failure."""
    try:
        ctx.deps.slack.upload_to_dm(ctx.user_id, filename, content, title, comment)
    except (DeliveryFailed, RecipientGone) as exc:
        return str(exc)
    return None
