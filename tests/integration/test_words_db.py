"""Ids in every form find their commitment; words in the DM are recorded, corrected, withdrawn."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import make_owner, make_update
from workflows.catalogue.lookup import find_commitment
from workflows.checkins.answers import DmOutcome, correct_dm_words, take_dm_words
from workflows.errors import NotAllowed, NotFound, UnknownCommitment
from workflows.people.assignments import resolve_targets
from workflows.people.ownership import assign_person
from workflows.types import Status
from workflows.updates.corrections import UNDO_GRACE, message_updates, undo_last, withdraw_message
from workflows.updates.record import history


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        pytest.param("gender-4", "gender-4", id="dashed"),
        pytest.param("gender4", "gender-4", id="joined"),
        pytest.param("gender 4", "gender-4", id="spaced"),
        pytest.param("GENDER 4", "gender-4", id="shouted"),
        pytest.param("5.4", "gender-4", id="area-5-item-4"),
        pytest.param("hlm15/gender-4", "gender-4", id="qualified"),
        pytest.param("1.2", "general-2", id="unnumbered-area-counted-in-order"),
        pytest.param("supply chains 10", "supply-chains-10", id="two-word-area"),
    ],
)
def test_every_form_of_an_id_finds_its_commitment(
    db_session: Session, typed: str, code: str
) -> None:
    assert find_commitment(db_session, typed).code == code


def test_an_unknown_id_is_refused_as_typed_with_the_closest_ids(db_session: Session) -> None:
    with pytest.raises(UnknownCommitment) as caught:
        find_commitment(db_session, "gender 99")
    assert caught.value.query == "gender 99"
    with pytest.raises(UnknownCommitment):
        find_commitment(db_session, "5.99")


def test_an_id_without_a_dash_names_one_commitment_not_its_area(db_session: Session) -> None:
    assert [c.code for c in resolve_targets(db_session, "gender4")] == ["gender-4"]
    assert len(resolve_targets(db_session, "gender")) > 1


def _words(session: Session, text: str, *, now: datetime, ts: str = "1.1") -> DmOutcome:
    return take_dm_words(
        session, channel="D1", ts=ts, thread_ts=None, slack_user_id="U0WORDS", text=text, now=now
    )


def test_two_lines_record_two_updates_and_a_line_not_owned_is_refused_alone(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender-4", now=now, slack_user_id="U0WORDS")
    make_owner(db_session, "osh-2", now=now, slack_user_id="U0OTHER")
    assign_person(db_session, target="osh-1", person=owner, institution=None, backup=False, now=now)
    outcome = _words(
        db_session, "gender 4 at risk: tender late\nosh-1 on track\nosh-2 done", now=now
    )
    recorded = [(o.named, o.recorded.update.status) for o in outcome.lines if o.recorded]
    assert recorded == [("gender 4", Status.AT_RISK), ("osh-1", Status.ON_TRACK)]
    [refused] = [o for o in outcome.lines if o.refused]
    assert refused.named == "osh-2"
    assert isinstance(refused.refused, NotAllowed)
    again = _words(db_session, "gender 4 at risk: tender late\nosh-1 on track\nosh-2 done", now=now)
    assert not any(o.recorded and o.recorded.created for o in again.lines)


def test_an_edit_corrects_and_withdraws_and_a_deletion_withdraws(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender-4", now=now, slack_user_id="U0WORDS")
    assign_person(db_session, target="osh-1", person=owner, institution=None, backup=False, now=now)
    _words(db_session, "gender-4 at risk\nosh-1 blocked", now=now)
    edit = {"channel": "D1", "ts": "1.1", "thread_ts": None, "slack_user_id": "U0WORDS"}
    changed = correct_dm_words(db_session, edited="2.2", text="gender-4 on track", now=now, **edit)
    [line] = changed.lines
    assert line.recorded is not None
    assert line.recorded.update.status is Status.ON_TRACK
    assert [u.commitment.code for u in changed.withdrawn] == ["osh-1"]
    found = history(db_session, find_commitment(db_session, "gender-4"))
    assert [found.mark(u) for u in found.updates] == [None, "replaced"]
    retried = correct_dm_words(db_session, edited="2.2", text="gender-4 on track", now=now, **edit)
    assert (retried.lines, retried.withdrawn) == ((), ())
    gone = withdraw_message(db_session, channel="D1", ts="1.1", slack_user_id="U0WORDS", now=now)
    assert [u.status for u in gone] == [Status.ON_TRACK]
    assert message_updates(db_session, channel="D1", ts="1.1") == []


def test_undo_withdraws_the_last_update_only_within_the_grace_period(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender-4", now=now, slack_user_id="U0UNDO")
    make_update(db_session, "gender-4", owner, Status.AT_RISK, now=now)
    update = undo_last(db_session, slack_user_id="U0UNDO", now=now + timedelta(minutes=5))
    assert update.withdrawn_at is not None
    with pytest.raises(NotAllowed) as again:
        undo_last(db_session, slack_user_id="U0UNDO", now=now + timedelta(minutes=6))
    assert again.value.code == "already_withdrawn"
    make_update(db_session, "gender-4", owner, Status.BLOCKED, now=now + timedelta(minutes=7))
    late = now + timedelta(minutes=7) + UNDO_GRACE + timedelta(seconds=1)
    with pytest.raises(NotAllowed) as too_late:
        undo_last(db_session, slack_user_id="U0UNDO", now=late)
    assert too_late.value.code == "undo_too_late"


def test_undo_with_nothing_recorded_says_so(db_session: Session, now: datetime) -> None:
    make_owner(db_session, "gender-4", now=now, slack_user_id="U0NOTHING")
    with pytest.raises(NotFound):
        undo_last(db_session, slack_user_id="U0NOTHING", now=now)
