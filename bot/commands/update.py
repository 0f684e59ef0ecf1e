"""`/hlm update <id> [ilo|ec|eeas] <status> [what happened]`: record where a commitment stands."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext
from bot.commands.words import institution_word
from bot.views import Reply
from bot.views.status import build_message
from workflows.catalogue.lookup import take_commitment_id
from workflows.checkins.reading import read_status
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.service import RecordUpdate, record

UPDATED = "Recorded {code}: {status} for the {institution}."
ALREADY = "That update was already recorded."
WHICH = "Say which commitment and where it stands."
NO_STATUS = "Say where {code} stands."
NOT_A_STATUS = "“{word}” is not a status."
STATUSES = "Statuses: " + ", ".join(f"`{s.value.replace('_', '-')}`" for s in Status) + "."


@dataclass(frozen=True)
class UpdateCommitment:
    """`/hlm update <id> <status> [text]`."""

    code: str
    status: Status
    text: str = ""
    institution: Institution | None = None


def parse_update(words: list[str]) -> UpdateCommitment | Help:
    """Read `<id> [institution] <status> [what happened]`; a status may be two words."""
    code, words = take_commitment_id(words)
    if not words:
        problem = NO_STATUS.format(code=code[:40]) if code else WHICH
        return UPDATE.usage_help(problem)
    institution, words = _institution_prefix(words)
    status, used = read_status(words)
    if status is None:
        return UPDATE.usage_help(NOT_A_STATUS.format(word=words[0][:40]))
    return UpdateCommitment(code, status, " ".join(words[used:]), institution)


def _institution_prefix(words: list[str]) -> tuple[Institution | None, list[str]]:
    # `/hlm update gender-6 ec on-track …` reports for the Commission's part of a joint item.
    if len(words) > 1:
        institution = institution_word(words[0])
        if institution is not None:
            return institution, words[1:]
    return None, words


def handle_update(cmd: UpdateCommitment, ctx: CommandContext) -> list[Reply]:
    """Record an update by its owner (or a coordinator) and confirm it."""
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
    said = UPDATED.format(
        code=update.commitment.shown_code,
        status=cmd.status.label,
        institution=update.institution.label,
    )
    return [build_message(said)]


UPDATE = Subcommand(
    name="update",
    usage=("update <id> <status> [what happened]",),
    summary="record where a commitment stands",
    example="update gender-7 on-track Workshop held",
    parse=parse_update,
    command=UpdateCommitment,
    handle=handle_update,
    aliases=("set",),
    notes=(STATUSES,),
)
