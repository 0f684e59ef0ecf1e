"""The details modal is checked and recorded before Slack is answered: a problem keeps the modal
open with its message under an input, because a closed modal has no way to tell its author."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.listeners.view_submissions import OUT_OF_DATE
from bot.views import ids
from bot.views.values import DetailsModal
from tests.e2e.conftest import CHIDI, FRANS, Harness
from tests.e2e.test_checkins import updates
from workflows.types import Institution

GENDER_7_EC = DetailsModal(key="hlm15/gender-7", institution=Institution.COMMISSION).encode()


def values(harness: Harness, *, status: str | None = "on_track", text: str = "", next_step: str = "") -> dict[str, Any]:  # fmt: skip
    """Fill in the modal's inputs as Slack sends them."""
    r = harness.requests
    return {
        ids.B_STATUS: {ids.A_STATUS: r.select_value(status)},
        ids.B_TEXT: {ids.A_TEXT: r.text_value(text)},
        ids.B_LINK: {ids.A_LINK: r.url_value(None)},
        ids.B_NEXT: {ids.A_NEXT: r.text_value(next_step)},
    }


def submit(
    harness: Harness, user: str, meta: str, filled: dict[str, Any], view_id: str | None = None
) -> tuple[int, str]:
    """Submit the details modal; return Slack's answer (status and body)."""
    return harness.post(
        harness.requests.view_submission(
            user, ids.DETAILS_MODAL, filled, private_metadata=meta, view_id=view_id
        )
    )


def errors_of(answer: tuple[int, str]) -> dict[str, str]:
    """Return the per-input errors of an acknowledgement that keeps the modal open."""
    status, body = answer
    assert status == 200
    assert body, "the modal was closed without a word"
    reply = json.loads(body)
    assert reply["response_action"] == "errors"
    return dict(reply["errors"])


@pytest.mark.parametrize(
    ("who", "meta", "said"),
    [
        pytest.param(CHIDI, GENDER_7_EC, "not an owner of gender-7", id="not-an-owner"),
        pytest.param("U0STRANGER", GENDER_7_EC, "I don't know you yet", id="unknown-person"),
        pytest.param(
            FRANS,
            DetailsModal(key="hlm15/gender-99", institution=Institution.COMMISSION).encode(),
            "No commitment has the id",
            id="unknown-commitment",
        ),
        pytest.param(FRANS, "not the bot's metadata", OUT_OF_DATE, id="metadata-not-ours"),
    ],
)
def test_a_refused_modal_stays_open_saying_why_and_records_nothing(
    harness: Harness, who: str, meta: str, said: str
) -> None:
    errors = errors_of(submit(harness, who, meta, values(harness)))
    assert said in errors[ids.B_STATUS]
    assert updates(harness) == []


def test_an_oversized_next_step_is_shown_under_its_input(harness: Harness) -> None:
    filled = values(harness, next_step="x" * 3500)
    errors = errors_of(submit(harness, FRANS, GENDER_7_EC, filled))
    assert errors == {ids.B_NEXT: "Keep it under 3000 characters (this is 3500)."}
    assert updates(harness) == []


def test_a_status_that_is_not_on_the_list_is_refused(harness: Harness) -> None:
    errors = errors_of(submit(harness, FRANS, GENDER_7_EC, values(harness, status="finished")))
    assert "Choose one of the statuses" in errors[ids.B_STATUS]
    assert updates(harness) == []


def test_a_modal_sent_while_the_database_is_down_asks_to_try_again(harness: Harness) -> None:
    with harness.database_down():
        errors = errors_of(submit(harness, FRANS, GENDER_7_EC, values(harness)))
    assert "try again" in errors[ids.B_STATUS]
    assert updates(harness) == []
    # Once the database is back, the same modal goes through.
    assert submit(harness, FRANS, GENDER_7_EC, values(harness)) == (200, "")
    assert len(updates(harness)) == 1
