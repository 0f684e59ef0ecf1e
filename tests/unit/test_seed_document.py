"""The seed holds the conclusions exactly: every item of the source text, none invented, none lost.

Expectations come from the source text itself (`seed/sources/hlm15_conclusions.txt`), never from
the seed: printed numbers are found in the text, lead-ins decide the actors, and each area's text
is used up by its title, preamble, lead-ins and items, leaving nothing but punctuation.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from pydantic import ValidationError

from seed.schema import SeedArea, SeedCommitment, SeedMeeting
from seed.sync import SEED_DIR, load_seed
from workflows.types import Institution

SOURCE = SEED_DIR / "sources" / "hlm15_conclusions.txt"
SEED = SEED_DIR / "hlm15.yaml"

# Section headings, repeated at every page break by the extraction, and words split by the table.
PAGE_HEADERS = re.compile(
    r"^\s*(General Conclusions|Issues addressed in technical meetings|"
    r"Strat\s*r?egic\s+Orientations for ILO-EU Cooperation in the global agenda)\s*$"
)
SPLIT_WORDS = {"COVID- 19": "COVID-19", "Work- life": "Work-life", "10 th ": "10th "}
DETACHED = re.compile(r"\bTh ((?:\d\. )+)e ")
NUMBER = re.compile(r"(?<![\d.])(\d{1,2})\.(?=\s)")
LEAD_ACTORS = [
    (re.compile(r"EEAS", re.I), {Institution.ILO, Institution.COMMISSION, Institution.EEAS}),
    (
        re.compile(
            r"ILO and (the )?(Commission|EU)|Commission and the ILO|\bthey (envisage|intend)", re.I
        ),
        {Institution.ILO, Institution.COMMISSION},
    ),
    (re.compile(r"^The Commission intends", re.I), {Institution.COMMISSION}),
    (re.compile(r"^The ILO intends", re.I), {Institution.ILO}),
]


def normalise(text: str) -> str:
    """Collapse whitespace and rejoin the words the extraction split."""
    text = re.sub(r"\s+", " ", text).strip()
    for split, joined in SPLIT_WORDS.items():
        text = text.replace(split, joined)
    return text


@cache
def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


def source_text(first: int = 1, last: int | None = None) -> str:
    """Return lines first..last of the source (1-based), page headers removed, normalised."""
    lines = source_lines()[first - 1 : last]
    return normalise(" ".join(line for line in lines if not PAGE_HEADERS.match(line)))


@cache
def seed() -> SeedMeeting:
    return load_seed(SEED)


def area_regions() -> list[tuple[SeedArea, int, int]]:
    areas = seed().areas
    ends = [a.source_line - 1 for a in areas[1:]] + [len(source_lines())]
    return [(a, a.source_line, end) for a, end in zip(areas, ends, strict=True)]


def commitments() -> list[SeedCommitment]:
    return seed().commitments


def test_the_shipped_source_is_the_one_the_seed_was_made_from() -> None:
    assert seed().source == "sources/hlm15_conclusions.txt"
    assert "Conclusions of the 15th High Level Meeting" in SOURCE.read_text(encoding="utf-8")
    assert (seed().number, str(seed().held_on)) == (15, "2020-10-02")


def test_areas_are_in_document_order_and_their_titles_are_printed() -> None:
    lines = [a.source_line for a in seed().areas]
    assert lines == sorted(lines)
    for area in seed().areas:
        assert normalise(area.title) in source_text(area.source_line, area.source_line)


@pytest.mark.parametrize("item", commitments(), ids=lambda c: c.id)
def test_every_item_text_is_in_the_source_where_the_seed_says(item: SeedCommitment) -> None:
    region = source_text(item.source_line, item.source_line + 12)
    words = normalise(item.text).split()
    head, tail = " ".join(words[:8]), " ".join(words[-6:])
    assert head in region
    assert tail in region


def test_the_document_is_used_up_by_titles_preambles_lead_ins_and_items() -> None:
    # From the first area on, removing what the seed holds must leave only punctuation and the
    # printed numbers: nothing of the conclusions is missing from the seed.
    rest = DETACHED.sub(r"\1The ", source_text(seed().areas[0].source_line))
    for area in seed().areas:  # titles first: one is printed inside an item of the area before
        rest = rest.replace(normalise(area.title), " ", 1)
    rest = re.sub(r"\s+", " ", rest)
    pieces = [p for a in seed().areas for p in (a.preamble, *(c.lead_in for c in a.commitments))]
    pieces += [c.text for c in commitments()]
    for piece in sorted(filter(None, map(normalise, pieces)), key=len, reverse=True):
        rest = rest.replace(piece, " ")
    rest = re.sub(r"\s+", " ", NUMBER.sub(" ", rest))
    assert re.fullmatch(r"[\s;:.,]*", rest), (
        f"text of the source not in the seed: {rest.strip()[:300]!r}"
    )


@pytest.mark.parametrize(
    ("area", "first", "last"), area_regions(), ids=lambda v: getattr(v, "slug", "")
)
def test_printed_numbers_are_exactly_those_of_the_area(
    area: SeedArea, first: int, last: int
) -> None:
    printed = {int(n) for n in NUMBER.findall(source_text(first, last))}
    sub_items = {int(n) for c in area.commitments for n in NUMBER.findall(normalise(c.text))}
    stated = {
        c.number for c in area.commitments if c.number is not None and not c.number_reconstructed
    }
    assert stated == printed - sub_items


@pytest.mark.parametrize(
    "item", [c for c in commitments() if c.number_reconstructed], ids=lambda c: c.id
)
def test_a_reconstructed_number_is_not_printed_and_fills_a_gap(item: SeedCommitment) -> None:
    region = source_text(item.source_line, item.source_line + 3)
    assert f"{item.number}. {' '.join(item.text.split()[:3])}" not in region
    assert item.notes


@pytest.mark.parametrize("area", seed().areas, ids=lambda a: a.slug)
def test_numbers_in_an_area_run_from_one_without_gaps(area: SeedArea) -> None:
    numbers = [c.number for c in area.commitments if c.number is not None]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("item", commitments(), ids=lambda c: c.id)
def test_actors_follow_the_lead_in_that_governs_the_item(item: SeedCommitment) -> None:
    area = next(a for a in seed().areas if item in a.commitments)
    above = DETACHED.sub("The ", source_text(area.source_line, item.source_line + 1))
    assert normalise(item.lead_in) in above
    expected = next(actors for pattern, actors in LEAD_ACTORS if pattern.search(item.lead_in))
    assert set(item.actors) == expected


@pytest.mark.parametrize("item", [c for c in commitments() if c.targets], ids=lambda c: c.id)
def test_every_target_is_stated_in_the_item_text(item: SeedCommitment) -> None:
    for target in item.targets:
        assert target.text in item.text
        assert str(target.year) in item.text


def test_items_stating_a_year_as_a_deadline_have_a_target() -> None:
    deadline = re.compile(
        r"(planned for|foreseen for|expected by|early|in (June|February)) (the end of )?20\d\d"
    )
    for item in commitments():
        if deadline.search(item.text):
            assert item.targets, item.id


def test_no_two_items_share_a_text_and_ids_are_unique() -> None:
    texts = [normalise(c.text) for c in commitments()]
    ids = [c.id for c in commitments()]
    assert len(set(texts)) == len(texts)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("slug", "count"),
    [
        pytest.param("gender", 8, id="gender"),
        pytest.param("supply-chains", 13, id="supply-chains"),
        pytest.param("maritime", 9, id="maritime"),
    ],
)
def test_numbered_areas_hold_as_many_items_as_their_highest_printed_number(
    slug: str, count: int
) -> None:
    area = next(a for a in seed().areas if a.slug == slug)
    first, last = next((f, la) for a, f, la in area_regions() if a.slug == slug)
    assert (
        max(int(n) for n in NUMBER.findall(source_text(first, last)))
        == count
        == len(area.commitments)
    )


def _item(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "abc-1",
        "number": 1,
        "actors": ["ilo"],
        "lead_in": "The ILO intends to:",
        "text": "Do it.",
        "source_line": 1,
    }
    return base | changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"number_reconstructed": True}, "needs a note", id="reconstructed-without-note"
        ),
        pytest.param({"actors": ["ilo", "ilo"]}, "listed twice", id="actor-twice"),
        pytest.param({"actors": ["unicef"]}, "actors", id="unknown-actor"),
        pytest.param({"id": "X 1"}, "not of the form", id="untypeable-id"),
    ],
)
def test_the_schema_refuses_malformed_items(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SeedCommitment.model_validate(_item(**changes))


def test_the_schema_refuses_ids_out_of_order_and_repeated_numbers() -> None:
    with pytest.raises(ValidationError, match="should be"):
        SeedArea.model_validate(
            {
                "slug": "abc",
                "title": "X",
                "section": "technical",
                "source_line": 1,
                "commitments": [_item(id="abc-2")],
            }
        )
    with pytest.raises(ValidationError, match="out of order or repeated"):
        SeedArea.model_validate(
            {
                "slug": "abc",
                "title": "X",
                "section": "technical",
                "source_line": 1,
                "commitments": [_item(id="abc-1"), _item(id="abc-2")],
            }
        )


def test_a_seed_file_that_breaks_the_schema_is_refused_with_where(tmp_path: Path) -> None:
    from workflows.errors import BadFile

    bad = tmp_path / "hlm99.yaml"
    bad.write_text(
        SEED.read_text(encoding="utf-8").replace("number: 15", "number: -1", 1), encoding="utf-8"
    )
    with pytest.raises(BadFile, match="number"):
        load_seed(bad)
