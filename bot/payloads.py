"""The parts of Slack's payloads the bot reads, checked as they arrive (extra fields ignored)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workflows.ports import Delivery


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

    @property
    def action(self) -> _Action:
        """Return the action that was taken (Slack sends one per payload)."""
        return self.actions[0]

    @property
    def chosen(self) -> str | None:
        """Return the value of the clicked button or of the chosen option."""
        if self.action.selected_option is not None:
            return str(self.action.selected_option.get("value"))
        return self.action.value

    @property
    def message(self) -> Delivery | None:
        """Return the message that was clicked, when it is one the bot posted in a conversation."""
        channel, ts = self.container.channel_id, self.container.message_ts
        return Delivery(channel, ts) if channel and ts else None


class _View(_Payload):
    id: str
    callback_id: str = ""
    private_metadata: str = ""
    state: dict[str, Any] = Field(default_factory=dict)


class ViewSubmission(_Payload):
    """A submitted modal."""

    user: _Ref
    view: _View

    def value(self, block_id: str, action_id: str) -> str | None:
        """Return what the user entered in one input of the modal, or None."""
        entry = self.view.state.get("values", {}).get(block_id, {}).get(action_id) or {}
        if entry.get("selected_option"):
            return str(entry["selected_option"].get("value"))
        for field in ("value", "selected_date"):
            if entry.get(field):
                return str(entry[field])
        return None


class DmMessage(_Payload):
    """A message event in the bot's DM."""

    user: str | None = None
    text: str = ""
    channel: str
    channel_type: str = ""
    ts: str
    thread_ts: str | None = None
    subtype: str | None = None
    bot_id: str | None = None

    @property
    def from_a_person_in_dm(self) -> bool:
        """Tell whether a person wrote this, as a new message in their DM with the bot."""
        return bool(self.user) and not (self.bot_id or self.subtype) and self.channel_type == "im"
