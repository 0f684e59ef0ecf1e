"""Escaping, cutting and splitting text, and lists of blocks under Slack's limits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.views import Reply
from bot.views.blocks import as_dicts, problems, split_blocks
from bot.views.mrkdwn import ELLIPSIS, SECTION_TEXT, chunks, escape, fit, pack, truncate

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


def test_fit_cuts_to_a_sections_limit_and_is_never_empty() -> None:
    assert len(fit("word " * 2000)) <= SECTION_TEXT
    assert fit("") == " "


def test_pack_joins_lines_under_the_limit_without_losing_any() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(100)]
    packed = pack(lines, limit=1000)
    assert all(len(p) <= 1000 for p in packed)
    assert "\n".join(packed).split("\n") == lines


def _sections(n: int) -> list[Block]:
    return [SectionBlock(text=f"item {i}") for i in range(n)]


def test_split_blocks_keeps_every_block_in_order_under_the_limit() -> None:
    blocks = _sections(120)
    messages = split_blocks(blocks, 50)
    assert [len(m) for m in messages] == [50, 50, 20]
    assert [b for m in messages for b in m] == blocks


def test_split_blocks_never_leaves_a_header_at_the_end_of_a_message() -> None:
    area_two = HeaderBlock(text="Area two")
    blocks = [*_sections(49), area_two, SectionBlock(text="first of area two")]
    first, second = split_blocks(blocks, 50)
    assert first[-1].type == "section"
    assert second[0] is area_two


def test_split_blocks_keeps_a_group_together() -> None:
    group = [SectionBlock(text="item"), ContextBlock(elements=[MarkdownTextObject(text="rec")])]
    messages = split_blocks([*_sections(49), group], 50)
    assert messages[1] == group


def test_split_blocks_cuts_only_a_group_longer_than_a_message() -> None:
    messages = split_blocks([_sections(120)], 50)
    assert sum(len(m) for m in messages) == 120
    assert all(len(m) <= 50 for m in messages)


def test_split_blocks_of_nothing_is_no_message() -> None:
    assert split_blocks([]) == []


def test_a_replys_blocks_become_slacks_json() -> None:
    reply = Reply("done", [SectionBlock(text="*done*"), DividerBlock()])
    assert reply.block_dicts() == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*done*"}},
        {"type": "divider"},
    ]


def _button(text: str = "Go", value: str = "v") -> ActionsBlock:
    return ActionsBlock(elements=[ButtonElement(text=text, action_id="go", value=value)])


@pytest.mark.parametrize(
    ("blocks", "refusal"),
    [
        pytest.param(_sections(51), "51 blocks", id="too-many-blocks"),
        pytest.param([SectionBlock(text="x" * 3001)], "3000", id="long-section"),
        pytest.param([SectionBlock(text="")], "text or fields", id="empty-section"),
        pytest.param([ContextBlock(elements=[MarkdownTextObject(text="")])], "empty", id="empty"),
        pytest.param([HeaderBlock(text="x" * 151)], "150", id="long-header"),
        pytest.param([_button(text="x" * 76)], "75", id="long-button-text"),
        pytest.param([_button(value="x" * 2001)], "2000", id="long-button-value"),
        pytest.param(
            [
                ActionsBlock(
                    elements=[
                        StaticSelectElement(
                            action_id="pick", options=[Option(text="x", value="x" * 151)]
                        )
                    ]
                )
            ],
            "150",
            id="long-option-value",
        ),
        pytest.param(
            [DividerBlock(block_id="a"), DividerBlock(block_id="a")], "twice", id="duplicate-ids"
        ),
    ],
)
def test_blocks_slack_would_refuse_are_refused_before_sending(
    blocks: list[Block], refusal: str
) -> None:
    with pytest.raises(SlackObjectFormationError, match=refusal):
        Reply("text", blocks).block_dicts()


def test_a_reply_of_exactly_fifty_blocks_is_sent() -> None:
    assert len(as_dicts(_sections(50))) == 50


def test_problems_names_what_slack_would_refuse_in_blocks_as_sent() -> None:
    long_header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    assert problems([long_header])
    assert problems([{"type": "divider"}] * 51)
    assert problems([{"type": "divider"}] * 100, limit=100) == []


def test_problems_finds_nothing_in_blocks_as_the_builders_send_them() -> None:
    blocks = [HeaderBlock(text="x"), SectionBlock(text=fit("y" * 5000)), _button()]
    assert problems(as_dicts(blocks)) == []


def test_a_moment_is_written_for_slack_to_show_in_the_readers_time_zone_with_a_utc_fallback() -> (
    None
):
    from datetime import UTC, datetime, timedelta, timezone

    from bot.views.mrkdwn import DAY_TOKENS, local_time

    at = datetime(2026, 12, 3, 11, 5, tzinfo=timezone(timedelta(hours=1)))
    assert local_time(at) == "<!date^1796292300^{date_short_pretty} {time}|3 Dec 10:05 UTC>"
    assert local_time(at, tokens=DAY_TOKENS) == "<!date^1796292300^{date_short_pretty}|3 Dec>"
    naive = datetime(2026, 12, 3, 10, 5)  # noqa: DTZ001 (a naive time is read as UTC)
    assert local_time(naive) == local_time(at.astimezone(UTC))


def test_the_console_shows_a_moment_slack_would_localise_by_its_fallback() -> None:
    from datetime import UTC, datetime

    from bot.console.render import plain
    from bot.views.mrkdwn import local_time

    shown = plain(f"heard {local_time(datetime(2026, 12, 3, 10, 5, tzinfo=UTC))}")
    assert shown == "heard 3 Dec 10:05 UTC"
