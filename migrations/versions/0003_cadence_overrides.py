"""check-in cadence per area and per person

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 06:57:08.415579
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cadence_days", sa.Integer(), nullable=True))

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cadence_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("cadence_days")

    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_column("cadence_days")
