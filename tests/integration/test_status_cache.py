"""Kept status replies: reused while the data's token holds, rendered afresh after any write or
when an item turns stale by the clock alone."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.commands.handlers import run_command
from bot.commands.parse import StatusQuery
from bot.status_replies import KEEP_AT_MOST, StatusReplies
from bot.views import Reply
from tests.factories import command_context, make_owner, make_update
from workflows.catalogue.lookup import find_area
from workflows.errors import UnknownArea
from workflows.store.db import read_scope, session_scope
from workflows.store.models import Outbox, Person
from workflows.store.revision import current_token
from workflows.types import Institution, OutboxKind, Status
from workflows.updates.status import STALE_AFTER, AreaStatus, area_status


class Counted:
    """A cache of gender's status that counts how often it computes and renders."""

    def __init__(self) -> None:
        self.cache, self.computed = StatusReplies(), 0
        self.rendered: list[AreaStatus] = []  # a reply's text is its status's place here

    def area(self, session: Session, asked: str, *, now: datetime) -> AreaStatus:
        """Return the status the kept reply was rendered from."""

        def compute() -> list[AreaStatus]:
            self.computed += 1
            return [area_status(session, find_area(session, asked), now=now)]

        def render(statuses: Sequence[AreaStatus]) -> list[Reply]:
            self.rendered.append(statuses[0])
            return [Reply(str(len(self.rendered) - 1), [])]

        reply = self.cache.get(
            session, asked.strip().casefold(), now=now, compute=compute, render=render
        )
        return self.rendered[int(reply[0].text)]


@pytest.fixture
def owned_item(sessions: sessionmaker[Session], now: datetime) -> tuple[str, Person]:
    """The first ILO commitment on gender equality, and its new owner."""
    with session_scope(sessions) as session:
        area = find_area(session, "gender")
        code = next(c.code for c in area.commitments if Institution.ILO in c.actors)
        return code, make_owner(session, code, now=now)


def status_of(cache: Counted, sessions: sessionmaker[Session], code: str, at: datetime) -> str:
    with session_scope(sessions) as session:
        shown = cache.area(session, "Gender", now=at)
    return next(item.label for item in shown.items if item.code == code)


def test_a_write_from_another_session_changes_the_token_and_the_status_shown(
    sessions: sessionmaker[Session], now: datetime, owned_item: tuple[str, Person]
) -> None:
    cache, (code, owner) = Counted(), owned_item
    assert status_of(cache, sessions, code, now) == "No update"
    with session_scope(sessions) as session:
        before = current_token(session)
        make_update(session, code, session.merge(owner), Status.AT_RISK, now=now)
    with session_scope(sessions) as session:
        assert current_token(session) != before
    assert status_of(cache, sessions, code, now) == Status.AT_RISK.label


def test_a_kept_status_is_reused_while_nothing_changes(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    cache = Counted()
    with session_scope(sessions) as session:
        first = cache.area(session, "gender", now=now)
        session.add(Outbox(key="k", kind=OutboxKind.DIGEST, due_at=now))  # not shown: no new token
    with session_scope(sessions) as session:
        again = cache.area(session, " GENDER ", now=now + timedelta(minutes=1))
        later = cache.area(session, "gender", now=now + KEEP_AT_MOST + timedelta(seconds=1))
    assert again is first
    assert later is not first
    assert later == first


def test_an_item_turning_stale_by_the_clock_is_recomputed(
    sessions: sessionmaker[Session], now: datetime, owned_item: tuple[str, Person]
) -> None:
    cache, (code, owner) = Counted(), owned_item
    with session_scope(sessions) as session:
        make_update(session, code, session.merge(owner), Status.ON_TRACK, now=now)
    turns = now + STALE_AFTER + timedelta(minutes=1)
    with session_scope(sessions) as session:
        fresh = cache.area(session, "gender", now=turns - timedelta(minutes=2))
        cache.area(session, "gender", now=turns - timedelta(minutes=3))
        stale = cache.area(session, "gender", now=turns)
    assert fresh.stale == 0
    assert stale.stale == 1


def test_a_write_undone_by_a_savepoint_still_leaves_a_new_token_for_what_follows(
    sessions: sessionmaker[Session], now: datetime, owned_item: tuple[str, Person]
) -> None:
    code, owner = owned_item
    with session_scope(sessions) as session:
        before = current_token(session)
        savepoint = session.begin_nested()
        make_update(session, code, session.merge(owner), Status.BLOCKED, now=now)
        savepoint.rollback()
        assert current_token(session) == before
        make_update(session, code, session.merge(owner), Status.AT_RISK, now=now)
    with session_scope(sessions) as session:
        assert current_token(session) != before


def test_an_unknown_area_is_refused_and_not_kept(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    cache = Counted()
    with session_scope(sessions) as session, pytest.raises(UnknownArea):
        cache.area(session, "astrology", now=now)


def status_reply(sessions: sessionmaker[Session], command: StatusQuery, at: datetime) -> str:
    """Run `/hlm status` as the app does and return its replies' blocks as text."""
    with read_scope(sessions) as session:
        context = command_context(session, "status gender", now=at)
        return json.dumps([r.block_dicts() for r in run_command(command, context)])


@pytest.mark.parametrize("command", [StatusQuery("gender"), StatusQuery()])
def test_a_kept_rendering_gives_way_to_the_new_status_after_a_write(
    sessions: sessionmaker[Session],
    now: datetime,
    owned_item: tuple[str, Person],
    command: StatusQuery,
) -> None:
    code, owner = owned_item
    before = status_reply(sessions, command, now)
    assert status_reply(sessions, command, now) == before
    with session_scope(sessions) as session:
        make_update(session, code, session.merge(owner), Status.BLOCKED, now=now)
    after = status_reply(sessions, command, now)
    assert Status.BLOCKED.label.lower() not in before.lower()
    assert Status.BLOCKED.label.lower() in after.lower()


def test_a_kept_reply_is_computed_and_rendered_once_while_nothing_changes(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    cache = Counted()
    with session_scope(sessions) as session:
        for minute in range(3):
            cache.area(session, "gender", now=now + timedelta(minutes=minute))
    assert (cache.computed, len(cache.rendered)) == (1, 1)


def test_switching_the_current_meeting_or_carrying_over_gives_a_new_token(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    from seed.sync import sync_seed
    from tests.integration.test_meetings_in_sequence import next_meeting
    from workflows.catalogue.lookup import find_commitment
    from workflows.catalogue.meetings import carry_over, find_meeting, set_current

    with session_scope(sessions) as session:
        sync_seed(session, next_meeting(), now=now)
    before = status_reply(sessions, StatusQuery(), now)
    assert "HLM 15 commitments" in before
    with session_scope(sessions) as session:
        token = current_token(session)
        set_current(session, find_meeting(session, "hlm16"))  # one bulk UPDATE, no flush of rows
    assert "HLM 16 commitments" in status_reply(sessions, StatusQuery(), now)
    with session_scope(sessions) as session:
        switched = current_token(session)
        assert switched != token
        later, earlier = (
            find_commitment(session, "care-1"),
            find_commitment(session, "hlm15/gender-1"),
        )
        carry_over(session, commitment=later, earlier=earlier, now=now)
    with read_scope(sessions) as session:
        assert current_token(session) != switched
