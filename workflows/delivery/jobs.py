"""Periodic jobs that one scheduler runs at a time, however many are running.

A job is due when it has not run for its period. A scheduler claims it with a conditional
UPDATE, as outbox rows are claimed; the claim is a lease, so a scheduler that dies mid-job
frees it. A job that fails waits out its lease before anyone tries it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows.store.models import Job

LEASE = timedelta(minutes=15)


def claim_job(
    session: Session, name: str, *, now: datetime, every: timedelta, lease: timedelta = LEASE
) -> bool:
    """Take a job that is due and not held by another scheduler; False if it is not ours to run."""
    if session.scalar(select(Job.name).where(Job.name == name)) is None:
        try:
            with session.begin_nested():
                session.add(Job(name=name))
        except IntegrityError:  # another scheduler added it first
            pass
    result = session.execute(
        update(Job)
        .where(
            Job.name == name,
            or_(Job.last_run_at.is_(None), Job.last_run_at <= now - every),
            or_(Job.claimed_until.is_(None), Job.claimed_until < now),
        )
        .values(claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish_job(session: Session, name: str, *, now: datetime) -> None:
    """Record that a job ran, and free it until it is due again."""
    session.execute(
        update(Job)
        .where(Job.name == name)
        .values(last_run_at=now, claimed_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


def fail_job(session: Session, name: str, *, error: str) -> None:
    """Record why a job failed; it stays claimed until its lease ends, then is tried again."""
    session.execute(
        update(Job)
        .where(Job.name == name)
        .values(last_error=error[:500])
        .execution_options(synchronize_session=False)
    )
