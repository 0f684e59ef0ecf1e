"""Typed helpers that make test data with sensible defaults."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import Deps, build
from bot.commands.context import CommandContext
from bot.settings import Settings
from fake_slack import FakeSlack
from workflows.calendar import WorkingCalendar
from workflows.catalogue.lookup import find_commitment
from workflows.checkins.prompts import owner_cycle, plan_checkin
from workflows.delivery.schedule import Cadence
from workflows.delivery.tick import Scheduler
from workflows.people.assignments import assign
from workflows.people.directory import upsert_person
from workflows.ports import Notifier
from workflows.reports.digests import Change, Digest, compile_digest
from workflows.store.models import Person, Update
from workflows.types import Institution, Role, Status, UpdateSource
from workflows.updates.record import record_update
from workflows.updates.status import AreaStatus, CommitmentStatus, Part, derive_overall

_serial = itertools.count(1)

# Working time in Geneva, Brussels and Lisbon, before New York's day begins.
MONDAY = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


def make_scheduler(sessions: sessionmaker[Session], notifier: Notifier) -> Scheduler:
    """A scheduler with the default cadence, one coordinator, and one sender at a time."""
    return Scheduler(
        sessions=sessions,
        notifier=notifier,
        cadence=Cadence(),
        calendar=WorkingCalendar(),
        coordinators=("U0ILOCOORD",),
        workers=1,  # the tests' sessions share one connection
    )


def make_person(
    session: Session,
    *,
    name: str | None = None,
    institution: Institution = Institution.ILO,
    slack_user_id: str | None = None,
    tz: str = "Europe/Brussels",
    coordinator: bool = False,
) -> Person:
    """Add a person with a unique name, email and Slack id unless given."""
    n = next(_serial)
    return upsert_person(
        session,
        name=name or f"Person {n}",
        institution=institution,
        email=f"person{n}@{institution.value}.example",
        slack_user_id=slack_user_id or f"UTEST{n:05d}",
        tz=tz,
        is_coordinator=coordinator,
    )


def make_owner(
    session: Session,
    target: str,
    *,
    institution: Institution = Institution.ILO,
    now: datetime,
    role: Role = Role.OWNER,
    **person: object,
) -> Person:
    """Add a person and make them owner (or backup) of a commitment or area."""
    owner = make_person(session, institution=institution, **person)  # type: ignore[arg-type]
    assign(session, target=target, person=owner, institution=institution, role=role, now=now)
    return owner


def make_update(
    session: Session,
    code: str,
    author: Person,
    status: Status | None,
    *,
    now: datetime,
    text: str = "",
    institution: Institution | None = None,
    dedup_key: str | None = None,
) -> Update:
    """Record an update on a commitment as its author, from the command line."""
    return record_update(
        session,
        commitment=find_commitment(session, code),
        author=author,
        status=status,
        source=UpdateSource.CLI,
        now=now,
        institution=institution,
        text=text,
        dedup_key=dedup_key,
    ).update


def make_owners_with_checkins(
    session: Session, fake: FakeSlack, *, codes: Sequence[str], count: int, now: datetime
) -> None:
    """Add `count` ILO owners (known to the stand-in for Slack), each owning one of `codes`
    and owed this cycle's check-in: a fan-out ready to send."""
    for n in range(count):
        uid, email = f"U0OWNER{n:05d}", f"owner{n}@ilo.example"
        fake.add_user(uid, name=f"Owner {n}", email=email, tz="Europe/Zurich")
        person = upsert_person(
            session, name=f"Owner {n}", institution=Institution.ILO, email=email,
            slack_user_id=uid, tz="Europe/Zurich",
        )  # fmt: skip
        assign(
            session,
            target=codes[n % len(codes)],
            person=person,
            institution=Institution.ILO,
            now=now,
        )
        plan_checkin(session, person, now=now, cycle=owner_cycle(session, person, now=now))


def command_context(session: Session, text: str, *, now: datetime) -> CommandContext:
    """The context of a /hlm command typed by someone unregistered, who is no coordinator."""
    return CommandContext(
        deps=make_deps(session),
        session=session,
        user_id="U0ANYONE",
        now=now,
        text=text,
        request_id="trigger-1",
    )


def make_deps(session: Session) -> Deps:
    """Dependencies on the session's database, with no coordinator and no Slack credentials."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False),
                        _env_file=None)  # type: ignore[call-arg]  # fmt: skip
    return build(settings, engine=engine)


_STATUSES = [None, *Status]


def make_commitment_status(
    code: str, n: int, institutions: tuple[Institution, ...]
) -> CommitmentStatus:
    """Return a commitment's status whose parts cycle through every status (n picks where)."""
    statuses = [_STATUSES[(n + k) % len(_STATUSES)] for k in range(len(institutions))]
    overall, disagree = derive_overall(statuses)
    parts = tuple(
        Part(i, ("Ann",), (), s, None, None) for i, s in zip(institutions, statuses, strict=True)
    )
    return CommitmentStatus(
        code, code, "area", n, False, "Text.", institutions, parts, overall, disagree, False
    )


def make_digest(
    areas: int, *, title: str = "Gender equality", updated: bool = True, per_area: int = 12
) -> Digest:
    """Return a weekly digest of `areas` areas of `per_area` commitments each, the first of each
    area updated in the period (none if not `updated`: a quiet week)."""
    institutions = tuple(Institution)
    statuses = [
        AreaStatus(
            f"area-{a}",
            f"{title} {a}",
            a,
            tuple(
                make_commitment_status(f"area-{a}-{n}", n, institutions) for n in range(per_area)
            ),
        )
        for a in range(areas)
    ]
    now = datetime(2026, 11, 25, 10, tzinfo=UTC)
    updates = [
        Change(f"area-{a}-0", f"area-{a}", Institution.ILO, Status.ON_TRACK, "Workshop held",
               "Ann", now - timedelta(days=2))
        for a in range(areas)
        if updated
    ]  # fmt: skip
    return compile_digest(
        kind="weekly", title="Weekly HLM digest", areas=statuses, updates=updates, asked={},
        since=now - timedelta(days=7), now=now,
    )  # fmt: skip
