"""Assert on the sentence a person reads about a domain error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.wording import say
from workflows.errors import HlmError


@contextmanager
def refused(error: type[HlmError], saying: str) -> Iterator[None]:
    """Expect the block to raise `error`, worded with a sentence that matches `saying`."""
    with pytest.raises(error) as caught:
        yield
    sentence = say(caught.value)
    assert re.search(saying, sentence), sentence
