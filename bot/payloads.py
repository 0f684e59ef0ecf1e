"""The parts of Slack's payloads the bot reads, checked as they arrive (extra fields ignored)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workflows.ports import Delivery

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: Any) -> Any:
    """Return a decoded payload with what a database cannot store made U+FFFD.

    JSON can carry half a UTF-16 pair (`"\\ud800"`), which no database and no UTF-8 encoder
    accepts, and a NUL, which PostgreSQL refuses in text: kept, either would fail the write and
    leave the request unanswered.
    """
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SlashCommand(_Payload):
    """A `/hlm …` invocation."""

    user_id: str
    text: str = ""
    channel_id: str = ""
    trigger_id: str = ""
    response_url: str = ""


class _Ref(_Payload):
    id: str


class _Action(_Payload):
    action_id: str
    value: str | None = None
    action_ts: str = ""
    selected_option: dict[str, Any] | None = None

    @field_validator("value", "selected_option", mode="before")
    @classmethod
    def _nothing_for_a_foreign_shape(cls, value: Any, info: Any) -> Any:
        # The bot's buttons carry text and its options a mapping: any other shape is no value.
        wanted = str if info.field_name == "value" else dict
        return value if isinstance(value, wanted) else None


class _Container(_Payload):
    channel_id: str | None = None
    message_ts: str | None = None


class BlockAction(_Payload):
    """A click on a button or a choice in a select."""

    user: _Ref
    actions: list[_Action] = Field(min_length=1)
    trigger_id: str = ""
    container: _Container = _Container()
    channel: _Ref | None = None
    view: _View | None = None  # a click inside a modal: the modal, as it stands

    @property
    def action(self) -> _Action:
        """Return the action that was taken (Slack sends one per payload)."""
        return self.actions[0]

    @property
    def chosen(self) -> str | None:
        """Return the value of the clicked button or of the chosen option."""
        if self.action.selected_option is not None:
            chosen = self.action.selected_option.get("value")
            return chosen if isinstance(chosen, str) else None
        return self.action.value

    @property
    def message(self) -> Delivery | None:
        """Return the message that was clicked, when it is one the bot posted in a conversation."""
        channel, ts = self.container.channel_id, self.container.message_ts
        return Delivery(channel, ts) if channel and ts else None


class _View(_Payload):
    id: str
    hash: str = ""
    callback_id: str = ""
    private_metadata: str = ""
    state: dict[str, Any] = Field(default_factory=dict)

    def value(self, block_id: str, action_id: str) -> str | None:
        """Return what the user entered in one input of the view, or None."""
        entry = _get(_get(self.state.get("values"), block_id), action_id)
        option = _get(entry, "selected_option")
        for found in (option.get("value"), entry.get("value"), entry.get("selected_date")):
            if isinstance(found, str) and found:  # a number or a list is no input's value
                return found
        return None

    @field_validator("private_metadata", "state", mode="before")
    @classmethod
    def _nothing_for_a_foreign_shape(cls, value: Any, info: Any) -> Any:
        # Not what the bot or Slack writes (a number, a list, null): read as nothing, so the
        # modal is refused as out of date or empty instead of failing.
        wanted = str if info.field_name == "private_metadata" else dict
        return value if isinstance(value, wanted) else wanted()


class ViewSubmission(_Payload):
    """A submitted modal."""

    user: _Ref
    view: _View

    def value(self, block_id: str, action_id: str) -> str | None:
        """Return what the user entered in one input of the modal, or None."""
        return self.view.value(block_id, action_id)


def _get(mapping: Any, key: str) -> dict[str, Any]:
    """Return `mapping[key]` when both are mappings (a payload may hold any shape), else {}."""
    found = mapping.get(key) if isinstance(mapping, dict) else None
    return found if isinstance(found, dict) else {}


class _Said(_Payload):
    """A message as an edit or a deletion event carries it (new, or as it was)."""

    user: str | None = None
    text: str = ""
    ts: str = ""
    thread_ts: str | None = None
    bot_id: str | None = None

    @field_validator("user", "text", "ts", "thread_ts", "bot_id", mode="before")
    @classmethod
    def _nothing_for_a_foreign_shape(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str):
            return value
        return "" if info.field_name in ("text", "ts") else None


# A reply also sent to the conversation is still a reply: answered like one.
_PLAIN_SUBTYPES = frozenset({None, "thread_broadcast"})


class DmMessage(_Payload):
    """A message event in the bot's DM: new words, or an edit or a deletion of earlier ones."""

    user: str | None = None
    text: str = ""
    channel: str
    channel_type: str = ""
    ts: str
    thread_ts: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    message: _Said | None = None  # message_changed: the message as it now reads
    previous_message: _Said | None = None  # message_changed, message_deleted: as it was
    deleted_ts: str | None = None  # message_deleted

    @property
    def from_a_person_in_dm(self) -> bool:
        """Tell whether a person wrote this, as a new message in their DM with the bot."""
        plain = self.subtype in _PLAIN_SUBTYPES
        return bool(self.user) and plain and not self.bot_id and self.channel_type == "im"

    @property
    def edit(self) -> _Said | None:
        """Return the message as a person edited it in their DM, when its words changed."""
        new, old = self.message, self.previous_message
        if self.subtype != "message_changed" or self.channel_type != "im" or new is None:
            return None
        if not new.user or new.bot_id or not new.ts:
            return None  # the bot's own message (a check-in rewritten), or no author
        return None if old is not None and old.text == new.text else new  # an unfurl, not an edit

    @property
    def deleted(self) -> _Said | None:
        """Return the message a person deleted in their DM (as it was), if this says so."""
        if self.subtype != "message_deleted" or self.channel_type != "im" or not self.deleted_ts:
            return None
        old = self.previous_message or _Said()
        if old.bot_id:
            return None
        return _Said(user=old.user, text=old.text, ts=self.deleted_ts, thread_ts=old.thread_ts)

    @field_validator("user", "text", "thread_ts", "deleted_ts", mode="before")
    @classmethod
    def _nothing_for_a_foreign_shape(cls, value: Any, info: Any) -> Any:
        # Slack sends text here; any other shape is read as none (no author, no words, no thread).
        if isinstance(value, str):
            return value
        return "" if info.field_name == "text" else None

    @field_validator("message", "previous_message", "subtype", mode="before")
    @classmethod
    def _none_for_a_foreign_shape(cls, value: Any, info: Any) -> Any:
        wanted = str if info.field_name == "subtype" else dict
        return value if isinstance(value, wanted) else None
