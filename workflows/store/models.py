"""The tables: meetings, areas, commitments, people, assignments, updates, check-ins, technical
meetings, and the outbox that delivers what the bot owes people."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.store.db import Base, slack_id, str_200, utc_now
from workflows.types import (
    Institution,
    OutboxKind,
    OutboxState,
    Role,
    Section,
    Status,
    UpdateSource,
)


class Meeting(Base):
    """One High Level Meeting and its conclusions."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(Text)
    held_on: Mapped[date]
    place: Mapped[str_200]
    # The meeting whose conclusions are followed up now (one at a time; set by a coordinator).
    is_current: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # Set when coordinators end the follow-up: its owners are no longer asked about it.
    followup_closed_at: Mapped[datetime | None]

    areas: Mapped[list[Area]] = relationship(
        back_populates="meeting", order_by="Area.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"Meeting(number={self.number}, held_on={self.held_on})"


class Area(Base):
    """A thematic area of a meeting's conclusions."""

    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("meeting_id", "slug"),
        UniqueConstraint("meeting_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    # The area in a few words, for charts and one-line summaries ("Gender equality").
    short_title: Mapped[str | None] = mapped_column(String(40))
    section: Mapped[Section]
    position: Mapped[int]
    preamble: Mapped[str] = mapped_column(Text, default="")
    # Check-in cadence for the area's owners, when it differs from the deployment's.
    cadence_days: Mapped[int | None]
    # Other words people use for the area ("women" for gender), from the seed.
    aliases: Mapped[list[str]] = mapped_column(default=list, server_default=text("'[]'"))

    meeting: Mapped[Meeting] = relationship(back_populates="areas")
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="area", order_by="Commitment.position"
    )

    def __repr__(self) -> str:
        return f"Area(slug={self.slug!r}, position={self.position})"


commitment_actors = Table(
    "commitment_actors",
    Base.metadata,
    Column(
        "commitment_id",
        ForeignKey("commitments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("institution", String(32), primary_key=True),
)


class Commitment(Base):
    """A numbered item that one or more institutions intend to do."""

    __tablename__ = "commitments"
    __table_args__ = (
        UniqueConstraint("area_id", "position"),
        UniqueConstraint("meeting_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "hlm15/gender-7": unique across meetings; "gender-7" is what people type.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str] = mapped_column(String(60))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    number: Mapped[int | None]
    number_reconstructed: Mapped[bool] = mapped_column(default=False)
    lead_in: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    targets: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    source_line: Mapped[int | None]
    # Set when a later seed no longer lists the item; its history is kept.
    retired_at: Mapped[datetime | None]

    area: Mapped[Area] = relationship(back_populates="commitments")
    actor_rows: Mapped[list[CommitmentActor]] = relationship(
        cascade="all, delete-orphan", order_by="CommitmentActor.institution"
    )
    assignments: Mapped[list[Assignment]] = relationship(back_populates="commitment")

    @property
    def actors(self) -> list[Institution]:
        """List the institutions the commitment binds, in a stable order."""
        order = list(Institution)
        return sorted((Institution(row.institution) for row in self.actor_rows), key=order.index)

    @property
    def shown_code(self) -> str:
        """Return the id people type: `gender-7` for the current meeting's, `hlm15/gender-7`
        for another meeting's (a bare `gender-7` would name the current meeting's)."""
        return self.code if self.area.meeting.is_current else self.key

    def __repr__(self) -> str:
        return f"Commitment(key={self.key!r}, number={self.number})"


carry_overs = Table(
    "carry_overs",
    Base.metadata,
    Column("commitment_id", ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True),
    Column("continues_id", ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True),
)
"""A later meeting's commitment (`commitment_id`) that continues an earlier one (`continues_id`)."""


class CommitmentActor(Base):
    """An institution named as an actor of a commitment."""

    __table__ = commitment_actors

    commitment_id: Mapped[int]
    institution: Mapped[Institution]


class Person(Base):
    """Someone who owns commitments or coordinates the follow-up."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The person's workspace; None: the only workspace of a single-workspace deployment.
    slack_team_id: Mapped[slack_id | None]
    slack_user_id: Mapped[slack_id | None] = mapped_column(unique=True)
    name: Mapped[str_200]
    email: Mapped[str_200 | None] = mapped_column(unique=True)
    institution: Mapped[Institution]
    tz: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    # False once Slack says the account is deactivated or gone.
    active: Mapped[bool] = mapped_column(default=True)
    # Check-in cadence for this person, when it differs from their areas' or the deployment's.
    cadence_days: Mapped[int | None]
    # Their own working hours, in their time zone; None: the calendar's (09:00–17:00).
    work_start: Mapped[time | None]
    work_end: Mapped[time | None]
    # No check-in or reminder before this day (in their time zone).
    snoozed_until: Mapped[date | None]

    assignments: Mapped[list[Assignment]] = relationship(back_populates="person")
    absences: Mapped[list[Absence]] = relationship(
        back_populates="person", order_by="Absence.starts_on"
    )

    def is_away(self, day: date) -> bool:
        """Tell whether the person is away on the given day (a range not cancelled covers it)."""
        return any(a.covers(day) for a in self.absences)

    def away_until_on(self, day: date) -> date | None:
        """Return the last day of the absence covering a day (None if present that day)."""
        ends = [a.ends_on for a in self.absences if a.covers(day)]
        return max(ends) if ends else None

    def is_snoozed(self, day: date) -> bool:
        """Tell whether the person asked for no check-ins on the given day."""
        return self.snoozed_until is not None and day < self.snoozed_until

    def __repr__(self) -> str:
        return f"Person(name={self.name!r}, slack_user_id={self.slack_user_id!r})"


class Absence(Base):
    """A range of days someone is away (both ends included); cancelled ranges are kept, marked."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    cancelled_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="absences")

    def covers(self, day: date) -> bool:
        """Tell whether this range, unless cancelled, includes a day."""
        return self.cancelled_at is None and self.starts_on <= day <= self.ends_on

    def __repr__(self) -> str:
        return f"Absence(person_id={self.person_id}, {self.starts_on}–{self.ends_on})"


class Assignment(Base):
    """A person answering for one institution's part of a commitment."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("commitment_id", "institution", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    institution: Mapped[Institution]
    role: Mapped[Role]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    commitment: Mapped[Commitment] = relationship(back_populates="assignments")
    person: Mapped[Person] = relationship(back_populates="assignments")

    def __repr__(self) -> str:
        return f"Assignment(commitment_id={self.commitment_id}, {self.institution}, {self.role})"


class Update(Base):
    """One report on a commitment for one institution. Rows are only ever added."""

    __tablename__ = "updates"
    __table_args__ = (
        # The latest update per commitment and institution is read on every status query.
        Index("ix_updates_latest", "commitment_id", "institution", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"))
    institution: Mapped[Institution]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # None when the update is a note that leaves the status as it was.
    status: Mapped[Status | None]
    text: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(default=list)
    source: Mapped[UpdateSource]
    # Derived from the Slack ids the update came from: the same delivery twice is one update.
    dedup_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The update this one corrects (an owner fixing a reply within the cycle).
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id"))
    late: Mapped[bool] = mapped_column(default=False)
    # The check-in the update answered, to confirm it there.
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Set when the author takes the update back (a deleted thread reply, `/hlm undo`): it stays
    # in the history, marked, and no longer counts for the status.
    withdrawn_at: Mapped[datetime | None]

    author: Mapped[Person | None] = relationship()
    commitment: Mapped[Commitment] = relationship()

    def __repr__(self) -> str:
        return f"Update(id={self.id}, commitment_id={self.commitment_id}, status={self.status})"


class Checkin(Base):
    """One owner asked, in one cycle, about the open commitment parts they answer for.

    The first ask of a cycle has `reminder` 0; a reminder asks again about what is still
    unanswered. The outbox row that delivers it points here.
    """

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cycle: Mapped[str] = mapped_column(String(40))
    reminder: Mapped[int] = mapped_column(default=0)
    # [commitment key, institution] pairs, in document order.
    items: Mapped[list[list[str]]] = mapped_column(default=list)
    # The last day (in the owner's time zone) answers count as on time.
    closes_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # The owner skipped this cycle (no reminders follow), and why, in their words.
    skipped_at: Mapped[datetime | None]
    skip_reason: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship()
    delivery: Mapped[Outbox | None] = relationship(back_populates="checkin")

    def __repr__(self) -> str:
        return f"Checkin(id={self.id}, cycle={self.cycle!r}, reminder={self.reminder})"


technical_meeting_areas = Table(
    "technical_meeting_areas",
    Base.metadata,
    Column(
        "technical_meeting_id",
        ForeignKey("technical_meetings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class TechnicalMeeting(Base):
    """A technical meeting between the services, covering some areas."""

    __tablename__ = "technical_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(index=True)
    title: Mapped[str_200]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    areas: Mapped[list[Area]] = relationship(secondary=technical_meeting_areas)

    def __repr__(self) -> str:
        return f"TechnicalMeeting(held_on={self.held_on}, title={self.title!r})"


class Outbox(Base):
    """A message the bot owes someone, recorded before it is sent and marked once it is.

    The unique key (who × cycle × kind) makes every check-in, reminder and digest exist once,
    whatever crashes or concurrent processes do. A check-in's row points at its `Checkin`; what
    other messages say is in `payload`, read and written by `workflows.store.messages`.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "due_at"),
        # A click on a message finds its check-in; a digest counts what went out in its period.
        Index("ix_outbox_message", "channel", "ts"),
        Index("ix_outbox_sent", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str_200] = mapped_column(unique=True)
    kind: Mapped[OutboxKind]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    cycle: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[datetime]
    state: Mapped[OutboxState] = mapped_column(default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A process that claimed the row owns it until then; after a crash the lease runs out.
    claimed_until: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id"), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    sent_at: Mapped[datetime | None]

    person: Mapped[Person | None] = relationship()
    checkin: Mapped[Checkin | None] = relationship(back_populates="delivery")

    def __repr__(self) -> str:
        return f"Outbox(key={self.key!r}, state={self.state})"


class ThreadReply(Base):
    """An owner's words in a check-in thread, kept until they say which commitment they are about."""

    __tablename__ = "thread_replies"
    __table_args__ = (UniqueConstraint("channel", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id"), index=True)
    channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return f"ThreadReply(channel={self.channel!r}, ts={self.ts!r})"


class Job(Base):
    """A periodic task that one scheduler runs at a time (the profile sweep): when it last ran."""

    __tablename__ = "jobs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime | None]
    # The scheduler that claimed the job holds it until then; after a failure it waits as long.
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"Job(name={self.name!r}, last_run_at={self.last_run_at!r})"


class DataVersion(Base):
    """A token that changes with every write to what status views show (see workflows.store.revision)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
