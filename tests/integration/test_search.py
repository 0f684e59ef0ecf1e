"""Search finds commitment texts and owners' words, ranked, on SQLite's FTS5 and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import workflows.search as search_module
from tests.factories import make_owner, make_update
from workflows.catalogue.lookup import find_commitment
from workflows.search import find
from workflows.store.models import Commitment
from workflows.types import Status

# Words with nothing to look for: `/hlm search` answers them with a hint, not a search.
NOTHING_TO_LOOK_FOR = {"", "   ", '"', "*", "-pay", "OR"}
LONG = " ".join(["The constituents will review the national employment policy framework"] * 6)


def set_text(session: Session, code: str, text: str) -> Commitment:
    commitment = find_commitment(session, code)
    commitment.text = text
    session.flush()
    return commitment


def codes(session: Session, words: str) -> list[str]:
    return [hit.code for hit in find(session, words, limit=10).hits]


def test_a_commitment_whose_text_matches_twice_ranks_above_a_passing_mention(
    db_session: Session,
) -> None:
    set_text(db_session, "gender-1", "Pay transparency directive: report on pay transparency.")
    set_text(db_session, "gender-2", f"{LONG} and, in passing, pay transparency. {LONG}")
    found = codes(db_session, "pay transparency")
    assert found.index("gender-1") < found.index("gender-2")


def test_an_owners_words_are_found_with_who_wrote_them_and_when(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender-3", name="Frans de Vries", now=now)
    make_update(db_session, "gender-3", owner, Status.AT_RISK, now=now,
                text="The zebrafish tender was delayed by procurement.")  # fmt: skip
    (hit,) = find(db_session, "zebrafish", limit=10).hits
    assert (hit.kind, hit.code, hit.author, hit.at) == ("update", "gender-3", "Frans de Vries", now)
    assert hit.area_slug == "gender"
    assert ("zebrafish", True) in hit.snippet
    assert "tender was delayed" in "".join(text for text, _ in hit.snippet)


def test_the_index_follows_inserts_edits_and_withdrawals(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender-3", now=now)
    update = make_update(db_session, "gender-3", owner, Status.ON_TRACK, now=now,
                         text="Quokka workshop held.")  # fmt: skip
    assert codes(db_session, "quokka") == ["gender-3"]
    update.text = "Wombat workshop held."
    db_session.flush()
    assert codes(db_session, "quokka") == []
    assert codes(db_session, "wombat") == ["gender-3"]
    update.withdrawn_at = now + timedelta(minutes=1)
    db_session.flush()
    assert codes(db_session, "wombat") == []
    assert find(db_session, "wombat").total == 0


def test_a_commitment_text_edited_by_a_new_seed_is_found_by_its_new_words(
    db_session: Session,
) -> None:
    set_text(db_session, "gender-4", "Platypus observatory on care work.")
    assert codes(db_session, "platypus") == ["gender-4"]
    set_text(db_session, "gender-4", "Care work observatory.")
    assert codes(db_session, "platypus") == []


def test_the_next_step_is_searched_too(db_session: Session, now: datetime) -> None:
    owner = make_owner(db_session, "gender-5", now=now)
    update = make_update(db_session, "gender-5", owner, Status.ON_TRACK, now=now, text="Going.")
    update.next_step = "Send the axolotl questionnaire"
    db_session.flush()
    assert codes(db_session, "axolotl") == ["gender-5"]


def test_phrases_exclusions_and_either_word_are_understood(
    db_session: Session, now: datetime
) -> None:
    set_text(db_session, "gender-1", "Narwhal pay gap study.")
    set_text(db_session, "gender-2", "Narwhal gap in pay, pension study.")
    assert codes(db_session, '"narwhal pay gap"') == ["gender-1"]
    assert codes(db_session, "narwhal -pension") == ["gender-1"]
    assert sorted(codes(db_session, "narwhal pension")) == ["gender-2"]
    assert sorted(codes(db_session, "pension OR narwhal")) >= ["gender-1", "gender-2"]


@pytest.mark.parametrize(
    "words",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="spaces"),
        pytest.param('"', id="a-lone-quote"),
        pytest.param('"pay gap', id="an-unclosed-quote"),
        pytest.param("pay*", id="a-star"),
        pytest.param("*", id="only-a-star"),
        pytest.param("-pay", id="only-an-exclusion"),
        pytest.param("OR", id="only-or"),
        pytest.param("pay OR OR gap", id="or-twice"),
        pytest.param("NEAR(pay gap) AND NOT text:pay", id="fts5-syntax"),
        pytest.param("égalité salariale 男女 🎉", id="unicode"),
        pytest.param("'; DROP TABLE updates; --", id="sql"),
        pytest.param("pay & gap | !x <-> y:*", id="tsquery-syntax"),
        pytest.param("x" * 5000, id="very-long"),
    ],
)
def test_any_words_are_answered_never_refused(db_session: Session, words: str) -> None:
    found = find(db_session, words, limit=10)
    assert len(found.hits) <= found.total
    assert found.empty == (words in NOTHING_TO_LOOK_FOR)


def test_hits_stop_at_the_limit_and_the_count_says_how_many_there_are(
    db_session: Session, now: datetime
) -> None:
    owner = make_owner(db_session, "gender", now=now)
    for n in range(12):
        make_update(db_session, f"gender-{1 + n % 5}", owner, Status.ON_TRACK,
                    now=now + timedelta(minutes=n), text=f"Capybara report {n}.")  # fmt: skip
    found = find(db_session, "capybara", limit=10)
    assert (len(found.hits), found.total) == (10, 12)


def test_commitment_texts_are_found_as_loaded_from_the_seed(db_session: Session) -> None:
    first = db_session.scalars(select(Commitment).order_by(Commitment.id)).first()
    assert first is not None
    word = max(first.text.split(), key=len).strip(".,;:()")
    assert first.code in codes(db_session, word) or find(db_session, word).total > 10


def test_find_counts_every_hit_or_says_there_are_more_than_the_newest_ranked(
    db_session: Session, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_owner(db_session, "gender", now=now)
    for n in range(12):
        make_update(db_session, f"gender-{1 + n % 5}", owner, Status.ON_TRACK,
                    now=now + timedelta(minutes=n), text=f"Capybara report {n}.")  # fmt: skip
    found = find(db_session, "capybara", limit=10)
    assert (len(found.hits), found.total, found.at_least) == (10, 12, False)
    monkeypatch.setattr(search_module, "RECENT_UPDATES", 5)
    found = find(db_session, "capybara", limit=3)
    assert (found.total, found.at_least) == (5, True)
    # Among the newest five ranked, equally good hits come newest first.
    assert [hit.at for hit in found.hits] == [now + timedelta(minutes=n) for n in (11, 10, 9)]
