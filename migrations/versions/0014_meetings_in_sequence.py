"""several meetings: the current one, a closed follow-up, and carry-over between commitments

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN, not a batch: on SQLite a batch would copy `meetings`, and
    # dropping the old copy would cascade to every area and commitment.
    op.add_column(
        "meetings",
        sa.Column("is_current", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("meetings", sa.Column("followup_closed_at", sa.DateTime(timezone=True)))
    # The meeting followed up so far was the latest one: it stays current.
    op.execute(
        "UPDATE meetings SET is_current = true WHERE number = (SELECT MAX(number) FROM meetings)"
    )
    op.create_table(
        "carry_overs",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("continues_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_carry_overs_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["continues_id"],
            ["commitments.id"],
            name=op.f("fk_carry_overs_continues_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commitment_id", "continues_id", name=op.f("pk_carry_overs")),
    )


def downgrade() -> None:
    op.drop_table("carry_overs")
    # ALTER TABLE DROP COLUMN (SQLite 3.35 and later), for the same reason as above.
    op.drop_column("meetings", "followup_closed_at")
    op.drop_column("meetings", "is_current")
