"""The implementation review of the 15th meeting after a year of weekly updates on every part.

Times building the review from the database, then writing it as Word and as Markdown, on SQLite
and PostgreSQL. Target: under 5 seconds in all.

Run: .venv/bin/python bench/review.py [--per-part 52] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import NOW, databases, prepare
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from workflows.reports.review import build_review, review_markdown
from workflows.reports.review_docx import review_docx
from workflows.store.db import make_engine, session_scope
from workflows.store.models import Update


def measure(url: str, runs: int) -> tuple[int, list[tuple[float, float, float]], int]:
    """Return the number of updates, (build, docx, md) seconds per run, and the docx size."""
    engine = make_engine(url)
    sessions = sessionmaker(engine)
    timings, size = [], 0
    with session_scope(sessions) as session:
        updates = session.scalar(select(func.count()).select_from(Update)) or 0
    for _ in range(runs):
        with session_scope(sessions) as session:
            started = time.perf_counter()
            review = build_review(session, now=NOW)
            built = time.perf_counter()
            document = review_docx(review)
            written = time.perf_counter()
            review_markdown(review)
            done = time.perf_counter()
        timings.append((built - started, written - built, done - written))
        size = len(document)
    engine.dispose()
    return updates, timings, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-part", type=int, default=52, help="updates per commitment part")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as urls:
        print(
            f"{'database':<11} {'updates':>8} {'build':>7} {'docx':>7} {'md':>7} {'total':>7} {'docx KB':>8}"
        )
        for name, url in urls.items():
            prepare(url, updates_per_part=args.per_part)
            updates, timings, size = measure(url, args.runs)
            build, docx, md = (statistics.median(t[i] for t in timings) for i in range(3))
            print(f"{name:<11} {updates:>8} {build:>6.2f}s {docx:>6.2f}s {md:>6.2f}s "
                  f"{build + docx + md:>6.2f}s {size / 1024:>8.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
