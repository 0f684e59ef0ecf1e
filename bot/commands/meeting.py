"""`/hlm meeting`: list, add and remove technical meetings; `ics` sends their calendar.

The sentences that describe a meeting added or removed are shared with `hlm meeting`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import Help, Subcommand
from bot.commands.context import CommandContext, require_coordinator, send_to_asker
from bot.views import Reply
from bot.views.status import build_message
from workflows.calendar import parse_day
from workflows.reports.meetings import add_meeting, list_meetings, meetings_ics, remove_meeting
from workflows.store.models import TechnicalMeeting
from workflows.words import counted

WHAT = "Say what to do with technical meetings: list, ics, add or remove."
ADDED = "Meeting {id} added: {held_on:%A %d %B %Y}, {title} ({areas})."
DIGEST_BEFORE = "Its digest goes out a few working days before."
REMOVED = "Removed meeting {id}: {held_on:%d %B %Y}, {title}."
LISTED = "{id}. {held_on:%a %d %b %Y} — {title} ({areas})"
NO_MEETINGS = "No technical meeting is planned. Coordinators add one with `/hlm meeting add 2026-12-03 Title areas: osh, gender`."
ALL_AREAS = "all areas"
ICS_FILE = "hlm-technical-meetings.ics"
ICS_TITLE = "Technical meetings"
ICS_COMMENT = "The technical meetings as a calendar: open it to add them to yours."
ICS_SENT = "Sent to your DM: {name} ({meetings})."
ICS_NOT_SENT = "I could not send the calendar to your DM ({error}). Please try again in a minute."


@dataclass(frozen=True)
class Meetings:
    """`/hlm meeting [list]`, `/hlm meeting ics`, `/hlm meeting add <date> <title> [areas: a, b]`,
    `/hlm meeting remove <n>`."""

    action: str = "list"
    day: str = ""
    title: str = ""
    areas: tuple[str, ...] = ()
    ref: str = ""


def meeting_areas(meeting: TechnicalMeeting) -> str:
    """Name the areas a meeting covers (a meeting that names none covers them all)."""
    return ", ".join(a.slug for a in meeting.areas) or ALL_AREAS


def describe_added(meeting: TechnicalMeeting) -> str:
    """Say which meeting was added."""
    return ADDED.format(
        id=meeting.id, held_on=meeting.held_on, title=meeting.title, areas=meeting_areas(meeting)
    )


def describe_removed(meeting: TechnicalMeeting) -> str:
    """Say which meeting was removed."""
    return REMOVED.format(id=meeting.id, held_on=meeting.held_on, title=meeting.title)


def parse_meeting(words: list[str]) -> Meetings | Help:
    """Read `[list]`, `add <date> <title> [areas: a, b]` or `remove <n>`."""
    action = words[0].lower() if words else "list"
    if action == "list" and len(words) <= 1:
        return Meetings()
    if action in ("ics", "calendar") and len(words) == 1:
        return Meetings("ics")
    if action == "remove" and len(words) == 2:
        return Meetings("remove", ref=words[1])
    if action == "add" and len(words) >= 3:
        title, _, areas = " ".join(words[2:]).partition("areas:")
        names = tuple(a.strip() for a in areas.split(",") if a.strip())
        return Meetings("add", day=words[1], title=title.strip(), areas=names)
    return MEETING.usage_help(WHAT)


def handle_meeting(cmd: Meetings, ctx: CommandContext) -> list[Reply]:
    """List the upcoming meetings, or (coordinators) add or remove one."""
    if cmd.action == "list":
        meetings = list_meetings(ctx.session, upcoming_from=ctx.now.date())
        lines = [
            LISTED.format(id=m.id, held_on=m.held_on, title=m.title, areas=meeting_areas(m))
            for m in meetings
        ]
        return [build_message("\n".join(lines) if lines else NO_MEETINGS)]
    if cmd.action == "ics":
        return [send_calendar(ctx)]
    require_coordinator(ctx, "change technical meetings")
    if cmd.action == "remove":
        return [build_message(describe_removed(remove_meeting(ctx.session, cmd.ref)))]
    day = parse_day(cmd.day, today=ctx.now.date())
    meeting = add_meeting(ctx.session, held_on=day, title=cmd.title, areas=cmd.areas, now=ctx.now)
    return [build_message(f"{describe_added(meeting)} {DIGEST_BEFORE}")]


def send_calendar(ctx: CommandContext) -> Reply:
    """Upload every technical meeting, as an iCalendar file, to the DM of who asked."""
    meetings = list_meetings(ctx.session)
    if not meetings:
        return build_message(NO_MEETINGS)
    calendar = meetings_ics(meetings, now=ctx.now).encode()
    error = send_to_asker(ctx, ICS_FILE, calendar, ICS_TITLE, ICS_COMMENT)
    if error is not None:
        return build_message(ICS_NOT_SENT.format(error=error))
    return build_message(ICS_SENT.format(name=ICS_FILE, meetings=counted(len(meetings), "meeting")))


MEETING = Subcommand(
    name="meeting",
    usage=(
        "meeting [list]",
        "meeting ics",
        "meeting add <date> <title> [areas: osh, gender]",
        "meeting remove <n>",
    ),
    summary="the technical meetings, and their calendar (ics) in your DM; coordinators add and remove them",
    example="meeting add 2026-12-03 Technical meeting areas: osh, gender",
    parse=parse_meeting,
    command=Meetings,
    handle=handle_meeting,
    aliases=("meetings",),
)
