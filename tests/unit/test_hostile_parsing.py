"""The pure readers of what people type and what Slack sends take anything without raising
anything but the domain's own refusal: text, numbers (huge, negative, Unicode digits) and shapes."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.parse import ALIASES, SUBCOMMANDS, Help, parse_hlm_command
from bot.payloads import BlockAction, DmMessage, ViewSubmission, storable
from bot.views.values import DetailsButton, DetailsModal, ForeignValue, PickOption, StatusButton
from tests.saying import refused
from workflows.calendar import YEARS_OF_REACH, parse_day
from workflows.catalogue.areas import AreaRef, match_area
from workflows.errors import BadFile, HlmError, InvalidDate, UnknownArea
from workflows.people.owners_file import read_owners_file

TODAY = date(2026, 11, 25)
AREAS = [AreaRef("gender", "Gender equality", 1), AreaRef("osh", "Safety and health", 2)]
UNICODE_DIGITS = ["²", "٣", "߂", "৩", "①", "¹²", "𝟗", "〇", "Ⅻ", "٢٠٢٦-١٢-٠٣"]
NUMBERS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from([*UNICODE_DIGITS, "9" * 5000, "1e400", "nan", "#²", "#" + "9" * 30]),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
)
WORDS = st.one_of(NUMBERS, st.text(max_size=20), st.sampled_from(["<!channel>", "\ud800", "\x00"]))
SHAPES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300)
@given(name=st.sampled_from([*SUBCOMMANDS, *ALIASES]), args=st.lists(WORDS, max_size=5))
def test_every_subcommand_parses_any_arguments_into_a_command_or_help(
    name: str, args: list[str]
) -> None:
    parsed = parse_hlm_command(" ".join([name, *args]))
    if isinstance(parsed, Help) and parsed.problem:
        assert len(parsed.problem) < 400


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("²", id="superscript-two"),
        pytest.param("#²", id="hash-superscript-two"),
        pytest.param("٣", id="arabic-indic-three"),
        pytest.param("99999999999999999999", id="twenty-nines"),
        pytest.param("9" * 5000, id="more-digits-than-int-reads"),
        pytest.param("-1", id="negative"),
    ],
)
def test_an_area_number_that_is_not_one_is_an_unknown_area(query: str) -> None:
    with pytest.raises(UnknownArea):
        match_area(query, AREAS)


@given(query=NUMBERS)
def test_any_number_matches_an_area_or_is_refused_as_unknown(query: str) -> None:
    with contextlib.suppress(UnknownArea):
        match_area(query, AREAS)


def test_an_area_is_still_found_by_its_ascii_number() -> None:
    assert match_area("#2", AREAS).slug == "osh"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("9999-12-31", id="last-day-of-9999"),
        pytest.param("0001-01-01", id="first-day-of-year-1"),
        pytest.param("2099-01-01", id="years-ahead"),
        pytest.param("31/12/9999", id="numeric-9999"),
        pytest.param("24 Dec 9999", id="words-9999"),
        pytest.param("in 999 weeks", id="nineteen-years-of-weeks"),
    ],
)
def test_a_day_far_from_today_is_refused_naming_the_years_allowed(text: str) -> None:
    with refused(InvalidDate, r"too far from today.*2016 to 2036"):
        parse_day(text, today=TODAY)


@given(text=st.one_of(WORDS, st.dates().map(str), st.dates().map(lambda d: f"{d:%d/%m/%Y}")))
def test_any_day_read_is_within_reach_or_refused(text: str) -> None:
    try:
        day = parse_day(text, today=TODAY)
    except InvalidDate:
        return
    assert abs(day.year - TODAY.year) <= YEARS_OF_REACH


VALUE_MODELS = [StatusButton, DetailsButton, DetailsModal, PickOption]


@pytest.mark.parametrize("model", VALUE_MODELS)
@given(value=st.one_of(SHAPES, WORDS, SHAPES.map(json.dumps)))
def test_a_value_the_bot_did_not_make_is_foreign_and_foreign_is_a_refusal(
    model: type[StatusButton], value: Any
) -> None:
    with contextlib.suppress(ForeignValue):
        model.parse(value)


def test_a_foreign_value_is_a_refusal_with_a_sentence() -> None:
    with refused(HlmError, "out of date, so nothing was recorded"):
        StatusButton.parse("²")


@pytest.mark.parametrize(
    "meta",
    [
        pytest.param(str(2**63 + 1), id="number-above-2-63"),
        pytest.param('{"c":"hlm15/gender-7","i":"ec","p":' + "9" * 25 + "}", id="huge-prompt"),
        pytest.param('{"c":"hlm15/gender-7","i":"ec","p":-1}', id="negative-prompt"),
        pytest.param('{"c":"hlm15/gender-7","i":"ec","p":1e400}', id="infinite-prompt"),
    ],
)
def test_modal_metadata_with_an_impossible_number_is_foreign(meta: str) -> None:
    with pytest.raises(ForeignValue):
        DetailsModal.parse(meta)


def submission(view: Any) -> dict[str, Any]:
    return {"user": {"id": "U1"}, "view": {"id": "V1"} | view}


@given(values=SHAPES, meta=SHAPES)
def test_a_modal_of_any_shape_reads_as_text_or_nothing(values: Any, meta: Any) -> None:
    read = ViewSubmission.model_validate(
        submission({"state": {"values": values}, "private_metadata": meta})
    )
    for block in ("status", "text", "link", "next"):
        found = read.value(block, block)
        assert found is None or (isinstance(found, str) and found)


@pytest.mark.parametrize(
    "state",
    [
        pytest.param([1, 2], id="state-a-list"),
        pytest.param({"values": None}, id="values-null"),
        pytest.param({"values": [1]}, id="values-a-list"),
        pytest.param({"values": {"text": [1]}}, id="block-a-list"),
        pytest.param({"values": {"text": {"text": 7}}}, id="input-a-number"),
        pytest.param({"values": {"text": {"text": {"value": 2**70}}}}, id="value-a-number"),
        pytest.param({"values": {"text": {"text": {"selected_option": [1]}}}}, id="option-a-list"),
    ],
)
def test_a_modal_state_of_an_unexpected_shape_reads_as_nothing(state: Any) -> None:
    read = ViewSubmission.model_validate(submission({"state": state, "private_metadata": 2**64}))
    assert read.value("text", "text") is None
    assert read.view.private_metadata == ""


@given(value=SHAPES, option=SHAPES)
def test_a_click_carrying_any_shape_reads_as_text_or_nothing(value: Any, option: Any) -> None:
    action = {"action_id": "a", "value": value, "selected_option": option}
    chosen = BlockAction.model_validate({"user": {"id": "U1"}, "actions": [action]}).chosen
    assert chosen is None or isinstance(chosen, str)


@given(text=SHAPES, thread=SHAPES, user=SHAPES)
def test_a_dm_carrying_any_shape_reads_as_text_or_nothing(
    text: Any, thread: Any, user: Any
) -> None:
    event = {"channel": "D1", "ts": "1.2", "text": text, "thread_ts": thread, "user": user}
    message = DmMessage.model_validate(event)
    assert isinstance(message.text, str)


@given(value=SHAPES | st.text())
def test_lone_surrogates_become_replacement_characters_anywhere_in_a_payload(value: Any) -> None:
    cleaned = storable({"a": [value, {"\ud800": value}]})
    json.dumps(cleaned, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate


@settings(max_examples=60)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".yaml", ".yml"]))
def test_an_owners_file_of_any_bytes_is_read_or_refused_as_a_bad_file(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("owners") / f"owners{suffix}"
    path.write_bytes(data)
    with contextlib.suppress(BadFile):
        read_owners_file(path)


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        pytest.param("o.csv", "target,name,email\ngender,Zoë,z@x.org\n".encode("latin-1"), "not UTF-8", id="latin-1-csv"),
        pytest.param("o.csv", b"target,name,email\ngender,\x00,z@x.org\n", "NUL", id="nul-byte-csv"),
        pytest.param("o.csv", "target,name,email\ngender," + "x" * 200_000 + ",z@x.org\n", "CSV", id="field-over-the-limit"),
        pytest.param("o.csv", "target,name,email,institution\na,Z,Z@x.org,ilo\nb,Z,z@x.org,ilo\n", "rows 2 and 3", id="email-in-two-cases"),
        pytest.param("o.yaml", "people:\n- {name: A, email: a@x.org, institution: ilo, slack_user_id: U0A}\n- {name: B, email: b@x.org, institution: ilo, slack_user_id: U0A}\n", "people 1 and 2", id="slack-id-twice"),
    ],
)  # fmt: skip
def test_an_owners_file_that_cannot_be_trusted_is_refused_with_the_reason(
    tmp_path: Path, name: str, data: str | bytes, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    with refused(BadFile, said):
        read_owners_file(path)
