"""Fixtures shared by the integration tests."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from seed.sync import SEED_DIR
from workflows.people.owners_file import import_owners, read_owners_file
from workflows.store.db import session_scope


@pytest.fixture
def owned(sessions: sessionmaker[Session], now: datetime) -> sessionmaker[Session]:
    """The example owners, imported."""
    with session_scope(sessions) as session:
        import_owners(session, read_owners_file(SEED_DIR / "owners.example.yaml"), now=now)
    return sessions
