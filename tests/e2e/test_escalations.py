"""Coordinators hear once a day, at work, about everyone who needs them, and act from there;
a departed owner's backup is asked in their stead."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot.views.escalation import (
    A_INSTITUTION,
    A_PARTS,
    A_WHO,
    B_INSTITUTION,
    B_PARTS,
    B_WHO,
    NUDGE_ACTION,
    REASSIGN_ACTION,
    REASSIGN_MODAL,
)
from tests.e2e.conftest import CHIDI, COORDINATOR, DANA, Harness
from tests.e2e.test_checkins import as_json
from workflows.store.db import session_scope
from workflows.store.models import Absence, Assignment, Person
from workflows.types import Role

ELENA = "U0ILOELENA"
COORDINATOR_DM = f"D{COORDINATOR}"


def tick(harness: Harness, when: datetime) -> None:
    harness.clock.now = when
    harness.deps.scheduler().tick(now=when)


def escalations(harness: Harness) -> list[dict[str, Any]]:
    """The coordinator's escalation messages, as they stand."""
    return [m for m in harness.fake.messages(COORDINATOR_DM) if "need a coordinator" in m["text"]]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def sections(message: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def click(harness: Harness, message: dict[str, Any], action: str, *, then: str) -> None:
    """Click a button of the coordinator's message; wait for the app's call that ends the work."""
    done = len(harness.fake.ok_calls(then))
    button = next(b for b in buttons(message) if b["action_id"] == action)
    status, _ = harness.post(
        harness.requests.block_action(
            COORDINATOR, action, value=button["value"], channel_id=message["channel"],
            message={"ts": message["ts"], "blocks": message["blocks"]},
            response_url=harness.fake.response_url("esc"),
        )
    )  # fmt: skip
    assert status == 200
    harness.fake.wait_for(then, done + 1, timeout=60)


def person_id(harness: Harness, slack_id: str) -> int:
    return harness.person(slack_id).id


def silent_for_two_cycles(harness: Harness) -> None:
    """Owners are asked in two cycles and never answer."""
    tick(harness, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    tick(harness, datetime(2026, 12, 9, 10, 0, tzinfo=UTC))


def test_a_departed_owners_backup_is_asked_next_cycle_and_told_why(harness: Harness) -> None:
    harness.fake.add_user(CHIDI, name="Chidi Okafor", deleted=True)  # Chidi left Slack
    tick(harness, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    assert harness.fake.messages(f"D{CHIDI}") == []
    [checkin] = [m for m in harness.fake.messages(f"D{DANA}") if "thread_ts" not in m]
    words = json.dumps(checkin["blocks"])
    assert "You are asked because Chidi Okafor has left" in words
    assert "gender-1" in words  # Chidi's area, which Dana backs up
    # The coordinators hear of it once, with what nobody answers for now (Chidi's other areas).
    [told] = escalations(harness)
    assert "Chidi Okafor has left Slack. Dana Kowalski now answers for their parts." in sections(
        told
    )
    assert [b["action_id"] for b in buttons(told)] == [
        f"{REASSIGN_ACTION}:{person_id(harness, CHIDI)}"
    ]


def test_one_escalation_a_day_at_work_not_at_half_past_midnight_groups_silent_owners(
    harness: Harness,
) -> None:
    silent_for_two_cycles(harness)
    tick(harness, datetime(2026, 12, 22, 23, 30, tzinfo=UTC))  # 00:30 in Zurich
    assert escalations(harness) == []
    tick(harness, datetime(2026, 12, 23, 8, 30, tzinfo=UTC))  # 09:30 in Zurich
    tick(harness, datetime(2026, 12, 23, 14, 0, tzinfo=UTC))  # later that day: nothing more
    [message] = escalations(harness)
    text = sections(message)
    assert "Chidi Okafor has not answered the last 2 check-ins" in text
    assert "Dana Kowalski has not answered the last 2 check-ins" in text
    assert re.search(r"\*[^*]+\*: `[a-z-]+-\d+` \w+", text)  # by area: ids and short titles
    assert re.search(r"\nand \d+ more\n", text + "\n")
    nudges = [b for b in buttons(message) if b["action_id"].startswith(NUDGE_ACTION)]
    assert len(nudges) >= 2
    assert len(message["blocks"]) <= 50
    posted = [c for c in harness.fake.ok_calls("chat.postMessage") if c.params.get("channel") in
              (COORDINATOR, COORDINATOR_DM)]  # fmt: skip
    assert len(posted) == 1


def test_the_escalation_waits_for_the_coordinators_own_working_hours(harness: Harness) -> None:
    harness.slash(COORDINATOR, "hours 13:00-17:00")
    silent_for_two_cycles(harness)
    tick(harness, datetime(2026, 12, 23, 8, 30, tzinfo=UTC))  # 09:30 in Zurich: not yet at work
    assert escalations(harness) == []
    tick(harness, datetime(2026, 12, 23, 12, 30, tzinfo=UTC))  # 13:30 in Zurich
    assert len(escalations(harness)) == 1


def test_nudge_sends_the_owner_one_line_in_their_checkin_thread_once_a_day(
    harness: Harness,
) -> None:
    silent_for_two_cycles(harness)
    tick(harness, datetime(2026, 12, 23, 8, 30, tzinfo=UTC))
    [message] = escalations(harness)
    dana = person_id(harness, DANA)
    before = len(harness.fake.messages(f"D{DANA}"))
    click(harness, message, f"{NUDGE_ACTION}:{dana}", then="chat.update")
    nudges = harness.fake.messages(f"D{DANA}")[before:]
    assert len(nudges) == 1
    [nudge] = nudges
    assert nudge["text"].startswith(f"<@{COORDINATOR}> asks about your ")
    assert "open HLM commitments — reply by " in nudge["text"]
    assert "thread_ts" in nudge  # under her latest check-in
    # The coordinator's message now says so, and a second click sends nothing.
    [message] = escalations(harness)
    assert f"{NUDGE_ACTION}:{dana}" not in [b["action_id"] for b in buttons(message)]
    assert "Nudged today" in sections(message)
    click(harness, {**message, "blocks": message["blocks"] + [_nudge_block(dana)]},
          f"{NUDGE_ACTION}:{dana}", then="chat.update")  # fmt: skip
    assert len(harness.fake.messages(f"D{DANA}")) == before + 1


def _nudge_block(person: int) -> dict[str, Any]:
    """A stale copy of the Nudge button (another coordinator's message, a double click)."""
    button = {"type": "button", "action_id": f"{NUDGE_ACTION}:{person}", "value": str(person),
              "text": {"type": "plain_text", "text": "Nudge"}}  # fmt: skip
    return {"type": "actions", "block_id": "stale", "elements": [button]}


def test_reassign_moves_the_owners_commitments_tells_the_new_owner_and_updates_the_message(
    harness: Harness,
) -> None:
    silent_for_two_cycles(harness)
    tick(harness, datetime(2026, 12, 23, 8, 30, tzinfo=UTC))
    [message] = escalations(harness)
    dana = person_id(harness, DANA)
    click(harness, message, f"{REASSIGN_ACTION}:{dana}", then="views.open")
    view = as_json(harness.fake.ok_calls("views.open")[-1].params["view"])
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    moving = [o["value"] for o in inputs[B_PARTS]["initial_options"]]
    assert "hlm15/supply-chains-1" in moving  # the key: it reads back whichever meeting is current
    values = {
        B_WHO: {A_WHO: {"type": "users_select", "selected_user": ELENA}},
        B_INSTITUTION: {A_INSTITUTION: harness.requests.select_value("ilo")},
        B_PARTS: {A_PARTS: {"type": "multi_static_select",
                            "selected_options": inputs[B_PARTS]["initial_options"]}},
    }  # fmt: skip
    status, body = harness.post(
        harness.requests.view_submission(
            COORDINATOR, REASSIGN_MODAL, values, private_metadata=view["private_metadata"]
        )
    )
    assert (status, body.strip()) == (200, "")
    harness.fake.wait_for("chat.update", timeout=60)
    with session_scope(harness.sessions) as session:
        owners = {
            (a.commitment.key, a.person.slack_user_id)
            for a in session.scalars(select(Assignment).where(Assignment.role == Role.OWNER))
        }
        elena = session.scalars(select(Person).where(Person.slack_user_id == ELENA)).one()
        assert elena.active
    assert {(code, ELENA) for code in moving} <= owners
    assert not any(who == DANA for _, who in owners)
    [told] = [
        m for m in harness.fake.messages(f"D{ELENA}") if "made you the ILO owner" in m["text"]
    ]
    assert f"<@{COORDINATOR}>" in told["text"]
    assert "Dana Kowalski" in told["text"]
    # The coordinators' message is shown again in place, without what was settled.
    assert harness.fake.ok_calls("chat.update")
    [message] = escalations(harness)
    assert "Dana Kowalski has not answered" not in sections(message)


def test_owners_flags_who_left_and_who_is_away_and_what_nobody_answers_for(
    harness: Harness,
) -> None:
    with session_scope(harness.sessions) as session:
        chidi = session.scalars(select(Person).where(Person.slack_user_id == CHIDI)).one()
        dana = session.scalars(select(Person).where(Person.slack_user_id == DANA)).one()
        chidi.active = False
        session.add(Absence(person=dana, starts_on=date(2026, 11, 1), ends_on=date(2027, 1, 15)))
    replies = harness.slash(COORDINATOR, "owners osh")
    text = json.dumps(replies)
    assert "Chidi Okafor _(left Slack)_" in text
    assert "Every part has an owner" not in text
    assert "with nobody to answer" in text
    replies = harness.slash(COORDINATOR, "owners gender")
    text = json.dumps(replies)
    assert "Dana Kowalski _(away until 15 Jan)_" in text


def test_a_forged_nudge_or_reassign_button_is_told_it_names_no_owner(harness: Harness) -> None:
    for n, action in enumerate((f"{NUDGE_ACTION}:1", f"{REASSIGN_ACTION}:1")):
        name = f"forged-{n}"
        status, _ = harness.post(
            harness.requests.block_action(
                COORDINATOR, action, value="1; DROP TABLE people", channel_id=COORDINATOR_DM,
                response_url=harness.fake.response_url(name),
            )
        )  # fmt: skip
        assert status == 200
        [reply] = harness.responses(name)
        assert reply["text"] == "This button names no owner I know. Please use the latest message."
    assert harness.fake.ok_calls("views.open") == []
