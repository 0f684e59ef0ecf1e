"""Errors of the domain. Each carries the sentence a person is shown.

HlmError
├── NotFound
│   ├── UnknownArea          no area matches what was typed
│   ├── UnknownCommitment    no commitment has that id
│   └── UnknownPerson        nobody known by that Slack id, email or name
├── InvalidInput
│   ├── InvalidInstitution   not ILO / Commission / EEAS, or not an actor of the item
│   ├── InvalidDate          a date that cannot be read
│   └── BadFile              an owners or seed file that cannot be read
└── NotAllowed               the person may not do this (why is in the message)
    └── UnknownAuthor        someone the bot does not know tried to record an update
"""

from __future__ import annotations

from collections.abc import Sequence


class HlmError(Exception):
    """Something a person asked for cannot be done; `message` says why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(HlmError):
    """The person may not do this."""


class NotFound(HlmError):
    """What was named does not exist."""


class UnknownArea(NotFound):
    """No area matches the query."""

    def __init__(self, query: str, choices: Sequence[str]) -> None:
        hint = f" Did you mean {_either(choices)}?" if choices else ""
        super().__init__(f"No area matches “{query}”.{hint}")
        self.query = query
        self.choices = list(choices)


class UnknownCommitment(NotFound):
    """No commitment has the id."""

    def __init__(self, query: str, choices: Sequence[str] = ()) -> None:
        hint = f" Did you mean {_either(choices)}?" if choices else " Ids look like gender-7."
        super().__init__(f"No commitment has the id “{query}”.{hint}")
        self.query = query
        self.choices = list(choices)


class UnknownPerson(NotFound):
    """Nobody is known by the reference."""

    def __init__(self, query: str) -> None:
        super().__init__(
            f"I don't know “{query}” yet. Add them with `hlm people import` or assign them once."
        )
        self.query = query


class UnknownAuthor(NotAllowed):
    """Someone the bot does not know tried to record an update."""

    def __init__(self, slack_user_id: str) -> None:
        super().__init__(
            "I don't know you yet, so I can't record this. Ask a coordinator to add you as an owner."
        )
        self.slack_user_id = slack_user_id


class InvalidInput(HlmError):
    """A value that cannot be read."""


class InvalidInstitution(InvalidInput):
    """Not an institution, or not one the commitment names."""


class InvalidDate(InvalidInput):
    """A date that cannot be read."""


class BadFile(InvalidInput):
    """A file that cannot be read; nothing was written."""


def _either(choices: Sequence[str]) -> str:
    quoted = [f"“{c}”" for c in choices]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
