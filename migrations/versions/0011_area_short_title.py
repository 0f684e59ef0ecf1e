"""an area's short title, for charts and one-line summaries

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# In place (ALTER TABLE ADD/DROP COLUMN, SQLite 3.35 and later), never a batch: on SQLite a batch
# copies the table and drops the old one, which the rows pointing at it forbid or cascade from.
def upgrade() -> None:
    op.add_column("areas", sa.Column("short_title", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("areas", "short_title")
