"""Every kind of uncertain spot is flagged in the draft, as a field and as a YAML comment, and a
flagged draft validates while `hlm seed check` lists what is left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from seed.draft.build import draft_conclusions
from seed.draft.check import FLAGGED, INVALID, VALID, check_seed_file
from seed.draft.dump import dump_draft
from seed.draft.readers import txt_lines
from seed.schema import SeedMeeting

HEAD = "Conclusions of the 21st High Level Meeting\n\nTurin, 3 March 2027\n\n"
SECTION = "Strategic Orientations for ILO-EU Cooperation in the global agenda\t\n"


def draft_of(body: str, *, head: str = HEAD) -> dict[str, Any]:
    return draft_conclusions(txt_lines(head + body), source="test.txt")


def item_flags(draft: dict[str, Any]) -> dict[str, set[str]]:
    items = [item for area in draft["areas"] for item in area["commitments"]]
    return {item["id"]: {flag["kind"] for flag in item["flags"]} for item in items}


def area_flags(draft: dict[str, Any]) -> list[set[str]]:
    return [{flag["kind"] for flag in area["flags"]} for area in draft["areas"]]


def test_items_before_a_printed_number_get_numbers_inferred_and_flagged() -> None:
    draft = draft_of(SECTION + "Green Jobs\tThe ILO will: Map jobs; Train staff; 3. Report back.\n")
    items = draft["areas"][0]["commitments"]
    assert [(i["number"], i.get("number_reconstructed", False)) for i in items] == [
        (1, True),
        (2, True),
        (3, False),
    ]
    assert item_flags(draft) == {
        "green-jobs-1": {"number_reconstructed"},
        "green-jobs-2": {"number_reconstructed"},
        "green-jobs-3": set(),
    }


def test_numbers_that_do_not_fit_the_items_are_left_out_and_flagged() -> None:
    draft = draft_of(SECTION + "Green Jobs\tThe ILO will: Map jobs; Train staff; 2. Report back.\n")
    assert [i["number"] for i in draft["areas"][0]["commitments"]] == [None, None, 2]
    assert item_flags(draft)["green-jobs-1"] == {"number_lost"}


def test_numbers_printed_apart_from_their_items_are_put_back_and_flagged() -> None:
    draft = draft_of(
        SECTION + "Green Jobs\tFor years.\nTh 1. 2.\te ILO will: Map jobs; Train staff.\n"
    )
    items = draft["areas"][0]["commitments"]
    assert [(i["number"], i["lead_in"]) for i in items] == [
        (1, "The ILO will:"),
        (2, "The ILO will:"),
    ]
    assert item_flags(draft)["green-jobs-1"] == {"number_moved"}


def test_an_area_without_printed_numbers_is_flagged_once() -> None:
    draft = draft_of(SECTION + "Green Jobs\tThe ILO will: Map jobs; Train staff.\n")
    assert area_flags(draft) == [{"no_numbers"}]
    assert item_flags(draft) == {"green-jobs-1": set(), "green-jobs-2": set()}


def test_a_sentence_cut_by_a_page_break_is_joined_and_flagged() -> None:
    body = SECTION + "Green Jobs\tThe ILO will: 1. Map jobs in the\n\n7\n" + SECTION
    body += "\tconstruction sector; 2. Train staff.\n"
    draft = draft_of(body)
    first = draft["areas"][0]["commitments"][0]
    assert first["text"] == "Map jobs in the construction sector"
    assert item_flags(draft)["green-jobs-1"] == {"broken_sentence"}


def test_words_printed_after_the_next_title_go_back_to_the_open_item_and_are_flagged() -> None:
    body = SECTION + "Green Jobs\tThe ILO will: 1. Map jobs; 2. Train staff in\n"
    body += "Care Work\tthe care sector. The Commission will: 1. Fund care.\n"
    draft = draft_of(body)
    green, care = draft["areas"]
    assert green["commitments"][1]["text"] == "Train staff in the care sector."
    assert item_flags(draft)["green-jobs-2"] == {"broken_sentence", "item_moved"}
    assert [i["text"] for i in care["commitments"]] == ["Fund care."]


def test_an_item_whose_lead_in_names_no_institution_is_flagged_and_still_validates() -> None:
    draft = draft_of(SECTION + "Green Jobs\tThe partners will: 1. Map jobs.\n")
    item = draft["areas"][0]["commitments"][0]
    assert (item["actors"], item_flags(draft)["green-jobs-1"]) == ([], {"no_actor"})
    SeedMeeting.model_validate(draft)


def test_they_is_read_as_the_institutions_named_before_and_flagged() -> None:
    body = SECTION + "Green Jobs\tThe EEAS and the ILO met. They intend to: 1. Map jobs.\n"
    draft = draft_of(body)
    assert draft["areas"][0]["commitments"][0]["actors"] == ["ilo", "eeas"]
    assert item_flags(draft)["green-jobs-1"] == {"actors_guessed"}


def test_items_told_apart_only_by_sentences_are_flagged() -> None:
    body = SECTION + "Green Jobs\tThe ILO will: Map jobs. This covers cities. Train staff.\n"
    draft = draft_of(body)
    texts = [i["text"] for i in draft["areas"][0]["commitments"]]
    assert texts == ["Map jobs. This covers cities.", "Train staff."]
    assert set(map(frozenset, item_flags(draft).values())) == {frozenset({"split_guessed"})}


def test_a_title_on_a_line_of_its_own_is_a_guessed_heading() -> None:
    body = (
        SECTION
        + "Green Jobs\nThe ILO and the Commission work on jobs.\nThe ILO will: 1. Map jobs.\n"
    )
    draft = draft_of(body)
    assert [a["title"] for a in draft["areas"]] == ["Green Jobs"]
    assert area_flags(draft) == [{"heading_guessed"}]


def test_an_area_before_any_section_heading_has_its_section_guessed() -> None:
    draft = draft_of("Green Jobs\tThe ILO will: 1. Map jobs.\n")
    assert area_flags(draft) == [{"section_guessed"}]


def test_an_area_without_items_is_flagged_and_keeps_its_text_as_preamble() -> None:
    draft = draft_of(SECTION + "Green Jobs\tThe ILO works on jobs.\n")
    assert area_flags(draft) == [{"no_items"}]
    assert draft["areas"][0]["preamble"] == "The ILO works on jobs."
    SeedMeeting.model_validate(draft)


def test_a_missing_title_number_or_date_line_is_flagged_on_the_meeting() -> None:
    draft = draft_of(SECTION + "Green Jobs\tThe ILO will: 1. Map jobs.\n", head="Notes\n\n")
    assert [f["kind"] for f in draft["flags"]] == ["header_guessed"] * 3
    SeedMeeting.model_validate(draft)


def test_every_flag_is_written_as_a_field_and_as_a_comment(tmp_path: Path) -> None:
    body = SECTION + "Green Jobs\tThe ILO will: Map jobs; Train staff; 3. Report in the\n\n"
    body += "4\n" + SECTION + "\tspring. The partners will: 4. Rest.\n"
    text = dump_draft(draft_of(body))
    meeting = SeedMeeting.model_validate(yaml.safe_load(text))
    comments = [line for line in text.splitlines() if line.lstrip().startswith("# CHECK")]
    flags = meeting.open_flags()
    assert len(comments) == len(flags) >= 4
    assert all(flag.kind in comment for comment, (_, flag) in zip(comments, flags, strict=True))


def test_check_says_valid_flagged_or_invalid_with_the_place_of_each_problem(tmp_path: Path) -> None:
    flagged = tmp_path / "flagged.yaml"
    flagged.write_text(dump_draft(draft_of(SECTION + "Green Jobs\tThe partners will: 1. Map.\n")))
    clean = tmp_path / "clean.yaml"
    data = yaml.safe_load(flagged.read_text())
    data["areas"][0]["commitments"][0] |= {"flags": [], "actors": ["ilo"]}
    clean.write_text(yaml.safe_dump(data))
    broken = tmp_path / "broken.yaml"
    data["areas"][0]["commitments"][0] |= {"number": "one", "text": ""}
    data["areas"][0]["section"] = "minor"
    broken.write_text(yaml.safe_dump(data))

    assert check_seed_file(clean).status == VALID
    report = check_seed_file(flagged)
    assert (report.status, len(report.flags)) == (FLAGGED, 1)
    assert report.flags[0].startswith("green-jobs-1 (line 6): no_actor:")
    report = check_seed_file(broken)
    assert report.status == INVALID
    places = sorted(problem.split(":")[0] for problem in report.problems)
    assert places == [
        "areas[0] (green-jobs).commitments[0] (green-jobs-1).number",
        "areas[0] (green-jobs).commitments[0] (green-jobs-1).text",
        "areas[0] (green-jobs).section",
    ]


def test_an_item_without_actors_or_an_area_without_items_is_invalid_unless_flagged() -> None:
    data = draft_of(SECTION + "Green Jobs\tThe partners will: 1. Map jobs.\n")
    data["areas"][0]["commitments"][0]["flags"] = []
    with pytest.raises(ValidationError, match="needs actors"):
        SeedMeeting.model_validate(data)
    data = draft_of(SECTION + "Green Jobs\tThe ILO works on jobs.\n")
    data["areas"][0]["flags"] = []
    with pytest.raises(ValidationError, match="has no items"):
        SeedMeeting.model_validate(data)
