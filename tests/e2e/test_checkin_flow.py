"""The short check-in through the real app: one message for 41 commitments, "Nothing changed" in
one click, a form paged by area, a skip with a reason, and a reminder as one line in the thread."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.views import ids
from bot.views.values import CheckinButton, CheckinForm
from tests.e2e.conftest import CHIDI, Harness
from workflows.checkins.prompts import first_checkin, owner_cycle, plan_checkin
from workflows.delivery.outbox import deliver, prompt_sender, send_checkins
from workflows.people.assignments import assign
from workflows.reports.digests import skips_in
from workflows.store.db import session_scope
from workflows.store.models import Checkin, Commitment, Person, Update
from workflows.types import Institution, OutboxState, Status, UpdateSource

OLGA = "U0ILOOLGA"
COMMITMENTS = 41
BUDGET_BLOCKS, BUDGET_BUTTONS = 25, 6


def as_json(value: Any) -> Any:
    """Return a parameter as sent: slack_sdk sends some as JSON strings, some as objects."""
    return json.loads(value) if isinstance(value, str) else value


def olga_owns_41(harness: Harness) -> list[str]:
    """Make a new ILO owner of 41 commitments (through the domain); return their codes."""
    harness.fake.add_user(OLGA, name="Olga", real_name="Olga Nowak", tz="Europe/Brussels")
    with session_scope(harness.sessions) as session:
        person = Person(
            slack_user_id=OLGA, name="Olga Nowak", email="olga.nowak@ilo.example",
            institution=Institution.ILO, tz="Europe/Brussels",
        )  # fmt: skip
        session.add(person)
        session.flush()
        commitments = session.scalars(
            select(Commitment).order_by(Commitment.area_id, Commitment.position)
        ).all()
        ilo = [c for c in commitments if Institution.ILO in c.actors][:COMMITMENTS]
        for commitment in ilo:
            assign(session, target=commitment.code, person=person, now=harness.clock())
        return [c.code for c in ilo]


def send_to_olga(harness: Harness) -> dict[str, Any]:
    report = send_checkins(harness.sessions, harness.deps.slack, now=harness.clock(), owners=[OLGA])
    assert report.sent == ["Olga Nowak"]
    return checkin_message(harness)


def checkin_message(harness: Harness) -> dict[str, Any]:
    [message] = [m for m in harness.fake.messages(f"D{OLGA}") if "thread_ts" not in m]
    return message


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e
        for b in message.get("blocks", [])
        if b["type"] == "actions"
        for e in b["elements"]
    }


def click(harness: Harness, user: str, action_id: str) -> tuple[str, dict[str, str]]:
    message = checkin_message(harness)
    button = buttons(message)[action_id]
    return harness.requests.block_action(
        user, action_id, value=button["value"], channel_id=message["channel"],
        message={"ts": message["ts"], "blocks": message["blocks"]},
    )  # fmt: skip


def updates(harness: Harness) -> list[Update]:
    with session_scope(harness.sessions) as session:
        return list(session.scalars(select(Update).order_by(Update.id)))


def shown(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_41_commitments_make_one_short_message_with_four_buttons(harness: Harness) -> None:
    codes = olga_owns_41(harness)
    message = send_to_olga(harness)
    posted = harness.fake.ok_calls("chat.postMessage")
    assert len(posted) == 1  # one message, nothing continued in the thread
    blocks = as_json(posted[0].params["blocks"])
    assert len(blocks) <= BUDGET_BLOCKS
    assert len(buttons(message)) <= BUDGET_BUTTONS
    assert list(buttons(message)) == [
        ids.CONFIRM_ACTION,
        ids.FORM_OPEN,
        ids.SKIP_OPEN,
        ids.AWAY_OPEN,
    ]
    assert all(f"`{code}`" in shown(message) for code in codes)
    assert "Reply by *" in shown(message)
    assert "at risk: tender delayed" in shown(message)


def test_nothing_changed_confirms_every_open_part_once_in_one_click(harness: Harness) -> None:
    olga_owns_41(harness)
    send_to_olga(harness)
    built = click(harness, OLGA, ids.CONFIRM_ACTION)
    again = click(harness, OLGA, ids.CONFIRM_ACTION)  # a second click, before the refresh
    assert harness.post(built)[0] == 200
    harness.fake.wait_for("chat.update")
    confirmed = updates(harness)
    assert len(confirmed) == COMMITMENTS
    assert {(u.source, u.text) for u in confirmed} == {(UpdateSource.CONFIRMED, "")}
    harness.post(built)  # the same click delivered again
    harness.post(again)
    harness.deps.drain()
    assert len(updates(harness)) == COMMITMENTS
    message = checkin_message(harness)
    assert "Confirmed unchanged" in shown(message)
    assert ids.CONFIRM_ACTION not in buttons(message)
    harness.fake.wait_for("views.publish")  # App Home refreshed too


def test_nothing_changed_keeps_each_parts_status(harness: Harness) -> None:
    olga_owns_41(harness)
    with session_scope(harness.sessions) as session:
        person = session.scalars(select(Person).where(Person.slack_user_id == OLGA)).one()
        first, first_id = person.assignments[0].commitment.code, person.assignments[0].commitment_id
    assert "Recorded" in harness.slash(OLGA, f"update {first} at risk")[-1]["text"]
    harness.clock.advance(days=14)  # reported last cycle: this one asks again
    send_to_olga(harness)
    harness.clock.advance(days=1)
    harness.post(click(harness, OLGA, ids.CONFIRM_ACTION))
    harness.fake.wait_for("chat.update")
    confirmations = [u for u in updates(harness) if u.source is UpdateSource.CONFIRMED]
    assert len(confirmations) == COMMITMENTS
    assert {u.status for u in confirmations if u.commitment_id == first_id} == {Status.AT_RISK}
    assert {u.status for u in confirmations if u.commitment_id != first_id} == {None}


def test_another_persons_or_a_forged_click_is_refused(harness: Harness) -> None:
    olga_owns_41(harness)
    send_to_olga(harness)
    harness.post(click(harness, CHIDI, ids.CONFIRM_ACTION))
    message = checkin_message(harness)
    forged = harness.requests.block_action(
        OLGA, ids.CONFIRM_ACTION, value='{"p":1,"c":"x"}', channel_id=message["channel"],
        message={"ts": message["ts"], "blocks": message["blocks"]},
    )  # fmt: skip
    harness.post(forged)
    other = CheckinButton(prompt_id=999).encode()
    harness.post(
        harness.requests.block_action(
            OLGA, ids.CONFIRM_ACTION, value=other, channel_id=message["channel"]
        )
    )
    harness.deps.drain()
    assert updates(harness) == []


def page_values(harness: Harness, view: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """Fill a page's inputs as Slack sends them: what is pre-filled, changed by `wanted`
    (block id → a status value or a text)."""
    r, values = harness.requests, {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        if element["type"] == "static_select":
            chosen = wanted.get(block_id, (element.get("initial_option") or {}).get("value"))
            values[block_id] = {element["action_id"]: r.select_value(chosen)}
        elif element["type"] == "url_text_input":
            values[block_id] = {element["action_id"]: r.url_value(wanted.get(block_id))}
        else:
            text = wanted.get(block_id, element.get("initial_value") or "")
            values[block_id] = {element["action_id"]: r.text_value(text)}
    return values


def inputs_of(view: dict[str, Any], field: str) -> list[str]:
    return [
        b["block_id"] for b in view["blocks"] if b["type"] == "input" and b["block_id"][0] == field
    ]


def test_the_form_changes_three_items_across_two_area_pages(harness: Harness) -> None:
    olga_owns_41(harness)
    send_to_olga(harness)
    harness.post(click(harness, OLGA, ids.FORM_OPEN))
    [opened] = harness.fake.wait_for("views.open")
    first = as_json(opened.params["view"])
    assert first["callback_id"] == ids.FORM_MODAL
    assert len(first["blocks"]) <= 100
    one = inputs_of(first, ids.F_STATUS)[0]
    state = {"values": page_values(harness, first, {one: "blocked"})}
    [forward] = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert forward["text"]["text"] == "Next area ›"
    view = {"id": "VFORM", "hash": "h1", "private_metadata": first["private_metadata"],
            "state": state, "callback_id": ids.FORM_MODAL}  # fmt: skip
    harness.post(
        harness.requests.block_action(OLGA, forward["action_id"], value=forward["value"], view=view)
    )
    [paged] = harness.fake.wait_for("views.update")
    assert paged.params["view_id"] == "VFORM"
    second = as_json(paged.params["view"])
    assert CheckinForm.parse(second["private_metadata"]).page == 1
    assert len(CheckinForm.parse(second["private_metadata"]).entries) == 1
    assert updates(harness) == []  # nothing saved yet
    two, three = inputs_of(second, ids.F_STATUS)[:2]
    text_of_three = "t" + three[1:]
    filled = page_values(
        harness, second, {two: "completed", text_of_three: "Tender delayed to March"}
    )
    built = harness.requests.view_submission(
        OLGA, ids.FORM_MODAL, filled, private_metadata=second["private_metadata"], view_id="VFORM"
    )
    assert harness.post(built) == (200, "")
    assert harness.post(built) == (200, "")  # the same submission again
    harness.fake.wait_for("chat.update")
    saved = updates(harness)
    assert [(u.status, u.text, u.source) for u in saved] == [
        (Status.BLOCKED, "", UpdateSource.MODAL),
        (Status.COMPLETED, "", UpdateSource.MODAL),
        (None, "Tender delayed to March", UpdateSource.MODAL),
    ]
    message = checkin_message(harness)
    assert shown(message).count(":white_check_mark:") == 3
    assert "3 answered" in shown(message)


def test_a_skip_with_a_reason_marks_the_checkin_and_stops_its_reminders(
    harness: Harness,
) -> None:
    olga_owns_41(harness)
    send_to_olga(harness)
    harness.post(click(harness, OLGA, ids.SKIP_OPEN))
    [opened] = harness.fake.wait_for("views.open")
    modal = as_json(opened.params["view"])
    assert modal["callback_id"] == ids.SKIP_MODAL
    empty = {ids.B_REASON: {ids.A_REASON: harness.requests.text_value("  ")}}
    _, body = harness.post(
        harness.requests.view_submission(
            OLGA, ids.SKIP_MODAL, empty, private_metadata=modal["private_metadata"]
        )
    )
    assert json.loads(body)["response_action"] == "errors"
    reason = {
        ids.B_REASON: {ids.A_REASON: harness.requests.text_value("On mission until the 10th")}
    }
    assert harness.post(
        harness.requests.view_submission(
            OLGA, ids.SKIP_MODAL, reason, private_metadata=modal["private_metadata"]
        )
    ) == (200, "")
    harness.fake.wait_for("chat.update")
    assert "*Skipped this cycle:* On mission until the 10th" in shown(checkin_message(harness))
    now = harness.clock()
    with session_scope(harness.sessions) as session:
        [skip] = skips_in(session, since=now - timedelta(days=1), until=now + timedelta(days=1))
        assert (skip.name, skip.reason) == ("Olga Nowak", "On mission until the 10th")
    assert remind(harness) is OutboxState.SKIPPED
    assert [m for m in harness.fake.messages(f"D{OLGA}") if "thread_ts" in m] == []
    assert updates(harness) == []


def remind(harness: Harness, *, after: timedelta = timedelta(days=3)) -> OutboxState:
    """Plan the cycle's first reminder and deliver it as the scheduler would."""
    harness.clock.advance(seconds=after.total_seconds())
    now = harness.clock()
    with session_scope(harness.sessions) as session:
        person = session.scalars(select(Person).where(Person.slack_user_id == OLGA)).one()
        cycle = owner_cycle(session, person, now=now)
        row = plan_checkin(session, person, now=now, cycle=cycle, reminder=1, keep_empty=True).row
        assert row is not None
        row_id = row.id
    prepare = prompt_sender(harness.deps.slack, now=now)
    deliver(harness.sessions, harness.deps.slack, row_id, now=now, prepare=prepare)
    with session_scope(harness.sessions) as session:
        from workflows.store.models import Outbox

        return session.get_one(Outbox, row_id).state


def test_a_reminder_is_one_line_in_the_thread_and_the_checkin_is_refreshed(
    harness: Harness,
) -> None:
    olga_owns_41(harness)
    message = send_to_olga(harness)
    harness.post(click(harness, OLGA, ids.FORM_OPEN))
    [opened] = harness.fake.wait_for("views.open")
    form = as_json(opened.params["view"])
    first_three = inputs_of(form, ids.F_STATUS)[:3]
    filled = page_values(harness, form, dict.fromkeys(first_three, "on_track"))
    harness.post(
        harness.requests.view_submission(
            OLGA, ids.FORM_MODAL, filled, private_metadata=form["private_metadata"]
        )
    )
    harness.fake.wait_for("chat.update")
    updated = len(harness.fake.ok_calls("chat.update"))
    assert remind(harness) is OutboxState.SENT
    thread = [m for m in harness.fake.messages(f"D{OLGA}") if m.get("thread_ts") == message["ts"]]
    [line] = thread
    assert line["text"].startswith(f"38 of your {COMMITMENTS} commitments have no answer yet")
    assert len(line["blocks"]) == 1
    assert len([m for m in harness.fake.messages(f"D{OLGA}") if "thread_ts" not in m]) == 1
    assert len(harness.fake.ok_calls("chat.update")) == updated + 1  # the check-in, refreshed
    assert "38 still open" in shown(checkin_message(harness))


def test_a_reminder_whose_checkin_is_gone_is_one_line_of_its_own(harness: Harness) -> None:
    olga_owns_41(harness)
    message = send_to_olga(harness)
    harness.fake.drop_message(message["channel"], message["ts"])
    assert remind(harness) is OutboxState.SENT
    [line] = harness.fake.messages(f"D{OLGA}")
    assert line["text"].startswith(f"Your {COMMITMENTS} commitments have no answer yet")
    assert "thread_ts" not in line
    with session_scope(harness.sessions) as session:
        person = session.scalars(select(Person).where(Person.slack_user_id == OLGA)).one()
        checkin = first_checkin(
            session, person.id, owner_cycle(session, person, now=harness.clock()).key
        )
        assert isinstance(checkin, Checkin)


HOSTILE_METADATA = [
    "",
    "not json",
    '{"p":' + "9" * 25 + "}",
    '{"p":-1}',
    '{"p":1,"e":{"x":{"s":"finished"}}}',
    '{"p":1,"g":99999}',
    "<!channel>",
]


def test_forms_with_metadata_the_bot_did_not_make_are_refused_and_write_nothing(
    harness: Harness,
) -> None:
    olga_owns_41(harness)
    send_to_olga(harness)
    for meta in HOSTILE_METADATA:
        for callback in (ids.FORM_MODAL, ids.SKIP_MODAL):
            values = {ids.B_REASON: {ids.A_REASON: harness.requests.text_value("away")}}
            status, body = harness.post(
                harness.requests.view_submission(OLGA, callback, values, private_metadata=meta)
            )
            assert status == 200
            assert json.loads(body)["response_action"] == "errors"
        view = {"id": "VX", "hash": "h", "private_metadata": meta, "state": {"values": {}}}
        paging = harness.requests.block_action(OLGA, f"{ids.FORM_PAGE}:next", value="1", view=view)
        assert harness.post(paging)[0] == 200
    harness.deps.drain()
    assert updates(harness) == []
    assert harness.fake.calls("views.update") == []
    with session_scope(harness.sessions) as session:
        assert session.scalars(select(Checkin.skipped_at)).all() == [None]


def test_another_owner_cannot_save_or_skip_olgas_checkin(harness: Harness) -> None:
    olga_owns_41(harness)
    message = send_to_olga(harness)
    prompt_id = CheckinButton.parse(buttons(message)[ids.FORM_OPEN]["value"]).prompt_id
    form = CheckinForm(prompt_id=prompt_id).encode()
    reason = {ids.B_REASON: {ids.A_REASON: harness.requests.text_value("not mine")}}
    for callback, meta in ((ids.FORM_MODAL, form), (ids.SKIP_MODAL, form)):
        _, body = harness.post(
            harness.requests.view_submission(CHIDI, callback, reason, private_metadata=meta)
        )
        assert json.loads(body)["response_action"] == "errors"
    harness.post(click(harness, CHIDI, ids.FORM_OPEN))
    harness.deps.drain()
    assert harness.fake.calls("views.open") == []
    assert updates(harness) == []


def test_a_form_grown_too_long_to_carry_is_saved_when_paging(harness: Harness) -> None:
    olga_owns_41(harness)
    send_to_olga(harness)
    harness.post(click(harness, OLGA, ids.FORM_OPEN))
    [opened] = harness.fake.wait_for("views.open")
    first = as_json(opened.params["view"])
    long_words = {"t" + b[1:]: "Workshop held. " * 100 for b in inputs_of(first, ids.F_STATUS)[:2]}
    state = {"values": page_values(harness, first, long_words)}
    [forward] = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    view = {"id": "VLONG", "hash": "h1", "private_metadata": first["private_metadata"],
            "state": state, "callback_id": ids.FORM_MODAL}  # fmt: skip
    harness.post(
        harness.requests.block_action(OLGA, forward["action_id"], value=forward["value"], view=view)
    )
    [paged] = harness.fake.wait_for("views.update")
    second = as_json(paged.params["view"])
    form = CheckinForm.parse(second["private_metadata"])
    assert (form.page, form.entries, form.saved) == (1, {}, 2)
    assert "2 saved while paging" in json.dumps(second["blocks"])
    saved = updates(harness)
    assert len(saved) == 2
    assert all(u.text.strip() == ("Workshop held. " * 100).strip() for u in saved)
