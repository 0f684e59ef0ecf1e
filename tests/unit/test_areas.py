"""Areas are matched against what people type, including the other words the seed gives them."""

from __future__ import annotations

import pytest

from workflows.catalogue.areas import AreaRef, match_area
from workflows.errors import UnknownArea

AREAS = [
    AreaRef("gender", "Gender equality", 1, aliases=("women",)),
    AreaRef("osh", "Occupational Safety and Health", 2, aliases=("safety",)),
    AreaRef("maritime", "Maritime", 3),
]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        pytest.param("women", "gender", id="alias"),
        pytest.param("women's rights", "gender", id="alias-among-words"),
        pytest.param("gender", "gender", id="slug"),
        pytest.param("3", "maritime", id="number"),
    ],
)
def test_an_area_is_found_by_the_words_people_use(query: str, slug: str) -> None:
    assert match_area(query, AREAS).slug == slug


def test_an_alias_the_seed_does_not_give_matches_nothing() -> None:
    with pytest.raises(UnknownArea):
        match_area("seafarers", AREAS)
