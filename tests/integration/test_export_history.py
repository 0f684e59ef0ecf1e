"""The coordinators' export, read from the database: the current status per commitment and
institution (withdrawn updates never count) and every update with what became of it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.factories import make_owner
from workflows.catalogue.lookup import find_commitment
from workflows.reports.export import export_for_coordinators, export_scope, write_export
from workflows.reports.history import current_rows, history_rows
from workflows.store.models import Person, Update
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.record import record_update


def report(
    session: Session, author: Person, at: datetime, status: Status | None, **fields: object
) -> Update:
    return record_update(
        session, commitment=find_commitment(session, "gender-3"), author=author, status=status,
        source=UpdateSource.MODAL, now=at, **fields,  # type: ignore[arg-type]
    ).update  # fmt: skip


def test_the_history_has_every_update_with_replaced_late_and_withdrawn_marked(
    db_session: Session, now: datetime
) -> None:
    chidi = make_owner(db_session, "gender-3", name="Chidi Okafor", now=now)
    first = report(db_session, chidi, now, Status.ON_TRACK, text="Workshop held")
    report(db_session, chidi, now + timedelta(hours=1), Status.AT_RISK, text="Venue lost",
           next_step="Find a venue", evidence=["https://a.example/v"], corrects=first, late=True)  # fmt: skip
    gone = report(db_session, chidi, now + timedelta(hours=2), Status.BLOCKED, text="Typo")
    gone.withdrawn_at = now + timedelta(hours=3)
    db_session.flush()
    scope = export_scope(db_session, area="gender", now=now)
    rows = list(history_rows(db_session, scope.areas))
    assert [(r.words, r.replaced, r.late, r.withdrawn_at is not None) for r in rows] == [
        ("Workshop held", True, False, False),
        ("Venue lost", False, True, False),
        ("Typo", False, False, True),
    ]
    assert rows[1].evidence == ("https://a.example/v",)
    assert (rows[1].author, rows[1].institution, rows[1].code) == (
        "Chidi Okafor",
        Institution.ILO,
        "gender-3",
    )


def test_the_current_status_ignores_withdrawn_updates_and_keeps_the_last_words(
    db_session: Session, now: datetime
) -> None:
    chidi = make_owner(db_session, "gender-3", now=now)
    report(db_session, chidi, now, Status.AT_RISK, text="Tender delayed", next_step="Relaunch")
    confirmed = now + timedelta(days=7)
    record_update(db_session, commitment=find_commitment(db_session, "gender-3"), author=chidi,
                  status=Status.AT_RISK, source=UpdateSource.CONFIRMED, now=confirmed)  # fmt: skip
    gone = report(db_session, chidi, now + timedelta(days=8), Status.COMPLETED, text="Oops")
    gone.withdrawn_at = now + timedelta(days=8, hours=1)
    db_session.flush()
    scope = export_scope(db_session, area="gender", now=now + timedelta(days=9))
    rows = [r for r in current_rows(db_session, scope.areas, now=scope.now) if r.code == "gender-3"]
    ilo = next(r for r in rows if r.institution is Institution.ILO)
    assert (ilo.status, ilo.words, ilo.next_step) == (Status.AT_RISK, "Tender delayed", "Relaunch")
    assert ilo.heard_at == confirmed  # a confirmation is news too
    assert len(rows) == len(find_commitment(db_session, "gender-3").actors)


def test_an_export_of_an_area_names_its_files_and_counts_what_they_hold(
    db_session: Session, now: datetime
) -> None:
    chidi = make_owner(db_session, "gender-3", now=now)
    report(db_session, chidi, now, Status.ON_TRACK, text="Going")
    made = export_for_coordinators(db_session, fmt="csv", area="Gender", now=now)
    assert [f.filename for f in made.files] == [
        f"hlm15-gender-{now:%Y-%m-%d}-current.csv",
        f"hlm15-gender-{now:%Y-%m-%d}-history.csv",
    ]
    assert (made.commitments, made.updates) == (8, 1)
    workbook = export_for_coordinators(db_session, fmt="xlsx", area=None, now=now)
    [file] = workbook.files
    assert file.filename == f"hlm15-all-{now:%Y-%m-%d}.xlsx"
    book = load_workbook(io.BytesIO(file.content))
    assert book["History"].max_row == 2


def test_a_large_history_is_written_without_loading_it_whole(
    db_session: Session, now: datetime
) -> None:
    chidi = make_owner(db_session, "gender", now=now)
    commitment = find_commitment(db_session, "gender-3")
    db_session.add_all(
        Update(commitment_id=commitment.id, institution=Institution.ILO, author_id=chidi.id,
               status=Status.ON_TRACK, text=f"Week {n}", source=UpdateSource.MODAL,
               created_at=now + timedelta(minutes=n))
        for n in range(1500)
    )  # fmt: skip
    db_session.flush()
    db_session.expunge_all()
    out = io.BytesIO()
    scope = export_scope(db_session, area="gender", now=now)
    counts = write_export(db_session, out, scope=scope, fmt="csv", part="history")
    assert counts == (0, 1500)
    assert len(db_session.identity_map) < 100  # rows were streamed, not loaded as objects
