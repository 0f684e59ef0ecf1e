"""Shared set-up for the benchmarks: databases, a seeded deployment with history, processes."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed.sync import SEED_DIR, default_seed_files, load_seed, sync_seed  # noqa: E402
from tests import pg  # noqa: E402
from workflows.people.owners_file import import_owners, read_owners_file  # noqa: E402
from workflows.store import migrate  # noqa: E402
from workflows.store.db import make_engine, session_scope  # noqa: E402
from workflows.store.models import Assignment, Commitment, Update  # noqa: E402
from workflows.types import Institution, Status, UpdateSource  # noqa: E402

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def databases(tmp: Path) -> Iterator[dict[str, str]]:
    """Yield empty databases by name: SQLite always, PostgreSQL when its binaries exist."""
    urls = {"sqlite": f"sqlite:///{tmp / 'bench.sqlite3'}"}
    if pg.find_bindir() is None:
        print("PostgreSQL binaries not found: measuring SQLite only")
        yield urls
        return
    with pg.running_server() as admin:
        urls["postgresql"] = pg.create_database(admin, "hlm_bench")
        yield urls


def prepare(url: str, *, updates_per_part: int = 12) -> None:
    """Migrate, seed, load the example owners and a year of realistic history."""
    engine = make_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    sessions = sessionmaker(engine)
    with session_scope(sessions) as session:
        for path in default_seed_files():
            sync_seed(session, load_seed(path), now=NOW)
        import_owners(session, read_owners_file(SEED_DIR / "owners.example.yaml"), now=NOW)
        parts = session.execute(
            select(Assignment.commitment_id, Assignment.institution, Assignment.person_id).where(
                Assignment.role == "owner"
            )
        ).all()
        rng = random.Random(15)
        rows = [
            {
                "commitment_id": cid, "institution": inst, "author_id": pid, "status": rng.choice(list(Status)),
                "text": "Progress reported at the technical meeting.", "next_step": "", "evidence": [],
                "source": UpdateSource.BUTTON, "late": False,
                "created_at": NOW - timedelta(days=365) + timedelta(days=365 * k / updates_per_part),
            }
            for cid, inst, pid in parts
            for k in range(updates_per_part)
        ]  # fmt: skip
        session.execute(insert(Update), rows)
    settle(engine)
    engine.dispose()


def settle(engine: Engine) -> None:
    """Vacuum and analyse after a bulk load, as autovacuum would soon: measure a settled database
    rather than one whose autovacuum wakes up in the middle of the measurements."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def wait_http(url: str, timeout: float = 30) -> None:
    """Wait until a URL answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a process of the project with extra environment."""
    return subprocess.Popen(
        args, env=os.environ | env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def rss_mb(pid: int) -> float:
    """Return the peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    """Return the process ids of a process's children (gunicorn's workers, say)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


def peak_rss_mb(pid: int) -> float:
    """Return the largest peak resident memory among a process and its children, in MB."""
    return max([rss_mb(pid), *(rss_mb(c) for c in children(pid))])


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (0–100) of some values."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


__all__ = [
    "NOW",
    "Commitment",
    "Institution",
    "databases",
    "free_port",
    "percentile",
    "prepare",
    "rss_mb",
    "start",
    "wait_http",
]


def synthetic_meeting(
    number: int, *, areas: int = 10, per_area: int = 100, actors: tuple[str, ...] = ("ilo", "ec")
) -> object:
    """Build the conclusions of an imaginary meeting: `areas` × `per_area` commitments."""
    from seed.schema import SeedMeeting

    return SeedMeeting.model_validate(
        {
            "number": number, "title": f"Synthetic HLM {number}", "held_on": "2026-10-01", "place": "Geneva",
            "source": "synthetic",
            "areas": [
                {
                    "slug": f"area-{a:02d}", "title": f"Area {a} of HLM {number}", "section": "technical", "source_line": 1,
                    "commitments": [
                        {"id": f"area-{a:02d}-{c}", "number": c, "actors": list(actors), "lead_in": "They intend to:",
                         "text": f"Commitment {c} of area {a}: cooperate on decent work.", "source_line": 1}
                        for c in range(1, per_area + 1)
                    ],
                }
                for a in range(1, areas + 1)
            ],
        }
    )  # fmt: skip
