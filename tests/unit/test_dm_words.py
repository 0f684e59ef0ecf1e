"""Commitment ids in every form people type, DM words read line by line, and what the bot
answers to them. Pure."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.payloads import DmMessage
from bot.views.show import REPLACED, WITHDRAWN, history_line
from bot.views.words import build_undone, build_words_answer
from workflows.catalogue.lookup import (
    CommitmentId,
    find_commitment_ids,
    read_commitment_id,
    take_commitment_id,
)
from workflows.checkins.answering import Answered
from workflows.checkins.reading import Said, lead_status, read_lines
from workflows.types import Status
from workflows.updates.status import Report

SLUGS = ["general", "gender", "osh", "supply-chains", "future-of-work"]
GENDER_4 = CommitmentId(4, slug="gender")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        pytest.param("gender-4", GENDER_4, id="dashed"),
        pytest.param("gender4", GENDER_4, id="joined"),
        pytest.param("gender 4", GENDER_4, id="spaced"),
        pytest.param("Gender-4", GENDER_4, id="capitalised"),
        pytest.param("GENDER 4", GENDER_4, id="shouted"),
        pytest.param("gender#4", GENDER_4, id="hash"),
        pytest.param(" gender-4 ", GENDER_4, id="padded"),
        pytest.param("5.4", CommitmentId(4, area_number=5), id="area-and-item-numbers"),
        pytest.param("supply chains 3", CommitmentId(3, slug="supply-chains"), id="two-word-slug"),
        pytest.param("supply-chains-10", CommitmentId(10, slug="supply-chains"), id="dashed-slug"),
        pytest.param("hlm15/gender-7", CommitmentId(7, slug="gender", meeting=15), id="qualified"),
        pytest.param("gender", None, id="an-area-is-no-id"),
        pytest.param("gender-", None, id="no-number"),
        pytest.param("5", None, id="a-lone-number-is-an-area"),
        pytest.param("5.4.1", None, id="three-numbers"),
        pytest.param("", None, id="empty"),
    ],
)
def test_a_commitment_id_is_read_in_every_form_people_type(
    typed: str, read: CommitmentId | None
) -> None:
    assert read_commitment_id(typed) == read


def test_an_id_reads_back_as_the_code_people_see() -> None:
    assert [str(read_commitment_id(t)) for t in ("GENDER 4", "5.4", "hlm15 gender 7")] == [
        "gender-4",
        "5.4",
        "hlm15/gender-7",
    ]


@pytest.mark.parametrize(
    ("words", "taken", "rest"),
    [
        pytest.param(["gender", "4", "at", "risk"], "gender 4", ["at", "risk"], id="two-words"),
        pytest.param(["gender-4", "done"], "gender-4", ["done"], id="one-word"),
        pytest.param(["supply", "chains", "3"], "supply chains 3", [], id="three-words"),
        pytest.param(["nonsense", "done"], "nonsense", ["done"], id="no-id-takes-the-first"),
        pytest.param([], "", [], id="nothing"),
    ],
)
def test_the_id_a_command_starts_with_may_take_several_words(
    words: list[str], taken: str, rest: list[str]
) -> None:
    assert take_commitment_id(words) == (taken, rest)


@pytest.mark.parametrize(
    ("line", "found"),
    [
        pytest.param("gender-4 at risk: late", ["gender-4"], id="first"),
        pytest.param("Update on osh2 and gender 4", ["osh-2", "gender-4"], id="two-forms"),
        pytest.param("5.4 on track", ["5.4"], id="numbers-leading"),
        pytest.param("- 5.4: blocked", ["5.4"], id="numbers-after-a-bullet"),
        pytest.param("GDP rose 5.4% in 2 weeks", [], id="a-percentage-is-no-id"),
        pytest.param("we met on 5.4 again", [], id="numbers-inside-a-sentence"),
        pytest.param("SDG 8 and covid19", [], id="unknown-slugs"),
        pytest.param("see hlm15/gender-7.", ["hlm15/gender-7"], id="qualified-at-a-full-stop"),
    ],
)
def test_ids_are_found_in_a_line_only_for_known_areas(line: str, found: list[str]) -> None:
    assert [str(m.id) for m in find_commitment_ids(line, SLUGS)] == found


@pytest.mark.parametrize(
    ("text", "status", "rest"),
    [
        pytest.param("at risk: tender late", Status.AT_RISK, "tender late", id="colon"),
        pytest.param("At risk tender late", Status.AT_RISK, "tender late", id="no-colon"),
        pytest.param("on-track – fine", Status.ON_TRACK, "fine", id="dash"),
        pytest.param("done", Status.COMPLETED, "", id="done"),
        pytest.param("Completed.", Status.COMPLETED, "", id="completed"),
        pytest.param("not started yet", Status.NOT_STARTED, "yet", id="not-started"),
        pytest.param("blocked", Status.BLOCKED, "", id="blocked"),
        pytest.param("dropped: no funding", Status.DROPPED, "no funding", id="dropped"),
        pytest.param("ok, on schedule", Status.ON_TRACK, "on schedule", id="ok"),
        pytest.param("stuck – no venue", Status.BLOCKED, "no venue", id="stuck"),
        pytest.param("at_risk", Status.AT_RISK, "", id="one-word-with-underscore"),
        pytest.param("on track-ish", None, "on track-ish", id="no-status-inside-a-word"),
        pytest.param("I will check", None, "I will check", id="no-status"),
        pytest.param("ok I will check", None, "ok I will check", id="another-word-needs-a-stop"),
        pytest.param("risk assessment done", None, "risk assessment done", id="risk-is-a-word"),
        pytest.param("donations arrived", None, "donations arrived", id="a-word-starting-alike"),
    ],
)
def test_a_status_said_first_is_read(text: str, status: Status | None, rest: str) -> None:
    assert lead_status(text) == (status, rest)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            "gender-4 at risk: tender delayed",
            [Said(0, GENDER_4, "gender-4", Status.AT_RISK, "tender delayed")],
            id="id-status-words",
        ),
        pytest.param(
            "gender 4 at risk\nosh-2: on track – inspections done",
            [
                Said(0, GENDER_4, "gender 4", Status.AT_RISK, ""),
                Said(1, CommitmentId(2, slug="osh"), "osh-2", Status.ON_TRACK, "inspections done"),
            ],
            id="two-lines-two-updates",
        ),
        pytest.param(
            "gender-4 blocked: no funds\nThe council meets in May.",
            [Said(0, GENDER_4, "gender-4", Status.BLOCKED, "no funds\nThe council meets in May.")],
            id="a-line-without-id-continues",
        ),
        pytest.param(
            "At risk: gender4 the tender is late",
            [Said(0, GENDER_4, "gender4", Status.AT_RISK, "the tender is late")],
            id="status-before-the-id",
        ),
        pytest.param(
            "Update on gender-4: workshop held",
            [Said(0, GENDER_4, "gender-4", None, "Update on gender-4: workshop held")],
            id="id-inside-a-sentence-keeps-the-sentence",
        ),
        pytest.param(
            "Hi!\n\n5.4 done",
            [Said(2, CommitmentId(4, area_number=5), "5.4", Status.COMPLETED, "")],
            id="a-greeting-before-the-first-id",
        ),
        pytest.param("at risk: the tender is late", [], id="no-id"),
    ],
)
def test_a_message_is_read_line_by_line(text: str, said: list[Said]) -> None:
    assert read_lines(text, SLUGS) == said


def _event(**fields: object) -> dict[str, object]:
    return {"type": "message", "channel": "D1", "channel_type": "im", "ts": "9.9"} | fields


def test_a_thread_broadcast_is_read_as_a_reply() -> None:
    event = _event(subtype="thread_broadcast", user="U1", text="x", thread_ts="1.0")
    assert DmMessage.model_validate(event).from_a_person_in_dm


def test_an_edit_is_read_with_its_new_words_and_an_unfurl_is_not_an_edit() -> None:
    new = {"user": "U1", "text": "gender-4 done", "ts": "1.0", "edited": {"ts": "9.9"}}
    edit = DmMessage.model_validate(
        _event(subtype="message_changed", message=new, previous_message=new | {"text": "x"})
    ).edit
    assert edit is not None
    assert (edit.user, edit.text, edit.ts) == ("U1", "gender-4 done", "1.0")
    unfurl = _event(subtype="message_changed", message=new, previous_message=new)
    assert DmMessage.model_validate(unfurl).edit is None
    bot = _event(subtype="message_changed", message=new | {"bot_id": "B1"})
    assert DmMessage.model_validate(bot).edit is None


def test_a_deletion_names_the_deleted_message_and_its_author() -> None:
    old = {"user": "U1", "text": "gender-4 done", "ts": "1.0", "thread_ts": "0.5"}
    gone = DmMessage.model_validate(
        _event(subtype="message_deleted", deleted_ts="1.0", previous_message=old)
    ).deleted
    assert gone is not None
    assert (gone.user, gone.ts, gone.thread_ts) == ("U1", "1.0", "0.5")
    assert not DmMessage.model_validate(
        _event(subtype="message_deleted", deleted_ts="1.0", previous_message=old)
    ).from_a_person_in_dm


@pytest.mark.parametrize("shape", [None, 3, ["x"], "text"])
def test_an_edit_of_a_foreign_shape_is_no_edit(shape: object) -> None:
    message = DmMessage.model_validate(_event(subtype="message_changed", message=shape))
    assert message.edit is None


# --- What the bot answers ---------------------------------------------------------------------


def _answered(code: str, status: Status | None, *, late: bool = False) -> Answered:
    at = datetime(2026, 12, 1, 10, 2, tzinfo=UTC)
    return Answered(f"hlm15/{code}", code, status, "Chidi", at, late=late, created=True)


def test_words_are_confirmed_in_one_line_with_each_refusal_naming_its_id() -> None:
    reply = build_words_answer(
        [_answered("gender-4", Status.AT_RISK), _answered("osh-2", None, late=True)],
        [("gender-9", "You are not an owner of gender-9.")],
    )
    assert reply.text == (
        "✓ Recorded At risk for gender-4 · ✓ Recorded a note for osh-2 (late) · "
        "✗ gender-9: You are not an owner of gender-9."
    )
    assert len(reply.blocks) == 1


def test_a_correction_and_a_withdrawal_say_so() -> None:
    reply = build_words_answer(
        [_answered("gender-4", Status.ON_TRACK)],
        withdrawn=[_answered("osh-2", Status.BLOCKED)],
        corrected=True,
    )
    assert reply.text == "✓ Corrected: On track for gender-4 · ✓ Withdrew Blocked for osh-2"


def test_undo_names_the_update_and_its_time_in_the_readers_zone() -> None:
    reply = build_undone(_answered("gender-4", Status.AT_RISK))
    assert reply.text == "Withdrew your update on gender-4 (At risk, 10:02 UTC)."
    shown = reply.block_dicts()[0]["text"]["text"]
    assert "<!date^" in shown
    assert "^{time}|10:02 UTC>" in shown


def test_a_refusal_quoting_forged_text_stays_text() -> None:
    reply = build_words_answer([], [("gender-9", "No commitment has the id “<!channel>”.")])
    assert "<!channel>" not in json.dumps(reply.block_dicts())


def test_history_strikes_what_no_longer_counts() -> None:
    at = datetime(2026, 12, 1, 10, 2, tzinfo=UTC)
    old = Report(Status.AT_RISK, "", "Chidi", at, replaced=True)
    gone = Report(Status.BLOCKED, "", "Chidi", at, withdrawn=True)
    new = Report(Status.ON_TRACK, "", "Chidi", at)
    assert REPLACED in history_line(old)
    assert WITHDRAWN in history_line(gone)
    assert REPLACED not in history_line(new)
    assert WITHDRAWN not in history_line(new)
