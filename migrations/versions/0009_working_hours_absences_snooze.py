"""people's own working hours, away ranges that can start later, and snoozed check-ins

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 19:00:00

The one away range a person could have (`people.away_from/away_until/away_reason`) moves to the
`absences` table, where a person may have several, planned ahead and cancellable; downgrading
moves back the range that is current or comes next.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index(op.f("ix_absences_person_id"), "absences", ["person_id"], unique=False)
    # A range with no start began when it was set: the day it ends is all that was known.
    op.execute(
        "INSERT INTO absences (person_id, starts_on, ends_on, reason, created_at) "
        "SELECT id, COALESCE(away_from, away_until), away_until, away_reason, CURRENT_TIMESTAMP "
        "FROM people WHERE away_until IS NOT NULL"
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_start", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("work_end", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("snoozed_until", sa.Date(), nullable=True))
        batch_op.drop_column("away_from")
        batch_op.drop_column("away_until")
        batch_op.drop_column("away_reason")


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("away_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("away_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("away_reason", sa.Text(), nullable=True))
        batch_op.drop_column("snoozed_until")
        batch_op.drop_column("work_end")
        batch_op.drop_column("work_start")
    # One range per person fits there: the one that ends first among those not cancelled and
    # not over (the current one, else the next); ranges already over are left behind.
    op.execute(
        "UPDATE people SET "
        "away_from = (SELECT a.starts_on FROM absences a WHERE a.id = ("
        "  SELECT b.id FROM absences b WHERE b.person_id = people.id AND b.cancelled_at IS NULL "
        "  AND b.ends_on >= CURRENT_DATE ORDER BY b.ends_on, b.id LIMIT 1)), "
        "away_until = (SELECT a.ends_on FROM absences a WHERE a.id = ("
        "  SELECT b.id FROM absences b WHERE b.person_id = people.id AND b.cancelled_at IS NULL "
        "  AND b.ends_on >= CURRENT_DATE ORDER BY b.ends_on, b.id LIMIT 1)), "
        "away_reason = (SELECT a.reason FROM absences a WHERE a.id = ("
        "  SELECT b.id FROM absences b WHERE b.person_id = people.id AND b.cancelled_at IS NULL "
        "  AND b.ends_on >= CURRENT_DATE ORDER BY b.ends_on, b.id LIMIT 1))"
    )
    op.drop_index(op.f("ix_absences_person_id"), table_name="absences")
    op.drop_table("absences")
