"""The drafter on conclusions of other meetings, generated: other areas, item counts, numbering,
lead-ins and actor mixes, pages breaking elsewhere. The generator's truth is the measure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seed.draft.build import draft_conclusions
from seed.draft.readers import read_lines
from seed.schema import SeedMeeting
from seed.sync import SEED_DIR, load_seed
from tests.draft_documents import (
    Doc,
    expected,
    make_conclusions,
    misses,
    write_docx,
    write_pdf,
    write_table_txt,
)

SEEDS = range(6)
WRITERS = {
    "txt": lambda doc, path, seed: write_table_txt(doc, path, seed=seed),
    "docx": lambda doc, path, seed: write_docx(doc, path),
    "pdf": lambda doc, path, seed: write_pdf(doc, path),
}
CASES = [pytest.param(seed, kind, id=f"{kind}-{seed}") for seed in SEEDS for kind in WRITERS]


_DRAFTS: dict[tuple[int, str], dict[str, Any]] = {}


def draft(doc: Doc, kind: str, seed: int, folder: Path) -> dict[str, Any]:
    """Write the document in one format and draft it (once per seed and format)."""
    if (seed, kind) not in _DRAFTS:
        path = WRITERS[kind](doc, folder / f"conclusions-{seed}.{kind}", seed)
        _DRAFTS[seed, kind] = draft_conclusions(read_lines(path), source=path.name)
    return _DRAFTS[seed, kind]


@pytest.mark.parametrize(("seed", "kind"), CASES)
def test_draft_of_generated_conclusions_holds_every_item(
    seed: int, kind: str, tmp_path: Path
) -> None:
    doc = make_conclusions(seed)
    missed = misses(draft(doc, kind, seed, tmp_path), expected(doc))
    assert missed == []


@pytest.mark.parametrize(("seed", "kind"), CASES)
def test_draft_of_generated_conclusions_has_their_areas_header_and_validates(
    seed: int, kind: str, tmp_path: Path
) -> None:
    doc = make_conclusions(seed)
    result = draft(doc, kind, seed, tmp_path)
    assert [(a["title"], a["section"]) for a in result["areas"]] == [
        (a.title, a.section) for a in doc.areas
    ]
    assert (result["number"], result["held_on"], result["place"]) == (
        doc.number,
        doc.held_on.isoformat(),
        doc.place,
    )
    SeedMeeting.model_validate(result)


def test_generated_conclusions_differ_from_the_15th_and_from_each_other() -> None:
    curated = load_seed(SEED_DIR / "hlm15.yaml")
    docs = [make_conclusions(seed) for seed in SEEDS]
    titles = {area.title for doc in docs for area in doc.areas}
    assert titles.isdisjoint(area.title for area in curated.areas)
    assert len({len(expected(doc)) for doc in docs}) >= 5  # item counts vary
    lead_ins = {lst.lead_in for doc in docs for area in doc.areas for lst in area.lists}
    assert len(lead_ins) >= 6
    actor_mixes = {lst.actors for doc in docs for area in doc.areas for lst in area.lists}
    assert {frozenset({"ilo"}), frozenset({"ec"}), frozenset({"ilo", "eeas"})} <= actor_mixes
    numbered = {
        item.printed and item.number is not None
        for doc in docs
        for area in doc.areas
        for lst in area.lists
        for item in lst.items
    }
    assert numbered == {True, False}


def test_generated_table_text_has_page_debris_and_items_cut_by_page_breaks(tmp_path: Path) -> None:
    texts = [
        write_table_txt(make_conclusions(seed), tmp_path / f"{seed}.txt", seed=seed).read_text()
        for seed in SEEDS
    ]
    lines = [line for text in texts for line in text.splitlines()]
    assert any(line.strip().isdigit() for line in lines)  # page numbers
    assert any(line.startswith("\t ") and line[2:3].islower() for line in lines)  # cut items
