"""What an outbox row says is a typed message, read and written in one place."""

from __future__ import annotations

import pytest

from workflows.store.messages import (
    DigestMessage,
    GivenUp,
    SilentOwner,
    Undelivered,
    message_of,
    write,
)
from workflows.store.models import Outbox
from workflows.types import OutboxKind, Trouble


def test_a_message_is_stored_as_json_and_read_back_as_itself() -> None:
    row = Outbox(kind=OutboxKind.ESCALATION)
    said = Undelivered(
        entries=(GivenUp(row=3, kind=OutboxKind.DIGEST, attempts=5, cause="x",
                         trouble=Trouble.CHANNEL, meeting_id=2),),
        carried=1,
    )  # fmt: skip
    write(row, said)
    assert row.payload["type"] == "undelivered"
    assert row.payload["entries"][0]["trouble"] == "channel"
    assert message_of(row) == said


def test_a_row_says_only_what_its_kind_can_say() -> None:
    row = Outbox(kind=OutboxKind.DIGEST)
    write(row, DigestMessage(meeting_id=3))
    assert row.payload == {"type": "digest", "meeting_id": 3}
    with pytest.raises(TypeError):
        write(row, SilentOwner())


def test_a_row_written_without_a_message_says_the_plain_message_of_its_kind() -> None:
    assert message_of(Outbox(kind=OutboxKind.ESCALATION, payload={})) == SilentOwner()
    assert message_of(Outbox(kind=OutboxKind.DIGEST, payload={})) == DigestMessage()
