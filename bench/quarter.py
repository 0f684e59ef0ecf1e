"""A simulated quarter: the example owners report for 13 weeks, and each Monday's digest is checked.

The clock moves a week at a time. In each week some owners change a status along a plausible path
(not started → on track → at risk → blocked and back, or completed), click twice in a row, add a
note, answer "Nothing changed", or take an update back; every update goes through the domain's
write path (`record_update`; a withdrawal sets `withdrawn_at`, as `/hlm undo` does). One week is
a holiday in which nobody reports. After each week the weekly digest is compiled and checked:

- every disagreement it lists follows the written rule, restated here on its own;
- the rule's every case in the database is listed;
- no commitment appears twice in an area's detail, in the data or in the rendered thread;
- each net change starts and ends where the database's history (withdrawals left out) says;
- a week without an update is quiet: one line, no thread.

Run: .venv/bin/python bench/quarter.py [--weeks 13 --seed 15 --out quarter/]
It writes each week's digest as Markdown, the last week's Slack payload as JSON and its chart as
PNG in the output folder, and prints one line per week.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.views.digest import build_digest  # noqa: E402
from seed.sync import SEED_DIR, default_seed_files, load_seed, sync_seed  # noqa: E402
from workflows.people.owners_file import import_owners, read_owners_file  # noqa: E402
from workflows.reports.digest_markdown import to_markdown  # noqa: E402
from workflows.reports.digests import Digest, weekly_digest  # noqa: E402
from workflows.store import migrate  # noqa: E402
from workflows.store.db import make_engine, session_scope  # noqa: E402
from workflows.store.models import Assignment, Commitment, Person, Update  # noqa: E402
from workflows.types import Institution, Role, Status, UpdateSource  # noqa: E402
from workflows.updates.record import record_update  # noqa: E402

START = datetime(2026, 9, 7, 7, tzinfo=UTC)  # a Monday morning
WEEK = timedelta(days=7)
HOLIDAY = 7  # the eighth week: nobody reports
ACTIVE = 0.35  # the share of owned parts someone reports on in a working week
# Where a status plausibly goes next (a part without a status starts somewhere sensible).
NEXT: dict[Status | None, tuple[Status, ...]] = {
    None: (Status.NOT_STARTED, Status.ON_TRACK, Status.ON_TRACK),
    Status.NOT_STARTED: (Status.ON_TRACK, Status.ON_TRACK, Status.AT_RISK),
    Status.ON_TRACK: (Status.AT_RISK, Status.COMPLETED, Status.ON_TRACK, Status.ON_TRACK),
    Status.AT_RISK: (Status.ON_TRACK, Status.BLOCKED, Status.AT_RISK),
    Status.BLOCKED: (Status.AT_RISK, Status.ON_TRACK, Status.DROPPED),
    Status.COMPLETED: (Status.COMPLETED,),
    Status.DROPPED: (Status.DROPPED,),
    Status.SUPERSEDED: (Status.SUPERSEDED,),
}
WORDS = (
    "tender delayed", "workshop held with the social partners", "draft sent for comments",
    "funding confirmed", "waiting for the ministry", "report published", "pilot extended",
    "mission postponed", "",
)  # fmt: skip
STEPS = ("relaunch in January", "board decision in March", "", "", "")
BEHIND = {Status.NOT_STARTED, Status.AT_RISK, Status.BLOCKED}
AHEAD = {Status.ON_TRACK, Status.COMPLETED}


@dataclass(frozen=True)
class Week:
    """One week of the quarter: its digest, its rendered thread, and what the checks found."""

    number: int
    digest: Digest
    replies: int
    problems: tuple[str, ...]


def rule_disagrees(statuses: Sequence[Status | None]) -> bool:
    """The written disagreement rule, restated: behind against ahead, or dropped against alive."""
    said = {s for s in statuses if s is not None}
    alive = said - {Status.DROPPED, Status.SUPERSEDED}
    return bool(said & BEHIND and said & AHEAD) or (Status.DROPPED in said and bool(alive))


def simulate(
    session: Session,
    *,
    weeks: int,
    rng: random.Random,
    start: datetime = START,
    holiday: int | None = HOLIDAY,
) -> list[Week]:
    """Let the owners report for `weeks` weeks (none in the `holiday` week, counted from 0);
    compile and check each week's digest."""
    parts = _owned_parts(session)
    done: list[Week] = []
    for number in range(weeks):
        since = start + number * WEEK
        if number != holiday:
            _report_week(session, parts, rng, since=since)
        digest = weekly_digest(session, now=since + WEEK, since=since)
        replies = build_digest(digest)[1]
        problems = check(session, digest) + check_rendered(digest)
        done.append(Week(number + 1, digest, len(replies), tuple(problems)))
    return done


def _owned_parts(session: Session) -> list[tuple[Commitment, Institution, Person]]:
    rows = session.execute(
        select(Commitment, Assignment.institution, Person)
        .join(Assignment, Assignment.commitment_id == Commitment.id)
        .join(Person, Person.id == Assignment.person_id)
        .where(Assignment.role == Role.OWNER, Commitment.retired_at.is_(None))
        .order_by(Commitment.id, Assignment.institution, Person.id)
    )
    first: dict[tuple[int, Institution], tuple[Commitment, Institution, Person]] = {}
    for commitment, institution, person in rows:
        first.setdefault((commitment.id, institution), (commitment, institution, person))
    return list(first.values())


def _report_week(
    session: Session,
    parts: list[tuple[Commitment, Institution, Person]],
    rng: random.Random,
    *,
    since: datetime,
) -> None:
    chosen = [p for p in parts if rng.random() < ACTIVE]
    moments = sorted(since + timedelta(minutes=rng.randrange(1, 7 * 24 * 60 - 120)) for _ in chosen)
    for (commitment, institution, person), at in zip(chosen, moments, strict=True):
        _report(session, commitment, institution, person, rng, at=at)


def _report(
    session: Session,
    commitment: Commitment,
    institution: Institution,
    person: Person,
    rng: random.Random,
    *,
    at: datetime,
) -> None:
    def record(status: Status | None, source: UpdateSource, when: datetime, **words: str) -> Update:
        return record_update(
            session, commitment=commitment, author=person, status=status, source=source,
            now=when, institution=institution, **words,
        ).update  # fmt: skip

    current = _status_of(session, commitment, institution)
    roll = rng.random()
    words = {"text": rng.choice(WORDS), "next_step": rng.choice(STEPS)}
    if roll < 0.40:
        record(rng.choice(NEXT[current]), UpdateSource.MODAL, at, **words)
    elif roll < 0.55:  # two clicks in a row: the first one does not count in the net change
        record(rng.choice(NEXT[current]), UpdateSource.BUTTON, at)
        record(rng.choice(NEXT[current]), UpdateSource.BUTTON, at + timedelta(minutes=30), **words)
    elif roll < 0.75 and current is not None:
        record(None, UpdateSource.THREAD, at, text=rng.choice(WORDS[:-1]))
    elif roll < 0.95 and current is not None:
        record(current, UpdateSource.CONFIRMED, at)
    else:  # a slip, taken back an hour later
        slip = record(rng.choice(list(Status)), UpdateSource.BUTTON, at, text="wrong item")
        slip.withdrawn_at = at + timedelta(hours=1)
        session.flush()


def _status_of(session: Session, commitment: Commitment, institution: Institution) -> Status | None:
    return _history_status(session, commitment.id, institution, before=None)


def _history_status(
    session: Session, commitment_id: int, institution: Institution, *, before: datetime | None
) -> Status | None:
    """Read a part's status from its whole history, the plain way (the checks' own reading)."""
    query = select(Update.status).where(
        Update.commitment_id == commitment_id,
        Update.institution == institution,
        Update.status.is_not(None),
        Update.withdrawn_at.is_(None),
    )
    if before is not None:
        query = query.where(Update.created_at < before)
    return session.scalars(query.order_by(Update.created_at.desc(), Update.id.desc())).first()


def check(session: Session, digest: Digest) -> list[str]:
    """Check a digest against the rule and the history; return what is wrong."""
    problems: list[str] = []
    ids = {c.code: c.id for c in session.scalars(select(Commitment))}
    for area in digest.areas:
        codes = [i.code for i in area.items]
        problems += [f"{c} twice in {area.slug}" for c in set(codes) if codes.count(c) > 1]
        for item in area.items:
            statuses = [s for _, s in item.parts]
            if item.disagree != rule_disagrees(statuses):
                problems.append(f"{item.code}: disagree={item.disagree} for {statuses}")
            for move in item.moves:
                cid = ids[item.code]
                start = _history_status(session, cid, move.institution, before=digest.since)
                end = _history_status(session, cid, move.institution, before=digest.until)
                if (move.before, move.after) != (start, end):
                    problems.append(f"{item.code}: {move.before}→{move.after}, not {start}→{end}")
    problems += _unlisted_disagreements(session, digest)
    if digest.quiet != (digest.totals.updates == 0):
        problems.append("quiet does not match the number of updates")
    return problems


def _unlisted_disagreements(session: Session, digest: Digest) -> list[str]:
    listed = {i.code for a in digest.areas for i in a.items if i.disagree}
    missing = []
    for commitment in session.scalars(select(Commitment).where(Commitment.retired_at.is_(None))):
        statuses = [
            _history_status(session, commitment.id, i, before=digest.until)
            for i in commitment.actors
        ]
        if rule_disagrees(statuses) and commitment.code not in listed:
            missing.append(f"{commitment.code} disagrees ({statuses}) but is not listed")
    return missing


def check_rendered(digest: Digest) -> list[str]:
    """Check the Slack thread: each commitment once in its area's replies; none when quiet."""
    parent, replies = build_digest(digest)
    if digest.quiet:
        return [] if not replies and len(parent.blocks) == 1 else ["a quiet week has more"]
    problems = []
    for area in (a for a in digest.areas if a.detailed):
        text = "\n".join(
            json.dumps(r.block_dicts(), ensure_ascii=False)
            for r in replies
            if r.text.startswith(area.name)
        )
        for item in area.items:
            seen = len(re.findall(rf"\*{re.escape(item.code)}\*", text))
            if seen != 1:
                problems.append(f"{item.code} appears {seen} times in the {area.slug} thread")
    return problems


def deploy(url: str) -> sessionmaker[Session]:
    """Migrate, seed and load the example owners into an empty database."""
    engine = make_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
    sessions = sessionmaker(engine, expire_on_commit=False)
    with session_scope(sessions) as session:
        for path in default_seed_files():
            sync_seed(session, load_seed(path), now=START)
        import_owners(session, read_owners_file(SEED_DIR / "owners.example.yaml"), now=START)
    return sessions


def write(weeks: list[Week], out: Path) -> None:
    """Write each week's Markdown, and the last week's payload and chart."""
    from workflows.reports.charts import render_status_chart

    out.mkdir(parents=True, exist_ok=True)
    for week in weeks:
        (out / f"week-{week.number:02}.md").write_text(to_markdown(week.digest), encoding="utf-8")
    last = next(w for w in reversed(weeks) if not w.digest.quiet).digest
    parent, thread = build_digest(last)
    payload = {"parent": parent.block_dicts(), "thread": [r.block_dicts() for r in thread]}
    (out / "last-week.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    (out / "chart.png").write_bytes(render_status_chart(last))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, default=Path("quarter"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sessions = deploy(f"sqlite:///{Path(tmp) / 'quarter.sqlite3'}")
        with session_scope(sessions) as session:
            weeks = simulate(session, weeks=args.weeks, rng=random.Random(args.seed))
            write(weeks, args.out)
    print(f"{'week':>4} {'updates':>7} {'moved':>5} {'at risk':>7} {'disagree':>8} "
          f"{'awaited':>7} {'replies':>7}  problems")  # fmt: skip
    for w in weeks:
        t = w.digest.totals
        print(f"{w.number:>4} {t.updates:>7} {t.moved:>5} {t.at_risk:>7} {t.disagreements:>8} "
              f"{t.awaited:>7} {w.replies:>7}  {'; '.join(w.problems) or 'none'}")  # fmt: skip
    print(f"written to {args.out}/")
    return 1 if any(w.problems for w in weeks) else 0


if __name__ == "__main__":
    sys.exit(main())
