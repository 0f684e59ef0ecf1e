"""`/hlm assign` (which may ask Slack who someone is) and `/hlm digest` (which compiles a digest)
are acknowledged at once with a short notice; their answer, or what went wrong, follows through
the command's response_url."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from bot.errors import SLACK_DOWN, TRY_AGAIN
from bot.listeners.slash import WORKING
from tests.e2e.conftest import CHIDI, COORDINATOR, Harness
from workflows.store.db import make_engine, session_scope
from workflows.store.models import DataVersion, Person

NEWBIE = "U0NEWBIE"


@pytest.fixture
def newbie(harness: Harness) -> str:
    """Someone Slack knows and the bot does not, yet."""
    harness.fake.add_user(
        NEWBIE, name="newbie", real_name="Nora Newbie", email="nora@ilo.org", tz="Europe/Zurich"
    )
    return f"<@{NEWBIE}>"


@contextmanager
def held(harness: Harness, method: str) -> Iterator[threading.Event]:
    """Hold every call of a Web API method until the event is set (or the block ends)."""
    release = threading.Event()
    # The stand-in asks `when` whether to refuse a call; waiting there holds the call, and
    # answering False lets it through unchanged (the error named is never given).
    harness.fake.error_for(method, "unused", when=lambda _: release.wait(timeout=10) and False)
    try:
        yield release
    finally:
        release.set()


def test_assign_is_acknowledged_before_slack_is_asked_who_the_person_is(
    harness: Harness, newbie: str
) -> None:
    url = harness.fake.response_url("assign")
    with held(harness, "users.info") as release:
        status, body = harness.post(
            harness.requests.slash_command(
                COORDINATOR, f"assign gender-6 {newbie}", response_url=url
            )
        )
        assert status == 200
        assert json.loads(body)["text"] == WORKING  # answered while users.info is still held
        release.set()
        [answer] = harness.responses("assign")
    assert "Nora Newbie is now ILO owner of gender-6" in answer["text"]
    assert answer["response_type"] == "ephemeral"


def test_a_digest_preview_is_acknowledged_then_sent(harness: Harness) -> None:
    harness.slash(CHIDI, "update gender-3 at-risk Tender delayed")
    harness.clock.advance(minutes=5)
    working, parent, *thread = harness.slash(COORDINATOR, "digest", timeout=60)
    assert working["text"] == WORKING
    assert "Tender delayed" in json.dumps(thread)
    assert all(r["response_type"] == "ephemeral" for r in [parent, *thread])


@pytest.mark.parametrize(
    ("who", "text", "said"),
    [
        pytest.param(COORDINATOR, "assign gender-99 <@U0ILOCHIDI>", "No commitment has the id", id="assign-unknown-commitment"),
        pytest.param(CHIDI, "assign gender-6 <@U0ILOCHIDI>", "Only coordinators can assign", id="assign-not-a-coordinator"),
        pytest.param(COORDINATOR, "digest 9", "No technical meeting", id="digest-unknown-meeting"),
        pytest.param(CHIDI, "digest", "Only coordinators can preview", id="digest-not-a-coordinator"),
    ],
)  # fmt: skip
def test_a_refusal_after_the_acknowledgement_reaches_the_person(
    harness: Harness, who: str, text: str, said: str
) -> None:
    working, refusal = harness.slash(who, text)
    assert working["text"] == WORKING
    assert said in refusal["text"]


def test_slack_not_answering_during_assign_is_said_plainly_and_nothing_is_written(
    harness: Harness, newbie: str
) -> None:
    harness.fake.error_for("users.info", "internal_error")
    working, answer = harness.slash(COORDINATOR, f"assign gender-6 {newbie}")
    assert working["text"] == WORKING
    assert answer["text"] == SLACK_DOWN
    with session_scope(harness.sessions) as session:
        assert session.scalar(select(Person).where(Person.slack_user_id == NEWBIE)) is None


def test_a_database_outage_after_the_acknowledgement_asks_to_try_again(harness: Harness) -> None:
    with harness.database_down():
        working, answer = harness.slash(COORDINATOR, "digest")
    assert working["text"] == WORKING
    assert answer["text"] == TRY_AGAIN


def test_while_slack_is_asked_who_someone_is_other_writers_are_not_kept_waiting(
    harness: Harness, newbie: str
) -> None:
    database_url = harness.deps.settings.database_url
    if not database_url.startswith("sqlite"):
        pytest.skip("on PostgreSQL a transaction that has not written yet blocks no writer")
    # Another process that writes, and gives up after a second rather than wait for the lock.
    impatient = make_engine(database_url, connect_args={"timeout": 1})
    asked, release = threading.Event(), threading.Event()
    harness.fake.error_for(
        "users.info", "unused", when=lambda _: asked.set() or (release.wait(10) and False)
    )
    try:
        url = harness.fake.response_url("assign")
        harness.post(
            harness.requests.slash_command(
                COORDINATOR, f"assign gender-6 {newbie}", response_url=url
            )
        )
        assert asked.wait(5)
        with session_scope(sessionmaker(impatient)) as session:  # raises if the lock is held
            session.execute(update(DataVersion).values(token="written meanwhile"))
    finally:
        release.set()
        impatient.dispose()
    [answer] = harness.responses("assign")
    assert "Nora Newbie is now ILO owner of gender-6" in answer["text"]


def test_slack_is_not_asked_about_anyone_for_an_assign_that_will_be_refused(
    harness: Harness, newbie: str
) -> None:
    _, refusal = harness.slash(CHIDI, f"assign gender-6 {newbie}")
    assert "Only coordinators can assign" in refusal["text"]
    assert harness.fake.calls("users.info") == []
