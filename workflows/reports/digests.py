"""Digests: where each area stands, what changed in a period, and what needs attention.

`compile_digest` is pure: it takes where the areas stand, the updates of the period and who was
asked, and returns a `Digest`. `load_digest` reads those with queries whose cost follows the
number of commitments and the updates of the period, never the length of the history: the status
comes from one index probe per part (`workflows.updates.status.commitment_statuses`, which
`area_status` uses, called once for all the areas), the period's updates from index ranges
on `ix_updates_latest` (one per part), at most `MAX_CHANGES_PER_AREA` of them per area.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple, TypeVarTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from workflows.catalogue.lookup import list_areas
from workflows.reports.meetings import previous_meeting
from workflows.store.models import (
    Area,
    Checkin,
    Commitment,
    Outbox,
    Person,
    TechnicalMeeting,
    Update,
)
from workflows.store.models import commitment_actors as actors
from workflows.types import Institution, OutboxState, Status
from workflows.updates.status import (
    NO_UPDATE,
    AreaStatus,
    CommitmentStatus,
    Part,
    commitment_statuses,
    derive_overall,
)
from workflows.words import counted

Kind = Literal["meeting", "weekly"]
MAX_CHANGES_PER_AREA = 200
PROGRESS_POINTS = 8
SHORT_TEXT = 160
WEEK = timedelta(days=7)
MEETING_LOOKBACK = timedelta(days=30)
ATTENTION = frozenset({Status.AT_RISK, Status.BLOCKED})
SOMEONE = "someone"
Columns = TypeVarTuple("Columns")
WEEKLY_TITLE = "Weekly HLM digest, week of {day} {when:%B %Y}"
MEETING_TITLE = "Before the technical meeting of {day} {when:%B %Y}: {title}"


@dataclass(frozen=True)
class Change:
    """An update recorded during the digest's period."""

    code: str
    area_slug: str
    institution: Institution
    status: Status | None  # None: a note that left the status as it was
    text: str
    author: str
    at: datetime
    late: bool = False


@dataclass(frozen=True)
class Flagged:
    """A commitment the digest points at, with the parts that explain why."""

    code: str
    text: str  # the commitment's text on one line, shortened
    parts: tuple[tuple[Institution, str], ...]  # institution and its status label


@dataclass(frozen=True)
class DigestArea:
    """One area in a digest: counts, what changed, and what needs attention."""

    slug: str
    title: str
    counts: dict[Institution, Counter[str]]  # part status labels per institution
    overall: Counter[str]  # overall status labels of the items
    changes: tuple[Change, ...]  # newest first, at most MAX_CHANGES_PER_AREA
    change_count: int  # every update of the period, shown or not
    at_risk: tuple[Flagged, ...]  # parts: those at risk or blocked
    silent: tuple[Flagged, ...]  # open items without any update in the period
    unanswered: tuple[str, ...]  # owners asked in the period who recorded nothing since
    disagreements: tuple[Flagged, ...]  # joint items whose institutions report differently

    @property
    def total(self) -> int:
        """Count the area's commitments."""
        return sum(self.overall.values())


@dataclass(frozen=True)
class Totals:
    """A digest's numbers across its areas."""

    commitments: int
    changes: int
    at_risk: int
    silent: int
    disagreements: int
    unanswered: int
    by_status: Counter[str]


@dataclass(frozen=True)
class Digest:
    """A digest: its areas, the period it covers, and overall status counts week by week."""

    kind: Kind
    title: str
    since: datetime
    until: datetime
    areas: tuple[DigestArea, ...]
    progress: tuple[tuple[date, Counter[str]], ...]

    @property
    def commitments(self) -> int:
        """Count the commitments the digest covers."""
        return sum(a.total for a in self.areas)

    @property
    def totals(self) -> Totals:
        """Add up the areas' numbers."""
        areas = self.areas
        return Totals(
            commitments=self.commitments,
            changes=sum(a.change_count for a in areas),
            at_risk=sum(len(a.at_risk) for a in areas),
            silent=sum(len(a.silent) for a in areas),
            disagreements=sum(len(a.disagreements) for a in areas),
            unanswered=len({name for a in areas for name in a.unanswered}),
            by_status=sum((a.overall for a in areas), Counter()),
        )

    @property
    def summary(self) -> str:
        """Say in one line what the digest holds and what needs attention."""
        t = self.totals
        return (
            f"{counted(t.commitments, 'commitment')} in {counted(len(self.areas), 'area')}: "
            f"{counted(t.changes, 'update')} since {self.since:%d %b}, "
            f"{t.at_risk} at risk or blocked, {t.silent} silent, "
            f"{t.disagreements} where the institutions disagree, "
            f"{counted(t.unanswered, 'owner')} not answering."
        )


def compile_digest(
    *,
    kind: Kind,
    title: str,
    areas: Sequence[AreaStatus],
    updates: Sequence[Change],
    asked: Mapping[str, Iterable[str]],
    progress: Sequence[tuple[date, Counter[str]]],
    since: datetime,
    now: datetime,
    change_counts: Mapping[str, int] | None = None,
) -> Digest:
    """Put a digest together from where the areas stand, the period's updates and who was asked.

    Args:
        asked: owner name -> codes of the commitments they were asked about in the period.
        change_counts: updates per area slug in the period, when `updates` holds only the newest.
    """
    window = sorted((u for u in updates if since <= u.at < now), key=lambda u: u.at, reverse=True)
    by_area: dict[str, list[Change]] = defaultdict(list)
    for change in window:
        by_area[change.area_slug].append(change)
    answered = {u.author for u in window} | _recorded_by(areas, since=since, now=now)
    waiting = {name: set(codes) for name, codes in asked.items() if name not in answered}
    counts = change_counts or {}
    built = tuple(
        _digest_area(a, by_area[a.slug], counts.get(a.slug, 0), waiting=waiting, since=since)
        for a in areas
    )
    return Digest(kind, title, since, now, built, tuple(progress))


def _recorded_by(areas: Sequence[AreaStatus], *, since: datetime, now: datetime) -> set[str]:
    # The latest report of each part also counts as an answer, in case it was not among `updates`.
    return {
        p.last.author
        for a in areas
        for i in a.items
        for p in i.parts
        if p.last and p.last.author and since <= p.last.at < now
    }


def _digest_area(
    area: AreaStatus,
    changes: list[Change],
    change_count: int,
    *,
    waiting: dict[str, set[str]],
    since: datetime,
) -> DigestArea:
    codes = {item.code for item in area.items}
    return DigestArea(
        slug=area.slug,
        title=area.title,
        counts=part_counts(area.items),
        overall=area.counts,
        changes=tuple(changes[:MAX_CHANGES_PER_AREA]),
        change_count=max(change_count, len(changes)),
        at_risk=tuple(flag for flag in map(_at_risk, area.items) if flag),
        silent=tuple(_flag(i, i.parts) for i in area.items if _is_silent(i, since)),
        unanswered=tuple(sorted(name for name, asked in waiting.items() if asked & codes)),
        disagreements=tuple(_flag(i, i.parts) for i in area.items if i.disagree),
    )


def part_counts(items: Sequence[CommitmentStatus]) -> dict[Institution, Counter[str]]:
    """Count the parts' status labels per institution, "No update" included."""
    counts: dict[Institution, Counter[str]] = defaultdict(Counter)
    for item in items:
        for part in item.parts:
            counts[part.institution][part.label] += 1
    return {
        institution: counts[institution] for institution in Institution if institution in counts
    }


def _at_risk(item: CommitmentStatus) -> Flagged | None:
    parts = [p for p in item.parts if p.status in ATTENTION]
    return _flag(item, parts) if parts else None


def _is_silent(item: CommitmentStatus, since: datetime) -> bool:
    # Closed items are not chased; an item is silent when no part has a report in the period.
    if item.overall is not None and item.overall.is_closed:
        return False
    return not any(p.last and p.last.at >= since for p in item.parts)


def _flag(item: CommitmentStatus, parts: Sequence[Part]) -> Flagged:
    return Flagged(item.code, shorten(item.text), tuple((p.institution, p.label) for p in parts))


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    """Put text on one line and cut it to `limit` characters on a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def replay_progress(
    parts: Mapping[int, Sequence[Institution]],
    start_state: Mapping[tuple[int, Institution], Status | None],
    moves: Sequence[tuple[int, Institution, Status, datetime]],
    *,
    start: datetime,
    points: int = PROGRESS_POINTS,
) -> list[tuple[date, Counter[str]]]:
    """Count overall statuses at weekly points from the status at `start` and the moves after it.

    `moves` are status updates (commitment id, institution, status, when) in time order.
    """
    state = dict(start_state)
    counted: list[tuple[date, Counter[str]]] = []
    cursor = 0
    for week in range(points):
        moment = start + week * WEEK
        while cursor < len(moves) and moves[cursor][3] <= moment:
            cid, institution, status, _ = moves[cursor]
            state[(cid, institution)] = status
            cursor += 1
        counted.append((moment.date(), _overall_counts(parts, state)))
    return counted


def _overall_counts(
    parts: Mapping[int, Sequence[Institution]],
    state: Mapping[tuple[int, Institution], Status | None],
) -> Counter[str]:
    counts: Counter[str] = Counter()
    for cid, institutions in parts.items():
        overall, _ = derive_overall([state.get((cid, i)) for i in institutions])
        counts[overall.label if overall else NO_UPDATE] += 1
    return counts


# Loading from the database.


class _Live(NamedTuple):
    id: int
    key: str
    code: str
    slug: str


def load_digest(
    session: Session,
    *,
    kind: Kind,
    title: str,
    areas: Sequence[Area] | None,
    since: datetime,
    now: datetime,
) -> Digest:
    """Load a digest of some areas (None: every area of the current meeting) for a period."""
    chosen = list(areas) if areas is not None else list_areas(session)
    commitments = _live_commitments(session, chosen)
    live = {c.id: _Live(c.id, c.key, c.code, c.area.slug) for c in commitments}
    by_area: dict[str, list[int]] = defaultdict(list)
    for c in live.values():
        by_area[c.slug].append(c.id)
    return compile_digest(
        kind=kind,
        title=title,
        areas=_area_statuses(session, chosen, commitments, now=now),
        updates=[
            change
            for ids in by_area.values()
            for change in _changes(session, ids, live, since=since, now=now)
        ],
        asked=_asked(session, live, since=since, now=now),
        progress=_progress(session, list(live), now=now),
        since=since,
        now=now,
        change_counts=_change_counts(session, live, since=since, now=now),
    )


def _live_commitments(session: Session, areas: Sequence[Area]) -> list[Commitment]:
    # The same commitments `area_commitments` lists, for all the areas in one query.
    if not areas:
        return []
    position = {area.id: area.position for area in areas}
    found = session.scalars(
        select(Commitment)
        .where(Commitment.area_id.in_(position), Commitment.retired_at.is_(None))
        .options(selectinload(Commitment.actor_rows))
    )
    return sorted(found, key=lambda c: (position[c.area_id], c.position))


def _area_statuses(
    session: Session, areas: Sequence[Area], commitments: Sequence[Commitment], *, now: datetime
) -> list[AreaStatus]:
    """Build each area's status as `area_status` does, for all the areas at once."""
    # One `commitment_statuses` call for every area: a handful of queries, not a handful per area.
    items: dict[int, list[CommitmentStatus]] = defaultdict(list)
    for commitment, item in zip(
        commitments, commitment_statuses(session, commitments, now=now), strict=True
    ):
        items[commitment.area_id].append(item)
    return [AreaStatus(a.slug, a.title, a.position, tuple(items[a.id])) for a in areas]


def _in_window(
    query: Select[*Columns], ids: Sequence[int], start: datetime, end: datetime
) -> Select[*Columns]:
    # Both leading columns of ix_updates_latest (commitment, institution, created_at) as lists:
    # the index is descended once per part and read over the period's range only, so the cost
    # follows the parts and the period's updates, however long the history. (A join from
    # commitment_actors looks equivalent, but PostgreSQL then plans a scan of every update.)
    return query.where(
        Update.commitment_id.in_(ids),
        Update.institution.in_(list(Institution)),
        Update.created_at >= start,
        Update.created_at < end,
    )


def _changes(
    session: Session,
    ids: Sequence[int],
    live: Mapping[int, _Live],
    *,
    since: datetime,
    now: datetime,
) -> list[Change]:
    columns = select(
        Update.commitment_id, Update.institution, Update.status, Update.text,
        Person.name, Update.created_at, Update.late,
    )  # fmt: skip
    query = (
        _in_window(columns, ids, since, now)
        .outerjoin(Person, Person.id == Update.author_id)
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(MAX_CHANGES_PER_AREA)
    )
    return [
        Change(live[cid].code, live[cid].slug, inst, status, text, name or SOMEONE, at, late)
        for cid, inst, status, text, name, at, late in session.execute(query)
    ]


def _change_counts(
    session: Session, live: Mapping[int, _Live], *, since: datetime, now: datetime
) -> dict[str, int]:
    if not live:
        return {}
    query = _in_window(select(Update.commitment_id, func.count()), list(live), since, now)
    counts: Counter[str] = Counter()
    for cid, n in session.execute(query.group_by(Update.commitment_id)):
        counts[live[cid].slug] += n
    return dict(counts)


def _asked(
    session: Session, live: Mapping[int, _Live], *, since: datetime, now: datetime
) -> dict[str, set[str]]:
    """Map each owner asked in the period to the codes they were asked about."""
    codes = {c.key: c.code for c in live.values()}
    rows = session.execute(
        select(Person.name, Checkin.items)
        .join(Outbox.checkin)
        .join(Person, Person.id == Checkin.person_id)
        .where(
            Outbox.state == OutboxState.SENT,
            Outbox.sent_at >= since,
            Outbox.sent_at < now,
        )
    )
    asked: dict[str, set[str]] = defaultdict(set)
    for name, items in rows:
        asked[name] |= {codes[key] for key, _ in items if key in codes}
    return {name: found for name, found in asked.items() if found}


def _progress(
    session: Session, ids: Sequence[int], *, now: datetime
) -> list[tuple[date, Counter[str]]]:
    """Count overall statuses at weekly points ending now."""
    start = now - (PROGRESS_POINTS - 1) * WEEK
    if not ids:
        return replay_progress({}, {}, [], start=start)
    parts: dict[int, list[Institution]] = defaultdict(list)
    start_state: dict[tuple[int, Institution], Status | None] = {}
    for cid, institution, status in _statuses_before(session, ids, start):
        parts[cid].append(Institution(institution))
        start_state[(cid, Institution(institution))] = Status(status) if status else None
    columns = select(Update.commitment_id, Update.institution, Update.status, Update.created_at)
    # The last point is `now` itself and counts what was recorded at that very moment.
    query = _in_window(columns, ids, start, now + timedelta(microseconds=1))
    rows = session.execute(
        query.where(Update.status.is_not(None)).order_by(Update.created_at, Update.id)
    )
    moves = [(cid, inst, status, at) for cid, inst, status, at in rows if status is not None]
    return replay_progress(parts, start_state, moves, start=start)


def _statuses_before(
    session: Session, ids: Sequence[int], moment: datetime
) -> list[tuple[int, str, str | None]]:
    # One index probe per part, like workflows.updates.status._latest_of_part.
    latest = (
        select(Update.status)
        .where(
            Update.commitment_id == actors.c.commitment_id,
            Update.institution == actors.c.institution,
            Update.created_at < moment,
            Update.status.is_not(None),
        )
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = select(actors.c.commitment_id, actors.c.institution, latest).where(
        actors.c.commitment_id.in_(ids)
    )
    return [(cid, inst, status) for cid, inst, status in session.execute(query)]


def meeting_digest(session: Session, meeting: TechnicalMeeting, *, now: datetime) -> Digest:
    """Compile the digest for a technical meeting: its areas, since the previous meeting."""
    previous = previous_meeting(session, meeting)
    since = now - MEETING_LOOKBACK
    if previous is not None and previous.held_on < now.date():
        since = datetime.combine(previous.held_on, time(), tzinfo=now.tzinfo)
    when = meeting.held_on
    title = MEETING_TITLE.format(day=when.day, when=when, title=meeting.title)
    # A meeting that names no area covers them all.
    areas = meeting.areas or None
    return load_digest(session, kind="meeting", title=title, areas=areas, since=since, now=now)


def weekly_digest(session: Session, *, now: datetime) -> Digest:
    """Compile the weekly digest: every area of the current meeting, the past seven days."""
    title = WEEKLY_TITLE.format(day=now.day, when=now)
    return load_digest(session, kind="weekly", title=title, areas=None, since=now - WEEK, now=now)


# Markdown, for `hlm digest preview --format md`.

MD_CHANGES_SHOWN = 30
MD_CODES_SHOWN = 60
MD_NO_CHANGE = "No update in the period."


def to_markdown(digest: Digest) -> str:
    """Write a digest as Markdown, for `hlm digest preview --format md`."""
    head = [f"# {digest.title}", "", f"{digest.since:%d %b %Y} – {digest.until:%d %b %Y}", ""]
    lines = [*head, digest.summary, ""]
    for area in digest.areas:
        lines += _markdown_area(area)
    return "\n".join(lines)


def _markdown_area(area: DigestArea) -> list[str]:
    lines = [f"## {area.title}", "", f"- Overall: {_counts_text(area.overall)}"]
    lines += [f"- {inst.label}: {_counts_text(c)}" for inst, c in area.counts.items()]
    lines += ["", f"### What changed ({area.change_count})", ""]
    lines += [_markdown_change(c) for c in area.changes[:MD_CHANGES_SHOWN]] or [MD_NO_CHANGE]
    if area.change_count > MD_CHANGES_SHOWN:
        lines.append(f"- … and {area.change_count - MD_CHANGES_SHOWN} more")
    lines += _markdown_list("At risk or blocked", [_flag_text(f) for f in area.at_risk])
    lines += _markdown_list("Silent", [f.code for f in area.silent])
    lines += _markdown_list("Asked, no answer yet", list(area.unanswered))
    lines += _markdown_list(
        "The institutions disagree", [_flag_text(f) for f in area.disagreements]
    )
    return [*lines, ""]


def _markdown_change(change: Change) -> str:
    status = change.status.label if change.status else "Note"
    late = " (late)" if change.late else ""
    words = f": {shorten(change.text, 300)}" if change.text else ""
    return f"- **{change.code}** {change.institution.label} {status} — {change.author}, {change.at:%d %b}{late}{words}"


def _markdown_list(title: str, entries: list[str]) -> list[str]:
    if not entries:
        return []
    shown = entries[:MD_CODES_SHOWN]
    more = [f"… and {len(entries) - len(shown)} more"] if len(entries) > len(shown) else []
    return ["", f"**{title}**: " + ", ".join(shown + more)]


def _flag_text(flag: Flagged) -> str:
    return f"{flag.code} ({', '.join(f'{i.label}: {label}' for i, label in flag.parts)})"


def _counts_text(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {label.lower()}" for label, n in ordered(counts)) or "none"


def ordered(counts: Counter[str]) -> list[tuple[str, int]]:
    """List status counts in the scale's order ("No update" last), leaving out zeros."""
    scale = [*(s.label for s in Status), NO_UPDATE]
    labels = [label for label in scale if counts[label]] + sorted(set(counts) - set(scale))
    return [(label, counts[label]) for label in labels]
