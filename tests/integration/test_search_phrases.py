"""Phrases and common pairs of words among many updates, on SQLite's FTS5 and PostgreSQL.

PostgreSQL finds the newest matching updates in up to three steps (the newest updates checked
one by one, then the index of words or the index of words side by side, or more updates checked
one by one); each test runs with the steps set so that each way is taken on a few rows. SQLite
has one way, and gives the same answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

import workflows.search as search_module
from tests.factories import make_owner, make_update
from workflows.search import find, postgresql
from workflows.store.models import Person, Update
from workflows.types import Status

# How PostgreSQL looks further than the newest updates it checks first: (the newest checked one
# by one, the most rows the index may hand over, the older updates checked one by one).
WAYS = {
    "all-checked-first": (postgresql.WALK_FIRST, postgresql.INDEX_AT_MOST, postgresql.WALK_ON),
    "then-the-index": (2, 10**9, 0),
    "then-one-by-one": (2, -1, 1_000),
}
APART = "Okapi census overtime and tapir habitat report."  # both words, not side by side
TOGETHER = "The okapi tapir programme was launched."


@pytest.fixture(params=list(WAYS))
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    first, index, walk_on = WAYS[request.param]
    monkeypatch.setattr(postgresql, "WALK_FIRST", first)
    monkeypatch.setattr(postgresql, "INDEX_AT_MOST", index)
    monkeypatch.setattr(postgresql, "WALK_ON", walk_on)
    return str(request.param)


@pytest.fixture
def owner(db_session: Session, now: datetime) -> Person:
    return make_owner(db_session, "gender", name="Frans de Vries", now=now)


def write(session: Session, owner: Person, texts: list[str], *, since: datetime) -> list[Update]:
    """Record the texts as updates a minute apart, oldest first."""
    return [
        make_update(session, f"gender-{1 + n % 5}", owner, Status.ON_TRACK,
                    now=since + timedelta(minutes=n), text=text)
        for n, text in enumerate(texts)
    ]  # fmt: skip


def written(updates: list[Update]) -> list[datetime]:
    return [update.created_at for update in updates]


def update_times(session: Session, words: str) -> list[datetime]:
    hits = find(session, words, limit=10).hits
    return [hit.at for hit in hits if hit.kind == "update" and hit.at is not None]


@pytest.mark.usefixtures("way")
def test_a_phrase_does_not_match_its_words_apart(
    db_session: Session, owner: Person, now: datetime
) -> None:
    together, apart = written(write(db_session, owner, [TOGETHER, APART], since=now))
    assert update_times(db_session, '"okapi tapir"') == [together]
    assert sorted(update_times(db_session, "okapi tapir")) == [together, apart]


@pytest.mark.usefixtures("way")
def test_a_phrase_is_found_among_many_updates_holding_its_words_apart(
    db_session: Session, owner: Person, now: datetime
) -> None:
    older = written(write(db_session, owner, [TOGETHER] * 3, since=now))
    write(db_session, owner, [APART] * 20, since=now + timedelta(hours=1))
    found = find(db_session, '"okapi tapir"', limit=10)
    assert (found.total, found.at_least) == (3, False)
    assert [hit.at for hit in found.hits] == older[::-1]  # equally good: the newest first
    assert all(("okapi tapir", True) in hit.snippet for hit in found.hits)


@pytest.mark.usefixtures("way")
def test_a_phrase_with_a_stop_word_inside_is_found_among_its_words_apart(
    db_session: Session, owner: Person, now: datetime
) -> None:
    older = written(write(db_session, owner, ["Census of okapi of tapir habitats."] * 2, since=now))
    write(db_session, owner, [APART, TOGETHER] * 5, since=now + timedelta(hours=1))
    found = find(db_session, '"okapi of tapir"', limit=10)
    assert (found.total, [hit.at for hit in found.hits]) == (2, older[::-1])


@pytest.mark.usefixtures("way")
def test_either_of_two_phrases_is_found_among_their_words_apart(
    db_session: Session, owner: Person, now: datetime
) -> None:
    texts = [TOGETHER, "A zebu yak survey.", "Yak and zebu counted."]
    together, other, _ = written(write(db_session, owner, texts, since=now))
    write(db_session, owner, [APART] * 10, since=now + timedelta(hours=1))
    found = find(db_session, '"okapi tapir" OR "zebu yak"', limit=10)
    assert (found.total, [hit.at for hit in found.hits]) == (2, [other, together])


@pytest.mark.usefixtures("way")
def test_a_very_common_pair_still_ranks_the_newest_matches(
    db_session: Session, owner: Person, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [TOGETHER if n % 3 else "Capybara workshop held." for n in range(30)]
    times = written(write(db_session, owner, texts, since=now))
    monkeypatch.setattr(search_module, "RECENT_UPDATES", 5)
    found = find(db_session, "okapi tapir", limit=10)
    newest = [at for at, text in zip(times, texts, strict=True) if text == TOGETHER][-5:]
    assert (found.total, found.at_least) == (5, True)
    assert [hit.at for hit in found.hits] == newest[::-1]


@pytest.mark.usefixtures("way")
def test_withdrawn_updates_are_never_hits_however_they_are_found(
    db_session: Session, owner: Person, now: datetime
) -> None:
    kept, withdrawn = write(db_session, owner, [TOGETHER] * 2, since=now)
    write(db_session, owner, [APART] * 6, since=now + timedelta(hours=1))
    withdrawn.withdrawn_at = now + timedelta(days=1)
    db_session.flush()
    for words in ('"okapi tapir"', "okapi tapir programme"):
        found = find(db_session, words, limit=10)
        assert (found.total, [hit.at for hit in found.hits]) == (1, [kept.created_at])


def test_older_updates_left_unchecked_make_the_count_say_more_than(
    db_session: Session, owner: Person, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db_session.get_bind().dialect.name == "sqlite":
        pytest.skip("SQLite finds every match of a phrase through its index")
    older = written(write(db_session, owner, [TOGETHER] * 2, since=now))
    newer = written(
        write(db_session, owner, [APART] * 6 + [TOGETHER], since=now + timedelta(hours=1))
    )
    monkeypatch.setattr(postgresql, "WALK_FIRST", 2)
    monkeypatch.setattr(postgresql, "INDEX_AT_MOST", -1)  # as if the index would hand over too many
    monkeypatch.setattr(postgresql, "WALK_ON", 4)
    found = find(db_session, '"okapi tapir"', limit=10)
    assert (found.total, found.at_least) == (1, True)
    assert [hit.at for hit in found.hits] == [newer[-1]]
    monkeypatch.setattr(postgresql, "WALK_ON", 100)
    found = find(db_session, '"okapi tapir"', limit=10)
    assert (found.total, found.at_least) == (3, False)
    assert [hit.at for hit in found.hits] == [newer[-1], *older[::-1]]
