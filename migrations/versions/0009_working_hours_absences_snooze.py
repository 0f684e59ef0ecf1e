"""people's own working hours, away ranges that can start later, and snoozed check-ins

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:00:00

The one away range a person could have (`people.away_from/away_until/away_reason`) moves to the
`absences` table, where a person may have several, planned ahead and cancellable; downgrading
moves back the range that is current or comes next (one per person fits there).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# `people` is altered in place (ALTER TABLE ADD/DROP COLUMN, SQLite 3.35 and later), never copied:
# on SQLite a batch would copy it and drop the old table, which the updates and assignments
# pointing at its rows forbid (the commit fails, or rows cascade away).
PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer),
    sa.column("away_from", sa.Date),
    sa.column("away_until", sa.Date),
    sa.column("away_reason", sa.Text),
)
ABSENCES = sa.table(
    "absences",
    sa.column("id", sa.Integer),
    sa.column("person_id", sa.Integer),
    sa.column("starts_on", sa.Date),
    sa.column("ends_on", sa.Date),
    sa.column("reason", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("cancelled_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    connection = op.get_bind()
    ranges = connection.execute(
        sa.select(PEOPLE.c.id, PEOPLE.c.away_from, PEOPLE.c.away_until, PEOPLE.c.away_reason)
        .where(PEOPLE.c.away_until.is_not(None))
        .order_by(PEOPLE.c.id)
    ).all()
    op.add_column("people", sa.Column("work_start", sa.Time(), nullable=True))
    op.add_column("people", sa.Column("work_end", sa.Time(), nullable=True))
    op.add_column("people", sa.Column("snoozed_until", sa.Date(), nullable=True))
    for column in ("away_from", "away_until", "away_reason"):
        op.drop_column("people", column)
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_absences_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index(op.f("ix_absences_person_id"), "absences", ["person_id"], unique=False)
    now = datetime.now(UTC)
    for person_id, away_from, away_until, reason in ranges:
        # A range with no start began when it was set: the day it ends is all that was known.
        connection.execute(
            sa.insert(ABSENCES).values(
                person_id=person_id,
                starts_on=away_from or away_until,
                ends_on=away_until,
                reason=reason,
                created_at=now,
            )
        )


def downgrade() -> None:
    connection = op.get_bind()
    # One range per person fits there: the one that ends first among those not cancelled and
    # not over (the current one, else the next); ranges already over are left behind.
    today = datetime.now(UTC).date()
    rows = connection.execute(
        sa.select(ABSENCES.c.person_id, ABSENCES.c.starts_on, ABSENCES.c.ends_on, ABSENCES.c.reason)
        .where(ABSENCES.c.cancelled_at.is_(None), ABSENCES.c.ends_on >= today)
        .order_by(ABSENCES.c.person_id, ABSENCES.c.ends_on, ABSENCES.c.id)
    ).all()
    kept: dict[int, tuple[date, date, str | None]] = {}
    for person_id, starts_on, ends_on, reason in rows:
        kept.setdefault(person_id, (starts_on, ends_on, reason))
    op.drop_index(op.f("ix_absences_person_id"), table_name="absences")
    op.drop_table("absences")
    op.add_column("people", sa.Column("away_from", sa.Date(), nullable=True))
    op.add_column("people", sa.Column("away_until", sa.Date(), nullable=True))
    op.add_column("people", sa.Column("away_reason", sa.Text(), nullable=True))
    for column in ("snoozed_until", "work_end", "work_start"):
        op.drop_column("people", column)
    for person_id, (starts_on, ends_on, reason) in kept.items():
        connection.execute(
            sa.update(PEOPLE)
            .where(PEOPLE.c.id == person_id)
            .values(away_from=starts_on, away_until=ends_on, away_reason=reason)
        )
