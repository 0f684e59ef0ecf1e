"""What buttons, options and modals carry: typed, versioned, and refused when the bot did not make it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.views.values import (
    KEY_LENGTH,
    DetailsButton,
    DetailsModal,
    ForeignValue,
    PickOption,
    StatusButton,
    Value,
)
from workflows.types import Institution, Status

LONGEST_KEY = "k" * KEY_LENGTH
LONGEST = [
    StatusButton(
        prompt_id=2**31 - 1, key=LONGEST_KEY, institution=Institution.ILO, status=Status.NOT_STARTED
    ),
    DetailsButton(prompt_id=2**31 - 1, key=LONGEST_KEY, institution=Institution.ILO),
    DetailsModal(prompt_id=2**31 - 1, key=LONGEST_KEY, institution=Institution.ILO),
    PickOption(key=LONGEST_KEY, institution=Institution.ILO, reply_ts="123456789012.12345678"),
]
GOOD: dict[type[Value], dict[str, object]] = {
    StatusButton: {"v": 1, "p": 7, "c": "hlm15/gender-7", "i": "ec", "s": "on_track"},
    DetailsButton: {"v": 1, "p": 7, "c": "hlm15/gender-7", "i": "ec"},
    DetailsModal: {"v": 1, "p": 7, "c": "hlm15/gender-7", "i": "ec", "ch": "D1", "ts": "1.2"},
    PickOption: {"v": 1, "c": "hlm15/gender-7", "i": "ec", "r": "1800000000.000100"},
}


@pytest.mark.parametrize("value", [pytest.param(v, id=type(v).__name__) for v in LONGEST])
def test_the_longest_value_of_each_kind_fits_slacks_limit_and_reads_back(value: Value) -> None:
    encoded = value.encode()
    assert len(encoded) <= value.LIMIT
    assert type(value).parse(encoded) == value


def test_a_status_button_reads_back_with_its_typed_fields() -> None:
    value = StatusButton.parse(json.dumps(GOOD[StatusButton]))
    assert (value.prompt_id, value.key, value.institution, value.status) == (
        7,
        "hlm15/gender-7",
        Institution.COMMISSION,
        Status.ON_TRACK,
    )


def test_modal_metadata_naming_a_message_still_reads_and_is_written_without_it() -> None:
    value = DetailsModal.parse(json.dumps(GOOD[DetailsModal]))
    assert (value.prompt_id, value.key, value.institution) == (
        7,
        "hlm15/gender-7",
        Institution.COMMISSION,
    )
    assert json.loads(value.encode()) == {"v": 1, "p": 7, "c": "hlm15/gender-7", "i": "ec"}


def test_an_encoded_value_names_its_version() -> None:
    value = DetailsButton(key="hlm15/gender-7", institution=Institution.ILO)
    assert json.loads(value.encode()) == {"v": 1, "p": 0, "c": "hlm15/gender-7", "i": "ilo"}


def test_a_value_posted_before_values_had_a_version_is_read_as_version_one() -> None:
    value = DetailsButton.parse('{"p":0,"c":"hlm15/gender-1","i":"ilo"}')
    assert value == DetailsButton(prompt_id=0, key="hlm15/gender-1", institution=Institution.ILO)


@given(
    prompt_id=st.integers(min_value=0, max_value=2**31 - 1),
    key=st.text(min_size=1, max_size=KEY_LENGTH),
    institution=st.sampled_from(Institution),
    status=st.sampled_from(Status),
)
def test_any_status_button_survives_the_round_trip(
    prompt_id: int, key: str, institution: Institution, status: Status
) -> None:
    value = StatusButton(prompt_id=prompt_id, key=key, institution=institution, status=status)
    assert StatusButton.parse(value.encode()) == value


def _with(kind: type[Value], **changes: object) -> str:
    fields = {**GOOD[kind], **changes}
    return json.dumps({k: v for k, v in fields.items() if v is not ...})


FOREIGN = [
    pytest.param(StatusButton, None, id="no-value"),
    pytest.param(StatusButton, "", id="empty"),
    pytest.param(StatusButton, "not json", id="not-json"),
    pytest.param(StatusButton, "[1, 2]", id="a-list"),
    pytest.param(StatusButton, "null", id="null"),
    pytest.param(StatusButton, '"hlm15/gender-7"', id="a-string"),
    pytest.param(StatusButton, _with(StatusButton, v=2), id="a-later-version"),
    pytest.param(StatusButton, _with(StatusButton, v=0), id="an-unknown-version"),
    pytest.param(StatusButton, _with(StatusButton, v="1"), id="version-as-text"),
    pytest.param(StatusButton, _with(StatusButton, s=...), id="status-missing"),
    pytest.param(StatusButton, _with(StatusButton, s="great"), id="unknown-status"),
    pytest.param(StatusButton, _with(StatusButton, i="un"), id="unknown-institution"),
    pytest.param(StatusButton, _with(StatusButton, c=...), id="commitment-missing"),
    pytest.param(StatusButton, _with(StatusButton, c=""), id="empty-commitment"),
    pytest.param(StatusButton, _with(StatusButton, c="k" * 81), id="commitment-too-long"),
    pytest.param(StatusButton, _with(StatusButton, c=7), id="commitment-as-number"),
    pytest.param(StatusButton, _with(StatusButton, p=-1), id="negative-prompt"),
    pytest.param(StatusButton, _with(StatusButton, p=2**31), id="prompt-out-of-range"),
    pytest.param(StatusButton, _with(StatusButton, p="7"), id="prompt-as-text"),
    pytest.param(StatusButton, _with(StatusButton, p=True), id="prompt-as-boolean"),
    pytest.param(StatusButton, _with(StatusButton, p=7.5), id="prompt-as-fraction"),
    pytest.param(StatusButton, _with(StatusButton, x=1), id="an-extra-field"),
    pytest.param(StatusButton, json.dumps(GOOD[DetailsButton]), id="a-details-button"),
    pytest.param(
        StatusButton,
        json.dumps({"key": "hlm15/gender-7", "institution": "ec", "status": "on_track"}),
        id="long-field-names",
    ),
    pytest.param(DetailsButton, json.dumps(GOOD[StatusButton]), id="a-status-button"),
    pytest.param(DetailsButton, json.dumps(GOOD[PickOption]), id="a-pick-option"),
    pytest.param(DetailsModal, _with(DetailsModal, ch="<!channel>"), id="channel-not-an-id"),
    pytest.param(DetailsModal, _with(DetailsModal, ts="yesterday"), id="ts-not-a-ts"),
    pytest.param(DetailsModal, _with(DetailsModal, ch="D" * 33), id="channel-too-long"),
    pytest.param(DetailsModal, "x" * 3001, id="longer-than-metadata"),
    pytest.param(PickOption, _with(PickOption, r=...), id="reply-missing"),
    pytest.param(PickOption, _with(PickOption, r=""), id="reply-empty"),
    pytest.param(PickOption, _with(PickOption, r="1.2.3"), id="reply-not-a-ts"),
    pytest.param(PickOption, _with(PickOption, p=0), id="pick-with-a-prompt"),
    pytest.param(PickOption, " " * 151, id="longer-than-an-option"),
]


@pytest.mark.parametrize(("kind", "value"), FOREIGN)
def test_a_value_the_bot_did_not_make_is_refused_with_one_exception(
    kind: type[Value], value: str | None
) -> None:
    with pytest.raises(ForeignValue):
        kind.parse(value)


def test_a_foreign_value_is_a_value_error() -> None:
    assert issubclass(ForeignValue, ValueError)


def test_values_cannot_be_changed_once_made() -> None:
    value = DetailsButton(key="hlm15/gender-7", institution=Institution.ILO)
    with pytest.raises(ValueError, match="frozen"):
        value.key = "hlm15/gender-8"  # type: ignore[misc]
