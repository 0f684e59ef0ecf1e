"""Seeding is idempotent, follows edits of the seed file, and never deletes history."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seed.schema import SeedMeeting
from seed.sync import default_seed_files, load_seed, sync_seed
from tests.factories import make_owner, make_update
from workflows.catalogue.lookup import find_commitment
from workflows.store.models import Assignment, Commitment, Update
from workflows.types import Status


def shipped_seed() -> SeedMeeting:
    return load_seed(default_seed_files()[-1])


def edited(seed: SeedMeeting, area_slug: str, position: int, **changes: object) -> SeedMeeting:
    """Return the seed with one commitment changed (or removed when changes is empty)."""
    areas = []
    for area in seed.areas:
        items = list(area.commitments)
        if area.slug == area_slug:
            item = items[position - 1]
            items[position - 1] = item.model_copy(update=changes)
        areas.append(area.model_copy(update={"commitments": tuple(items)}))
    return seed.model_copy(update={"areas": tuple(areas)})


def test_seeding_again_changes_nothing(db_session: Session, now: datetime) -> None:
    report = sync_seed(db_session, shipped_seed(), now=now)
    assert not report.changed
    assert report.unchanged == len(shipped_seed().commitments)
    assert "up to date" in report.summary()


def test_an_edited_text_updates_that_item_only_and_keeps_its_history(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(
        db_session,
        "gender-7",
        institution=find_commitment(db_session, "gender-7").actors[0],
        now=now,
    )
    make_update(db_session, "gender-7", owner, Status.ON_TRACK, now=now)
    seed = shipped_seed()
    gender = next(a for a in seed.areas if a.slug == "gender")
    new_text = gender.commitments[6].text + " (corrected)"

    report = sync_seed(
        db_session, edited(seed, "gender", 7, text=new_text), now=now + timedelta(days=1)
    )

    assert report.updated == {"hlm15/gender-7": ["text"]}
    assert not report.added
    assert not report.retired
    commitment = find_commitment(db_session, "gender-7")
    assert commitment.text == new_text
    assert (
        db_session.scalar(
            select(func.count()).select_from(Update).where(Update.commitment_id == commitment.id)
        )
        == 1
    )
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.commitment_id == commitment.id)
        )
        == 1
    )


def test_an_item_the_seed_drops_is_retired_with_its_updates_kept(
    db_session: Session, now: datetime
) -> None:
    seed = shipped_seed()
    owner = make_owner(
        db_session,
        "gender-8",
        institution=find_commitment(db_session, "gender-8").actors[0],
        now=now,
    )
    make_update(db_session, "gender-8", owner, Status.AT_RISK, now=now)
    areas = tuple(
        a.model_copy(update={"commitments": a.commitments[:-1]}) if a.slug == "gender" else a
        for a in seed.areas
    )
    report = sync_seed(db_session, seed.model_copy(update={"areas": areas}), now=now)

    assert report.retired == ["hlm15/gender-8"]
    retired = db_session.scalar(select(Commitment).where(Commitment.key == "hlm15/gender-8"))
    assert retired is not None
    assert retired.retired_at is not None
    assert (
        db_session.scalar(
            select(func.count()).select_from(Update).where(Update.commitment_id == retired.id)
        )
        == 1
    )

    again = sync_seed(db_session, seed, now=now)
    assert again.updated == {"hlm15/gender-8": ["retired_at"]} or "hlm15/gender-8" in again.updated
    assert find_commitment(db_session, "gender-8").retired_at is None


def test_the_seed_loads_every_commitment_with_its_actors(db_session: Session) -> None:
    seed = shipped_seed()
    rows = db_session.scalars(select(Commitment).where(Commitment.retired_at.is_(None))).all()
    by_key = {c.key: c for c in rows}
    assert len(by_key) == len(seed.commitments)
    for item in seed.commitments:
        stored = by_key[seed.key(item.id)]
        assert (stored.number, tuple(stored.actors)) == (item.number, tuple(item.actors))
