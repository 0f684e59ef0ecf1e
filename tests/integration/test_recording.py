"""Every surface records an update through one service: one set of rules, one dedup key."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import make_owner
from workflows.errors import UnknownAuthor
from workflows.store.models import Update
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.service import RecordUpdate, record


def count_updates(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Update)) or 0


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(UpdateSource.BUTTON, id="button"),
        pytest.param(UpdateSource.MODAL, id="modal"),
        pytest.param(UpdateSource.THREAD, id="thread"),
        pytest.param(UpdateSource.COMMAND, id="command"),
    ],
)
def test_someone_unknown_is_refused_the_same_way_on_every_surface(
    db_session: Session, now: datetime, source: UpdateSource
) -> None:
    command = RecordUpdate(
        commitment="gender-7", status=Status.ON_TRACK, source=source, author_slack_id="U0STRANGER"
    )
    with pytest.raises(UnknownAuthor) as caught:
        record(db_session, command, now=now)
    assert caught.value.slack_user_id == "U0STRANGER"
    assert count_updates(db_session) == 0


@pytest.mark.parametrize(
    ("source", "prefix"),
    [
        pytest.param(UpdateSource.MODAL, "view:", id="modal"),
        pytest.param(UpdateSource.THREAD, "thread:", id="thread"),
        pytest.param(UpdateSource.COMMAND, "command:", id="command"),
    ],
)
def test_the_same_request_twice_records_one_update(
    db_session: Session, now: datetime, source: UpdateSource, prefix: str
) -> None:
    owner = make_owner(db_session, "gender-7", institution=Institution.COMMISSION, now=now)
    command = RecordUpdate(
        commitment="gender-7",
        status=Status.ON_TRACK,
        source=source,
        author_slack_id=owner.slack_user_id,
        request_key="req-1",
    )
    first = record(db_session, command, now=now)
    again = record(db_session, command, now=now + timedelta(seconds=3))
    assert (first.created, again.created) == (True, False)
    assert again.update.id == first.update.id
    assert first.update.dedup_key == f"{prefix}req-1"
    other = record(db_session, replace(command, request_key="req-2"), now=now)
    assert other.created
    assert count_updates(db_session) == 2


def test_an_update_typed_as_a_command_reports_for_the_owners_institution(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender-7", institution=Institution.COMMISSION, now=now)
    command = RecordUpdate(
        commitment="Gender 7",
        status=Status.AT_RISK,
        source=UpdateSource.COMMAND,
        author_slack_id=owner.slack_user_id,
        text="the survey is late",
    )
    recorded = record(db_session, command, now=now)
    assert (recorded.update.institution, recorded.update.text) == (
        Institution.COMMISSION,
        "the survey is late",
    )
    assert recorded.checkin_id is None
    assert recorded.update.late is False
