"""Every migration, down and up again one step at a time, keeps the rows of a database in use,
on both databases, each step committed on its own as a deployment runs it.

On SQLite a batch alteration copies a table and drops the old one; with rows elsewhere pointing
at it, the drop cascades (commitments vanish with their area) or fails the commit. This holds
every revision since the check-ins became records to a populated database: meetings, areas,
commitments, people, assignments, check-ins and updates with their authors and corrections.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from seed.sync import default_seed_files, load_seed, sync_seed
from tests.conftest import BACKENDS
from tests.factories import make_owner, make_update
from workflows.store import migrate
from workflows.store.db import make_engine
from workflows.store.models import Checkin
from workflows.types import Institution, Status

pytestmark = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
OLDEST = "0006"  # check-ins as records: the oldest revision a deployment still runs
TABLES = ("meetings", "areas", "commitments", "people", "assignments", "checkins", "updates")


def populate(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        sync_seed(session, load_seed(default_seed_files()[-1]), now=NOW)
        ana = make_owner(session, "gender", name="Ana Lopez", now=NOW)
        frans = make_owner(session, "gender", name="Frans de Vries",
                           institution=Institution.COMMISSION, now=NOW)  # fmt: skip
        session.add(Checkin(person_id=ana.id, cycle="2026-11-23", items=[["hlm15/gender-1", "ilo"]],
                            closes_on=NOW.date() + timedelta(days=10)))  # fmt: skip
        first = make_update(session, "gender-1", ana, Status.AT_RISK, now=NOW, text="Delayed")
        later = make_update(session, "gender-1", ana, Status.ON_TRACK, now=NOW + timedelta(hours=1))
        later.corrects_id = first.id
        make_update(session, "gender-2", frans, Status.COMPLETED, now=NOW,
                    institution=Institution.COMMISSION)  # fmt: skip


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())  # noqa: S608
            for t in TABLES
        }


def step(engine: Engine, move: str, revision: str) -> None:
    with engine.begin() as connection:  # one transaction a step, committed as in a deployment
        config = migrate.alembic_config(connection=connection)
        (migrate.upgrade if move == "up" else migrate.downgrade)(config, revision)


def test_each_revision_down_and_up_again_keeps_every_row(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        step(engine, "up", "head")
        populate(engine)
        before = counts(engine)
        assert all(before.values())
        with engine.connect() as connection:
            script = ScriptDirectory.from_config(migrate.alembic_config(connection=connection))
        revisions = [r.revision for r in script.walk_revisions(base=OLDEST, head="heads")]
        for revision in revisions[:-1]:  # newest first, down to OLDEST
            down = script.get_revision(revision).down_revision
            assert isinstance(down, str)
            step(engine, "down", down)
            assert counts(engine) == before, f"rows lost going down from {revision}"
        for revision in reversed(revisions[:-1]):
            step(engine, "up", revision)
            assert counts(engine) == before, f"rows lost going up to {revision}"
    finally:
        engine.dispose()
