"""Asking the other institution to confirm a completion: escaped, typed, within Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.views.blocks import problems
from bot.views.confirm import (
    CONFIRM_ACTION,
    REMAINS_ACTION,
    REMAINS_MODAL,
    ConfirmButton,
    RemainsModal,
    build_confirmation_request,
    build_remains_modal,
)
from bot.views.values import ForeignValue
from workflows.types import Institution, Status
from workflows.updates.confirmation import ConfirmationRequest

HOSTILE = "<!channel> <@U123> <https://evil|click> & co"
NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def make_request(*, text: str = "Promote equal pay.", words: str = "Report published") -> ConfirmationRequest:  # fmt: skip
    return ConfirmationRequest(
        slack_user_id="U0ECFRANS", key="hlm15/gender-2", code="gender-2", number="2", text=text,
        institution=Institution.COMMISSION, completed_by=Institution.ILO, completed_at=NOW,
        author="Chidi Okafor", words=words,
    )  # fmt: skip


def test_the_request_says_who_completed_what_and_when_with_both_buttons() -> None:
    reply = build_confirmation_request(make_request())
    blocks = reply.block_dicts()
    text = json.dumps(blocks, ensure_ascii=False)
    assert "*The ILO marked gender-2 (2) completed* on <!date^1796288400^" in text
    assert "(Chidi Okafor). Is it completed for the Commission too?" in text
    assert "> Report published" in text
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [CONFIRM_ACTION, REMAINS_ACTION]
    value = ConfirmButton.parse(buttons[0]["value"])
    assert (value.key, value.institution, value.done) == (
        "hlm15/gender-2", Institution.COMMISSION, Institution.ILO,
    )  # fmt: skip
    assert reply.text == "The ILO marked gender-2 completed: confirm?"


def test_the_request_escapes_the_commitment_and_the_words() -> None:
    reply = build_confirmation_request(make_request(text=HOSTILE * 100, words=HOSTILE * 100))
    text = json.dumps(reply.block_dicts(), ensure_ascii=False)
    assert not [raw for raw in ("<!channel>", "<@U123>", "<https://evil") if raw in text]
    assert "&lt;!channel&gt;" in text
    assert problems(reply.block_dicts()) == []


def test_the_remains_modal_offers_every_status_but_completed_and_keeps_its_part() -> None:
    view = build_remains_modal(
        key="hlm15/gender-2", code="gender-2", institution=Institution.COMMISSION, done="ILO",
        channel="D0ECFRANS", ts="1800000000.000100",
    ).to_dict()  # fmt: skip
    assert view["callback_id"] == REMAINS_MODAL
    options = [o["value"] for b in view["blocks"] if b["type"] == "input"
               for o in b["element"].get("options", [])]  # fmt: skip
    assert options == [s.value for s in Status if s is not Status.COMPLETED]
    meta = RemainsModal.parse(view["private_metadata"])
    assert (meta.key, meta.institution, meta.channel) == (
        "hlm15/gender-2", Institution.COMMISSION, "D0ECFRANS",
    )  # fmt: skip


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("not json", id="not-json"),
        pytest.param('{"c": "hlm15/gender-2", "i": "ec"}', id="no-completing-institution"),
        pytest.param(
            '{"c": "hlm15/gender-2", "i": "unicef", "d": "ilo"}', id="unknown-institution"
        ),
    ],
)
def test_a_forged_confirmation_button_is_refused(value: str) -> None:
    with pytest.raises(ForeignValue):
        ConfirmButton.parse(value)
