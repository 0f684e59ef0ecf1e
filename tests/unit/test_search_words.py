"""What people type into a search is read as words, phrases, exclusions and alternatives, and
written for FTS5 and PostgreSQL so that nothing typed can break the query; hits render safely."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.views.search import build_search_results, hit_text, snippet_text
from workflows.search import Hit
from workflows.search.query import Query, marked_pieces, parse_words, to_fts5, to_websearch
from workflows.types import Institution, Status


@pytest.mark.parametrize(
    ("words", "fts5", "websearch"),
    [
        pytest.param("pay transparency", '(("pay" AND "transparency"))', '"pay" "transparency"', id="words"),
        pytest.param('"pay gap" -pension', '(("pay gap")) NOT "pension"', '"pay gap" -"pension"', id="phrase-and-exclusion"),
        pytest.param("wage OR salary", '(("wage") OR ("salary"))', '"wage" or "salary"', id="either"),
        pytest.param("Égalité SALARIALE", '(("égalité" AND "salariale"))', '"égalité" "salariale"', id="unicode-folded-case"),
        pytest.param('pay*"', '(("pay"))', '"pay"', id="star-and-stray-quote"),
        pytest.param("NEAR(a b) AND NOT x", '(("near a" AND "b" AND "and" AND "not" AND "x"))', '"near a" "b" "and" "not" "x"', id="fts5-operators-are-words"),
        pytest.param("text:pay", '(("text pay"))', '"text pay"', id="column-filter-is-a-phrase"),
        pytest.param("pay & gap | !x", '(("pay" AND "gap" AND "x"))', '"pay" "gap" "x"', id="tsquery-operators-dropped"),
        pytest.param('"O\'Brien"', '(("o brien"))', '"o brien"', id="apostrophe"),
    ],
)  # fmt: skip
def test_typed_words_are_written_as_safe_queries(words: str, fts5: str, websearch: str) -> None:
    query = parse_words(words)
    assert to_fts5(query) == fts5
    assert to_websearch(query) == websearch


@pytest.mark.parametrize(
    "words",
    [
        pytest.param("", id="empty"),
        pytest.param("   \t\n", id="blank"),
        pytest.param('"', id="a-quote"),
        pytest.param('""', id="empty-phrase"),
        pytest.param("***", id="stars"),
        pytest.param("OR OR", id="only-or"),
        pytest.param("-pay", id="only-exclusions"),
        pytest.param("— … «»", id="only-punctuation"),
    ],
)
def test_words_with_nothing_to_look_for_make_an_empty_query(words: str) -> None:
    assert parse_words(words).empty


def test_a_pasted_page_is_cut_to_its_first_words() -> None:
    query = parse_words(" ".join(f"w{n}" for n in range(500)))
    assert sum(len(group) for group in query.alternatives) == 32


def test_or_at_the_edges_or_twice_is_ignored() -> None:
    assert parse_words("OR pay OR OR gap OR") == Query(((("pay",),), (("gap",),)))


def test_marks_around_matched_words_become_pieces_and_neighbours_join() -> None:
    pieces = marked_pieces("The \x02social\x03 \x02dialogue\x03 fund, \x02pay\x03", "\x02", "\x03")
    assert pieces == (("The ", False), ("social dialogue", True), (" fund, ", False), ("pay", True))


def test_a_stray_mark_in_stored_text_is_dropped() -> None:
    assert marked_pieces("a \x03b", "\x02", "\x03") == (("a b", False),)


def update_hit(**changes: object) -> Hit:
    fields: dict[str, object] = {
        "kind": "update", "code": "gender-3", "area": "Gender <equality>", "area_slug": "gender",
        "snippet": (("The ", False), ("tender", True), (" <!channel> & co", False)), "score": 1.0,
        "author": "Chidi <Okafor>", "institution": Institution.ILO,
        "at": datetime(2026, 11, 25, 10, tzinfo=UTC), "status": Status.AT_RISK,
    }  # fmt: skip
    return Hit(**(fields | changes))  # type: ignore[arg-type]


def test_an_update_hit_says_where_who_when_and_how_to_see_it_all() -> None:
    text = hit_text(update_hit())
    assert text.startswith(
        "*gender-3* · Gender &lt;equality&gt; · Chidi &lt;Okafor&gt; (ILO), <!date^"
    )
    assert "· At risk" in text
    assert "The *tender* &lt;!channel&gt; &amp; co" in text
    assert text.endswith("`/hlm show gender-3`")


def test_a_snippet_keeps_the_spaces_between_plain_and_bold_words() -> None:
    assert snippet_text((("a\nb ", False), ("c", True), (" d", False))) == "a b *c* d"


def test_results_say_how_many_more_there_are_beyond_the_ten_shown() -> None:
    reply = build_search_results("tender", [update_hit()] * 10, 37)
    blocks = reply.block_dicts()
    assert blocks[0]["text"]["text"] == "*37 hits for “tender”*"
    assert len(blocks) == 12
    assert blocks[-1]["elements"][0]["text"].startswith("…and 27 more.")


def test_results_past_the_updates_ranked_say_more_than() -> None:
    reply = build_search_results("the", [update_hit()] * 10, 205, at_least=True)
    assert reply.block_dicts()[0]["text"]["text"] == "*205+ hits for “the”*"
    assert "more than 195 more" in reply.block_dicts()[-1]["elements"][0]["text"]


def test_no_hits_say_so_with_the_words_escaped() -> None:
    reply = build_search_results("<@U123> pay", [], 0)
    assert reply.text == "Nothing found for “&lt;@U123&gt; pay”. Try other words, or fewer."


def test_a_commitment_hit_of_a_long_text_stays_within_a_section() -> None:
    hit = update_hit(kind="commitment", snippet=(("word " * 2000, False),), author=None, at=None)
    reply = build_search_results("word", [hit], 1)
    assert all(len(b["text"]["text"]) <= 3000 for b in reply.block_dicts())
