"""Small readers shared by the `/hlm` subcommand parsers. Pure."""

from __future__ import annotations

import re

from workflows.errors import InvalidInstitution
from workflows.people.ownership import parse_institution
from workflows.types import Institution

SHARE_WORDS = {"share", "--share", "public"}
BACKUP_WORDS = {"backup", "--backup"}
HELP_WORDS = {"help", "?", "-h", "--help"}
MEETING_FLAGS = {"--meeting", "--hlm", "--conclusions"}
MEETING_NAME = re.compile(r"hlm-?\d{1,9}", re.IGNORECASE | re.ASCII)
MENTION = re.compile(r"^<@[UW][A-Z0-9]+(\|[^>]*)?>$|^[UW][A-Z0-9]{2,}$|^\S+@\S+\.\S+$")


def clean(text: str) -> str:
    """Normalise what Slack sends: mobile keyboards bring non-breaking spaces and smart quotes."""
    return text.replace("\u00a0", " ").replace("“", '"').replace("”", '"').strip()


def split_share(words: list[str]) -> tuple[list[str], bool]:
    """Take a trailing `share` off the words; say whether it was there."""
    share = bool(words) and words[-1].lower() in SHARE_WORDS
    return (words[:-1] if share else words), share


def split_meeting(words: list[str]) -> tuple[list[str], str | None]:
    """Take out which meeting's conclusions are meant: `hlm15`, `HLM 15`, `--meeting hlm15`,
    `--meeting=15`; (the rest, the meeting named or None for the current one). A flag with
    nothing after it names "", which is the current meeting too."""
    rest: list[str] = []
    named: str | None = None
    i = 0
    while i < len(words):
        word, after = words[i], words[i + 1] if i + 1 < len(words) else None
        flag, equals, value = word.partition("=")
        if flag.lower() in MEETING_FLAGS:
            named, i = (value, i + 1) if equals else (after or "", i + 2)
        elif MEETING_NAME.fullmatch(word):
            named, i = word, i + 1
        elif word.lower() == "hlm" and after is not None and after.isdigit():
            named, i = f"hlm{after}", i + 2
        else:
            rest.append(word)
            i += 1
    return rest, named


def institution_word(word: str) -> Institution | None:
    """Read a word as an institution (`ilo`, `ec`, `eeas`), or None when it is not one."""
    try:
        return parse_institution(word)
    except InvalidInstitution:
        return None


def options(words: list[str]) -> tuple[list[str], Institution | None, bool]:
    """Split `[ilo|ec|eeas] [backup]` out of the words: (the rest, institution, backup)."""
    backup = any(w.lower() in BACKUP_WORDS for w in words)
    words = [w for w in words if w.lower() not in BACKUP_WORDS]
    institutions = [i for i in (institution_word(w) for w in words) if i is not None]
    rest = [w for w in words if institution_word(w) is None]
    return rest, (institutions[0] if institutions else None), backup


def is_person(word: str) -> bool:
    """Say whether a word names a person: a mention, a Slack user id or an email."""
    return MENTION.match(word) is not None
