"""Errors of the domain. Each carries a stable `code` and the values it is about; the edge
(`bot/wording.py`) turns them into the sentence a person reads.

HlmError
├── NotFound
│   ├── UnknownArea          no area matches what was typed
│   ├── UnknownCommitment    no commitment has that id
│   ├── UnknownPerson        nobody known by that Slack id, email or name
│   └── UnknownMeeting       no meeting has that number
├── InvalidInput
│   ├── InvalidInstitution   not ILO / Commission / EEAS, or not an actor of the item
│   ├── InvalidDate          a date that cannot be read
│   └── BadFile              an owners or seed file that cannot be read
└── NotAllowed               the person may not do this
    └── UnknownAuthor        someone the bot does not know tried to record an update

An error raised at the edge may carry the sentence it already worded (`HlmError("…")`); an error
raised in the domain carries a code (`InvalidInput("empty_update")`) and keyword values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar


class HlmError(Exception):
    """Something a person asked for cannot be done: `code` says what, `values` about what."""

    default_code: ClassVar[str] = "refused"

    def __init__(self, code_or_words: str = "", /, **values: object) -> None:
        # A code is one snake_case word; anything else is a sentence the edge already wrote.
        is_code = code_or_words.isidentifier() and code_or_words.islower()
        self.code = code_or_words if is_code else self.default_code
        self.worded = "" if is_code else code_or_words
        self.values = values
        super().__init__(self.worded or f"{self.code} {values}")


class NotFound(HlmError):
    """What was named does not exist."""

    default_code = "not_found"


class UnknownArea(NotFound):
    """No area matches the query."""

    def __init__(self, query: str, choices: Sequence[str], elsewhere: int | None = None) -> None:
        super().__init__("unknown_area", query=query, choices=list(choices), elsewhere=elsewhere)
        self.query = query
        self.choices = list(choices)
        self.elsewhere = elsewhere  # the number of an earlier meeting with such an area


class UnknownCommitment(NotFound):
    """No commitment has the id."""

    def __init__(self, query: str, choices: Sequence[str] = ()) -> None:
        super().__init__("unknown_commitment", query=query, choices=list(choices))
        self.query = query
        self.choices = list(choices)


class UnknownPerson(NotFound):
    """Nobody is known by the reference."""

    def __init__(self, query: str) -> None:
        super().__init__("unknown_person", query=query)
        self.query = query


class UnknownMeeting(NotFound):
    """No meeting has the number."""

    def __init__(self, query: str, known: str = "") -> None:
        super().__init__("unknown_hlm", query=query, known=known)
        self.query = query


class NotAllowed(HlmError):
    """The person may not do this."""

    default_code = "not_allowed"


class UnknownAuthor(NotAllowed):
    """Someone the bot does not know tried to record an update."""

    def __init__(self, slack_user_id: str) -> None:
        super().__init__("unknown_author", slack_user_id=slack_user_id)
        self.slack_user_id = slack_user_id


class InvalidInput(HlmError):
    """A value that cannot be read."""

    default_code = "invalid_input"


class InvalidInstitution(InvalidInput):
    """Not an institution, or not one the commitment names."""


class InvalidDate(InvalidInput):
    """A date that cannot be read."""


class BadFile(InvalidInput):
    """A file that cannot be read; nothing was written."""
