"""Digests: where each area stands, what moved in a period, and what needs attention.

`compile_digest` is pure. It takes where the areas stand now, each part's status at the start of
the period, the period's updates and who was asked, and returns a `Digest` in which every
commitment appears at most once per area, with its NET change over the period: the status at the
start against the status at the end, per institution. Clicks in between collapse; withdrawn
updates never count; an update that leaves the status as it was ("Nothing changed", or a note)
shows as confirmed, or as its words. A period without any update is `quiet`.

`load_digest` reads those with queries whose cost follows the number of commitments and the
updates of the period, never the length of the history: the status comes from one index probe per
part (`workflows.updates.status.commitment_statuses`, called once for all the areas), the status
at the start from one more probe per part, and the period's updates from index ranges on
`ix_updates_latest`, at most `MAX_CHANGES_PER_AREA` of them per area (the newest, so the status
at the end and the latest words are always among them).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal, NamedTuple, TypeVarTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from workflows.catalogue.lookup import list_areas, live_commitments
from workflows.reports.meetings import previous_meeting
from workflows.store.models import (
    Area,
    Checkin,
    Meeting,
    Outbox,
    Person,
    TechnicalMeeting,
    Update,
)
from workflows.store.models import commitment_actors as actors
from workflows.types import Institution, OutboxState, Skip, Status
from workflows.updates.status import (
    NO_UPDATE,
    AreaStatus,
    CommitmentStatus,
    areas_status,
    awaiting_confirmation,
    derive_overall,
)
from workflows.words import counted

Kind = Literal["meeting", "weekly"]
MAX_CHANGES_PER_AREA = 200
SHORT_TEXT = 160
WEEK = timedelta(days=7)
MEETING_LOOKBACK = timedelta(days=30)
ATTENTION = frozenset({Status.AT_RISK, Status.BLOCKED})
SOMEONE = "someone"
Columns = TypeVarTuple("Columns")
WEEKLY_TITLE = "Weekly HLM digest, week of {day} {when:%B %Y}"
WEEKLY_OF = "Weekly digest of the HLM {number} conclusions, week of {day} {when:%B %Y}"
MEETING_TITLE = "Before the technical meeting of {day} {when:%B %Y}: {title}"
PartKey = tuple[str, Institution]  # a commitment's code and one of its institutions


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
    next_step: str = ""


@dataclass(frozen=True)
class Move:
    """One institution's part of a commitment over the period: where it started and ended, and
    the latest words said about it (with who said them, and when)."""

    institution: Institution
    before: Status | None
    after: Status | None
    words: str
    next_step: str
    author: str
    at: datetime
    late: bool = False

    @property
    def changed(self) -> bool:
        """Tell whether the part ended the period with another status than it started with."""
        return self.before != self.after

    @property
    def confirmed(self) -> bool:
        """Tell whether the period only confirmed the status: no change and no words."""
        return not self.changed and not self.words and not self.next_step


@dataclass(frozen=True)
class DigestItem:
    """A commitment in an area's detail: its net change, and what about it needs attention."""

    code: str
    text: str  # the commitment's text on one line, shortened
    moves: tuple[Move, ...]  # the parts updated in the period, in the commitment's actor order
    parts: tuple[tuple[Institution, Status | None], ...]  # each part's status at the end
    before: Status | None  # the overall status at the start of the period
    after: Status | None  # the overall status at the end
    disagree: bool
    completed_by: tuple[Institution, ...] = ()
    awaited: tuple[Institution, ...] = ()  # whose confirmation of a completion is awaited

    @property
    def joint(self) -> bool:
        """Tell whether more than one institution answers for the commitment."""
        return len(self.parts) > 1

    @property
    def changed(self) -> bool:
        """Tell whether a part's status moved over the period."""
        return any(move.changed for move in self.moves)

    @property
    def attention(self) -> bool:
        """Tell whether a part is at risk or blocked."""
        return any(status in ATTENTION for _, status in self.parts)


@dataclass(frozen=True)
class DigestArea:
    """One area in a digest: counts, net change, and each commitment to look at, once."""

    slug: str
    title: str
    name: str  # the short title, for one-line summaries and the chart
    counts: Counter[str]  # overall status labels of the commitments at the end
    net: tuple[tuple[Status | None, Status | None], ...]  # (before, after) of items that moved
    items: tuple[DigestItem, ...]  # updated in the period or needing attention, document order
    silent: tuple[str, ...]  # codes of open items nobody reported on in the period (not in items)
    unanswered: tuple[str, ...]  # owners asked in the period who recorded nothing since
    updates: int  # every update of the period that counts

    @property
    def total(self) -> int:
        """Count the area's commitments."""
        return sum(self.counts.values())

    @property
    def detailed(self) -> bool:
        """Tell whether the area has anything to show in the detail: changes or problems."""
        return bool(self.items)


@dataclass(frozen=True)
class Totals:
    """A digest's numbers across its areas."""

    commitments: int
    updates: int
    moved: int
    at_risk: int
    disagreements: int
    awaited: int
    unanswered: int


@dataclass(frozen=True)
class Digest:
    """A digest: its areas, the period it covers, and the check-ins skipped in it."""

    kind: Kind
    title: str
    since: datetime
    until: datetime
    areas: tuple[DigestArea, ...]
    skips: tuple[Skip, ...] = ()

    @property
    def quiet(self) -> bool:
        """Tell whether there is nothing to say: nobody recorded anything in the period (and,
        before a technical meeting, nothing is left to discuss)."""
        if any(a.updates for a in self.areas):
            return False
        return self.kind == "weekly" or not any(a.detailed for a in self.areas)

    @property
    def awaited(self) -> tuple[DigestItem, ...]:
        """List the completions awaiting another institution's confirmation."""
        return tuple(i for a in self.areas for i in a.items if i.awaited)

    @property
    def totals(self) -> Totals:
        """Add up the areas' numbers."""
        items = [i for a in self.areas for i in a.items]
        return Totals(
            commitments=sum(a.total for a in self.areas),
            updates=sum(a.updates for a in self.areas),
            moved=sum(i.changed for i in items),
            at_risk=sum(i.attention for i in items),
            disagreements=sum(i.disagree for i in items),
            awaited=sum(bool(i.awaited) for i in items),
            unanswered=len({name for a in self.areas for name in a.unanswered}),
        )

    @property
    def summary(self) -> str:
        """Say in one line what the digest holds and what needs attention."""
        t = self.totals
        return (
            f"{counted(t.commitments, 'commitment')} in {counted(len(self.areas), 'area')}: "
            f"{counted(t.updates, 'update')} since {self.since.day} {self.since:%b}, "
            f"{counted(t.moved, 'status change')}, "
            f"{t.at_risk} at risk or blocked, "
            f"{t.disagreements} where the institutions disagree, "
            f"{t.awaited} awaiting confirmation, "
            f"{counted(t.unanswered, 'owner')} not answering."
        )


def compile_digest(
    *,
    kind: Kind,
    title: str,
    areas: Sequence[AreaStatus],
    updates: Sequence[Change],
    asked: Mapping[str, Iterable[str]],
    since: datetime,
    now: datetime,
    before: Mapping[PartKey, Status | None] | None = None,
    names: Mapping[str, str] | None = None,
    update_counts: Mapping[str, int] | None = None,
    skips: Sequence[Skip] = (),
) -> Digest:
    """Put a digest together from where the areas stand, the period's updates and who was asked.

    Args:
        before: each part's status at `since`; a part updated in the period and missing here
            had no status then.
        asked: owner name -> codes of the commitments they were asked about in the period.
        names: short titles by area slug (default: the titles).
        update_counts: updates per area slug in the period, when `updates` holds only the newest.
    """
    window = sorted((u for u in updates if since <= u.at < now), key=lambda u: u.at)
    by_part: dict[PartKey, list[Change]] = defaultdict(list)
    per_area: Counter[str] = Counter()
    for change in window:
        by_part[(change.code, change.institution)].append(change)
        per_area[change.area_slug] += 1
    answered = {u.author for u in window} | _recorded_by(areas, since=since, now=now)
    waiting = {name: set(codes) for name, codes in asked.items() if name not in answered}
    counts, shown = update_counts or {}, names or {}
    built = tuple(
        _digest_area(
            a,
            by_part,
            before or {},
            name=shown.get(a.slug, a.title),
            updates=max(counts.get(a.slug, 0), per_area[a.slug]),
            waiting=waiting,
        )
        for a in areas
    )
    return Digest(kind, title, since, now, built, tuple(skips))


def _recorded_by(areas: Sequence[AreaStatus], *, since: datetime, now: datetime) -> set[str]:
    # The latest report of each part also counts as an answer, in case it was not among `updates`.
    return {
        p.last.author
        for a in areas
        for i in a.items
        for p in i.parts
        if p.last and p.last.author and since <= p.last.at < now
    }


def net_move(institution: Institution, changes: Sequence[Change], before: Status | None) -> Move:
    """Collapse one part's updates of the period (oldest first) into its net change."""
    after = next((c.status for c in reversed(changes) if c.status is not None), before)
    spoken = next((c for c in reversed(changes) if c.text.strip() or c.next_step.strip()), None)
    last = spoken or changes[-1]
    words, step = (last.text.strip(), last.next_step.strip()) if spoken else ("", "")
    return Move(institution, before, after, words, step, last.author, last.at, last.late)


def _digest_area(
    area: AreaStatus,
    by_part: Mapping[PartKey, Sequence[Change]],
    before: Mapping[PartKey, Status | None],
    *,
    name: str,
    updates: int,
    waiting: dict[str, set[str]],
) -> DigestArea:
    entries = [_digest_item(item, by_part, before) for item in area.items]
    shown = [e for e in entries if e.moves or e.attention or e.disagree or e.awaited]
    codes = {item.code for item in area.items}
    return DigestArea(
        slug=area.slug,
        title=area.title,
        name=name,
        counts=Counter(e.after.label if e.after else NO_UPDATE for e in entries),
        net=tuple((e.before, e.after) for e in entries if e.before != e.after),
        items=tuple(shown),
        silent=tuple(
            e.code
            for e in entries
            if e not in shown and not (e.after is not None and e.after.is_closed)
        ),
        unanswered=tuple(sorted(name for name, asked in waiting.items() if asked & codes)),
        updates=updates,
    )


def _digest_item(
    item: CommitmentStatus,
    by_part: Mapping[PartKey, Sequence[Change]],
    before: Mapping[PartKey, Status | None],
) -> DigestItem:
    moves: list[Move] = []
    start: list[Status | None] = []
    end: list[Status | None] = []
    for part in item.parts:
        key = (item.code, part.institution)
        if key in by_part:
            moves.append(net_move(part.institution, by_part[key], before.get(key)))
            start.append(moves[-1].before)
            end.append(moves[-1].after)
        else:  # nothing recorded in the period: the part stands where it stood
            start.append(part.status)
            end.append(part.status)
    parts = tuple(zip(item.actors, end, strict=True))
    after, disagreeing = derive_overall(end)
    completed_by, awaited = awaiting_confirmation(parts)
    return DigestItem(
        code=item.code, text=shorten(item.text), moves=tuple(moves), parts=parts,
        before=derive_overall(start)[0], after=after, disagree=disagreeing,
        completed_by=completed_by, awaited=awaited,
    )  # fmt: skip


def net_phrases(net: Iterable[tuple[Status | None, Status | None]]) -> list[str]:
    """Say how an area's commitments moved: "+1 completed", "1 newly at risk", "1 back on track"."""
    phrases: Counter[str] = Counter()
    for was, now in net:
        if now is Status.COMPLETED:
            phrases["completed"] += 1
        elif now is Status.ON_TRACK and was in ATTENTION:
            phrases["back on track"] += 1
        else:
            phrases[f"newly {now.label.lower() if now else NO_UPDATE.lower()}"] += 1
    order = ["completed", "back on track"]
    keys = [k for k in order if k in phrases] + sorted(set(phrases) - set(order))
    return [f"+{phrases[k]} {k}" if k == "completed" else f"{phrases[k]} {k}" for k in keys]


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    """Put text on one line and cut it to `limit` characters on a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def ordered(counts: Counter[str]) -> list[tuple[str, int]]:
    """List status counts in the scale's order ("No update" last), leaving out zeros."""
    scale = [*(s.label for s in Status), NO_UPDATE]
    labels = [label for label in scale if counts[label]] + sorted(set(counts) - set(scale))
    return [(label, counts[label]) for label in labels]


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
    skips: Sequence[Skip] | None = None,
) -> Digest:
    """Load a digest of some areas (None: every area of the current meeting) for a period, with
    the check-ins skipped in it (read from the database unless given)."""
    if skips is None:
        skips = skips_in(session, since=since, until=now)
    chosen = list(areas) if areas is not None else list_areas(session)
    commitments = live_commitments(session, chosen)
    live = {c.id: _Live(c.id, c.key, c.shown_code, c.area.slug) for c in commitments}
    by_area: dict[str, list[int]] = defaultdict(list)
    for c in live.values():
        by_area[c.slug].append(c.id)
    return compile_digest(
        kind=kind,
        title=title,
        areas=areas_status(session, chosen, commitments, now=now),
        updates=[
            change
            for ids in by_area.values()
            for change in _changes(session, ids, live, since=since, now=now)
        ],
        before=_statuses_at(session, live, since),
        asked=_asked(session, live, since=since, now=now),
        since=since,
        now=now,
        names={a.slug: a.short_title or a.title for a in chosen},
        update_counts=_change_counts(session, live, since=since, now=now),
        skips=skips,
    )


def _in_window(
    query: Select[*Columns], ids: Sequence[int], start: datetime, end: datetime
) -> Select[*Columns]:
    # Both leading columns of ix_updates_latest (commitment, institution, created_at) as lists:
    # the index is descended once per part and read over the period's range only, so the cost
    # follows the parts and the period's updates, however long the history. (A join from
    # commitment_actors looks equivalent, but PostgreSQL then plans a scan of every update.)
    # A withdrawn update never counts.
    return query.where(
        Update.commitment_id.in_(ids),
        Update.institution.in_(list(Institution)),
        Update.created_at >= start,
        Update.created_at < end,
        Update.withdrawn_at.is_(None),
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
        Person.name, Update.created_at, Update.late, Update.next_step,
    )  # fmt: skip
    query = (
        _in_window(columns, ids, since, now)
        .outerjoin(Person, Person.id == Update.author_id)
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(MAX_CHANGES_PER_AREA)
    )
    rows = list(session.execute(query))[::-1]  # the newest were kept; oldest first from here
    return [
        Change(live[cid].code, live[cid].slug, inst, status, text, name or SOMEONE, at, late,
               step or "")
        for cid, inst, status, text, name, at, late, step in rows
    ]  # fmt: skip


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


def _statuses_at(
    session: Session, live: Mapping[int, _Live], moment: datetime
) -> dict[PartKey, Status | None]:
    """Return each part's status at a moment (None: none reported yet), one index probe each."""
    if not live:
        return {}
    latest = (
        select(Update.status)
        .where(
            Update.commitment_id == actors.c.commitment_id,
            Update.institution == actors.c.institution,
            Update.created_at < moment,
            Update.status.is_not(None),
            Update.withdrawn_at.is_(None),
        )
        .order_by(Update.created_at.desc(), Update.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = select(actors.c.commitment_id, actors.c.institution, latest).where(
        actors.c.commitment_id.in_(list(live))
    )
    return {
        (live[cid].code, Institution(inst)): Status(status) if status else None
        for cid, inst, status in session.execute(query)
    }


def meeting_digest(
    session: Session,
    meeting: TechnicalMeeting,
    *,
    now: datetime,
    skips: Sequence[Skip] | None = None,
) -> Digest:
    """Compile the digest for a technical meeting: its areas, since the previous meeting."""
    previous = previous_meeting(session, meeting)
    since = now - MEETING_LOOKBACK
    if previous is not None and previous.held_on < now.date():
        since = datetime.combine(previous.held_on, time(), tzinfo=now.tzinfo)
    when = meeting.held_on
    title = MEETING_TITLE.format(day=when.day, when=when, title=meeting.title)
    # A meeting that names no area covers them all.
    areas = meeting.areas or None
    return load_digest(
        session, kind="meeting", title=title, areas=areas, since=since, now=now, skips=skips
    )


def weekly_digest(
    session: Session,
    *,
    now: datetime,
    since: datetime | None = None,
    skips: Sequence[Skip] | None = None,
    conclusions: Meeting | None = None,
) -> Digest:
    """Compile the weekly digest: every area of the current meeting (or of `conclusions`, an
    earlier one's), the past seven days (or since `since`)."""
    title = WEEKLY_TITLE.format(day=now.day, when=now)
    areas = None
    if conclusions is not None and not conclusions.is_current:
        title = WEEKLY_OF.format(number=conclusions.number, day=now.day, when=now)
        areas = list_areas(session, conclusions)
    start = since if since is not None else now - WEEK
    return load_digest(
        session, kind="weekly", title=title, areas=areas, since=start, now=now, skips=skips
    )


def counts_text(counts: Counter[str]) -> str:
    """Write status counts in the scale's order: "6 on track, 1 at risk"."""
    return ", ".join(f"{n} {label.lower()}" for label, n in ordered(counts)) or "no commitment"


def skips_in(session: Session, *, since: datetime, until: datetime) -> list[Skip]:
    """List the check-ins skipped between two moments, oldest first, with their reasons."""
    rows = session.execute(
        select(Person.name, Checkin.cycle, Checkin.skip_reason, Checkin.skipped_at)
        .join(Checkin.person)
        .where(Checkin.skipped_at >= since, Checkin.skipped_at < until)
        .order_by(Checkin.skipped_at, Checkin.id)
    ).all()
    return [Skip(name, cycle, reason or "", at) for name, cycle, reason, at in rows if at]
