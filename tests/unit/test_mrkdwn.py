"""Escaping, cutting and splitting under Slack's limits, and the interaction values."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.views import ids
from bot.views.mrkdwn import (
    ELLIPSIS,
    MAX_SECTION_TEXT,
    button,
    chunks,
    context,
    escape,
    fit_section,
    header,
    option,
    pack,
    problems,
    section,
    split_blocks,
    truncate,
)

BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
WORDS = st.text(alphabet=st.sampled_from("ab &<>\n"), max_size=400)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        pytest.param("<!channel>", "&lt;!channel&gt;", id="channel-mention"),
        pytest.param("<!here> <!everyone>", "&lt;!here&gt; &lt;!everyone&gt;", id="here-everyone"),
        pytest.param("<@U123>", "&lt;@U123&gt;", id="user-mention"),
        pytest.param("<http://x|fake>", "&lt;http://x|fake&gt;", id="disguised-link"),
        pytest.param("R&D", "R&amp;D", id="ampersand"),
        pytest.param("&lt;", "&amp;lt;", id="an-entity-typed-is-shown-as-typed"),
        pytest.param("*bold* _it_ `code`", "*bold* _it_ `code`", id="formatting-is-kept"),
    ],
)
def test_escape_shows_control_characters_literally(typed: str, shown: str) -> None:
    assert escape(typed) == shown


def test_truncate_leaves_a_short_text_alone() -> None:
    assert truncate("on track", 20) == "on track"


def test_truncate_cuts_on_a_word_boundary_with_an_ellipsis() -> None:
    assert truncate("the social partners agreed on a plan", 20) == "the social partners…"


def test_truncate_never_ends_inside_an_escaped_character() -> None:
    cut = truncate(escape("aaaaaaaaaa<<<<<<<<<<"), 30)
    assert cut.endswith(ELLIPSIS)
    assert not BROKEN_ENTITY.search(cut)


def test_truncate_adds_a_more_link_within_the_limit() -> None:
    cut = truncate("word " * 100, 60, more_url="https://example.org/c/1")
    assert len(cut) <= 60
    assert cut.endswith("… <https://example.org/c/1|more>")


@given(text=WORDS, limit=st.integers(min_value=1, max_value=300))
def test_truncate_always_fits_the_limit_and_keeps_escapes_whole(text: str, limit: int) -> None:
    cut = truncate(escape(text), limit)
    assert len(cut) <= limit
    assert not BROKEN_ENTITY.search(cut)


@given(text=WORDS, limit=st.integers(min_value=20, max_value=200))
def test_chunks_fit_the_limit_and_lose_nothing_but_whitespace(text: str, limit: int) -> None:
    pieces = chunks(escape(text), limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(escape(text).split())
    assert not any(BROKEN_ENTITY.search(p) for p in pieces)


def test_fit_section_cuts_to_a_sections_limit() -> None:
    assert len(fit_section("word " * 2000)) <= MAX_SECTION_TEXT


def test_pack_joins_lines_under_the_limit_without_losing_any() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(100)]
    packed = pack(lines, limit=1000)
    assert all(len(p) <= 1000 for p in packed)
    assert "\n".join(packed).split("\n") == lines


def _sections(n: int) -> list[dict[str, Any]]:
    return [section(f"item {i}") for i in range(n)]


def test_split_blocks_keeps_every_block_in_order_under_the_limit() -> None:
    blocks = _sections(120)
    messages = split_blocks(blocks, 50)
    assert [len(m) for m in messages] == [50, 50, 20]
    assert [b for m in messages for b in m] == blocks


def test_split_blocks_never_leaves_a_header_at_the_end_of_a_message() -> None:
    blocks = [*_sections(49), header("Area two"), section("first of area two")]
    first, second = split_blocks(blocks, 50)
    assert first[-1]["type"] == "section"
    assert second[0] == header("Area two")


def test_split_blocks_keeps_a_group_together() -> None:
    group = [section("item"), context("recorded")]
    messages = split_blocks([*_sections(49), group], 50)
    assert messages[1] == group


def test_split_blocks_cuts_only_a_group_longer_than_a_message() -> None:
    messages = split_blocks([_sections(120)], 50)
    assert sum(len(m) for m in messages) == 120
    assert all(len(m) <= 50 for m in messages)


def test_split_blocks_of_nothing_is_no_message() -> None:
    assert split_blocks([]) == []


@pytest.mark.parametrize(
    ("blocks", "limit", "found"),
    [
        pytest.param(_sections(51), 50, "51 blocks > 50", id="too-many-blocks"),
        pytest.param(
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
            50,
            "text > 3000",
            id="long-section",
        ),
        pytest.param(
            [{"type": "section", "text": {"type": "mrkdwn", "text": ""}}],
            50,
            "text is empty",
            id="empty-section",
        ),
        pytest.param(
            [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
            50,
            "header > 150",
            id="long-header",
        ),
        pytest.param(
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "x" * 76},
                            "value": "v",
                        }
                    ],
                }
            ],
            50,
            "button text > 75",
            id="long-button",
        ),
        pytest.param(
            [{"type": "actions", "elements": [{"type": "static_select", "options": []}]}],
            50,
            "a select without options",
            id="empty-select",
        ),
        pytest.param(
            [{"type": "divider", "block_id": "a"}, {"type": "divider", "block_id": "a"}],
            50,
            "duplicate block_id",
            id="duplicate-ids",
        ),
    ],
)
def test_problems_names_what_slack_would_reject(
    blocks: list[dict[str, Any]], limit: int, found: str
) -> None:
    assert any(found in p for p in problems(blocks, limit=limit))


def test_problems_finds_nothing_in_blocks_built_by_the_helpers() -> None:
    blocks = [header("x" * 500), section("y" * 5000), context("z" * 5000)]
    assert problems(blocks) == []


def test_a_button_value_too_long_for_slack_is_a_bug() -> None:
    with pytest.raises(ValueError, match="button value"):
        button("Go", "go", "x" * 2001)


def test_an_option_value_too_long_for_slack_is_a_bug() -> None:
    with pytest.raises(ValueError, match="option value"):
        option("Go", "x" * 151)


def test_encoded_values_decode_to_the_same_fields() -> None:
    value = ids.encode(p=3, c="hlm15/gender-7", i="ec", s="on_track")
    assert ids.decode(value) == {"p": 3, "c": "hlm15/gender-7", "i": "ec", "s": "on_track"}


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param("", id="empty"),
        pytest.param("not json", id="text"),
        pytest.param("[1, 2]", id="a-list"),
        pytest.param("null", id="null"),
    ],
)
def test_decoding_a_value_the_bot_did_not_make_raises_value_error(garbage: str) -> None:
    with pytest.raises(ValueError, match="not a value this bot made"):
        ids.decode(garbage)
