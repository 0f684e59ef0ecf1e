"""A check-in in each owner's own calendar and clock: two owners twelve hours apart are each
given a deadline on their own calendar, and every moment shown is one Slack writes in the
reader's time zone. Through the real app over HTTP, on both databases."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select

from tests.e2e.conftest import Harness
from workflows.checkins.prompts import owner_cycle
from workflows.delivery.outbox import send_checkins
from workflows.people.assignments import assign
from workflows.store.db import session_scope
from workflows.store.models import Person
from workflows.types import Institution

AUCKLAND, NEW_YORK = "U0ILOAKL", "U0ILONYC"
# 12:00 UTC on Wednesday 25 November: already Thursday 01:00 in Auckland, Wednesday 07:00 in
# New York.
MOMENT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def owner(harness: Harness, user: str, name: str, tz: str, code: str) -> None:
    harness.fake.add_user(user, name=name.split()[0], real_name=name, tz=tz)
    with session_scope(harness.sessions) as session:
        person = Person(slack_user_id=user, name=name, email=f"{user.lower()}@ilo.example",
                        institution=Institution.ILO, tz=tz)  # fmt: skip
        session.add(person)
        session.flush()
        assign(session, target=code, person=person, now=MOMENT)


def checkin(harness: Harness, user: str) -> dict[str, object]:
    [message] = [m for m in harness.fake.messages(f"D{user}") if "thread_ts" not in m]
    return message


def test_each_owner_is_given_a_deadline_in_their_own_calendar(harness: Harness) -> None:
    harness.clock.now = MOMENT
    owner(harness, AUCKLAND, "Aroha Ngata", "Pacific/Auckland", "gender-1")
    owner(harness, NEW_YORK, "Nia Brooks", "America/New_York", "gender-2")
    report = send_checkins(
        harness.sessions, harness.deps.slack, now=MOMENT, owners=[AUCKLAND, NEW_YORK]
    )
    assert sorted(report.sent) == ["Aroha Ngata", "Nia Brooks"]
    with session_scope(harness.sessions) as session:
        people = {p.slack_user_id: p for p in session.scalars(select(Person))}
        closes = {
            u: owner_cycle(session, people[u], now=MOMENT).closes
            for u in people
            if u in (AUCKLAND, NEW_YORK)
        }
    assert closes[AUCKLAND] != closes[NEW_YORK]  # a day apart: each counts from their own today
    for user in (AUCKLAND, NEW_YORK):
        shown = json.dumps(checkin(harness, user), ensure_ascii=False)
        day = closes[user]
        assert f"Reply by *{day:%A} {day.day} {day:%B}*" in shown


def test_a_moment_in_the_checkin_is_written_for_each_readers_zone(harness: Harness) -> None:
    harness.clock.now = MOMENT
    owner(harness, AUCKLAND, "Aroha Ngata", "Pacific/Auckland", "gender-1")
    send_checkins(harness.sessions, harness.deps.slack, now=MOMENT, owners=[AUCKLAND])
    message = checkin(harness, AUCKLAND)
    words = harness.requests.dm_message(AUCKLAND, "gender-1 on track: survey sent")
    assert harness.post(harness.requests.event(words))[0] == 200
    harness.fake.wait_for("chat.update")
    shown = json.dumps(harness.fake.message(str(message["channel"]), str(message["ts"])))
    stamp = re.search(r"<!date\^(\d+)\^\{[a-z_]+\}\|([^>]+)>", shown)
    assert stamp is not None  # Slack writes it in each reader's zone; the fallback is UTC
    assert int(stamp[1]) == int(MOMENT.timestamp())
