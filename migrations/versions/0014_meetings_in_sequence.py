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
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_current", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("followup_closed_at", sa.DateTime(timezone=True), nullable=True)
        )
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
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("followup_closed_at")
        batch_op.drop_column("is_current")
