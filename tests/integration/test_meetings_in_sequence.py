"""Several meetings in one database, on both databases: the current one is switched by a
coordinator, owners are asked about the current meeting and about earlier commitments still open
and not carried over, and a carry-over shows on both sides."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from seed.schema import SeedMeeting
from seed.sync import sync_seed
from tests.factories import make_owner, make_update
from workflows.catalogue.lookup import current_meeting, find_commitment, list_areas
from workflows.catalogue.meetings import (
    carried_over_to,
    carry_over,
    close_followup,
    continues,
    find_meeting,
    history_ids,
    list_meetings,
    reopen_followup,
    set_current,
)
from workflows.checkins.prompts import open_parts
from workflows.errors import BadFile, InvalidInput
from workflows.people.assignments import assign
from workflows.reports.review import build_review, review_markdown
from workflows.types import Institution, Status


def next_meeting(**extra: object) -> SeedMeeting:
    """The 16th meeting's conclusions: OSH continues an item of the 15th; care work is new."""
    item = {"actors": ["ilo", "ec"], "lead_in": "They intend to:", "source_line": 1}
    osh = [
        item | {"id": "osh-1", "number": 1, "text": "Ratify and apply the OSH conventions.",
                "carried_over_from": ["hlm15/osh-3"]},
        item | {"id": "osh-2", "number": 2, "text": "Review the labour inspection systems."},
    ]  # fmt: skip
    care = [item | {"id": "care-1", "number": 1, "text": "Invest in the care economy."}]
    return SeedMeeting.model_validate(
        {
            "number": 16, "title": "Conclusions of the 16th High Level Meeting", "held_on": "2026-06-15",
            "place": "Brussels", "source": "test",
            "areas": [
                {"slug": "osh", "title": "Safety and health", "section": "technical", "source_line": 1, "commitments": osh},
                {"slug": "care", "title": "Care economy", "section": "technical", "source_line": 5, "commitments": care},
            ],
        } | extra
    )  # fmt: skip


@pytest.fixture
def two_meetings(db_session: Session, now: datetime) -> Session:
    sync_seed(db_session, next_meeting(), now=now)
    return db_session


def test_loading_the_next_conclusions_keeps_the_current_meeting_until_a_coordinator_switches(
    two_meetings: Session,
) -> None:
    assert current_meeting(two_meetings).number == 15
    assert [(m.number, m.current, m.commitments) for m in list_meetings(two_meetings)] == [
        (16, False, 3),
        (15, True, 93),
    ]
    before = set_current(two_meetings, find_meeting(two_meetings, "hlm16"))
    assert before is not None
    assert before.number == 15
    assert current_meeting(two_meetings).number == 16
    assert [a.slug for a in list_areas(two_meetings)] == ["osh", "care"]
    # The earlier meeting stays browsable by name.
    assert len(list_areas(two_meetings, find_meeting(two_meetings, "hlm15"))) == 14


def test_owners_are_asked_about_the_current_meeting_and_earlier_items_open_and_not_carried_over(
    two_meetings: Session, now: datetime
) -> None:
    set_current(two_meetings, find_meeting(two_meetings, "16"))
    ana = make_owner(two_meetings, "hlm15/osh-3", now=now)  # carried over to hlm16/osh-1
    for target in ("hlm15/gender-1", "hlm15/gender-2", "hlm16/osh-2"):
        assign(two_meetings, target=target, person=ana, institution=Institution.ILO, now=now)
    make_update(two_meetings, "hlm15/gender-2", ana, Status.COMPLETED, now=now)  # closed
    asked = [c.key for c, _ in open_parts(two_meetings, ana, now=now)]
    assert asked == ["hlm15/gender-1", "hlm16/osh-2"]

    assert close_followup(two_meetings, find_meeting(two_meetings, "hlm15"), now=now)
    assert [c.key for c, _ in open_parts(two_meetings, ana, now=now)] == ["hlm16/osh-2"]
    assert reopen_followup(two_meetings, find_meeting(two_meetings, "hlm15"))
    assert [c.key for c, _ in open_parts(two_meetings, ana, now=now)] == [
        "hlm15/gender-1",
        "hlm16/osh-2",
    ]


def test_the_current_meetings_follow_up_cannot_be_closed(
    two_meetings: Session, now: datetime
) -> None:
    with pytest.raises(InvalidInput):
        close_followup(two_meetings, current_meeting(two_meetings), now=now)


def test_a_carry_over_shows_on_both_sides_and_joins_the_histories(
    two_meetings: Session, now: datetime
) -> None:
    later, earlier = (
        find_commitment(two_meetings, "hlm16/osh-1"),
        find_commitment(two_meetings, "hlm15/osh-3"),
    )
    assert carried_over_to(two_meetings, [earlier.id]) == {earlier.id: ["hlm16/osh-1"]}
    assert continues(two_meetings, [later.id]) == {later.id: ["hlm15/osh-3"]}
    assert history_ids(two_meetings, later.id) == [later.id, earlier.id]
    review15 = review_markdown(
        build_review(two_meetings, meeting=find_meeting(two_meetings, "15"), now=now)
    )
    assert "Carried over to hlm16/osh-1." in review15
    review16 = review_markdown(
        build_review(two_meetings, meeting=find_meeting(two_meetings, "16"), now=now)
    )
    assert "Continues hlm15/osh-3." in review16


def test_a_carry_over_by_command_can_bring_the_owners_along(
    two_meetings: Session, now: datetime
) -> None:
    owner = make_owner(two_meetings, "hlm15/osh-4", now=now)
    later, earlier = (
        find_commitment(two_meetings, "hlm16/osh-2"),
        find_commitment(two_meetings, "hlm15/osh-4"),
    )
    added = carry_over(two_meetings, commitment=later, earlier=earlier, with_owners=True, now=now)
    assert [(a.person_id, a.institution) for a in added] == [(owner.id, Institution.ILO)]
    again = carry_over(two_meetings, commitment=later, earlier=earlier, with_owners=True, now=now)
    assert again == []  # idempotent


def test_a_commitment_cannot_continue_a_later_one(two_meetings: Session, now: datetime) -> None:
    later, earlier = (
        find_commitment(two_meetings, "hlm16/osh-2"),
        find_commitment(two_meetings, "hlm15/osh-4"),
    )
    with pytest.raises(InvalidInput):
        carry_over(two_meetings, commitment=earlier, earlier=later, now=now)


def test_a_seed_that_continues_an_unknown_commitment_is_refused(
    db_session: Session, now: datetime
) -> None:
    seed = next_meeting(number=17)
    broken = seed.model_copy(update={"areas": (seed.areas[0].model_copy(update={"commitments": (
        seed.areas[0].commitments[0].model_copy(update={"carried_over_from": ("hlm15/osh-99",)}),
        seed.areas[0].commitments[1],
    )}), *seed.areas[1:])})  # fmt: skip
    with pytest.raises(BadFile) as refused:
        sync_seed(db_session, broken, now=now)
    assert refused.value.values["earlier"] == "hlm15/osh-99"


def test_an_earlier_meetings_items_are_shown_by_the_id_that_reads_them_back(
    two_meetings: Session, now: datetime
) -> None:
    from workflows.search import find
    from workflows.updates.status import commitment_statuses

    ana = make_owner(two_meetings, "hlm15/gender-3", now=now)
    make_update(two_meetings, "hlm15/gender-3", ana, Status.AT_RISK, now=now,
                text="The quinquennial survey slipped")  # fmt: skip
    earlier = find_commitment(two_meetings, "hlm15/gender-3")
    assert earlier.shown_code == "gender-3"  # while the 15th is current, the short id reads it
    set_current(two_meetings, find_meeting(two_meetings, "hlm16"))
    two_meetings.expire_all()
    [item] = commitment_statuses(two_meetings, [earlier], now=now)
    assert item.code == "hlm15/gender-3"
    assert find_commitment(two_meetings, item.code).id == earlier.id
    hits = find(two_meetings, "quinquennial survey").hits
    assert [h.code for h in hits] == ["hlm15/gender-3"]
    assert [c.shown_code for c, _ in open_parts(two_meetings, ana, now=now)] == ["hlm15/gender-3"]


def test_a_reassignment_names_the_earlier_item_it_was_offered_whichever_meeting_is_current(
    two_meetings: Session, now: datetime
) -> None:
    from workflows.delivery.escalations import reassign, reassign_form
    from workflows.store.models import Person

    ana = make_owner(two_meetings, "hlm15/osh-1", now=now)
    [part] = reassign_form(two_meetings, owner_id=ana.id, now=now).parts
    assert (part.code, part.key) == ("osh-1", "hlm15/osh-1")  # offered while the 15th is current
    set_current(two_meetings, find_meeting(two_meetings, "hlm16"))  # its osh-1 is another item
    bea = Person(name="Bea Novak", email="bea@ilo.example", institution=Institution.ILO)
    two_meetings.add(bea)
    two_meetings.flush()
    moved = reassign(two_meetings, owner_id=ana.id, to=bea, institution=Institution.ILO,
                     codes=[part.key], now=now)  # fmt: skip
    assert moved.codes == ("hlm15/osh-1",)
    two_meetings.expire_all()
    owners = {(a.commitment.key, a.person.name) for a in bea.assignments}
    assert owners == {("hlm15/osh-1", "Bea Novak")}
