"""an owner can skip a cycle's check-in, saying why

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# In place (ALTER TABLE ADD/DROP COLUMN, SQLite 3.35 and later), never a batch: on SQLite a batch
# copies the table and drops the old one, which the rows pointing at it forbid or cascade from.
def upgrade() -> None:
    op.add_column("checkins", sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("checkins", sa.Column("skip_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("checkins", "skip_reason")
    op.drop_column("checkins", "skipped_at")
