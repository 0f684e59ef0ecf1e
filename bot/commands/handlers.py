"""Run a parsed `/hlm` command: call the workflows, render the replies. No Slack I/O here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.commands import parse as c
from bot.slack_text import slack_id_of
from bot.views import Reply
from bot.views.status import (
    HISTORY_SHOWN,
    build_area_status,
    build_commitment_detail,
    build_help,
    build_message,
    build_my_commitments,
    build_overview,
    build_owners,
)
from workflows.calendar import parse_day
from workflows.catalogue.lookup import find_area, find_commitment
from workflows.errors import InvalidDate, InvalidInput, NotAllowed, UnknownPerson
from workflows.people.assignments import assign, assignments_of, unassign
from workflows.people.directory import (
    coordinator_names,
    institution_of_email,
    person_by_slack_id,
    set_away,
    upsert_person,
)
from workflows.ports import Notifier, RecipientGone, SlackProfile
from workflows.store.models import Person
from workflows.types import Institution, Role, UpdateSource
from workflows.updates.record import history
from workflows.updates.service import RecordUpdate, record
from workflows.updates.status import area_status, commitment_statuses, overview, report_of
from workflows.updates.status_cache import StatusCache

COORDINATORS_ONLY = "Only coordinators can {what}. Ask one of them: {names}."
NOT_REGISTERED = "You are not registered as an owner yet. Ask a coordinator to assign you."
ASSIGN_NEEDS_INSTITUTION = "I don't know {who}'s institution yet: add ilo, ec or eeas, e.g. `/hlm assign gender {who} ilo`."
UPDATED = "Recorded {code}: {status} for the {institution}{late}."
ALREADY = "That update was already recorded."
AWAY_SET = "You are marked away until {day:%A %d %B %Y}{reason}. No check-ins until then."
AWAY_OFF = "Welcome back: check-ins will reach you again."


@dataclass(frozen=True)
class Actor:
    """Who issued a command, as the command handlers need them."""

    slack_user_id: str
    person: Person | None
    is_coordinator: bool


@dataclass(frozen=True)
class CommandContext:
    """What every command handler receives."""

    session: Session
    user_id: str  # the Slack id of who issued the command
    now: datetime
    notifier: Notifier
    coordinators: set[str]  # the Slack ids named in HLM_COORDINATORS
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
            actor = load_actor(self.session, self.user_id, self.coordinators)
            object.__setattr__(self, "_actor", actor)
        return actor


def load_actor(session: Session, slack_user_id: str, coordinators: set[str]) -> Actor:
    """Find who issued a command; people named in HLM_COORDINATORS count as coordinators."""
    person = person_by_slack_id(session, slack_user_id)
    listed = slack_user_id in coordinators
    return Actor(slack_user_id, person, listed or bool(person and person.is_coordinator))


def run_command(command: c.HlmCommand | c.Help, ctx: CommandContext) -> list[Reply]:
    """Run one parsed command and return the replies to show."""
    if isinstance(command, c.Help):
        return [build_help(problem=command.problem, suggestion=command.suggestion)]
    handler: Callable[[Any, CommandContext], list[Reply]] = _HANDLERS[type(command)]
    return handler(command, ctx)


def _status(cmd: c.StatusQuery, ctx: CommandContext) -> list[Reply]:
    share = ctx.text if not cmd.share else None
    if cmd.area is None:
        areas = STATUSES.overview(ctx.session, now=ctx.now)
        return RENDERED.get(areas, None, lambda: build_overview(areas))
    area = STATUSES.area(ctx.session, cmd.area, now=ctx.now)
    return RENDERED.get(area, share, lambda: build_area_status(area, share=share))


class RenderedStatuses:
    """Replies rendered from kept statuses, kept with them.

    While the data is unchanged the status cache returns the very same status object, so the
    replies rendered from it still hold; a new status is a new object and is rendered afresh.
    """

    MAX_ENTRIES = 256

    def __init__(self) -> None:
        self._kept: dict[tuple[int, str | None], tuple[object, list[Reply]]] = {}

    def get(
        self, status: object, share: str | None, render: Callable[[], list[Reply]]
    ) -> list[Reply]:
        """Return the replies rendered from this status object, rendering them the first time."""
        key = (id(status), share)  # the entry holds the object, so its id is not reused
        kept = self._kept.get(key)
        if kept is not None and kept[0] is status:
            return list(kept[1])
        replies = render()
        if len(self._kept) >= self.MAX_ENTRIES:
            self._kept.clear()
        self._kept[key] = (status, replies)
        return list(replies)


# One per process: kept statuses are checked against the data's token at every request.
STATUSES = StatusCache()
RENDERED = RenderedStatuses()


def _show(cmd: c.ShowCommitment, ctx: CommandContext) -> list[Reply]:
    commitment = find_commitment(ctx.session, cmd.code)
    item = commitment_statuses(ctx.session, [commitment], now=ctx.now)[0]
    found = history(ctx.session, commitment, limit=HISTORY_SHOWN)
    reports = [report_of(u) for u in found.updates]
    return [
        build_commitment_detail(
            item,
            area_title=commitment.area.title,
            history=reports,
            full_text=commitment.text,
            total=found.total,
        )
    ]


def _mine(cmd: c.Mine, ctx: CommandContext) -> list[Reply]:
    person = ctx.actor.person
    if person is None:
        return [build_message(NOT_REGISTERED)]
    owned = [a for a in assignments_of(ctx.session, person) if a.role is Role.OWNER]
    statuses = commitment_statuses(ctx.session, [a.commitment for a in owned], now=ctx.now)
    mine = [(s, a.institution) for s, a in zip(statuses, owned, strict=True)]
    return build_my_commitments(mine, name=person.name)


def _update(cmd: c.UpdateCommitment, ctx: CommandContext) -> list[Reply]:
    command = RecordUpdate(
        commitment=cmd.code,
        institution=cmd.institution,
        author_slack_id=ctx.user_id,
        status=cmd.status,
        source=UpdateSource.COMMAND,
        text=cmd.text,
        request_key=ctx.request_id or None,
        coordinator=ctx.actor.is_coordinator,
    )
    recorded = record(ctx.session, command, now=ctx.now)
    if not recorded.created:
        return [build_message(ALREADY)]
    update = recorded.update
    return [
        build_message(
            UPDATED.format(
                code=update.commitment.code,
                status=cmd.status.label,
                institution=update.institution.label,
                late="",
            )
        )
    ]


def _require_coordinator(ctx: CommandContext, what: str) -> None:
    if not ctx.actor.is_coordinator:
        names = coordinator_names(ctx.session, ctx.coordinators)  # only when refusing
        raise NotAllowed(COORDINATORS_ONLY.format(what=what, names=names))


def _assign(cmd: c.Assign, ctx: CommandContext) -> list[Reply]:
    _require_coordinator(ctx, "assign owners")
    person = _person_for(ctx, cmd.person, cmd.institution)
    role = Role.BACKUP if cmd.backup else Role.OWNER
    report = assign(
        ctx.session,
        target=cmd.target,
        person=person,
        institution=cmd.institution,
        role=role,
        now=ctx.now,
    )
    return [build_message(report.summary(person.name, cmd.institution or person.institution, role))]


def _person_for(ctx: CommandContext, ref: str, institution: Institution | None) -> Person:
    slack_id = slack_id_of(ref)
    known = person_by_slack_id(ctx.session, slack_id) if slack_id else None
    if known is not None or slack_id is None:
        return known or _find_by_email(ctx, ref)
    profile = (
        ctx.profiles[slack_id] if slack_id in ctx.profiles else ask_slack(ctx.notifier, slack_id)
    )
    if profile is None:
        raise UnknownPerson(ref)
    institution = institution or institution_of_email(profile.email)
    if institution is None:
        raise InvalidInput(ASSIGN_NEEDS_INSTITUTION.format(who=f"<@{slack_id}>"))
    return upsert_person(
        ctx.session,
        name=profile.name,
        institution=institution,
        email=profile.email,
        slack_user_id=slack_id,
        tz=profile.tz,
    )


def ask_slack(notifier: Notifier, slack_id: str) -> SlackProfile | None:
    """Return Slack's profile of a user, or None if the account is gone."""
    try:
        return notifier.profile(slack_id)
    except RecipientGone:
        return None


def newcomer(session: Session, command: c.Assign) -> str | None:
    """Return the Slack id an assign names, if the database does not know that person yet."""
    slack_id = slack_id_of(command.person)
    return slack_id if slack_id and person_by_slack_id(session, slack_id) is None else None


def _find_by_email(ctx: CommandContext, ref: str) -> Person:
    from workflows.people.directory import find_person

    return find_person(ctx.session, ref)


def _unassign(cmd: c.Unassign, ctx: CommandContext) -> list[Reply]:
    _require_coordinator(ctx, "unassign owners")
    institutions = [cmd.institution] if cmd.institution else list(Institution)
    role = Role.BACKUP if cmd.backup else Role.OWNER
    freed = [
        code
        for institution in institutions
        for code in unassign(ctx.session, target=cmd.target, institution=institution, role=role)
    ]
    text = (
        f"Removed the {role.value} of {', '.join(dict.fromkeys(freed))}."
        if freed
        else "Nobody was assigned there."
    )
    return [build_message(text)]


def _owners(cmd: c.Owners, ctx: CommandContext) -> list[Reply]:
    if cmd.area is None:
        return build_owners(overview(ctx.session, now=ctx.now))
    area = find_area(ctx.session, cmd.area)
    return build_owners([area_status(ctx.session, area, now=ctx.now)])


def _away(cmd: c.Away, ctx: CommandContext) -> list[Reply]:
    person = ctx.actor.person
    if person is None:
        raise NotAllowed(NOT_REGISTERED)
    today = ctx.now.date()
    if cmd.text is None:
        set_away(person, until=None, today=today)
        return [build_message(AWAY_OFF)]
    day, reason = split_day(cmd.text, today=today)
    set_away(person, until=day, today=today, reason=reason or None)
    return [build_message(AWAY_SET.format(day=day, reason=f" ({reason})" if reason else ""))]


def split_day(text: str, *, today: Any) -> tuple[Any, str]:
    """Read the longest leading words that make a day; the rest is the reason."""
    words = text.split()
    for size in range(min(len(words), 4), 0, -1):
        try:
            return parse_day(" ".join(words[:size]), today=today), " ".join(words[size:])
        except InvalidDate:
            continue
    return parse_day(words[0], today=today), ""


def _meetings(cmd: c.Meetings, ctx: CommandContext) -> list[Reply]:
    from workflows.reports.meetings import add_meeting, list_meetings, remove_meeting

    if cmd.action == "list":
        meetings = list_meetings(ctx.session, upcoming_from=ctx.now.date())
        lines = [
            f"{m.id}. {m.held_on:%a %d %b %Y} — {m.title} ({', '.join(a.slug for a in m.areas) or 'all areas'})"
            for m in meetings
        ]
        return [build_message("\n".join(lines) if lines else NO_MEETINGS)]
    _require_coordinator(ctx, "change technical meetings")
    if cmd.action == "remove":
        removed = remove_meeting(ctx.session, cmd.ref)
        return [
            build_message(
                f"Removed meeting {removed.id}: {removed.held_on:%d %B %Y}, {removed.title}."
            )
        ]
    day = parse_day(cmd.day, today=ctx.now.date())
    meeting = add_meeting(ctx.session, held_on=day, title=cmd.title, areas=cmd.areas, now=ctx.now)
    areas = ", ".join(a.slug for a in meeting.areas) or "all areas"
    return [
        build_message(
            f"Meeting {meeting.id} added: {meeting.held_on:%A %d %B %Y}, {meeting.title} ({areas}). Its digest goes out a few working days before."
        )
    ]


def _digest(cmd: c.DigestPreview, ctx: CommandContext) -> list[Reply]:
    from bot.views.digest import build_digest
    from workflows.reports.digests import meeting_digest, weekly_digest
    from workflows.reports.meetings import find_meeting

    _require_coordinator(ctx, "preview digests")
    if cmd.meeting:
        digest = meeting_digest(ctx.session, find_meeting(ctx.session, cmd.meeting), now=ctx.now)
    else:
        digest = weekly_digest(ctx.session, now=ctx.now)
    parent, thread = build_digest(digest)
    return [parent, *thread]


NO_MEETINGS = "No technical meeting is planned. Coordinators add one with `/hlm meeting add 2026-12-03 Title areas: osh, gender`."


_HANDLERS: dict[type, Callable[[Any, CommandContext], list[Reply]]] = {
    c.StatusQuery: _status,
    c.ShowCommitment: _show,
    c.Mine: _mine,
    c.UpdateCommitment: _update,
    c.Assign: _assign,
    c.Unassign: _unassign,
    c.Owners: _owners,
    c.Away: _away,
    c.Meetings: _meetings,
    c.DigestPreview: _digest,
}
