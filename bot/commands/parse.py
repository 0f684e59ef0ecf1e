"""Turn the text after `/hlm` into a typed command. Pure: anything malformed becomes help."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from workflows.types import Institution, Status

SUBCOMMANDS = (
    "status", "show", "mine", "update", "assign", "unassign", "owners", "away", "meeting", "digest", "help",
)  # fmt: skip
ALIASES = {
    "st": "status",
    "stat": "status",
    "overview": "status",
    "info": "show",
    "detail": "show",
    "details": "show",
    "history": "show",
    "my": "mine",
    "me": "mine",
    "report": "update",
    "set": "update",
    "owner": "owners",
    "who": "owners",
    "holiday": "away",
    "leave": "away",
    "meetings": "meeting",
    "preview": "digest",
    "?": "help",
    "-h": "help",
    "--help": "help",
}
SHARE_WORDS = {"share", "--share", "public"}
BACK_WORDS = {"off", "back", "none", "cancel", "clear"}


@dataclass(frozen=True)
class StatusQuery:
    """`/hlm status [area]`: one area in detail, or all areas."""

    area: str | None = None
    share: bool = False


@dataclass(frozen=True)
class ShowCommitment:
    """`/hlm show <id>`: the full text and the history of one commitment."""

    code: str
    share: bool = False


@dataclass(frozen=True)
class Mine:
    """`/hlm mine`: what I own."""


@dataclass(frozen=True)
class UpdateCommitment:
    """`/hlm update <id> <status> [text]`."""

    code: str
    status: Status
    text: str = ""
    institution: Institution | None = None


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


@dataclass(frozen=True)
class Away:
    """`/hlm away <until> [reason]` (the day and reason as typed), or `/hlm away off` (None)."""

    text: str | None


@dataclass(frozen=True)
class Meetings:
    """`/hlm meeting [list]`, `/hlm meeting add <date> <title> [areas: a, b]`, `/hlm meeting remove <n>`."""

    action: str = "list"
    day: str = ""
    title: str = ""
    areas: tuple[str, ...] = ()
    ref: str = ""


@dataclass(frozen=True)
class DigestPreview:
    """`/hlm digest [meeting number or date]`: what the next digest would say."""

    meeting: str | None = None


@dataclass(frozen=True)
class Help:
    """Help, with the reason it is shown and a suggestion when the input was close to something."""

    problem: str | None = None
    suggestion: str | None = None


HlmCommand = (
    StatusQuery | ShowCommitment | Mine | UpdateCommitment | Assign | Unassign | Owners | Away
    | Meetings | DigestPreview
)  # fmt: skip


def parse_hlm_command(text: str) -> HlmCommand | Help:
    """Read `/hlm` text into a command, or into help explaining what was wrong."""
    words = _clean(text).split()
    if not words:
        return Help()
    head, rest = words[0].lower(), words[1:]
    name = ALIASES.get(head, head)
    parser = _PARSERS.get(name)
    if parser is None:
        return _unknown(head)
    return parser(rest)


def _clean(text: str) -> str:
    # Slack may send non-breaking spaces and smart quotes from mobile keyboards.
    return text.replace("\u00a0", " ").replace("“", '"').replace("”", '"').strip()


def _unknown(head: str) -> Help:
    close = difflib.get_close_matches(head, [*SUBCOMMANDS, *ALIASES], n=1, cutoff=0.6)
    suggestion = ALIASES.get(close[0], close[0]) if close else None
    return Help(problem=f"I don't know the command “{head[:40]}”.", suggestion=suggestion)


def _split_share(words: list[str]) -> tuple[list[str], bool]:
    share = bool(words) and words[-1].lower() in SHARE_WORDS
    return (words[:-1] if share else words), share


def _status(words: list[str]) -> StatusQuery:
    words, share = _split_share(words)
    return StatusQuery(" ".join(words) or None, share)


def _show(words: list[str]) -> ShowCommitment | Help:
    words, share = _split_share(words)
    if len(words) != 1:
        return Help("Say which commitment to show, e.g. `/hlm show gender-7`.", "show")
    return ShowCommitment(words[0], share)


def _mine(words: list[str]) -> Mine:
    return Mine()


def _update(words: list[str]) -> UpdateCommitment | Help:
    usage = "Use `/hlm update <id> <status> [what happened]`, e.g. `/hlm update gender-7 on-track Workshop held`."
    if len(words) < 2:
        return Help(usage, "update")
    institution, words = _institution_prefix(words)
    status, used = _read_status(words[1:])
    if status is None:
        return Help(f"“{words[1][:40]}” is not a status. {usage}", "update")
    return UpdateCommitment(words[0], status, " ".join(words[1 + used :]), institution)


def _institution_prefix(words: list[str]) -> tuple[Institution | None, list[str]]:
    # `/hlm update gender-6 ec on-track …` reports for the Commission's part of a joint item.
    if len(words) > 2:
        institution = _institution(words[1])
        if institution is not None:
            return institution, [words[0], *words[2:]]
    return None, words


def _read_status(words: list[str]) -> tuple[Status | None, int]:
    for used in (2, 1):  # "on track" and "at risk" may come as two words
        if len(words) >= used:
            try:
                return Status.parse(" ".join(words[:used])), used
            except ValueError:
                continue
    return None, 0


def _institution(word: str) -> Institution | None:
    try:
        return Institution.parse(word)
    except ValueError:
        return None


def _options(words: list[str]) -> tuple[list[str], Institution | None, bool]:
    backup = any(w.lower() in {"backup", "--backup"} for w in words)
    words = [w for w in words if w.lower() not in {"backup", "--backup"}]
    institutions = [i for i in (_institution(w) for w in words) if i is not None]
    rest = [w for w in words if _institution(w) is None]
    return rest, (institutions[0] if institutions else None), backup


_MENTION = re.compile(r"^<@[UW][A-Z0-9]+(\|[^>]*)?>$|^[UW][A-Z0-9]{2,}$|^\S+@\S+\.\S+$")


def _assign(words: list[str]) -> Assign | Help:
    usage = "Use `/hlm assign <id or area> @person [ilo|ec|eeas] [backup]`."
    rest, institution, backup = _options(words)
    people = [w for w in rest if _MENTION.match(w)]
    targets = [w for w in rest if not _MENTION.match(w)]
    if len(people) != 1 or not targets:
        return Help(usage, "assign")
    return Assign(" ".join(targets), people[0], institution, backup)


def _unassign(words: list[str]) -> Unassign | Help:
    rest, institution, backup = _options(words)
    if not rest:
        return Help("Use `/hlm unassign <id or area> [ilo|ec|eeas] [backup]`.", "unassign")
    return Unassign(" ".join(rest), institution, backup)


def _owners(words: list[str]) -> Owners:
    words, share = _split_share(words)
    return Owners(" ".join(words) or None, share)


def _away(words: list[str]) -> Away | Help:
    if not words:
        return Help(
            "Say until when, e.g. `/hlm away 2026-12-31 Holidays`, or `/hlm away off`.", "away"
        )
    if words[0].lower() in BACK_WORDS:
        return Away(None)
    return Away(" ".join(words))


MEETING_USAGE = "Use `/hlm meeting list`, `/hlm meeting add 2026-12-03 Title areas: osh, gender` or `/hlm meeting remove 3`."


def _meeting(words: list[str]) -> Meetings | Help:
    action = words[0].lower() if words else "list"
    if action == "list" and len(words) <= 1:
        return Meetings()
    if action == "remove" and len(words) == 2:
        return Meetings("remove", ref=words[1])
    if action == "add" and len(words) >= 3:
        title, _, areas = " ".join(words[2:]).partition("areas:")
        names = tuple(a.strip() for a in areas.split(",") if a.strip())
        return Meetings("add", day=words[1], title=title.strip(), areas=names)
    return Help(MEETING_USAGE, "meeting")


def _digest(words: list[str]) -> DigestPreview:
    return DigestPreview(" ".join(words) or None)


def _help(words: list[str]) -> Help:
    return Help()


_PARSERS = {
    "status": _status,
    "show": _show,
    "mine": _mine,
    "update": _update,
    "assign": _assign,
    "unassign": _unassign,
    "owners": _owners,
    "away": _away,
    "meeting": _meeting,
    "digest": _digest,
    "help": _help,
}
