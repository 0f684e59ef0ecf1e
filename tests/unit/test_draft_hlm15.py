"""The draft of the 15th meeting's conclusions, held to the curated seed (`seed/hlm15.yaml`).

From the source text alone (a PDF extraction with page-break debris and lost numbers), and from a
Word document and a PDF of the same conclusions made here, the drafter must find at least 90 of
the 93 items with the right area, printed number, actors and opening words, without hand edits.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from seed.draft.build import draft_conclusions
from seed.draft.readers import read_lines
from seed.schema import SeedMeeting
from seed.sync import SEED_DIR, load_seed
from tests.draft_documents import (
    RUNNING_HEADER,
    SECTION_HEADINGS,
    doc_from_seed,
    expected,
    misses,
    write_docx,
    write_pdf,
)

SOURCE = SEED_DIR / "sources" / "hlm15_conclusions.txt"
CURATED = load_seed(SEED_DIR / "hlm15.yaml")
ENOUGH = 90
# The one item the source text does not let the drafter tell apart: in the social-dialogue list,
# items are separated by semicolons, but "Reinvigorate the partnership" follows the first item
# after a full stop only, so the two are drafted as one.
KNOWN_MISSES = {("social dialogue", "reinvigorate")}


@cache
def draft_of(kind: str, folder: Path) -> dict[str, Any]:
    if kind == "txt":
        path = SOURCE
    elif kind == "docx":
        path = write_docx(doc_from_seed(CURATED), folder / "hlm15.docx")
    else:
        path = write_pdf(doc_from_seed(CURATED), folder / "hlm15.pdf")
    return draft_conclusions(read_lines(path), source=path.name)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hlm15")


KINDS = [pytest.param(kind, id=kind) for kind in ("txt", "docx", "pdf")]


@pytest.mark.parametrize("kind", KINDS)
def test_draft_holds_at_least_90_of_the_93_curated_items(kind: str, folder: Path) -> None:
    truth = expected(doc_from_seed(CURATED))
    missed = misses(draft_of(kind, folder), truth)
    report = [
        f"{m.area} / {m.number} / {sorted(map(str, m.actors))} / {' '.join(m.opening)}"
        for m in missed
    ]
    print(f"{kind}: {len(truth) - len(missed)}/{len(truth)}; missed: {report}")
    assert len(truth) == 93
    assert len(truth) - len(missed) >= ENOUGH, report


def test_draft_of_the_source_text_misses_only_the_item_joined_by_a_full_stop(
    folder: Path,
) -> None:
    missed = misses(draft_of("txt", folder), expected(doc_from_seed(CURATED)))
    assert {(m.area, m.opening[0]) for m in missed} == KNOWN_MISSES


@pytest.mark.parametrize("kind", KINDS)
def test_draft_validates_as_seed_data(kind: str, folder: Path) -> None:
    meeting = SeedMeeting.model_validate(draft_of(kind, folder))
    assert len(meeting.commitments) in range(90, 97)


@pytest.mark.parametrize("kind", KINDS)
def test_draft_finds_the_areas_in_order_with_their_sections(kind: str, folder: Path) -> None:
    draft = draft_of(kind, folder)
    found = [(" ".join(a["title"].split()), a["section"]) for a in draft["areas"]]
    assert found == [(" ".join(a.title.split()), a.section.value) for a in CURATED.areas]


@pytest.mark.parametrize("kind", KINDS)
def test_draft_reads_the_meeting_header_without_guessing(kind: str, folder: Path) -> None:
    draft = draft_of(kind, folder)
    assert (draft["number"], draft["held_on"], draft["place"]) == (15, "2020-10-02", CURATED.place)
    assert " ".join(draft["title"].split()) == " ".join(CURATED.title.split())
    assert draft["flags"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_draft_keeps_no_page_debris_in_any_text(kind: str, folder: Path) -> None:
    draft = draft_of(kind, folder)
    texts = [area["preamble"] for area in draft["areas"]]
    texts += [
        item[key]
        for area in draft["areas"]
        for item in area["commitments"]
        for key in ("text", "lead_in")
    ]
    debris = [
        *SECTION_HEADINGS.values(),
        RUNNING_HEADER,
        "Page ",
        "Strat regic",
        "\u2063",
        "\u2064",
    ]
    assert [(piece, text[:60]) for text in texts for piece in debris if piece in text] == []


def test_draft_of_the_source_text_reconstructs_the_numbers_the_extraction_lost(
    folder: Path,
) -> None:
    items = {i["id"]: i for a in draft_of("txt", folder)["areas"] for i in a["commitments"]}
    osh = [items[f"osh-{n}"] for n in range(1, 8)]
    assert [(i["number"], i.get("number_reconstructed", False)) for i in osh] == [
        (1, True),
        (2, True),
        (3, True),
        (4, True),
        (5, False),
        (6, False),
        (7, False),
    ]
    assert all("number_reconstructed" in {f["kind"] for f in i["flags"]} for i in osh[:4])
    assert not any("number_reconstructed" in {f["kind"] for f in i["flags"]} for i in osh[4:])


def test_draft_of_the_source_text_puts_detached_numbers_back_on_their_items(folder: Path) -> None:
    area = next(a for a in draft_of("txt", folder)["areas"] if a["title"].startswith("Gender"))
    assert [i["number"] for i in area["commitments"]] == list(range(1, 9))
    assert area["commitments"][0]["lead_in"] == "The ILO and the Commission intend to:"
    assert {f["kind"] for f in area["commitments"][0]["flags"]} == {"number_moved"}


def test_draft_of_the_source_text_reads_dates_as_targets(folder: Path) -> None:
    items = [i for a in draft_of("txt", folder)["areas"] for i in a["commitments"]]
    by_opening = {" ".join(i["text"].split()[:5]): i["targets"] for i in items}
    assert by_opening["Keep the ILO informed about"] == [
        {"text": "the end of 2020", "year": 2020, "part": "end"},
        {"text": "early 2021", "year": 2021, "part": "early"},
    ]
    assert by_opening["The first Vision Zero Fund"] == [
        {"text": "February 2021", "year": 2021, "month": 2}
    ]
