"""The HTTP server's worker set-up."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

from bot.http import _Server


def wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    return [b""]


def test_a_worker_freezes_what_it_built_so_full_collections_leave_it_alone() -> None:
    server = _Server(lambda: wsgi, {"bind": "127.0.0.1:0", "workers": 1})
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        assert server.load() is wsgi
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
