"""Real `hlm scheduler` processes against one PostgreSQL database and the stand-in for Slack:
two at once never double-send, and one killed (SIGKILL) mid fan-out and restarted sends each
check-in exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from fake_slack import FakeSlack
from seed.sync import default_seed_files, load_seed, sync_seed
from tests import pg
from tests.conftest import NOW
from tests.factories import make_owners_with_checkins
from workflows.store import migrate
from workflows.store.db import make_engine, session_scope, utc_now
from workflows.store.models import Commitment, Outbox, commitment_actors
from workflows.types import Institution, OutboxKind, OutboxState

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
OWNERS = 60
HLM = str(Path(sys.executable).with_name("hlm"))


@pytest.fixture
def deployment(postgres_admin_url: str) -> Iterator[tuple[str, FakeSlack]]:
    """A PostgreSQL database with OWNERS owners, each with one pending check-in; a slow Slack."""
    url = pg.create_database(postgres_admin_url)
    engine = make_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    fake = FakeSlack().start()
    with session_scope(sessionmaker(engine)) as session:
        sync_seed(session, load_seed(default_seed_files()[-1]), now=NOW)
        codes = session.scalars(
            select(Commitment.code)
            .join(commitment_actors, commitment_actors.c.commitment_id == Commitment.id)
            .where(commitment_actors.c.institution == Institution.ILO.value)
            .order_by(Commitment.id)
        ).all()
        make_owners_with_checkins(session, fake, codes=codes, count=OWNERS, now=utc_now())
    fake.slow_down("chat.postMessage", 0.04)
    try:
        yield url, fake
    finally:
        fake.stop()
        engine.dispose()


def scheduler(url: str, fake: FakeSlack) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-processes", "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": fake.base_url, "HLM_TICK_SECONDS": "0.3", "HLM_LEASE_SECONDS": "2",
        "HLM_DIGEST_CHANNEL": "C0DIGEST", "HLM_COORDINATORS": "U0COORD", "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    return subprocess.Popen(
        [HLM, "scheduler"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def sent_checkins(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return (
                connection.scalar(
                    select(func.count())
                    .select_from(Outbox)
                    .where(Outbox.kind == OutboxKind.CHECKIN, Outbox.state == OutboxState.SENT)
                )
                or 0
            )
    finally:
        engine.dispose()


def wait_until(condition: object, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the schedulers did not finish in time")
        time.sleep(0.2)


def checkins_per_owner(fake: FakeSlack) -> Counter[str]:
    return Counter(
        m["channel"]
        for m in fake.messages()
        if "thread_ts" not in m
        and str((m.get("metadata") or {}).get("event_payload", {}).get("key", "")).startswith(
            "checkin:"
        )
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_two_schedulers_at_once_send_each_checkin_once(deployment: tuple[str, FakeSlack]) -> None:
    url, fake = deployment
    processes = [scheduler(url, fake), scheduler(url, fake)]
    try:
        wait_until(lambda: sent_checkins(url) == OWNERS)
    finally:
        for process in processes:
            stop(process)
    per_owner = checkins_per_owner(fake)
    assert len(per_owner) == OWNERS
    assert set(per_owner.values()) == {1}
    digests = [m for m in fake.messages("C0DIGEST") if "thread_ts" not in m]
    assert len(digests) <= 1  # this week's digest, if due, went out once


def test_a_scheduler_killed_mid_fan_out_and_restarted_sends_each_checkin_once(
    deployment: tuple[str, FakeSlack],
) -> None:
    url, fake = deployment
    kills = 0
    for _ in range(4):
        process = scheduler(url, fake)
        before = len(fake.ok_calls("chat.postMessage"))
        wait_until(
            lambda before=before: (
                len(fake.ok_calls("chat.postMessage")) >= before + 8 or sent_checkins(url) == OWNERS
            ),
            timeout=30,
        )
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        if sent_checkins(url) == OWNERS:
            break
    final = scheduler(url, fake)
    try:
        wait_until(lambda: sent_checkins(url) == OWNERS)
    finally:
        stop(final)
    per_owner = checkins_per_owner(fake)
    assert kills >= 2
    assert len(per_owner) == OWNERS
    assert set(per_owner.values()) == {1}
