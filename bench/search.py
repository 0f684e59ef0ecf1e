"""Search at scale: 1,000,000 updates with varied words, then 20 searches timed on SQLite (FTS5)
and PostgreSQL (full-text search), as `/hlm search` runs them (the best 10 hits, and the count
when there are more), then 10 phrases of common words. Prints the median and the 95th percentile
per database, for each set.

Run: .venv/bin/python bench/search.py [--updates 1000000]
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from common import NOW, databases, percentile, settle
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from seed.sync import default_seed_files, load_seed, sync_seed
from workflows.search import find
from workflows.store import migrate
from workflows.store.db import make_engine, session_scope
from workflows.store.models import commitment_actors
from workflows.types import Status, UpdateSource

BATCH = 20_000
# What owners write: words of the conclusions themselves, and of progress reports.
REPORT_WORDS = [
    "workshop",
    "held",
    "tender",
    "delayed",
    "procurement",
    "budget",
    "approved",
    "draft",
    "shared",
    "partners",
    "consulted",
    "meeting",
    "postponed",
    "report",
    "published",
    "training",
    "delivered",
    "mission",
    "planned",
    "survey",
    "launched",
    "ministry",
    "agreed",
    "consultant",
    "recruited",
    "webinar",
    "translation",
    "validation",
    "pilot",
    "country",
    "office",
    "delegation",
    "steering",
    "committee",
    "terms",
    "reference",
    "evaluation",
    "funding",
    "signed",
    "memorandum",
]
SEARCHES = (
    "pay transparency", "social dialogue", "tender delayed", "procurement", "labour inspection",
    "child labour", '"forced labour"', "platform work", "ratification", "budget approved",
    "occupational safety", "green jobs", "skills -training", "memorandum OR delegation",
    "gender equality", "supply chains due diligence", "webinar translation", "zebrafish",
    "decent work", "just transition",
)  # fmt: skip
# Phrases whose words are common: side by side often (made of report words, drawn at random),
# or rarely (the conclusions' phrases, and the same words turned round).
PHRASES = (
    '"social dialogue"', '"dialogue social"', '"decent work"', '"work decent"', '"labour forced"',
    '"child labour"', '"workshop held"', '"held workshop"', '"steering committee"',
    '"budget approved" -"tender delayed"',
)  # fmt: skip


@functools.cache
def vocabulary() -> list[str]:
    """Every word of the shipped conclusions, and the words of progress reports."""
    words: list[str] = []
    for path in default_seed_files():
        for item in load_seed(path).commitments:
            words += re.findall(r"[a-z]{3,}", item.text.lower())
    return words + REPORT_WORDS * 50  # report words are common in updates


def deploy(url: str) -> tuple[Engine, list[tuple[int, str]]]:
    """Migrate and seed; return the engine and every commitment part."""
    engine = make_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    with session_scope(sessionmaker(engine)) as session:
        for path in default_seed_files():
            sync_seed(session, load_seed(path), now=NOW)
        parts = list(
            session.execute(
                select(commitment_actors.c.commitment_id, commitment_actors.c.institution)
            )
        )
    return engine, [(cid, inst) for cid, inst in parts]


COLUMNS = ("commitment_id", "institution", "status", "text", "next_step", "evidence", "source",
           "late", "created_at")  # fmt: skip


def rows(
    count: int, parts: list[tuple[int, str]], rng: random.Random
) -> Iterator[list[tuple[object, ...]]]:
    """Make `count` updates over two years, a batch at a time, each of 6 to 30 words."""
    words, statuses = vocabulary(), [s.value for s in Status]
    start_at = NOW - timedelta(days=730)
    for start in range(0, count, BATCH):
        batch = []
        for k in range(start, min(count, start + BATCH)):
            cid, inst = parts[k % len(parts)]
            said = " ".join(rng.choices(words, k=rng.randint(6, 30))).capitalize() + "."
            step = " ".join(rng.choices(REPORT_WORDS, k=4)) if k % 3 == 0 else ""
            at = start_at + timedelta(minutes=k)
            batch.append((cid, inst, rng.choice(statuses), said, step, "[]",
                          UpdateSource.BUTTON.value, False, at))  # fmt: skip
        yield batch


def load(engine: Engine, parts: list[tuple[int, str]], count: int) -> float:
    """Bulk-insert the updates and index them, as a bulk load would: the index is built once
    after the rows are in (SQLite: the insert trigger set aside, then an FTS5 rebuild; PostgreSQL:
    COPY, the generated columns computed, then the GIN indexes made). Return seconds taken."""
    started = time.perf_counter()
    rng = random.Random(13)
    loader = _load_sqlite if engine.dialect.name == "sqlite" else _load_postgresql
    loader(engine, rows(count, parts, rng))
    settle(engine)
    return time.perf_counter() - started


def _load_sqlite(engine: Engine, batches: Iterator[list[tuple[object, ...]]]) -> None:
    insert_rows = (
        f"INSERT INTO updates ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608
    )
    with engine.begin() as connection:
        trigger = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'search_updates_ai'")
        ).scalar_one()
        connection.execute(text("DROP TRIGGER search_updates_ai"))
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        for batch in batches:
            cursor.executemany(
                insert_rows, [(*r[:8], r[8].strftime("%Y-%m-%d %H:%M:%S.%f")) for r in batch]
            )  # type: ignore[attr-defined]
        connection.execute(text("INSERT INTO search_updates(search_updates) VALUES ('rebuild')"))
        connection.execute(text(trigger))
        connection.execute(text("INSERT INTO search_updates(search_updates) VALUES ('optimize')"))


def _load_postgresql(engine: Engine, batches: Iterator[list[tuple[object, ...]]]) -> None:
    with engine.begin() as connection:
        indexes = (
            connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'ix_search_updates%'")
            )
            .scalars()
            .all()
        )  # the words' index, and the pairs' index (migration 0016)
        connection.execute(text("DROP INDEX ix_search_updates, ix_search_updates_pairs"))
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY updates ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for batch in batches:
                for row in batch:
                    copy.write_row(row)
        for index in indexes:
            connection.execute(text(index))


def measure(engine: Engine, searches: tuple[str, ...]) -> list[tuple[str, float, str]]:
    """Time each search as `/hlm search` runs it; return (words, milliseconds, hits counted)."""
    timings = []
    with Session(engine) as session:
        find(session, "warm up", limit=10)
        for words in searches:
            started = time.perf_counter()
            found = find(session, words, limit=10)
            total = f"{found.total}+" if found.at_least else str(found.total)
            timings.append((words, (time.perf_counter() - started) * 1000, total))
    return timings


def report(name: str, timings: list[tuple[str, float, str]]) -> None:
    """Print each search's time and count, then the median, the 95th percentile and the slowest."""
    for words, taken, total in timings:
        print(f"  {taken:7.1f} ms  {total:>5} hits  {words}")
    ms = [t for _, t, _ in timings]
    print(f"{name}: median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
          f"max {max(ms):.1f} ms over {len(ms)} searches")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as urls:
        for name, url in urls.items():
            engine, parts = deploy(url)
            seconds = load(engine, parts, args.updates)
            print(f"{name}: {args.updates:,} updates loaded in {seconds:.0f} s")
            for searches in (SEARCHES, PHRASES):
                report(name, measure(engine, searches))
            engine.dispose()


if __name__ == "__main__":
    main()
