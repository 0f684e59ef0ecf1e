"""Coordinators get the implementation review in their DM with `/hlm report`; an earlier
meeting's review stays available by name. Through the real app over HTTP, on both databases."""

from __future__ import annotations

import io

from docx import Document

from tests.e2e.conftest import CHIDI, COORDINATOR, Harness
from tests.e2e.test_export_search import dm_of, said


def test_the_review_is_uploaded_to_the_coordinators_dm_as_an_editable_word_file(
    harness: Harness,
) -> None:
    harness.slash(CHIDI, "update gender-3 blocked The donor cancelled the tender")
    text = said(harness.slash(COORDINATOR, "report", timeout=60))
    assert "Sent to your DM: hlm15-review.docx" in text
    [upload] = harness.fake.uploaded_files()
    assert upload["channel"] == dm_of(harness, COORDINATOR)
    document = Document(io.BytesIO(upload["content"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert len(headings) == 93
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "The donor cancelled the tender (Chidi Okafor," in cells
    assert len(document.inline_shapes) == 1  # the chart


def test_the_review_in_markdown_and_for_a_meeting_named(harness: Harness) -> None:
    text = said(harness.slash(COORDINATOR, "report hlm15 md", timeout=60))
    assert "hlm15-review.md" in text
    [upload] = harness.fake.uploaded_files()
    assert upload["content"].decode().startswith("# Implementation review")


def test_an_unknown_meeting_or_an_owner_who_is_not_a_coordinator_is_refused(
    harness: Harness,
) -> None:
    assert "hlm99" in said(harness.slash(COORDINATOR, "report hlm99"))
    assert "coordinator" in said(harness.slash(CHIDI, "report")).lower()
    assert harness.fake.uploaded_files() == []


def test_report_followed_by_a_commitment_id_points_to_update_and_records_nothing(
    harness: Harness,
) -> None:
    text = said(harness.slash(CHIDI, "report gender-3 at-risk delayed"))
    assert "/hlm update" in text
    assert harness.fake.uploaded_files() == []
