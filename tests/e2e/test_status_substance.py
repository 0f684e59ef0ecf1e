"""What coordinators take into meetings: `/hlm status` lists problems first, in substance;
`/hlm show` gives the whole history; a joint completion waits for the other institution."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.views import ids
from bot.views.confirm import (
    A_REMAINS_STATUS,
    A_REMAINS_TEXT,
    B_REMAINS_STATUS,
    B_REMAINS_TEXT,
    CONFIRM_ACTION,
    REMAINS_ACTION,
    REMAINS_MODAL,
)
from bot.views.values import DetailsModal
from tests.e2e.conftest import CHIDI, COORDINATOR, FRANS, Harness
from workflows.store.db import session_scope
from workflows.store.models import Outbox, Update
from workflows.types import Institution, OutboxKind, Status, UpdateSource

JOINT = "gender-2"  # the ILO's part is Chidi's, the Commission's Frans's
AWAITING = "Completed by the ILO, awaiting the Commission's confirmation"


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in replies)


def status(harness: Harness, area: str = "gender") -> str:
    [reply] = harness.slash(COORDINATOR, f"status {area}")
    assert len(reply["blocks"]) <= 50
    return text_of([reply])


def updates_of(harness: Harness, code: str) -> list[Update]:
    with session_scope(harness.sessions) as session:
        return list(
            session.scalars(
                select(Update).where(Update.commitment.has(code=code)).order_by(Update.id)
            )
        )


def submit_form(harness: Harness, user: str, code: str, institution: Institution) -> None:
    r = harness.requests
    meta = DetailsModal(key=f"hlm15/{code}", institution=institution).encode()
    filled = {
        ids.B_STATUS: {ids.A_STATUS: r.select_value("at_risk")},
        ids.B_TEXT: {ids.A_TEXT: r.text_value("The vote slipped to <!channel> March & April")},
        ids.B_LINK: {ids.A_LINK: r.url_value("https://www.europarl.europa.eu/doc?id=7&v=2")},
        ids.B_NEXT: {ids.A_NEXT: r.text_value("Brief the rapporteur")},
    }
    answer = harness.post(r.view_submission(user, ids.DETAILS_MODAL, filled, private_metadata=meta))
    assert answer == (200, "")


def test_a_form_update_shows_its_words_next_step_and_evidence_in_status_and_show(
    harness: Harness,
) -> None:
    submit_form(harness, FRANS, "gender-7", Institution.COMMISSION)
    text = status(harness)
    problems = text.index("Needs attention")
    assert problems < text.index("*gender-7* (7)") < text.index("The rest")
    assert "The vote slipped to &lt;!channel&gt; March &amp; April" in text
    assert "Next: Brief the rapporteur" in text
    assert "<https://www.europarl.europa.eu/doc?id=7&amp;v=2|europarl.europa.eu>" in text
    assert "<!date^" in text  # when last heard of, in the reader's time zone
    shown = text_of(harness.slash(COORDINATOR, "show gender-7"))
    assert "At risk · *Commission* — Frans de Vries" in shown
    assert " · form" in shown
    assert "> The vote slipped to &lt;!channel&gt; March &amp; April" in shown
    assert "Next: Brief the rapporteur" in shown
    assert "|europarl.europa.eu>" in shown


def confirmation_dm(harness: Harness, user: str) -> dict[str, Any]:
    found = [
        m for m in harness.fake.messages(f"D{user}")
        if any(e.get("action_id") == CONFIRM_ACTION for b in m.get("blocks", [])
               if b["type"] == "actions" for e in b["elements"])
    ]  # fmt: skip
    assert len(found) == 1, found
    return found[0]


def press(harness: Harness, user: str, message: dict[str, Any], action: str) -> None:
    button = next(
        e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == action
    )  # fmt: skip
    built = harness.requests.block_action(
        user, action, value=button["value"], channel_id=message["channel"],
        message={"ts": message["ts"], "blocks": message["blocks"]},
        response_url=harness.fake.response_url(f"press-{user}"), trigger_id="T1.2",
    )  # fmt: skip
    assert harness.post(built)[0] == 200


def complete_for_the_ilo(harness: Harness) -> dict[str, Any]:
    """Chidi completes the joint item; the scheduler asks Frans, once."""
    harness.slash(CHIDI, f"update {JOINT} completed Report published")
    assert AWAITING in status(harness)
    for _ in range(2):  # a second tick plans nothing more
        harness.deps.scheduler().tick(now=harness.clock())
    with session_scope(harness.sessions) as session:
        rows = session.scalars(select(Outbox).where(Outbox.kind == OutboxKind.CONFIRMATION)).all()
        assert [r.key.split(":")[-1] for r in rows] == ["ec"]
    message = confirmation_dm(harness, FRANS)
    assert "The ILO marked gender-2 (2) completed" in json.dumps(message["blocks"])
    return message


def test_a_confirmed_completion_completes_the_item_for_both(harness: Harness) -> None:
    message = complete_for_the_ilo(harness)
    press(harness, CHIDI, message, CONFIRM_ACTION)  # not the Commission's owner: refused
    harness.responses(f"press-{CHIDI}")
    assert [u.institution for u in updates_of(harness, JOINT)] == [Institution.ILO]
    press(harness, FRANS, message, CONFIRM_ACTION)
    harness.fake.wait_for("chat.update")
    last = updates_of(harness, JOINT)[-1]
    assert (last.institution, last.status, last.source, last.text) == (
        Institution.COMMISSION, Status.COMPLETED, UpdateSource.BUTTON,
        "Confirmed the ILO's completion",
    )  # fmt: skip
    text = status(harness)
    assert AWAITING not in text
    assert (
        ":white_check_mark: *gender-2* (2) ILO: Completed (Chidi Okafor) · Commission: Completed (Frans de Vries)"
        in text
    )
    assert "recorded as completed for the Commission too" in json.dumps(
        harness.fake.messages(message["channel"])
    )


def test_something_remaining_is_recorded_as_the_commissions_own_update(harness: Harness) -> None:
    message = complete_for_the_ilo(harness)
    press(harness, FRANS, message, REMAINS_ACTION)
    [opened] = harness.fake.wait_for("views.open")
    view = (
        json.loads(opened.params["view"])
        if isinstance(opened.params["view"], str)
        else opened.params["view"]
    )
    options = [o["value"] for b in view["blocks"] if b["type"] == "input"
               for o in b["element"].get("options", [])]  # fmt: skip
    assert "completed" not in options
    r = harness.requests
    filled = {
        B_REMAINS_STATUS: {A_REMAINS_STATUS: r.select_value("at_risk")},
        B_REMAINS_TEXT: {A_REMAINS_TEXT: r.text_value("The Member States' survey is not in")},
    }
    answer = harness.post(
        r.view_submission(FRANS, REMAINS_MODAL, filled, private_metadata=view["private_metadata"])
    )
    assert answer == (200, "")
    last = updates_of(harness, JOINT)[-1]
    assert (last.institution, last.status, last.source) == (
        Institution.COMMISSION, Status.AT_RISK, UpdateSource.MODAL,
    )  # fmt: skip
    text = status(harness)
    assert AWAITING not in text
    assert "*gender-2* (2) · *At risk · The institutions disagree*" in text
    assert (
        "The Member States&#39; survey is not in" in text
        or "The Member States' survey is not in" in text
    )


def test_the_institutions_disagree_only_as_the_rule_says(harness: Harness) -> None:
    harness.slash(CHIDI, "update gender-3 on-track")
    harness.slash(FRANS, "update gender-3 completed")
    harness.slash(CHIDI, "update gender-4 not-started")
    harness.slash(FRANS, "update gender-4 on-track")
    text = status(harness)
    assert "*gender-4* (4) · *The institutions disagree*" in text
    # On track against completed is progress: the ILO is asked to confirm, nothing disagrees.
    assert "*gender-3* (3) · *Awaiting confirmation*" in text
    assert "Completed by the Commission, awaiting the ILO's confirmation" in text
    overview = text_of(harness.slash(COORDINATOR, "status"))
    assert "1 disagree" in overview
