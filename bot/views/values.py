"""What the bot's buttons, options and modals carry, as typed models parsed in one place.

Slack hands a button's `value`, a select option's `value` and a modal's `private_metadata` back
to the bot exactly as it posted them, but anyone can post a payload with any string in it. Each
kind of value is a frozen pydantic model: `encode()` writes it as compact JSON (short keys, so a
pick option stays within Slack's 150 characters), and `Model.parse(text)` reads it back or raises
`ForeignValue` for anything this bot did not make: not JSON, another version, another shape,
numbers out of range, ids too long.

Version 1 is the format the bot posted before values carried a version, so `v` may be absent:
check-ins already sitting in people's DMs stay clickable. A later format must say `"v": 2`.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_sdk.models.blocks import ButtonElement, Option
from slack_sdk.models.views import View

from workflows.errors import InvalidInput
from workflows.types import Institution, Status

KEY_LENGTH = 80  # a commitment's key, as long as the database stores it
PROMPT_ID = Annotated[int, Field(alias="p", ge=0, le=2**31 - 1)]  # 0: outside a check-in
KEY = Annotated[str, Field(alias="c", min_length=1, max_length=KEY_LENGTH)]
INSTITUTION = Annotated[Institution, Field(alias="i")]
SLACK_TS = r"^[0-9]{1,12}\.[0-9]{1,8}$"  # "1800000000.000100"
SLACK_ID = r"^[A-Z0-9]{1,32}$"


NOT_OURS = (
    "This button is out of date, so nothing was recorded. Type `/hlm mine` to see your commitments."
)


class ForeignValue(InvalidInput, ValueError):
    """A value the bot did not make (or no longer reads): a forged or out-of-date payload.

    An `HlmError`, so that a click carrying one is answered with `NOT_OURS`, not an apology.
    """

    def __init__(self, message: str = NOT_OURS) -> None:
        super().__init__(message)


class Value(BaseModel):
    """A value the bot puts in Slack and reads back; subclasses name the fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, validate_by_name=True)
    LIMIT: ClassVar[int]

    v: Literal[1] = 1

    def encode(self) -> str:
        """Write the value as the compact JSON Slack carries."""
        encoded = self.model_dump_json(by_alias=True)
        if len(encoded) > self.LIMIT:  # the field limits make this impossible: a bug, if ever
            raise ValueError(f"{type(self).__name__} of {len(encoded)} characters")
        return encoded

    @classmethod
    def parse(cls, value: object) -> Self:
        """Read a value this bot made; raise ForeignValue for anything else."""
        if not isinstance(value, str) or not value or len(value) > cls.LIMIT:
            raise ForeignValue
        try:
            return cls.model_validate_json(value, by_alias=True, by_name=False)
        except ValidationError as exc:
            raise ForeignValue from exc


class StatusButton(Value):
    """A check-in's status button: which commitment part, and the status it records."""

    LIMIT = ButtonElement.value_max_length
    prompt_id: PROMPT_ID = 0
    key: KEY
    institution: INSTITUTION
    status: Annotated[Status, Field(alias="s")]


class DetailsButton(Value):
    """An "Add details…" or App Home "Update" button: the commitment part to open a modal for."""

    LIMIT = ButtonElement.value_max_length
    prompt_id: PROMPT_ID = 0
    key: KEY
    institution: INSTITUTION


class DetailsModal(Value):
    """The details modal's metadata: the commitment part, in a check-in or not."""

    LIMIT = View.private_metadata_max_length
    prompt_id: PROMPT_ID = 0
    key: KEY
    institution: INSTITUTION
    # Modals opened before named the clicked message too: still read (and checked), never
    # written, never used (the check-in's own message is the one refreshed).
    old_channel: Annotated[str, Field(alias="ch", pattern=f"{SLACK_ID}|^$", exclude=True)] = ""
    old_ts: Annotated[str, Field(alias="ts", pattern=f"{SLACK_TS}|^$", exclude=True)] = ""


class CheckinButton(Value):
    """A button of a check-in message ("Nothing changed", "Update…", "Skip…", "I'm away…"), and
    the skip form's metadata: which check-in."""

    LIMIT = ButtonElement.value_max_length
    prompt_id: Annotated[int, Field(alias="p", ge=1, le=2**31 - 1)]


ENTRY_KEY = Annotated[str, Field(min_length=3, max_length=KEY_LENGTH + 12)]  # "ilo:hlm15/gender-4"
ENTRY_TEXT = Annotated[str, Field(max_length=3000)]


class Entry(BaseModel):
    """What an owner entered in the check-in form for one part (kept only if it changes something)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, validate_by_name=True)
    status: Annotated[Status | None, Field(alias="s")] = None
    text: Annotated[ENTRY_TEXT, Field(alias="t")] = ""
    next_step: Annotated[ENTRY_TEXT, Field(alias="n")] = ""
    link: Annotated[ENTRY_TEXT, Field(alias="l")] = ""


class CheckinForm(Value):
    """The check-in form's metadata: the check-in, the page shown, what was entered on the other
    pages (by f"{institution}:{key}"), and how many updates were saved when paging."""

    LIMIT = View.private_metadata_max_length
    prompt_id: Annotated[int, Field(alias="p", ge=1, le=2**31 - 1)]
    page: Annotated[int, Field(alias="g", ge=0, le=999)] = 0
    entries: Annotated[dict[ENTRY_KEY, Entry], Field(alias="e")] = {}
    saved: Annotated[int, Field(alias="k", ge=0, le=9999)] = 0

    def encode(self) -> str:
        """Write the metadata as compact JSON, leaving out what is as by default."""
        encoded = self.model_dump_json(by_alias=True, exclude_defaults=True)
        if len(encoded) > self.LIMIT:  # callers check `fits` first: a bug, if ever
            raise ValueError(f"{type(self).__name__} of {len(encoded)} characters")
        return encoded

    def fits(self) -> bool:
        """Tell whether the metadata stays within what Slack keeps for a view."""
        return len(self.model_dump_json(by_alias=True, exclude_defaults=True)) <= self.LIMIT


class PickOption(Value):
    """An option of "which commitment is this about?": the part, and the thread reply's ts."""

    LIMIT = Option.value_max_length
    key: KEY
    institution: INSTITUTION
    reply_ts: Annotated[str, Field(alias="r", pattern=SLACK_TS)]
