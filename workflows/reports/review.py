"""The implementation review: what became of a meeting's commitments, for the next meeting.

`build_review` gathers, in the order of the conclusions, every live commitment of a meeting with
each institution's status, owners, the latest account in the owners' words, next steps, evidence
links and dates, and a summary (counts by status and institution, what was completed, what is
blocked and why, where the institutions disagree). `review_markdown` and
`workflows.reports.review_docx.review_docx` write it out; the Word document is meant to be edited
before it is circulated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.catalogue.lookup import area_commitments, current_meeting, list_areas
from workflows.catalogue.meetings import carried_over_to, continues
from workflows.store.models import Commitment, Meeting, Person, Update
from workflows.types import Institution, Status
from workflows.updates.status import (
    NO_UPDATE,
    REPORT_ORDER,
    CommitmentStatus,
    Part,
    commitment_statuses,
)

PROBLEMS = (Status.BLOCKED, Status.AT_RISK)


@dataclass(frozen=True)
class Account:
    """One update as the review quotes it."""

    at: datetime
    author: str
    text: str
    next_step: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ReviewPart:
    """One institution's part of a commitment, as the review reports it."""

    institution: Institution
    owners: tuple[str, ...]
    status: Status | None
    latest: Account | None  # the latest account with words, else the latest update
    next_step: str
    evidence: tuple[str, ...]  # every link given over the follow-up, oldest first
    first_heard: datetime | None
    last_heard: datetime | None
    updates: int

    @property
    def label(self) -> str:
        """Name the part's status as people read it."""
        return self.status.label if self.status else NO_UPDATE


@dataclass(frozen=True)
class ReviewItem:
    """A commitment of the conclusions with where each institution's part stands."""

    code: str
    number: str  # as printed, "[4]" when reconstructed, "–" when lost
    lead_in: str
    text: str
    targets: tuple[str, ...]
    parts: tuple[ReviewPart, ...]
    overall: Status | None
    disagree: bool
    completed_by: tuple[Institution, ...]
    awaiting: tuple[Institution, ...]
    carried_over_to: tuple[str, ...] = ()
    continues: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Name the overall status as people read it."""
        return self.overall.label if self.overall else NO_UPDATE


@dataclass(frozen=True)
class ReviewArea:
    """An area of the conclusions and its commitments, in document order."""

    position: int
    title: str
    items: tuple[ReviewItem, ...]
    slug: str = ""
    name: str = ""  # the short title, for the chart


@dataclass(frozen=True)
class Review:
    """The implementation review of one meeting's conclusions."""

    meeting_number: int
    meeting_title: str
    held_on: date
    place: str
    generated_at: datetime
    areas: tuple[ReviewArea, ...]
    institutions: tuple[Institution, ...] = field(default=())

    @property
    def items(self) -> list[ReviewItem]:
        """Every commitment, in the order of the conclusions."""
        return [item for area in self.areas for item in area.items]

    def counts(self) -> dict[str, Counter[str]]:
        """Count commitment parts by status label, per institution and in total ("All")."""
        counts: dict[str, Counter[str]] = {i.label: Counter() for i in self.institutions}
        counts["All"] = Counter()
        for item in self.items:
            counts["All"][item.label] += 1
            for part in item.parts:
                counts[part.institution.label][part.label] += 1
        return counts

    @property
    def completed(self) -> list[ReviewItem]:
        """Commitments completed by every institution that carries them."""
        return [i for i in self.items if i.overall is Status.COMPLETED]

    @property
    def blocked(self) -> list[ReviewItem]:
        """Commitments blocked or at risk, worst first, in document order within each."""
        return [i for s in PROBLEMS for i in self.items if i.overall is s]

    @property
    def disagreements(self) -> list[ReviewItem]:
        """Commitments on which the institutions' reports contradict each other."""
        return [i for i in self.items if i.disagree]


def build_review(session: Session, *, meeting: Meeting | None = None, now: datetime) -> Review:
    """Gather a meeting's implementation review from its commitments and their whole history."""
    meeting = meeting or current_meeting(session)
    areas = [(area, area_commitments(session, area)) for area in list_areas(session, meeting)]
    commitments = [c for _, items in areas for c in items]
    ids = [c.id for c in commitments]
    history = _history(session, ids)
    status_of = dict(zip(ids, commitment_statuses(session, commitments, now=now), strict=True))
    links = (carried_over_to(session, ids), continues(session, ids))
    institutions = sorted({i for c in commitments for i in c.actors}, key=list(Institution).index)
    return Review(
        meeting_number=meeting.number,
        meeting_title=meeting.title,
        held_on=meeting.held_on,
        place=meeting.place,
        generated_at=now,
        areas=tuple(
            ReviewArea(
                area.position,
                area.title,
                tuple(_item(c, status_of[c.id], history, links) for c in items),
                slug=area.slug,
                name=area.short_title or area.title,
            )
            for area, items in areas
        ),
        institutions=tuple(institutions),
    )


def _history(
    session: Session, commitment_ids: Sequence[int]
) -> dict[tuple[int, Institution], list[Account]]:
    """Load every standing update on some commitments, oldest first, per part.

    Columns only, not ORM objects: a year of weekly updates is thousands of rows. Withdrawn
    updates and those a later one corrects are left out.
    """
    found: dict[tuple[int, Institution], list[Account]] = {}
    if not commitment_ids:
        return found
    corrected = select(Update.corrects_id).where(Update.corrects_id.is_not(None))
    rows = session.execute(
        select(
            Update.commitment_id,
            Update.institution,
            Update.created_at,
            Person.name,
            Update.text,
            Update.next_step,
            Update.evidence,
        )
        .outerjoin(Person, Person.id == Update.author_id)
        .where(
            Update.commitment_id.in_(commitment_ids),
            Update.withdrawn_at.is_(None),
            Update.id.not_in(corrected),
        )
        .order_by(Update.created_at, Update.id)
    )
    for cid, institution, at, author, text, next_step, evidence in rows:
        account = Account(at, author or "", (text or "").strip(), (next_step or "").strip(),
                          tuple(evidence or ()))  # fmt: skip
        found.setdefault((cid, Institution(institution)), []).append(account)
    return found


def _item(
    commitment: Commitment,
    status: CommitmentStatus,
    history: dict[tuple[int, Institution], list[Account]],
    links: tuple[dict[int, list[str]], dict[int, list[str]]],
) -> ReviewItem:
    return ReviewItem(
        code=commitment.code,
        number=status.shown_number,
        lead_in=commitment.lead_in,
        text=commitment.text,
        targets=tuple(_target(t) for t in commitment.targets),
        parts=tuple(
            _part(p, history.get((commitment.id, p.institution), [])) for p in status.parts
        ),
        overall=status.overall,
        disagree=status.disagree,
        completed_by=status.completed_by,
        awaiting=status.awaiting,
        carried_over_to=tuple(links[0].get(commitment.id, ())),
        continues=tuple(links[1].get(commitment.id, ())),
    )


def _part(part: Part, updates: list[Account]) -> ReviewPart:
    with_words = [u for u in updates if u.text]
    latest = with_words[-1] if with_words else (updates[-1] if updates else None)
    next_steps = [u.next_step for u in updates if u.next_step]
    return ReviewPart(
        institution=part.institution,
        owners=part.owners,
        status=part.status,
        latest=latest,
        next_step=next_steps[-1] if next_steps else "",
        evidence=tuple(_unique(link for u in updates for link in u.evidence)),
        first_heard=updates[0].at if updates else None,
        last_heard=updates[-1].at if updates else None,
        updates=len(updates),
    )


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _target(target: object) -> str:
    if isinstance(target, dict):
        return str(target.get("text") or target.get("year") or "")
    return str(target)


def ordinal(n: int) -> str:
    """Write 15 as 15th, 1 as 1st, 22 as 22nd, 13 as 13th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def heading(area: ReviewArea, item: ReviewItem) -> str:
    """Name a commitment as the conclusions number it: "5.4 gender-4" ("gender-1" if unnumbered)."""
    return f"{area.position}.{item.number} {item.code}" if item.number != "–" else item.code


def subtitle(review: Review) -> str:
    """Say which meeting the review is about and when it was prepared."""
    return (
        f"{ordinal(review.meeting_number)} High Level Meeting, {review.place}, "
        f"{day(review.held_on)}. Prepared on {day(review.generated_at)}."
    )


def day(when: datetime | date | None) -> str:
    """Write a date as the review does: 3 December 2026 (a dash when unknown)."""
    return f"{when.day} {when:%B %Y}" if when else "–"


def review_chart(review: Review) -> bytes:
    """Draw the review's commitments by overall status, one bar per area, as the digest does.

    matplotlib is imported here, not at start-up: only a review with its chart needs it.
    """
    from workflows.reports.charts import Bar, Bars, render_status_chart

    bars = tuple(
        Bar(area.name or area.title, Counter(item.label for item in area.items))
        for area in review.areas
    )
    return render_status_chart(Bars(bars, review.generated_at))


def short_day(when: datetime | date | None) -> str:
    """Write a date for a table cell: 3 Dec 2026 (a dash when unknown)."""
    return f"{when.day} {when:%b %Y}" if when else "–"


def status_table(review: Review) -> tuple[list[str], list[list[str]]]:
    """Return the summary's header and rows: one row per status, a column per institution."""
    counts = review.counts()
    columns = [i.label for i in review.institutions]
    header = ["Status", *columns, "Commitments"]
    rows = []
    for label in REPORT_ORDER:
        values = [counts[c][label] for c in columns] + [counts["All"][label]]
        if any(values):
            rows.append([label, *(str(v) for v in values)])
    rows.append(["Total", *(str(counts[c].total()) for c in columns), str(counts["All"].total())])
    return header, rows


def why(item: ReviewItem) -> str:
    """Say in the owners' words why a commitment is blocked or at risk (or that nobody said)."""
    words = [
        f"{p.institution.label}: {p.latest.text}"
        for p in item.parts
        if p.status in PROBLEMS and p.latest and p.latest.text
    ]
    return "; ".join(words) or "no reason given"


def parts_in_words(item: ReviewItem) -> str:
    """Say each institution's status on one line: "ILO: On track; Commission: Completed"."""
    return "; ".join(f"{p.institution.label}: {p.label}" for p in item.parts)


def review_markdown(review: Review, *, chart_file: str | None = None) -> str:
    """Write the review in Markdown, in the order of the conclusions."""
    out = [
        f"# Implementation review: {review.meeting_title}",
        "",
        subtitle(review),
        "",
        "## Summary",
        "",
    ]
    header, rows = status_table(review)
    out += [_md_row(header), _md_row(["---"] * len(header)), *(_md_row(r) for r in rows), ""]
    if chart_file:
        out += [f"![Commitments by status and area]({chart_file})", ""]
    out += _md_list("Completed", [f"{i.code} — {_first_words(i.text)}" for i in review.completed])
    out += _md_list(
        "Blocked or at risk", [f"{i.code} ({i.label}) — {why(i)}" for i in review.blocked]
    )
    out += _md_list(
        "Where the institutions disagree",
        [f"{i.code} — {parts_in_words(i)}" for i in review.disagreements],
    )
    for area in review.areas:
        out += [f"## {area.position}. {area.title}", ""]
        for item in area.items:
            out += _md_item(heading(area, item), item)
    return "\n".join(out).rstrip() + "\n"


def _md_list(title: str, lines: list[str]) -> list[str]:
    return [
        f"### {title} ({len(lines)})",
        "",
        *(f"- {_md(line)}" for line in lines or ["None."]),
        "",
    ]


def _md_item(title: str, item: ReviewItem) -> list[str]:
    out = [f"### {title}", "", _md(" ".join(filter(None, [item.lead_in, item.text]))), ""]
    if item.targets:
        out += [f"Target: {_md('; '.join(item.targets))}", ""]
    if item.awaiting:
        done = ", ".join(i.label for i in item.completed_by)
        waiting = ", ".join(i.label for i in item.awaiting)
        out += [f"Completed by the {done}, awaiting the {waiting}'s confirmation.", ""]
    if item.carried_over_to:
        out += [f"Carried over to {', '.join(item.carried_over_to)}.", ""]
    if item.continues:
        out += [f"Continues {', '.join(item.continues)}.", ""]
    header = ["Institution", "Status", "Latest account", "Next step", "Evidence", "Last update"]
    out += [_md_row(header), _md_row(["---"] * len(header))]
    for part in item.parts:
        out.append(_md_row(_part_cells(part)))
    return [*out, ""]


def _part_cells(part: ReviewPart) -> list[str]:
    account = part.latest
    words = account.text if account and account.text else "–"
    if account and account.author and account.text:
        words += f" ({account.author}, {short_day(account.at)})"
    owners = ", ".join(part.owners)
    institution = f"{part.institution.label} ({owners})" if owners else part.institution.label
    return [
        institution,
        part.label,
        words,
        part.next_step or "–",
        " ".join(part.evidence) or "–",
        short_day(part.last_heard),
    ]


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_md(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _md(text: str) -> str:
    # Markdown would read a leading #, or *_` anywhere, as formatting: the owners' words stay words.
    escaped = "".join("\\" + ch if ch in "\\*_`[]<>" else ch for ch in text)
    return escaped.replace("\n", " ").strip()


def _first_words(text: str, words: int = 12) -> str:
    split = text.split()
    return " ".join(split[:words]) + ("…" if len(split) > words else "")
