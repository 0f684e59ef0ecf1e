"""Check-in fan-out: 1,000 owners through the real scheduler process, while the stand-in for
Slack allows only `--rate` chat.postMessage per second (429 with Retry-After above it) and answers
5% of them with a 500. Prints the achieved send rate against the allowed one, messages lost and
sent twice, and the scheduler's peak memory.

Run: .venv/bin/python bench/fanout.py [--owners 1000] [--rate 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import ROOT, databases, rss_mb, start, synthetic_meeting
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from fake_slack import FakeSlack
from seed.sync import sync_seed
from tests.factories import make_owners_with_checkins
from workflows.store import migrate
from workflows.store.db import make_engine, session_scope, utc_now
from workflows.store.models import Outbox
from workflows.types import OutboxKind, OutboxState

DIGEST_CHANNEL = "C0DIGEST"


def deploy(url: str, fake: FakeSlack, owners: int) -> None:
    """A synthetic deployment where each owner has one open commitment and a pending check-in."""
    engine = make_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    now = utc_now()
    with session_scope(sessionmaker(engine)) as session:
        seed = synthetic_meeting(900, areas=max(1, owners // 100), per_area=100, actors=("ilo",))
        sync_seed(session, seed, now=now)  # type: ignore[arg-type]
        codes = [item.id for item in seed.commitments[:owners]]  # type: ignore[attr-defined]
        make_owners_with_checkins(session, fake, codes=codes, count=owners, now=now)
    engine.dispose()


def sent(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count())
            .select_from(Outbox)
            .where(Outbox.kind == OutboxKind.CHECKIN, Outbox.state == OutboxState.SENT)
        )
    engine.dispose()
    return count or 0


def run(name: str, url: str, owners: int, rate: float, workers: int, errors: float) -> None:
    fake = FakeSlack().start()
    deploy(url, fake, owners)
    if rate:
        fake.rate_limit("chat.postMessage", per_second=rate, burst=rate)
    if errors:
        fake.random_server_errors("chat.postMessage", rate=errors, seed=7)
    env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-fanout", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake.base_url,
           "HLM_TICK_SECONDS": "0.5", "HLM_DIGEST_CHANNEL": DIGEST_CHANNEL, "LOG_LEVEL": "WARNING",
           "HLM_SEND_WORKERS": str(workers)}  # fmt: skip
    began = time.monotonic()
    process = start([str(ROOT / ".venv" / "bin" / "hlm"), "scheduler"], env)
    peak = 0.0
    while sent(url) < owners and time.monotonic() - began < 1200:
        peak = max(peak, rss_mb(process.pid))
        time.sleep(0.5)
    elapsed = time.monotonic() - began
    peak = max(peak, rss_mb(process.pid))
    process.terminate()
    process.wait()
    per_owner = Counter(
        m["channel"]
        for m in fake.messages()
        if "thread_ts" not in m and m["channel"].startswith("D")
    )
    _, rejected = fake.stats("chat.postMessage")
    lost = owners - len(per_owner)
    twice = sum(1 for n in per_owner.values() if n > 1)
    # The send rate of the check-ins, from the first to the last. Start-up and planning are not
    # counted, nor the weekly digest the scheduler posts to its channel after the fan-out.
    stamps = [
        c.at for c in fake.ok_calls("chat.postMessage") if c.params.get("channel") != DIGEST_CHANNEL
    ]
    achieved = (len(stamps) - 1) / (max(stamps) - min(stamps)) if len(stamps) > 1 else 0.0
    print(
        f"{name:<11} {owners:>6} {rate:>6.0f} {elapsed:>8.1f} {achieved:>9.1f} {achieved / (rate or achieved):>9.2f} {rejected:>6} {lost:>5} {twice:>6} {peak:>8.0f}"
    )
    fake.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--owners", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8, help="the scheduler's parallel senders")
    parser.add_argument(
        "--rate", type=float, default=50, help="chat.postMessage allowed per second (0: no limit)"
    )
    parser.add_argument(
        "--errors", type=float, default=0.05, help="the share of calls answered with a 500"
    )
    args = parser.parse_args()
    print(
        f"{'database':<11} {'owners':>6} {'rate/s':>6} {'seconds':>8} {'sent/s':>9} {'fraction':>9} {'429s':>6} {'lost':>5} {'twice':>6} {'RSS MB':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as urls:
        for name, url in urls.items():
            run(name, url, args.owners, args.rate, args.workers, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
