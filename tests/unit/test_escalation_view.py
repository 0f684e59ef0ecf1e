"""The coordinators' escalation: owners grouped with what is open, buttons, Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.views.escalation import (
    NUDGE_ACTION,
    REASSIGN_ACTION,
    build_escalation,
    build_nudge,
    build_reassign_modal,
)
from workflows.delivery.escalations import Nudge, ReassignForm, reply_by
from workflows.ports import Escalation, MessageGivenUp, OpenPart, OwnerSilent, OwnerUnavailable
from workflows.types import Institution, OutboxKind

AT = datetime(2026, 12, 22, 8, 30, tzinfo=UTC)


def parts(n: int, area: str = "Gender equality") -> tuple[OpenPart, ...]:
    return tuple(
        OpenPart(
            f"gender-{i}", area, f"Close the pay gap in sector {i} " + "x" * 80, Institution.ILO
        )
        for i in range(1, n + 1)
    )


def silent(person_id: int, name: str, n: int = 3) -> OwnerSilent:
    return OwnerSilent(name, 2, tuple(p.code for p in parts(n)), person_id, parts(n))


def escalation(*entries: Any, nudged: frozenset[int] = frozenset()) -> Escalation:
    return Escalation(coordinators=("U0C",), entries=tuple(entries), at=AT, nudged=nudged)


def texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_two_silent_owners_come_in_one_message_each_with_nudge_and_reassign() -> None:
    reply = build_escalation(escalation(silent(4, "Dana Kowalski"), silent(7, "Elena Rossi")))
    blocks = reply.block_dicts()
    assert "2 owners need a coordinator" in texts(blocks)
    assert "Dana Kowalski has not answered the last 2 check-ins. 3 open" in texts(blocks)
    assert action_ids(blocks) == [
        f"{NUDGE_ACTION}:4", f"{REASSIGN_ACTION}:4", f"{NUDGE_ACTION}:7", f"{REASSIGN_ACTION}:7",
    ]  # fmt: skip
    assert "Dana Kowalski, Elena Rossi" in reply.text


def test_open_commitments_are_grouped_by_area_with_ids_short_titles_and_and_n_more() -> None:
    many = (*parts(5), *parts(4, "Skills"))
    entry = OwnerSilent("Dana Kowalski", 2, (), 4, many)
    text = texts(build_escalation(escalation(entry)).block_dicts())
    assert "*Gender equality*: `gender-1` Close the pay gap in sector 1" in text
    assert "*Skills*: `gender-1`" in text
    assert "and 3 more" in text
    assert "x" * 60 not in text  # titles are cut short


def test_an_owner_nudged_today_has_no_nudge_button_and_says_so() -> None:
    blocks = build_escalation(escalation(silent(4, "Dana"), nudged=frozenset({4}))).block_dicts()
    assert action_ids(blocks) == [f"{REASSIGN_ACTION}:4"]
    assert "Nudged today" in texts(blocks)


def test_an_owner_who_left_with_parts_nobody_answers_for_offers_reassign_only() -> None:
    gone = OwnerUnavailable(9, "Chidi Okafor", True, None, ("Dana Kowalski",), parts(2))
    blocks = build_escalation(escalation(gone)).block_dicts()
    text = texts(blocks)
    assert "Chidi Okafor has left Slack. Dana Kowalski now answers for their parts." in text
    assert "Nobody answers for 2 commitments" in text
    assert action_ids(blocks) == [f"{REASSIGN_ACTION}:9"]


def test_an_away_owner_all_of_whose_parts_a_backup_took_has_no_button() -> None:
    away = OwnerUnavailable(9, "Chidi Okafor", False, date(2027, 1, 15), ("Dana",), ())
    blocks = build_escalation(escalation(away)).block_dicts()
    assert "Chidi Okafor is away until 15 Jan. Dana now answers for their parts." in texts(blocks)
    assert action_ids(blocks) == []


@pytest.mark.parametrize("owners", [1, 23, 24, 30, 200])
def test_the_message_stays_under_50_blocks_however_many_owners(owners: int) -> None:
    given_up = MessageGivenUp(OutboxKind.CHECKIN, 5, "ratelimited", person="Someone")
    entries = [silent(i, f"Owner {i}", n=41) for i in range(1, owners + 1)]
    blocks = build_escalation(escalation(*entries, given_up)).block_dicts()
    assert len(blocks) <= 50
    shown = len(action_ids(blocks)) // 2
    more = owners - shown
    context = " ".join(e["text"] for b in blocks if b["type"] == "context" for e in b["elements"])
    assert (f"and {more} more owner" in context) == (more > 0)
    if more:
        assert "`/hlm owners`" in context
    assert "could not be sent after 5 attempts" in texts(blocks)
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def test_names_from_the_directory_are_escaped() -> None:
    blocks = build_escalation(escalation(silent(1, "<!channel> Eve"))).block_dicts()
    assert "<!channel>" not in json.dumps(blocks)


def test_a_nudge_is_one_line_naming_the_coordinator_the_count_and_the_day() -> None:
    nudge = Nudge("U0DANA", "Dana", 12, date(2026, 12, 25), date(2026, 12, 22), None)
    reply = build_nudge(nudge, coordinator="U0C")
    assert reply.text == "<@U0C> asks about your 12 open HLM commitments — reply by Friday"
    assert len(reply.blocks) == 1


@pytest.mark.parametrize(
    ("today", "closes", "by"),
    [
        pytest.param(
            date(2026, 12, 22), date(2026, 12, 27), date(2026, 12, 27), id="deadline-ahead"
        ),
        pytest.param(
            date(2026, 12, 22), date(2026, 12, 20), date(2026, 12, 25), id="deadline-past"
        ),
        pytest.param(date(2026, 12, 25), None, date(2026, 12, 25), id="friday-no-checkin"),
    ],
)
def test_a_nudged_owner_is_asked_by_their_deadline_else_by_friday(
    today: date, closes: date | None, by: date
) -> None:
    assert reply_by(today, closes) == by


def test_the_reassign_form_preselects_every_commitment_and_the_parts_institution() -> None:
    form = ReassignForm(4, "Dana Kowalski", Institution.EEAS, parts(130))
    view = build_reassign_modal(form, channel="D1", ts="1.2").to_dict()
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["hlm_reassign_who"]["type"] == "users_select"
    assert inputs["hlm_reassign_institution"]["initial_option"]["value"] == "eeas"
    chosen = inputs["hlm_reassign_parts"]
    assert len(chosen["options"]) == len(chosen["initial_options"]) == 100
    assert json.loads(view["private_metadata"]) == {"owner": 4, "channel": "D1", "ts": "1.2"}
