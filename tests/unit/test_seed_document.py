"""The seed holds the conclusions exactly: every item of the source text, none invented, none lost.

Expectations come from the source text itself (`seed/sources/hlm15_conclusions.txt`), never from
the seed: the numbers printed in the text, the lead-ins that govern the items, the section
headings, the semicolons that separate items, and a walk through the document that must use up
every word from the first area to the end with the seed's preambles, lead-ins and items, in order.

The source is a PDF extraction of a two-column table: a row opens with the area title, page
headers repeat the section heading, and words are split ("COVID- 19", "Th 1. 2. e ILO"). The
helpers below undo exactly that debris and nothing else.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from seed.schema import SeedArea, SeedCommitment, SeedMeeting, Target
from seed.sync import SEED_DIR, load_seed
from tests.saying import refused
from workflows.errors import BadFile
from workflows.types import Institution, Section

SOURCE = SEED_DIR / "sources" / "hlm15_conclusions.txt"
SEED = SEED_DIR / "hlm15.yaml"
GAP = "[…]"  # marks, inside an item's text, words the source lost at a page break

SECTION_HEADINGS = {
    Section.GENERAL: re.compile(r"^\s*General Conclusions\s*$"),
    Section.STRATEGIC: re.compile(
        r"^\s*Strat\s*r?egic\s+Orientations for ILO-EU Cooperation in the global agenda\s*$"
    ),
    Section.TECHNICAL: re.compile(r"^\s*Issues addressed in technical meetings\s*$"),
}
# A page break of the PDF leaves "COVID- 19" and "10 th"; a detached column leaves "Th 1. 2. e".
SPLIT_HYPHEN = re.compile(r"\b(\w+)- (\w+)")
SPLIT_ORDINAL = re.compile(r"\b(\d+) th\b")
DETACHED = re.compile(r"\bTh ((?:\d{1,2}\. )+)e\b")
NUMBER = re.compile(r"(?<![\d.])(\d{1,2})\.(?=\s)")
LEAD_IN = re.compile(r"[^.;:]*\b(?:intends?|will strive)\b[^.;:]*:")
VERB = re.compile(r"\b(?:envisage/)?(?:intends?|will strive)\b")
SUB_HEADING_NOTE = re.compile(r"sub-heading “([^”]+)”")
YEAR = re.compile(r"(?<![\d-])20\d\d(?![\d-])")
NAMING_YEAR = re.compile(r"(?:Convention|MLC|\(Revised\)),? 20\d\d|20\d\d Agenda")
MONTH = re.compile("|".join(calendar.month_name[1:]))


def normalise(text: str) -> str:
    """Collapse whitespace and undo the extraction's split words and detached numbers."""
    text = re.sub(r"\s+", " ", text).strip()
    text = SPLIT_HYPHEN.sub(r"\1-\2", text)
    text = SPLIT_ORDINAL.sub(r"\1th", text)
    return DETACHED.sub(r"\1The", text)


@cache
def raw_lines() -> tuple[str, ...]:
    return tuple(SOURCE.read_text(encoding="utf-8").split("\n"))


@cache
def seed() -> SeedMeeting:
    return load_seed(SEED)


def is_heading(line: str) -> bool:
    return any(pattern.match(line) for pattern in SECTION_HEADINGS.values())


def first_cell(number: int) -> str:
    return normalise(raw_lines()[number - 1].split("\t")[0])


@cache
def body(first: int, last: int) -> str:
    """Return lines first..last (1-based) as running text: no headings, no area-title cells."""
    titles = {normalise(area.title) for area in seed().areas}
    kept = []
    for line in raw_lines()[first - 1 : last]:
        if is_heading(line):
            continue
        cells = line.split("\t")
        if normalise(cells[0]) in titles:
            cells = cells[1:]
        kept.append(" ".join(cells))
    return normalise(" ".join(kept))


def line_text(number: int) -> str:
    return body(number, number)


def pieces(text: str) -> list[str]:
    """Split an item's text at the page-break gaps it marks."""
    return [normalise(piece) for piece in text.split(GAP)]


def head(item: SeedCommitment, words: int = 8) -> str:
    return " ".join(pieces(item.text)[0].split()[:words])


def area_of(item: SeedCommitment) -> SeedArea:
    return next(area for area in seed().areas if item in area.commitments)


def region(area: SeedArea) -> str:
    """Return the source rows of an area: from its title to the row before the next title."""
    following = seed().areas[seed().areas.index(area) + 1 :]
    last = following[0].source_line - 1 if following else len(raw_lines())
    return body(area.source_line, last)


def printed_numbers(area: SeedArea) -> list[int]:
    return [int(n) for n in NUMBER.findall(region(area))]


def before_item(item: SeedCommitment) -> str:
    """Return the running text of the item's area up to where the item starts."""
    area = area_of(item)
    above = (
        body(area.source_line, item.source_line - 1) if item.source_line > area.source_line else ""
    )
    line = line_text(item.source_line)
    return f"{above} {line[: line.index(head(item))]}".strip()


def institutions_named(text: str) -> set[Institution]:
    named = set()
    if re.search(r"\bILO\b", text):
        named.add(Institution.ILO)
    if re.search(r"\b(Commission|EU)\b", text):
        named.add(Institution.COMMISSION)
    if re.search(r"\bEEAS\b|External Action", text):
        named.add(Institution.EEAS)
    return named


def noted_sub_headings() -> list[str]:
    return sorted(
        {h for c in seed().commitments for h in SUB_HEADING_NOTE.findall(c.notes or "")},
        key=len,
        reverse=True,
    )


def is_residue(text: str) -> bool:
    """Tell whether text is only what the seed leaves out: numbers, sub-headings, punctuation."""
    for sub_heading in noted_sub_headings():
        text = text.replace(sub_heading, " ")
    return re.fullmatch(r"[\s;:.,]*", NUMBER.sub(" ", text)) is not None


def items(where: Callable[[SeedCommitment], object] = bool) -> list[object]:
    """Return the commitments that satisfy `where` as test parameters named by their ids."""
    return [pytest.param(item, id=item.id) for item in seed().commitments if where(item)]


def areas(where: Callable[[SeedArea], object] = bool) -> list[object]:
    """Return the areas that satisfy `where` as test parameters named by their slugs."""
    return [pytest.param(area, id=area.slug) for area in seed().areas if where(area)]


# The meeting and its areas ------------------------------------------------------------------


def test_the_seed_is_made_from_the_shipped_source_text() -> None:
    meeting = seed()
    assert (SEED_DIR / meeting.source).resolve() == SOURCE.resolve()
    assert SOURCE.is_file()


def test_the_meeting_is_named_dated_and_placed_as_printed() -> None:
    meeting = seed()
    printed = normalise(" ".join(raw_lines()[:10]))
    held = meeting.held_on
    assert normalise(meeting.title) in printed
    assert f"{meeting.number}th High Level Meeting" in meeting.title
    assert f"{meeting.place}, {held.day} {calendar.month_name[held.month]} {held.year}" in printed


def test_areas_come_in_document_order() -> None:
    lines = [area.source_line for area in seed().areas]
    assert lines == sorted(set(lines)), "two areas on one row, or areas out of order"


@pytest.mark.parametrize("area", areas())
def test_an_area_title_opens_its_row_as_printed(area: SeedArea) -> None:
    assert first_cell(area.source_line) == normalise(area.title)


@pytest.mark.parametrize("area", areas())
def test_an_area_belongs_to_the_section_whose_heading_comes_before_it(area: SeedArea) -> None:
    above = raw_lines()[: area.source_line - 1]
    section = next(
        section
        for line in reversed(above)
        for section, pattern in SECTION_HEADINGS.items()
        if pattern.match(line)
    )
    assert area.section == section


@pytest.mark.parametrize("area", areas())
def test_an_area_preamble_is_printed_before_its_first_item(area: SeedArea) -> None:
    assert normalise(area.preamble) in before_item(area.commitments[0])


def test_every_title_in_the_table_is_an_area_of_the_seed() -> None:
    # A row whose first cell is neither empty, a number run nor a heading opens an area.
    first = seed().areas[0].source_line
    openers = [
        number
        for number, line in enumerate(raw_lines(), start=1)
        if number >= first
        and "\t" in line
        and not is_heading(line)
        and re.search(r"[a-z]{3}", line.split("\t")[0])
    ]
    assert openers == [area.source_line for area in seed().areas]


# Every word of the conclusions, in order ------------------------------------------------------


def test_the_document_is_used_up_in_order_by_preambles_lead_ins_and_items() -> None:
    # Walk from the first area to the end: each preamble, lead-in and item text must come next
    # in the source, and what lies between may only be item numbers, a sub-heading an item's
    # notes name, and punctuation. Nothing printed is left out; nothing is out of order.
    text = body(seed().areas[0].source_line, len(raw_lines()))
    cursor = 0

    def take(piece: str, what: str, *, adjacent: bool = False) -> None:
        nonlocal cursor
        at = text.find(piece, cursor)
        assert at >= 0, f"{what}: not found after {text[max(0, cursor - 80) : cursor]!r}"
        skipped = text[cursor:at]
        if adjacent:
            assert not skipped.strip(), f"{what}: printed text hidden in a gap: {skipped!r}"
        assert is_residue(skipped), f"text of the source not in the seed before {what}: {skipped!r}"
        cursor = at + len(piece)

    for area in seed().areas:
        if area.preamble:
            take(normalise(area.preamble), f"preamble of {area.slug}")
        lead_in = None
        for item in area.commitments:
            if item.lead_in != lead_in:
                take(normalise(item.lead_in), f"lead-in of {item.id}")
                lead_in = item.lead_in
            for index, piece in enumerate(pieces(item.text)):
                take(piece, item.id, adjacent=index > 0)
    assert is_residue(text[cursor:]), f"text of the source not in the seed: {text[cursor:]!r}"


@pytest.mark.parametrize("item", items())
def test_an_item_starts_on_its_source_line(item: SeedCommitment) -> None:
    assert head(item) in line_text(item.source_line)


@pytest.mark.parametrize("item", items())
def test_an_item_text_is_printed_whole_from_its_source_line(item: SeedCommitment) -> None:
    following = body(item.source_line, item.source_line + 6)
    at = following.find(head(item))
    for piece in pieces(item.text):
        found = following.find(piece, at)
        assert found >= 0, f"not printed: {piece[:80]!r}"
        assert not following[at:found].strip(), "printed text skipped inside the item"
        at = found + len(piece)


@pytest.mark.parametrize("item", items(lambda item: GAP in item.text))
def test_a_gap_in_an_item_falls_at_a_row_break_and_is_noted(item: SeedCommitment) -> None:
    assert item.notes
    assert "page break" in item.notes
    parts = pieces(item.text)
    lines = range(item.source_line, item.source_line + 6)
    for before, after in itertools.pairwise(parts):
        ends = [n for n in lines if line_text(n).endswith(" ".join(before.split()[-4:]))]
        starts = [n for n in lines if line_text(n).startswith(" ".join(after.split()[:4]))]
        assert ends, "the text before the gap does not end a row"
        assert starts, "the text after the gap does not open a row"
        assert min(starts) > min(ends)


@pytest.mark.parametrize("item", items())
def test_an_item_running_across_a_page_break_says_so(item: SeedCommitment) -> None:
    # A page break shows as a repeated section heading between the item's first and last rows.
    following = body(item.source_line, item.source_line + 6)
    end = following.find(pieces(item.text)[-1]) + len(pieces(item.text)[-1])
    rows = [item.source_line]
    while len(body(item.source_line, rows[-1])) < end:
        rows.append(rows[-1] + 1)
    crosses = any(is_heading(raw_lines()[n - 1]) for n in rows)
    if crosses:
        assert item.notes
        assert "page break" in item.notes


@pytest.mark.parametrize("area", areas())
def test_each_clause_the_source_opens_after_a_semicolon_is_an_item(area: SeedArea) -> None:
    # "…; Jointly promote …" or "…; 4. Give …": a capital after a semicolon starts the next item.
    # Sub-items ("; b. The role …") and continuations ("; including …") do not.
    heads = {head(item, 5) for item in seed().commitments}
    opened = re.findall(r"; (?:\d{1,2}\. )?([A-Z]\S*(?: \S+){4})", region(area))
    for clause in opened:
        assert clause in heads, f"{clause!r} opens an item the seed does not hold"


@pytest.mark.parametrize("area", areas())
def test_no_item_swallows_the_start_of_another(area: SeedArea) -> None:
    for item in area.commitments:
        for other in area.commitments:
            if other is not item:
                inside = normalise(item.text).find(head(other), 1)
                assert inside < 0, f"{item.id} holds {other.id}"


def test_an_item_text_is_shared_only_as_often_as_the_source_prints_it() -> None:
    everything = body(seed().areas[0].source_line, len(raw_lines()))
    texts = [" ".join(pieces(item.text)).rstrip(".;") for item in seed().commitments]
    for text in set(texts):
        assert texts.count(text) <= everything.count(text), text[:80]
    for area in seed().areas:
        own = [normalise(item.text) for item in area.commitments]
        assert len(set(own)) == len(own), f"two items of {area.slug} share a text"


def test_sub_items_stay_inside_their_parent() -> None:
    for item in seed().commitments:
        assert not re.match(r"[a-z]\. ", item.text), f"{item.id} is a sub-item on its own"


# Numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("item", items(lambda item: item.number))
def test_a_number_is_printed_next_to_its_item_or_reconstructed_with_a_note(
    item: SeedCommitment,
) -> None:
    if item.number_reconstructed:
        assert item.number not in printed_numbers(area_of(item))
        assert item.notes
        return
    line = line_text(item.source_line)
    if f"{item.number}. {head(item, 3)}" in line:
        return
    # Printed detached from the item ("Th 1. 2. 3. e ILO …"): the run on the item's row hands its
    # numbers to the row's items in order.
    run = DETACHED.search(re.sub(r"\s+", " ", raw_lines()[item.source_line - 1]))
    assert run, f"{item.number}. is not printed next to {item.id}"
    numbers = [int(n) for n in NUMBER.findall(run.group(1) + " ")]
    on_row = [
        c.id for c in area_of(item).commitments if c.source_line == item.source_line and c.number
    ]
    assert numbers[on_row.index(item.id)] == item.number
    assert item.notes
    assert "detached" in item.notes


@pytest.mark.parametrize("area", areas())
def test_printed_numbers_are_exactly_the_stated_ones(area: SeedArea) -> None:
    stated = [c.number for c in area.commitments if c.number and not c.number_reconstructed]
    assert stated == printed_numbers(area)


@pytest.mark.parametrize("area", areas())
def test_an_item_lacks_a_number_only_where_its_area_prints_none(area: SeedArea) -> None:
    if printed_numbers(area):
        assert all(c.number is not None for c in area.commitments)
    else:
        assert all(c.number is None for c in area.commitments)


@pytest.mark.parametrize("area", areas(printed_numbers))
def test_a_numbered_area_holds_as_many_items_as_its_numbers_count(area: SeedArea) -> None:
    highest = max(printed_numbers(area))
    after = [c for c in area.commitments if c.number_reconstructed and (c.number or 0) > highest]
    assert len(area.commitments) == highest + len(after)
    assert [c.number for c in area.commitments] == list(range(1, len(area.commitments) + 1))


# Who commits, and by when -------------------------------------------------------------------


@pytest.mark.parametrize("item", items())
def test_the_actors_are_those_of_the_nearest_lead_in_above_the_item(item: SeedCommitment) -> None:
    above = before_item(item)
    lead_ins = list(LEAD_IN.finditer(above))
    assert lead_ins, "no lead-in above the item"
    governing = lead_ins[-1]
    lead_in = governing.group().strip()
    assert lead_in.endswith(normalise(item.lead_in))
    subject = lead_in[: VERB.search(lead_in).start()].rsplit(",", 1)[-1]  # type: ignore[union-attr]
    if subject.strip().lower() == "they":  # the subject of the sentence before
        sentences = re.split(r"(?<=\.) ", above[: governing.start()].strip())
        subject = sentences[-1]
    expected = institutions_named(subject)
    if re.search(r"\bEEAS\b|External Action", item.text):
        expected.add(Institution.EEAS)
    assert set(item.actors) == expected


@pytest.mark.parametrize("item", items(lambda item: item.targets))
def test_every_target_is_stated_in_the_item_text(item: SeedCommitment) -> None:
    for target in item.targets:
        assert target.text in item.text
        assert str(target.year) in target.text
        if target.month:
            assert calendar.month_name[target.month] in target.text
        if target.part:
            assert target.part in target.text


@pytest.mark.parametrize("item", items())
def test_every_date_an_item_states_is_a_target(item: SeedCommitment) -> None:
    # Years that name something ("Convention, 2006", "2030 Agenda") and periods ("2021-2027")
    # are not dates.
    spans = [target.text for target in item.targets]
    spans += [m.group() for m in NAMING_YEAR.finditer(item.text)]
    covered = {
        (m.start(), m.end()) for words in spans for m in re.finditer(re.escape(words), item.text)
    }
    for found in (*YEAR.finditer(item.text), *MONTH.finditer(item.text)):
        assert any(start <= found.start() < end for start, end in covered), (
            f"{found.group()} has no target"
        )


# Ids and totals -----------------------------------------------------------------------------


def test_ids_are_unique_short_and_typeable() -> None:
    ids = [item.id for item in seed().commitments]
    assert len(set(ids)) == len(ids)
    for code in ids:
        assert re.fullmatch(r"[a-z][a-z0-9-]*-[1-9][0-9]?", code), code
        assert len(code) <= 20, code


@pytest.mark.parametrize(
    "meeting",
    [
        pytest.param(
            seed(), id=f"{len(seed().commitments)}-commitments-in-{len(seed().areas)}-areas"
        )
    ],
)
def test_the_total_is_the_sum_of_the_areas(meeting: SeedMeeting) -> None:
    counts = {area.slug: len(area.commitments) for area in meeting.areas}
    print(f"HLM {meeting.number}: {len(meeting.commitments)} commitments; {counts}")
    assert sum(counts.values()) == len(meeting.commitments)
    assert all(counts.values())


# The schema refuses bad data ----------------------------------------------------------------


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


def _area(slug: str = "abc", *commitments: dict[str, object]) -> dict[str, object]:
    return {
        "slug": slug,
        "title": "X",
        "section": "technical",
        "source_line": 1,
        "commitments": list(commitments) or [_item(id=f"{slug}-1")],
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"number_reconstructed": True}, "needs a note", id="reconstructed-without-a-note"
        ),
        pytest.param(
            {"number": None, "number_reconstructed": True, "notes": "guessed"},
            "needs a number",
            id="reconstructed-without-a-number",
        ),
        pytest.param({"actors": ["ilo", "ilo"]}, "listed twice", id="actor-listed-twice"),
        pytest.param({"actors": ["unicef"]}, "actors", id="unknown-actor"),
        pytest.param({"actors": []}, "actors", id="no-actor"),
        pytest.param({"id": "X 1"}, "not of the form", id="untypeable-id"),
        pytest.param({"number": 0}, "number", id="number-zero"),
        pytest.param({"unknown": 1}, "unknown", id="unknown-field"),
    ],
)
def test_the_schema_refuses_malformed_items(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SeedCommitment.model_validate(_item(**changes))


def test_the_schema_refuses_a_target_with_both_a_month_and_a_part() -> None:
    with pytest.raises(ValidationError, match="not both"):
        Target.model_validate(
            {"text": "early June 2021", "year": 2021, "month": 6, "part": "early"}
        )


@pytest.mark.parametrize(
    ("commitments", "message"),
    [
        pytest.param([_item(), _item(number=2)], "should be 'abc-2'", id="duplicate-ids"),
        pytest.param([_item(id="abc-2")], "should be 'abc-1'", id="id-out-of-order"),
        pytest.param(
            [_item(), _item(id="abc-2", number=1)], "out of order or repeated", id="repeated-number"
        ),
        pytest.param(
            [_item(number=2), _item(id="abc-2", number=1)],
            "out of order or repeated",
            id="numbers-out-of-order",
        ),
    ],
)
def test_the_schema_refuses_areas_whose_items_do_not_follow_the_slug_and_order(
    commitments: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        SeedArea.model_validate(_area("abc", *commitments))


def test_the_schema_refuses_an_area_slug_used_twice() -> None:
    meeting = {
        "number": 15,
        "title": "X",
        "held_on": "2020-10-02",
        "place": "Geneva",
        "source": "sources/x.txt",
        "areas": [_area("abc"), _area("abc")],
    }
    with pytest.raises(ValidationError, match="used twice: abc"):
        SeedMeeting.model_validate(meeting)


def test_the_schema_refuses_an_alias_given_to_two_areas() -> None:
    meeting = {
        "number": 15,
        "title": "X",
        "held_on": "2020-10-02",
        "place": "Geneva",
        "source": "sources/x.txt",
        "areas": [_area("abc") | {"aliases": ["green"]}, _area("xyz") | {"aliases": ["green"]}],
    }
    with pytest.raises(ValidationError, match="more than one area: green"):
        SeedMeeting.model_validate(meeting)


def test_an_alias_is_one_lower_case_word() -> None:
    with pytest.raises(ValidationError, match="not one lower-case word"):
        SeedArea.model_validate(_area("abc") | {"aliases": ["Green Jobs"]})


def test_the_conclusions_give_the_words_people_use_for_some_areas() -> None:
    aliases = {area.slug: area.aliases for area in seed().areas if area.aliases}
    assert aliases["gender"] == ("women",)
    assert "seafarers" in aliases["maritime"]


def test_a_seed_file_that_breaks_the_schema_is_refused_saying_where(tmp_path: Path) -> None:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["areas"][1]["commitments"][2]["actors"] = ["ilo", "who"]
    bad = tmp_path / "hlm99.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with refused(BadFile, r"areas\.1\.commitments\.2\.actors"):
        load_seed(bad)


def test_a_seed_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "hlm99.yaml"
    bad.write_text("areas: [unclosed", encoding="utf-8")
    with refused(BadFile, "not valid YAML"):
        load_seed(bad)
