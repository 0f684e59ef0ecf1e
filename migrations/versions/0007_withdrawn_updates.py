"""an update can be withdrawn (a deleted thread reply, /hlm undo)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# In place (ALTER TABLE ADD/DROP COLUMN, SQLite 3.35 and later), never a batch: on SQLite a batch
# copies the table and drops the old one, which the rows pointing at it forbid or cascade from.
def upgrade() -> None:
    op.add_column("updates", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("updates", "withdrawn_at")
