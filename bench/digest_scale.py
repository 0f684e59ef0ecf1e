"""Digest and status at scale: 10 meetings × 1,000 commitments, history growing to 1,000,000
updates. Times a full weekly digest (1,000 commitments) and one area's status (100 commitments)
at each size, on SQLite and PostgreSQL. The cost should follow the commitments, not the history.

Run: .venv/bin/python bench/digest_scale.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import NOW, databases, synthetic_meeting
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from seed.sync import sync_seed
from workflows.catalogue.lookup import current_meeting, list_areas
from workflows.reports.digests import weekly_digest
from workflows.store import migrate
from workflows.store.db import make_engine, session_scope
from workflows.store.models import Update, commitment_actors
from workflows.types import Status, UpdateSource
from workflows.updates.status import area_status

MEETINGS = 10
BATCH = 20_000


def deploy(url: str) -> tuple[sessionmaker[Session], list[tuple[int, str]]]:
    """Migrate and load ten synthetic meetings; return the sessions and every commitment part."""
    engine = make_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    sessions = sessionmaker(engine, expire_on_commit=False)
    with session_scope(sessions) as session:
        for n in range(MEETINGS):
            sync_seed(session, synthetic_meeting(100 + n), now=NOW)  # type: ignore[arg-type]
        parts = [
            (cid, inst)
            for cid, inst in session.execute(
                select(commitment_actors.c.commitment_id, commitment_actors.c.institution)
            )
        ]
    return sessions, parts


def grow(
    sessions: sessionmaker[Session], parts: list[tuple[int, str]], count: int, rng: random.Random
) -> None:
    """Add `count` updates spread over two years and over every part."""
    statuses = list(Status)
    for start in range(0, count, BATCH):
        rows = [
            {
                "commitment_id": cid, "institution": inst, "status": rng.choice(statuses), "text": "Progress reported.",
                "next_step": "", "evidence": [], "source": UpdateSource.BUTTON, "late": False,
                "created_at": NOW - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
            }
            for cid, inst in (rng.choice(parts) for _ in range(min(BATCH, count - start)))
        ]  # fmt: skip
        with session_scope(sessions) as session:
            session.execute(insert(Update), rows)


def timed(action: object, repeat: int = 3) -> float:
    """Return the median duration of an action, in milliseconds."""
    durations = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()  # type: ignore[operator]
        durations.append((time.perf_counter() - began) * 1000)
    return statistics.median(durations)


def measure(sessions: sessionmaker[Session]) -> tuple[float, float]:
    def digest() -> None:
        with sessions() as session:
            weekly_digest(session, now=NOW)

    def status() -> None:
        with sessions() as session:
            area_status(session, list_areas(session, current_meeting(session))[3], now=NOW)

    return timed(digest), timed(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'database':<11} {'updates':>9} {'weekly digest ms':>17} {'area status ms':>15} {'load s':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as urls:
        for name, url in urls.items():
            sessions, parts = deploy(url)
            rng, total = random.Random(1), 0
            for size in sizes:
                began = time.monotonic()
                grow(sessions, parts, size - total, rng)
                total, loaded = size, time.monotonic() - began
                if "postgresql" in url:
                    with sessions() as session:
                        session.connection().exec_driver_sql("ANALYZE")
                digest_ms, status_ms = measure(sessions)
                print(
                    f"{name:<11} {size:>9,} {digest_ms:>17.0f} {status_ms:>15.0f} {loaded:>7.0f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
