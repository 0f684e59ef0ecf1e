"""Check-ins reach owners once per cycle; answers are recorded once, against their prompt."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.fakes import RecordingNotifier
from workflows.checkins.answering import answer_words
from workflows.checkins.answers import resolve_thread_reply, take_dm_words
from workflows.checkins.prompts import open_parts, owner_cycle, plan_checkin
from workflows.checkins.reading import split_status
from workflows.delivery.outbox import send_checkins
from workflows.ports import CheckinPrompt
from workflows.store.db import session_scope
from workflows.store.messages import CheckinMessage, message_of
from workflows.store.models import Checkin, Outbox, Person, Update
from workflows.types import Institution, OutboxState, Status, UpdateSource
from workflows.updates.service import RecordUpdate, record


def person(sessions: sessionmaker[Session], email: str) -> Person:
    with session_scope(sessions) as session:
        return session.scalars(select(Person).where(Person.email == email)).one()


def test_every_owner_with_open_items_gets_one_checkin_per_cycle(
    owned: sessionmaker[Session], now: datetime
) -> None:
    notifier = RecordingNotifier()
    first = send_checkins(owned, notifier, now=now)
    again = send_checkins(owned, notifier, now=now + timedelta(hours=2))

    prompts: list[CheckinPrompt] = notifier.sent("checkin")
    assert len(first.sent) == len(prompts) == len({p.slack_user_id for p in prompts}) > 0
    assert again.sent == []
    assert sorted(again.already) == sorted(first.sent)
    chidi = next(p for p in prompts if p.name == "Chidi Okafor")
    assert {item.code.split("-")[0] for item in chidi.items} >= {"gender", "osh"}
    assert all(item.institution is Institution.ILO for item in chidi.items)


def test_a_departed_owner_is_not_retried_and_coordinators_are_told(
    owned: sessionmaker[Session], now: datetime
) -> None:
    notifier = RecordingNotifier(gone={"U0ILODANA"})
    report = send_checkins(owned, notifier, now=now)
    assert report.gone == ["Dana Kowalski"]
    with session_scope(owned) as session:
        dana = session.scalars(select(Person).where(Person.slack_user_id == "U0ILODANA")).one()
        assert dana.active is False
        assert session.scalar(select(Outbox).where(Outbox.key == f"departed:{dana.id}")) is not None
    assert "Dana Kowalski" not in send_checkins(owned, notifier, now=now + timedelta(days=14)).sent


def test_a_transient_failure_leaves_the_checkin_due_and_it_is_sent_later(
    owned: sessionmaker[Session], now: datetime
) -> None:
    notifier = RecordingNotifier(failing=1)
    chidi = person(owned, "chidi.okafor@ilo.example")
    report = send_checkins(owned, notifier, now=now, owners=[chidi.email or ""])
    assert report.failed == ["Chidi Okafor"]
    report = send_checkins(
        owned, notifier, now=now + timedelta(minutes=10), owners=[chidi.email or ""]
    )
    assert report.sent == ["Chidi Okafor"]
    assert len(notifier.sent("checkin")) == 1


def _prompt_of(sessions: sessionmaker[Session], name: str) -> Checkin:
    with session_scope(sessions) as session:
        return session.scalars(
            select(Checkin).join(Checkin.person).where(Person.name == name)
        ).one()


def test_a_check_in_is_planned_once_whoever_asks_and_records_what_it_asks(
    owned: sessionmaker[Session], now: datetime
) -> None:
    with session_scope(owned) as session:
        chidi = session.scalars(
            select(Person).where(Person.email == "chidi.okafor@ilo.example")
        ).one()
        cycle = owner_cycle(session, chidi, now=now)
        by_hand = plan_checkin(session, chidi, now=now, cycle=cycle)
        by_schedule = plan_checkin(session, chidi, now=now, cycle=cycle, keep_empty=True)
        assert (by_hand.new, by_schedule.new) == (True, False)
        assert by_hand.row is by_schedule.row
        assert by_hand.row is not None
        checkin = by_hand.row.checkin
        assert checkin is not None
        asked = [[c.key, i.value] for c, i in open_parts(session, chidi, now=now)]
        assert (checkin.items, checkin.cycle, checkin.closes_on) == (asked, cycle.key, cycle.closes)
        assert message_of(by_hand.row) == CheckinMessage()


def test_a_double_click_records_one_update_and_a_change_of_mind_a_correction(
    owned: sessionmaker[Session], now: datetime
) -> None:
    send_checkins(owned, RecordingNotifier(), now=now)
    prompt = _prompt_of(owned, "Chidi Okafor")
    key = prompt.items[0][0]
    chidi = person(owned, "chidi.okafor@ilo.example")

    def click(status: Status, at: datetime) -> bool:
        with session_scope(owned) as session:
            command = RecordUpdate(
                commitment=key, institution=Institution.ILO, author_id=chidi.id,
                status=status, source=UpdateSource.BUTTON, checkin_id=prompt.id,
            )  # fmt: skip
            return record(session, command, now=at).created

    assert [click(Status.ON_TRACK, now), click(Status.ON_TRACK, now)] == [True, False]
    assert click(Status.AT_RISK, now + timedelta(minutes=1)) is True
    with session_scope(owned) as session:
        updates = session.scalars(
            select(Update).where(Update.checkin_id == prompt.id).order_by(Update.id)
        ).all()
        assert [u.status for u in updates] == [Status.ON_TRACK, Status.AT_RISK]
        assert updates[1].corrects_id == updates[0].id


def test_an_answer_after_the_cycle_closed_is_recorded_and_marked_late(
    owned: sessionmaker[Session], now: datetime
) -> None:
    send_checkins(owned, RecordingNotifier(), now=now)
    prompt = _prompt_of(owned, "Chidi Okafor")
    chidi = person(owned, "chidi.okafor@ilo.example")
    with session_scope(owned) as session:
        command = RecordUpdate(
            commitment=prompt.items[0][0], institution=Institution.ILO,
            author_id=chidi.id, status=Status.COMPLETED, source=UpdateSource.BUTTON,
            checkin_id=prompt.id,
        )  # fmt: skip
        recorded = record(session, command, now=now + timedelta(days=30))
        assert recorded.checkin_id == prompt.id
        assert recorded.update.late


def test_a_thread_reply_on_a_prompt_with_several_items_asks_which_then_records(
    owned: sessionmaker[Session], now: datetime
) -> None:
    send_checkins(owned, RecordingNotifier(), now=now)
    prompt = _prompt_of(owned, "Chidi Okafor")
    with session_scope(owned) as session:
        row = session.scalars(select(Outbox).where(Outbox.checkin_id == prompt.id)).one()
        assert row.state is OutboxState.SENT
        assert row.channel
        assert row.ts
        outcome = take_dm_words(
            session, channel=row.channel, ts="1800000000.000001", thread_ts=row.ts,
            slack_user_id="U0ILOCHIDI", text="at risk: the survey is late", now=now,
        )  # fmt: skip
        assert outcome.answer is None
        assert len(outcome.choices) == len(prompt.items)
        again = take_dm_words(
            session, channel=row.channel, ts="1800000000.000001", thread_ts=row.ts,
            slack_user_id="U0ILOCHIDI", text="at risk: the survey is late", now=now,
        )  # fmt: skip
        assert again.repeated
        key, institution = outcome.choices[1]
        picked = resolve_thread_reply(
            session,
            channel=row.channel,
            ts="1800000000.000001",
            key=key,
            institution=institution,
            slack_user_id="U0ILOCHIDI",
            now=now,
        )
        assert picked.answer is not None
        update = picked.answer.update
        assert (update.status, update.text, update.source) == (
            Status.AT_RISK,
            "the survey is late",
            UpdateSource.THREAD,
        )
        total = session.scalar(
            select(func.count()).select_from(Update).where(Update.checkin_id == prompt.id)
        )
        assert total == 1


@pytest.mark.parametrize(
    ("text", "status", "rest"),
    [
        pytest.param(
            "on track: workshop held", Status.ON_TRACK, "workshop held", id="status-first"
        ),
        pytest.param("Done", Status.COMPLETED, "", id="status-only"),
        pytest.param(
            "We met the social partners.", None, "We met the social partners.", id="just-words"
        ),
        pytest.param("blocked - waiting for funds", Status.BLOCKED, "waiting for funds", id="dash"),
        pytest.param(
            "Ok, I will check next week",
            None,
            "Ok, I will check next week",
            id="ok-is-not-a-status",
        ),
        pytest.param("Done.", Status.COMPLETED, "", id="punctuation"),
    ],
)
def test_a_status_said_first_in_a_reply_is_read_as_the_status(
    text: str, status: Status | None, rest: str
) -> None:
    assert split_status(text) == (status, rest)


def test_words_naming_several_parts_show_their_check_in_once_as_it_now_stands(
    owned: sessionmaker[Session], now: datetime
) -> None:
    send_checkins(owned, RecordingNotifier(), now=now)
    prompt = _prompt_of(owned, "Chidi Okafor")
    (first, _), (second, _) = prompt.items[:2]  # commitment keys: `hlm15/gender-4`
    with session_scope(owned) as session:
        answer = answer_words(
            session, channel="D0ILOCHIDI", ts="1800000000.000002", thread_ts=None,
            slack_user_id="U0ILOCHIDI", text=f"{first} at risk: late\n{second} done", now=now,
        )  # fmt: skip
    assert [(a.key, a.checkin_id, a.checkin) for a in answer.answered] == [
        (first, prompt.id, None),
        (second, prompt.id, None),
    ]
    [shown] = answer.checkins
    recorded = {i.key: i.recorded is not None for i in shown.checkin.items}
    assert (shown.checkin.prompt_id, recorded[first], recorded[second]) == (prompt.id, True, True)
