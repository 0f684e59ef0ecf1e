"""The sentences people read about what the domain refused or reports, worded at the edge.

The domain raises errors with a stable code and the values they are about
(`workflows.errors`), and reports escalations as structured entries (`workflows.ports`); this
module is the one place that turns them into words, slash-command names and mrkdwn included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from workflows.errors import HlmError
from workflows.ports import (
    Escalation,
    MessageGivenUp,
    OwnerDeparted,
    OwnerSilent,
    OwnerUnavailable,
    OwnerUnreachable,
)
from workflows.types import Institution, OutboxKind, StandIn, Trouble
from workflows.words import counted

DATE_HELP = (
    "Give a day like 2026-12-24, 24/12/2026, 24 Dec, Dec 24, tomorrow, friday, next week, "
    "3d or in 2 weeks."
)
# What a message given up on was, as coordinators read it.
KIND_NAMES = {
    OutboxKind.REMINDER: "A reminder",
    OutboxKind.CHECKIN: "A check-in",
    OutboxKind.CONFIRMATION: "A request to confirm a completion",
}
# What the domain calls a text field, as a person reads it in a refusal.
FIELDS = {"text": "The update", "next_step": "The next step"}

ERRORS: dict[str, str] = {
    "seed_unknown_carry_over": "{key} continues {earlier}, which is not loaded. Load that meeting's conclusions first.",
    "carry_over_backwards": "{later} can only continue a commitment of an earlier meeting, and {earlier} is not one.",
    "current_meeting_open": "HLM {meeting} is the current meeting: make another one current before closing its follow-up.",
    "unknown_hlm": "No High Level Meeting is called “{query}”. The conclusions loaded are those of {known}; leave it out for the current one.",
    "unknown_person": (
        "I don't know “{query}” yet. Add them with `hlm people import` or assign them once."
    ),
    "unknown_author": (
        "I don't know you yet, so I can't record this. Ask a coordinator to add you as an owner."
    ),
    "person_gone": "That owner is no longer on record: see `/hlm owners`.",
    "checkin_gone": (
        "That check-in no longer exists. Use `/hlm update <id> <status>` to report instead."
    ),
    "commitment_gone": "That commitment no longer exists.",
    "registered_readers_only": (
        "Only the people this bot follows up with can use `/hlm` here. "
        "Ask a coordinator to add you."
    ),
    "reply_too_long": (
        "Your reply is {length:,} characters long, over the limit of {limit:,}, so nothing was "
        "recorded. Please write it again, shorter (add details with the check-in's button)."
    ),
    "file_not_utf8": "{path} is not UTF-8 text (byte {byte}); save it as UTF-8.",
    "file_has_nul": "{path} holds a NUL character: is it a text file?",
    "file_not_csv": "{path} is not a CSV file this can read: {reason}.",
    "not_shareable": "Only what `/hlm status` shows can be shared in a channel.",
    "not_your_checkin": "That check-in was sent to someone else: only they can answer it.",
    "not_in_checkin": "That commitment is not part of this check-in. Use `/hlm update <id> <status>`.",
    "not_your_reply": "Only the person who wrote that reply can say which commitment it is about.",
    "not_your_part": (
        "You don't answer for that commitment. Ask a coordinator if it should be yours."
    ),
    "cadence_out_of_range": "A cadence is a number of days from 1 to 366, e.g. 7 for every week.",
    "cadence_needs_target": (
        "Say whose cadence to set: an area (--area gender) or a person (--person EMAIL)."
    ),
    "reply_gone": "I can't find that reply any more. Please write it again in the thread.",
    "empty_update": "Say what changed: a status, some words, or both.",
    "skip_without_reason": "Say in a few words why you skip this cycle.",
    "not_an_actor": "{code} is not a commitment of the {institution.label}.",
    "not_an_owner": (
        "You are not an owner of {code} for the {institution.label}, so you cannot update it. "
        "Ask a coordinator to assign you."
    ),
    "several_institutions": "You own {code} for several institutions: say which (ilo or ec).",
    "not_awaited_owner": (
        "Only the {institution.label}'s owner of {code}, or a coordinator, can answer this."
    ),
    "nothing_to_confirm": (
        "{code} is no longer awaiting the {institution.label}'s confirmation, so nothing was "
        "recorded. `/hlm show {code}` shows where it stands."
    ),
    "remains_not_completed": "Choose where it stands if it is not completed yet.",
    "not_a_link": "“{link}” is not a web link. Links start with https://.",
    "too_many_links": "Give at most {limit} links.",
    "meeting_exists": "“{title}” on {day:%d %B %Y} is already there (meeting {id}).",
    "meeting_title": "Give the meeting a title of 1 to {limit} characters.",
    "meeting_ref": "“{ref}” is not a meeting number or a date like 2026-12-03.",
    "unknown_meeting": "No technical meeting “{ref}”. `/hlm meeting list` shows them.",
    "no_conclusions": "No conclusions are loaded yet. Run `hlm seed` first.",
    "file_unreadable": "Cannot read {path}: {reason}.",
    "file_not_yaml": "{path} is not valid YAML: {reason}",
    "file_invalid": "{path}: {problem}",
    "unlisted_person": "assignments.{number}: {person} is not listed under people.",
    "not_a_timezone": "“{name}” is not a time zone. Use a name like Europe/Brussels.",
    "nothing_to_undo": "You have no update to undo.",
    "already_withdrawn": "Your last update, on {code}, is already withdrawn.",
    "undo_too_late": (
        "Your last update, on {code}, was recorded more than {minutes} minutes ago: too late to "
        "undo. Record the right status with `/hlm update {code} <status>`."
    ),
    "day_in_past": "{day:%d %B %Y} is in the past. Give a day from today on.",
    "away_ends_before_start": (
        "That range ends ({end:%d %B %Y}) before it starts ({start:%d %B %Y}). "
        "Try `/hlm away 4 Jan to 15 Jan`."
    ),
    "away_too_long": (
        "That is {days} days away, more than a year. Book at most {most} days at a time."
    ),
    "away_too_far": "{day:%d %B %Y} is more than a year ahead. Book it nearer the time.",
    "away_reason_too_long": (
        "The reason is {length} characters long; keep it to {most}. Nothing was booked."
    ),
    "away_overlaps": (
        "You are already away {start:%d %B} – {end:%d %B %Y}. Cancel it first "
        "(`/hlm away cancel {number}`) or choose other days."
    ),
    "away_no_days": "Say how many days, from 1: e.g. `/hlm away 3 days`.",
    "no_such_absence": (
        "There is no away range number {number}. `/hlm away list` shows them, numbered."
    ),
    "unreadable_snooze": (
        "“{text}” is not a snooze I can read. Try `/hlm snooze 3 days`, `/hlm snooze 2d` or "
        "`/hlm snooze until Monday`."
    ),
    "snooze_ends_today": "A snooze until today ends at once: give a later day, e.g. `until Monday`.",
    "unreadable_hours": (
        "“{text}” are not working hours I can read. Try `/hlm hours 08:00-16:00` or "
        "`/hlm hours 8-16`."
    ),
    "hours_backwards": (
        "Working hours must start before they end, at least an hour apart, within one day "
        "(got {start:%H:%M}–{end:%H:%M})."
    ),
}
UNKNOWN_AREA = "No area matches “{query}”.{hint}"
AREA_ELSEWHERE = (
    "“{query}” is an area of the HLM {number} conclusions, not of the current ones: "
    "`/hlm status {query} hlm{number}` shows it."
)
UNKNOWN_COMMITMENT = "No commitment has the id “{query}”.{hint}"
IDS_LOOK_LIKE = " Ids look like gender-7."
DID_YOU_MEAN = " Did you mean {choices}?"
TOO_LONG = "{field} is {length} characters long; keep it under {limit}."
NOT_ITS_ACTOR = "{code} is a commitment of the {actors}, not of the {institution.label}."
EXPORT_FORMAT = "“{format}” is not an export format. Use one of: {formats}."
SAME_DAY = "There are {count} meetings on {day:%d %B %Y}: {choices}. Give its number instead."
UNREADABLE_DAY = "I can't read “{text}” as a day. {help}"
ASSIGNMENT_REFUSED = "assignments.{number} ({target}): {cause}"
VALUE_REFUSED = "{path}: {where}: {cause}"
FALLBACK = "That cannot be done."


def say(error: HlmError) -> str:
    """Word a domain error as the sentence a person reads."""
    if error.worded:
        return error.worded
    special = COMPOSED.get(error.code)
    if special is not None:
        return special(error.values)
    template = ERRORS.get(error.code)
    return template.format(**error.values) if template else FALLBACK


def either(choices: Sequence[str]) -> str:
    """Quote choices as “a”, “b” or “c”."""
    quoted = [f"“{c}”" for c in choices]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _unknown_area(values: dict[str, Any]) -> str:
    choices, elsewhere = values["choices"], values.get("elsewhere")
    if elsewhere is not None:
        return AREA_ELSEWHERE.format(query=values["query"], number=elsewhere)
    hint = DID_YOU_MEAN.format(choices=either(choices)) if choices else ""
    return UNKNOWN_AREA.format(query=values["query"], hint=hint)


def _unknown_commitment(values: dict[str, Any]) -> str:
    choices = values["choices"]
    hint = DID_YOU_MEAN.format(choices=either(choices)) if choices else IDS_LOOK_LIKE
    return UNKNOWN_COMMITMENT.format(query=values["query"], hint=hint)


def _too_long(values: dict[str, Any]) -> str:
    return TOO_LONG.format(**values | {"field": FIELDS.get(values["field"], values["field"])})


def _not_its_actor(values: dict[str, Any]) -> str:
    actors: Sequence[Institution] = values["actors"]
    return NOT_ITS_ACTOR.format(**values | {"actors": " and ".join(a.label for a in actors)})


def _export_format(values: dict[str, Any]) -> str:
    return EXPORT_FORMAT.format(format=values["format"], formats=", ".join(values["formats"]))


def _same_day(values: dict[str, Any]) -> str:
    choices = ", ".join(f"{number} ({title})" for number, title in values["choices"])
    return SAME_DAY.format(count=len(values["choices"]), day=values["day"], choices=choices)


def _unreadable_day(values: dict[str, Any]) -> str:
    text: str = values["text"]
    return UNREADABLE_DAY.format(text=text, help=DATE_HELP) if text else DATE_HELP


def _assignment_refused(values: dict[str, Any]) -> str:
    return ASSIGNMENT_REFUSED.format(**values | {"cause": say(values["cause"])})


def _value_refused(values: dict[str, Any]) -> str:
    return VALUE_REFUSED.format(**values | {"cause": say(values["cause"])})


COMPOSED: dict[str, Callable[[dict[str, Any]], str]] = {
    "unknown_area": _unknown_area,
    "unknown_commitment": _unknown_commitment,
    "text_too_long": _too_long,
    "not_its_actor": _not_its_actor,
    "unknown_export_format": _export_format,
    "meetings_same_day": _same_day,
    "unreadable_day": _unreadable_day,
    "assignment_refused": _assignment_refused,
    "value_refused": _value_refused,
}


# What the coordinators are told about owners and messages given up on.
DEPARTED = "{name} is no longer in Slack ({reason}). Their commitments need a new owner: {codes}."
SILENT = "{name} has not answered {checkins}. Still open: {codes}."
UNREACHABLE = "An owner could not be reached."
UNDELIVERED = "{what} could not be {sent} after {attempts} attempts ({cause}).{hint}"
UNDELIVERED_MORE = "… and {more} given up on (see the log)."
UNDELIVERED_SHOWN = 15  # lines about messages given up on, in one word to the coordinators…
UNDELIVERED_CHARS = 2400  # …and characters (a section of the word shows at most 3,000)
HINTS = {
    Trouble.CHANNEL: " Check HLM_DIGEST_CHANNEL and that the bot is a member of that channel.",
    Trouble.PERMISSION: " Reinstall the app from manifest.yml: it lacks a permission it needs.",
}


# The coordinators' escalation of the day, and what its buttons send.
ESCALATION_HEAD = "{owners} need a coordinator"
LEFT = "{name} has left Slack."
AWAY = "{name} is away until {day}."
BACKUPS_ANSWER = "{names} now answer{s} for their parts."
NOBODY_ANSWERS = "Nobody answers for {parts}:"
SILENT_HEAD = "{name} has not answered {checkins}. {parts} open:"
MORE_PARTS = "and {n} more"
MORE_OWNERS = "and {owners} — `/hlm owners`"
NUDGED = "Nudged today"
FLAG_LEFT = "left Slack"
FLAG_AWAY = "away until {day}"
NUDGE_LINE = "{coordinator} asks about your {parts} — reply by {day}"
STAND_IN_LEFT = "You are asked because {name} has left"
STAND_IN_AWAY = "You are asked because {name} is away until {day}"
STAND_IN_AWAY_NO_DAY = "You are asked because {name} is away"
REASSIGNED_TO_YOU = (
    "{coordinator} made you the {institution} owner of {parts} {owner} held: {codes}."
)


def day_words(day: date) -> str:
    """Write a day the way people read it in a sentence: 15 Jan."""
    return f"{day.day} {day:%b}"


def weekday_words(day: date) -> str:
    """Write a day as its weekday's name: Friday."""
    return f"{day:%A}"


def open_commitments(n: int) -> str:
    """Say how many open HLM commitments: 1 open HLM commitment, 12 open HLM commitments."""
    return counted(n, "open HLM commitment")


def stand_in_line(owner: str, *, left: bool, away_until: date | None) -> str:
    """Tell a backup why they are asked about someone else's parts."""
    if left:
        return STAND_IN_LEFT.format(name=owner)
    if away_until is None:
        return STAND_IN_AWAY_NO_DAY.format(name=owner)
    return STAND_IN_AWAY.format(name=owner, day=day_words(away_until))


def stand_in_words(stand_ins: Sequence[StandIn]) -> str:
    """Tell a backup why they are asked about others' parts, one sentence per owner."""
    return (
        ". ".join(stand_in_line(s.owner, left=s.left, away_until=s.away_until) for s in stand_ins)
        + "."
    )


def flag_words(person: StandIn) -> str:
    """Flag an owner who cannot answer, in a list of owners: left Slack, away until 15 Jan."""
    if person.left:
        return FLAG_LEFT
    return FLAG_AWAY.format(day=day_words(person.away_until)) if person.away_until else "away"


def unavailable_head(entry: OwnerUnavailable) -> str:
    """Say that an owner left or is away, and who answers for their parts now."""
    if entry.left or entry.away_until is None:
        head = LEFT.format(name=entry.name)
    else:
        head = AWAY.format(name=entry.name, day=day_words(entry.away_until))
    if entry.backups:
        names = ", ".join(entry.backups)
        head += " " + BACKUPS_ANSWER.format(names=names, s="" if len(entry.backups) > 1 else "s")
    return head


def silent_head(entry: OwnerSilent) -> str:
    """Say that an owner has not answered, and how much is open."""
    return SILENT_HEAD.format(
        name=entry.name, checkins=_checkins(entry.missed), parts=len(entry.parts or entry.codes)
    )


def escalation_lines(escalation: Escalation) -> tuple[str, ...]:
    """Word what the coordinators are told, one line per owner or message given up on."""
    given_up = [e for e in escalation.entries if isinstance(e, MessageGivenUp)]
    lines = [_owner_line(e) for e in escalation.entries if not isinstance(e, MessageGivenUp)]
    return (*lines, *given_up_lines(given_up))


def _checkins(missed: int) -> str:
    return "the last check-in" if missed == 1 else f"the last {missed} check-ins"


def _owner_line(entry: OwnerSilent | OwnerUnavailable | OwnerDeparted | OwnerUnreachable) -> str:
    if isinstance(entry, OwnerUnreachable):
        return UNREACHABLE
    if isinstance(entry, OwnerUnavailable):
        codes = ", ".join(p.code for p in entry.parts)
        nobody = " " + NOBODY_ANSWERS.format(parts=codes) if codes else ""
        return unavailable_head(entry) + nobody.rstrip(":")
    codes = ", ".join(entry.codes) or "none"
    if isinstance(entry, OwnerDeparted):
        return DEPARTED.format(name=entry.name, reason=entry.reason, codes=codes)
    return SILENT.format(name=entry.name, checkins=_checkins(entry.missed), codes=codes)


def given_up_lines(entries: Sequence[MessageGivenUp]) -> tuple[str, ...]:
    """Say which messages the bot gave up sending, why, and what happens next (cut short)."""
    lines: list[str] = []
    for entry in entries[:UNDELIVERED_SHOWN]:
        line = given_up_line(entry)
        if sum(map(len, lines)) + len(line) > UNDELIVERED_CHARS:
            break
        lines.append(line)
    if len(entries) > len(lines):
        more = counted(len(entries) - len(lines), "more message")
        lines.append(UNDELIVERED_MORE.format(more=more))
    return tuple(lines)


def given_up_line(entry: MessageGivenUp) -> str:
    """Say what one message given up on was, why, and what to do."""
    fix = HINTS.get(entry.trouble, "") if entry.trouble else ""
    said = {"attempts": entry.attempts, "cause": entry.cause or "unknown"}
    if entry.kind is OutboxKind.DIGEST:
        what, preview = _digest_named(entry)
        hint = fix or (f" {preview} shows what it says." if preview else "")
        return UNDELIVERED.format(what=what, sent="posted", hint=hint, **said)
    what = KIND_NAMES.get(entry.kind, "A check-in")
    to, who = (f" to {entry.person}", "They") if entry.person else ("", "The owner")
    # A DM has no channel to fix: only a missing permission is worth a hint.
    again = (
        "" if entry.kind is OutboxKind.CONFIRMATION else f" {who} will be asked again next cycle."
    )
    hint = fix if entry.trouble is Trouble.PERMISSION else again
    return UNDELIVERED.format(what=what + to, sent="sent", hint=hint, **said)


def _digest_named(entry: MessageGivenUp) -> tuple[str, str]:
    """Name a digest given up on, and the command that previews it."""
    if entry.meeting_id is None:
        return "The weekly digest", "`/hlm digest`"
    if entry.meeting_on is None:
        return "The digest for a meeting since removed", ""
    day = f"{entry.meeting_on.day} {entry.meeting_on:%B}"
    what = f"The digest for the meeting of {day} ({entry.meeting_title})"
    return what, f"`/hlm digest {entry.meeting_id}`"
