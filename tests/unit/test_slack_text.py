"""Slack's markup in what people type becomes the plain ids and links the domain takes."""

from __future__ import annotations

import pytest

from bot.slack_text import plain_link, plain_person, slack_id_of


@pytest.mark.parametrize(
    ("ref", "slack_id"),
    [
        pytest.param("<@U0ILOANN|ann>", "U0ILOANN", id="escaped-mention"),
        pytest.param("<@W0ILOANN>", "W0ILOANN", id="mention-without-name"),
        pytest.param(" U0ILOANN ", "U0ILOANN", id="bare-id"),
        pytest.param("ann@ilo.org", None, id="email"),
        pytest.param("Ann Smith", None, id="name"),
    ],
)
def test_a_mention_or_a_bare_id_gives_the_slack_id(ref: str, slack_id: str | None) -> None:
    assert slack_id_of(ref) == slack_id


def test_a_person_named_by_mention_is_handed_on_by_id_and_others_as_typed() -> None:
    assert plain_person("<@U0ILOANN|ann>") == "U0ILOANN"
    assert plain_person(" ann@ilo.org ") == "ann@ilo.org"


@pytest.mark.parametrize(
    ("text", "link"),
    [
        pytest.param("<https://ilo.org/report>", "https://ilo.org/report", id="autolink"),
        pytest.param("<https://ilo.org/r|the report>", "https://ilo.org/r", id="labelled"),
        pytest.param(" https://ilo.org/r ", "https://ilo.org/r", id="plain"),
        pytest.param("not a link", "not a link", id="words-left-alone"),
    ],
)
def test_a_pasted_link_loses_the_brackets_slack_puts_around_it(text: str, link: str) -> None:
    assert plain_link(text) == link
