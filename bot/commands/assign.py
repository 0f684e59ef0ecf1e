"""`/hlm assign`, `/hlm unassign` and `/hlm owners`: who answers for what.

The rules (institution names, owner or backup, what unassigning without an institution frees)
are `workflows.people.ownership`'s, shared with `hlm assign` and `hlm unassign`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext, ask_slack, require_coordinator
from bot.commands.words import is_person, options, split_share
from bot.slack_text import slack_id_of
from bot.views import Reply
from bot.views.status import build_message, build_owners
from bot.wording import flag_words
from workflows.catalogue.lookup import find_area
from workflows.errors import InvalidInput, UnknownPerson
from workflows.people.directory import (
    find_person,
    institution_of_email,
    person_by_slack_id,
    upsert_person,
)
from workflows.people.ownership import (
    assign_person,
    role_for,
    unassign_part,
    unavailable_people,
)
from workflows.store.models import Person
from workflows.types import Institution
from workflows.updates.status import area_status, overview

ASSIGN_NEEDS_INSTITUTION = "I don't know {who}'s institution yet: add ilo, ec or eeas, e.g. `/hlm assign gender {who} ilo`."
WHO_AND_WHAT = "Say what to assign and to whom, with one @mention."
WHAT = "Say which commitment or area to free."
REMOVED = "Removed the {role} of {codes}."
NOBODY = "Nobody was assigned there."


@dataclass(frozen=True)
class Assign:
    """`/hlm assign <id|area> <@user> [ilo|ec|eeas] [backup]`."""

    target: str
    person: str
    institution: Institution | None = None
    backup: bool = False


@dataclass(frozen=True)
class Unassign:
    """`/hlm unassign <id|area> [ilo|ec|eeas] [backup]`."""

    target: str
    institution: Institution | None = None
    backup: bool = False


@dataclass(frozen=True)
class Owners:
    """`/hlm owners [area]`."""

    area: str | None = None
    share: bool = False


def parse_assign(words: list[str]) -> Assign | Help:
    """Read `<id or area> @person [ilo|ec|eeas] [backup]`, in any order."""
    rest, institution, backup = options(words)
    people = [w for w in rest if is_person(w)]
    targets = [w for w in rest if not is_person(w)]
    if len(people) != 1 or not targets:
        return ASSIGN.usage_help(WHO_AND_WHAT)
    return Assign(" ".join(targets), people[0], institution, backup)


def parse_unassign(words: list[str]) -> Unassign | Help:
    """Read `<id or area> [ilo|ec|eeas] [backup]`."""
    rest, institution, backup = options(words)
    if not rest:
        return UNASSIGN.usage_help(WHAT)
    return Unassign(" ".join(rest), institution, backup)


def parse_owners(words: list[str]) -> Owners:
    """Read `[area] [share]`."""
    words, share = split_share(words)
    return Owners(" ".join(words) or None, share)


def handle_assign(cmd: Assign, ctx: CommandContext) -> list[Reply]:
    """Make the person a coordinator names owner (or backup) of a commitment or an area."""
    require_coordinator(ctx, "assign owners")
    person = _person_for(ctx, cmd.person, cmd.institution)
    assigned = assign_person(
        ctx.session,
        target=cmd.target,
        person=person,
        institution=cmd.institution,
        backup=cmd.backup,
        now=ctx.now,
    )
    return [build_message(assigned.summary())]


def _person_for(ctx: CommandContext, ref: str, institution: Institution | None) -> Person:
    slack_id = slack_id_of(ref)
    known = person_by_slack_id(ctx.session, slack_id) if slack_id else None
    if known is not None or slack_id is None:
        return known or find_person(ctx.session, ref)
    profile = (
        ctx.profiles[slack_id] if slack_id in ctx.profiles else ask_slack(ctx.deps.slack, slack_id)
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


def newcomer(session: Session, command: Assign) -> str | None:
    """Return the Slack id an assign names, if the database does not know that person yet."""
    slack_id = slack_id_of(command.person)
    return slack_id if slack_id and person_by_slack_id(session, slack_id) is None else None


def handle_unassign(cmd: Unassign, ctx: CommandContext) -> list[Reply]:
    """Free the owner (or backup) of a commitment or an area."""
    require_coordinator(ctx, "unassign owners")
    freed = unassign_part(
        ctx.session, target=cmd.target, institution=cmd.institution, backup=cmd.backup
    )
    role = role_for(backup=cmd.backup)
    text = REMOVED.format(role=role.value, codes=", ".join(freed)) if freed else NOBODY
    return [build_message(text)]


def handle_owners(cmd: Owners, ctx: CommandContext) -> list[Reply]:
    """List who owns what, in one area or in all, flagging who left or is away."""
    gone = unavailable_people(ctx.session, today=ctx.now.date())
    flags = {p.owner: flag_words(p) for p in gone}
    if cmd.area is None:
        return build_owners(overview(ctx.session, now=ctx.now), flags=flags)
    area = find_area(ctx.session, cmd.area)
    return build_owners([area_status(ctx.session, area, now=ctx.now)], flags=flags)


ASSIGN = Subcommand(
    name="assign",
    usage=("assign <id or area> @person [ilo|ec|eeas] [backup]",),
    summary="coordinators: make someone owner (or backup)",
    example="assign gender-7 @Frans ec",
    parse=parse_assign,
    command=Assign,
    handle=handle_assign,
    slow=True,  # may ask Slack who a newcomer is
)
UNASSIGN = Subcommand(
    name="unassign",
    usage=("unassign <id or area> [ilo|ec|eeas] [backup]",),
    summary="coordinators: remove an owner (name the institution when several have one there)",
    example="unassign gender-7 ec",
    parse=parse_unassign,
    command=Unassign,
    handle=handle_unassign,
)
OWNERS = Subcommand(
    name="owners",
    usage=("owners [area]",),
    summary="who owns what, and what nobody owns yet",
    example="owners gender",
    parse=parse_owners,
    command=Owners,
    handle=handle_owners,
    aliases=("owner", "who"),
    read_only=True,
)
