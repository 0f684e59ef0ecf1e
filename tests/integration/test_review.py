"""The implementation review, on both databases: every commitment in the order of the
conclusions, with the statuses and words recorded, as Word (opened with python-docx) and Markdown."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_owner, make_update
from workflows.catalogue.lookup import current_meeting
from workflows.catalogue.meetings import find_meeting
from workflows.errors import UnknownMeeting
from workflows.reports.review import build_review, review_chart, review_markdown
from workflows.reports.review_docx import review_docx
from workflows.store.models import Area, Commitment
from workflows.types import Institution, Status

ILO, EC = Institution.ILO, Institution.COMMISSION


def _conclusions_order(session: Session) -> list[str]:
    meeting = current_meeting(session)
    return list(
        session.scalars(
            select(Commitment.code)
            .join(Area, Commitment.area_id == Area.id)
            .where(Commitment.meeting_id == meeting.id, Commitment.retired_at.is_(None))
            .order_by(Area.position, Commitment.position)
        )
    )


@pytest.fixture
def followed_up(db_session: Session, now: datetime) -> Session:
    """A year of follow-up on a few gender commitments: completions, a block, a disagreement."""
    ana = make_owner(db_session, "gender", name="Ana Lopez", now=now - timedelta(days=365))
    frans = make_owner(
        db_session, "gender", name="Frans de Vries", institution=EC, now=now - timedelta(days=365)
    )
    start = now - timedelta(days=360)
    make_update(db_session, "gender-1", ana, Status.ON_TRACK, now=start, text="Kick-off held.")
    make_update(db_session, "gender-1", ana, Status.COMPLETED, now=start + timedelta(days=200),
                text="Study published <b>online</b> | *final*.")  # fmt: skip
    make_update(db_session, "gender-1", frans, Status.COMPLETED, institution=EC,
                now=start + timedelta(days=210), text="Confirmed.")  # fmt: skip
    make_update(db_session, "gender-2", ana, Status.BLOCKED, now=start + timedelta(days=300),
                text="Tender cancelled by the donor.")  # fmt: skip
    make_update(db_session, "gender-3", ana, Status.ON_TRACK, now=start + timedelta(days=100))
    make_update(db_session, "gender-3", frans, Status.NOT_STARTED, institution=EC,
                now=start + timedelta(days=110), text="Waiting for funds.")  # fmt: skip
    make_update(db_session, "gender-4", ana, Status.COMPLETED, now=start + timedelta(days=50))
    return db_session


def test_the_review_holds_every_commitment_in_the_order_of_the_conclusions(
    followed_up: Session, now: datetime
) -> None:
    review = build_review(followed_up, now=now)
    assert [item.code for item in review.items] == _conclusions_order(followed_up)
    assert len(review.items) == 93


def test_the_summary_counts_lists_completed_blocked_with_why_and_disagreements(
    followed_up: Session, now: datetime
) -> None:
    review = build_review(followed_up, now=now)
    assert [i.code for i in review.completed] == ["gender-1"]
    [blocked] = review.blocked
    assert blocked.code == "gender-2"
    assert [i.code for i in review.disagreements] == ["gender-3"]
    [gender4] = [i for i in review.items if i.code == "gender-4"]
    assert (gender4.completed_by, gender4.awaiting) == ((ILO,), (EC,))
    counts = review.counts()
    assert counts["All"]["Completed"] == 1
    assert counts[ILO.label]["Completed"] == 2  # gender-1 and gender-4, the ILO's parts


def test_the_word_document_has_headings_tables_and_the_owners_words(
    followed_up: Session, now: datetime
) -> None:
    document = Document(io.BytesIO(review_docx(build_review(followed_up, now=now))))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    codes = [h.split()[-1] for h in headings]
    assert codes == _conclusions_order(followed_up)
    assert "5.2 gender-2" in headings
    assert any(p.style.name == "Title" for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Tender cancelled by the donor. (Ana Lopez, " in " ".join(cells)
    assert "Study published <b>online</b> | *final*." in " ".join(cells)  # words kept as typed
    summary = document.tables[0]
    assert summary.rows[0].cells[0].text == "Status"
    body = "\n".join(p.text for p in document.paragraphs)
    assert "gender-2 (Blocked): ILO: Tender cancelled by the donor." in body
    assert "gender-3: ILO: On track; Commission: Not started" in body
    assert "Completed by the ILO, awaiting the Commission's confirmation." in body


def test_the_markdown_review_escapes_what_owners_typed(followed_up: Session, now: datetime) -> None:
    text = review_markdown(build_review(followed_up, now=now))
    assert "Study published \\<b\\>online\\</b\\> \\| \\*final\\*." in text
    assert text.index("### 5.1 gender-1") < text.index("### 5.2 gender-2")
    assert "15th High Level Meeting" in text


@pytest.mark.parametrize("name", ["hlm15", "HLM 15", "15", None])
def test_a_meeting_is_found_by_its_number_in_any_spelling(db_session: Session, name: str) -> None:
    assert find_meeting(db_session, name).number == 15


@pytest.mark.parametrize("name", ["hlm99", "gender", "hlm", "9" * 30])
def test_an_unknown_meeting_is_refused_by_name(db_session: Session, name: str) -> None:
    with pytest.raises(UnknownMeeting):
        find_meeting(db_session, name)


def test_the_word_document_carries_the_chart_of_commitments_by_area(
    followed_up: Session, now: datetime
) -> None:
    review = build_review(followed_up, now=now)
    chart = review_chart(review)
    assert chart.startswith(b"\x89PNG")
    document = Document(io.BytesIO(review_docx(review, chart_png=chart)))
    assert len(document.inline_shapes) == 1
    assert any(p.style.name == "Caption" for p in document.paragraphs)
