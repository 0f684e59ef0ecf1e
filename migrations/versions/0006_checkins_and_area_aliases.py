"""check-ins as records of their own; typed outbox payloads; area aliases

Check-in and reminder rows of the outbox become `checkins` rows with the same id (so the
buttons of messages already sent, which carry that id, keep working); the outbox row points at
its check-in, and updates and thread replies point at the check-in instead of the outbox. Every
other outbox payload gains the `type` its model is chosen by.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:30:00
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROMPTS = ("checkin", "reminder")
CYCLE_DAYS = 14  # what a check-in without a closing day (never written so) is taken to last

outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("person_id", sa.Integer),
    sa.column("cycle", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("checkin_id", sa.Integer),
)
replies = sa.table(
    "thread_replies", sa.column("id", sa.Integer), sa.column("update_id", sa.Integer)
)
checkins = sa.table(
    "checkins",
    sa.column("id", sa.Integer),
    sa.column("person_id", sa.Integer),
    sa.column("cycle", sa.String),
    sa.column("reminder", sa.Integer),
    sa.column("items", sa.JSON),
    sa.column("closes_on", sa.Date),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    _defer_foreign_keys()
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.String(length=40), nullable=False),
        sa.Column("reminder", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_checkins_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkins_person_id"), ["person_id"], unique=False)
    # Added in place, never by copying the table: on SQLite a copy drops the old table, and
    # dropping areas would cascade to their commitments. The default fills the existing rows.
    op.add_column(
        "areas", sa.Column("aliases", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )
    op.add_column("outbox", sa.Column("checkin_id", sa.Integer(), nullable=True))

    _move_checkins_out_of_the_outbox()
    with _replies_detached_from_updates():
        _repoint("updates", "prompt_id", "checkin_id", "checkins", nullable=True)
    _repoint("thread_replies", "prompt_id", "checkin_id", "checkins", nullable=False)
    # Only now that nothing points at the outbox may SQLite copy it (see _defer_foreign_keys).
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_outbox_checkin_id"), ["checkin_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_checkin_id_checkins"), "checkins", ["checkin_id"], ["id"]
        )


def downgrade() -> None:
    _defer_foreign_keys()
    with _replies_detached_from_updates():
        _unlink("updates", "checkin_id", "checkins")
    _unlink("thread_replies", "checkin_id", "checkins")
    # A check-in made since the upgrade has an id of its own: point at the row that delivered it.
    for table in ("updates", "thread_replies"):
        op.execute(
            sa.text(
                f"UPDATE {table} SET checkin_id = "  # noqa: S608 (a table name of this module)
                "(SELECT outbox.id FROM outbox WHERE outbox.checkin_id = "
                f"{table}.checkin_id) WHERE checkin_id IS NOT NULL"
            )
        )
    _move_checkins_back_into_the_outbox()
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_checkin_id_checkins"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_outbox_checkin_id"), type_="unique")
        batch_op.drop_column("checkin_id")
    with _replies_detached_from_updates():
        _relink("updates", "checkin_id", "prompt_id", "outbox", nullable=True)
    _relink("thread_replies", "checkin_id", "prompt_id", "outbox", nullable=False)

    op.drop_column("areas", "aliases")  # in place, as it was added
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkins_person_id"))
    op.drop_table("checkins")


def _defer_foreign_keys() -> None:
    # SQLite alters a table by copying it and dropping the old one. A drop that leaves rows of
    # another table pointing nowhere fails (or, deferred, fails the commit even once the copy has
    # taken the old name): so no table is copied while another table's rows point at it (see
    # _replies_detached_from_updates). Deferred checks let the steps in between pass.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")


@contextmanager
def _replies_detached_from_updates() -> Iterator[None]:
    """Let the updates table be copied: thread replies let go of their updates meanwhile."""
    connection = op.get_bind()
    linked = connection.execute(
        sa.select(replies.c.id, replies.c.update_id).where(replies.c.update_id.is_not(None))
    ).all()
    connection.execute(sa.update(replies).values(update_id=None))
    yield
    for reply_id, update_id in linked:
        connection.execute(
            sa.update(replies).where(replies.c.id == reply_id).values(update_id=update_id)
        )


def _repoint(table: str, old: str, new: str, target: str, *, nullable: bool) -> None:
    """Rename a column that points at one table and point it at another (values kept)."""
    _unlink(table, old, "outbox")
    _relink(table, old, new, target, nullable=nullable)


def _unlink(table: str, column: str, target: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f"fk_{table}_{column}_{target}"), type_="foreignkey")
        batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))


def _relink(table: str, old: str, new: str, target: str, *, nullable: bool) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(
            old, new_column_name=new, existing_type=sa.Integer(), existing_nullable=nullable
        )
    with op.batch_alter_table(table, schema=None) as batch_op:  # (the new name, once it exists)
        batch_op.create_index(batch_op.f(f"ix_{table}_{new}"), [new], unique=False)
        batch_op.create_foreign_key(batch_op.f(f"fk_{table}_{new}_{target}"), target, [new], ["id"])


def _move_checkins_out_of_the_outbox() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.kind, outbox.c.person_id, outbox.c.cycle,
                  outbox.c.payload, outbox.c.created_at)
    ).all()  # fmt: skip
    for row in rows:
        payload: dict[str, Any] = row.payload or {}
        if row.kind in PROMPTS and row.person_id is not None:
            connection.execute(sa.insert(checkins).values(_checkin_of(row, payload)))
            changes: dict[str, Any] = {"checkin_id": row.id, "payload": {"type": "checkin"}}
        else:
            changes = {"payload": _typed(row.kind, payload)}
        connection.execute(sa.update(outbox).where(outbox.c.id == row.id).values(**changes))
    if connection.dialect.name == "postgresql":  # ids were given: the sequence goes on after them
        connection.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('checkins', 'id'), "
                "COALESCE((SELECT MAX(id) FROM checkins), 0) + 1, false)"
            )
        )


def _checkin_of(row: Any, payload: dict[str, Any]) -> dict[str, Any]:
    cycle = row.cycle or row.created_at.date().isoformat()
    closes = payload.get("closes_on")
    closes_on = (
        date.fromisoformat(closes)
        if closes
        else date.fromisoformat(cycle) + timedelta(days=CYCLE_DAYS - 1)
    )
    return {
        "id": row.id,
        "person_id": row.person_id,
        "cycle": cycle,
        "reminder": int(payload.get("reminder", 0)),
        "items": [list(item) for item in payload.get("items", [])],
        "closes_on": closes_on,
        "created_at": row.created_at,
    }


def _typed(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    if kind == "digest":
        return {"type": "digest", "meeting_id": payload.get("meeting_id")}
    if "undelivered" in payload:
        entries = [
            {k: v for k, v in entry.items() if k != "meeting"} for entry in payload["undelivered"]
        ]
        return {"type": "undelivered", "entries": entries, "carried": payload.get("carried", 0)}
    if payload.get("departed"):
        return {"type": "departed", "reason": payload.get("reason", "gone")}
    return {"type": "silent"}


def _move_checkins_back_into_the_outbox() -> None:
    connection = op.get_bind()
    found = {c.id: c for c in connection.execute(sa.select(checkins)).all()}
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.kind, outbox.c.payload, outbox.c.checkin_id)
    ).all()
    for row in rows:
        checkin = found.get(row.checkin_id) if row.checkin_id is not None else None
        payload = _untyped(row.kind, row.payload or {}, checkin)
        connection.execute(sa.update(outbox).where(outbox.c.id == row.id).values(payload=payload))


def _untyped(kind: str, payload: dict[str, Any], checkin: Any) -> dict[str, Any]:
    if checkin is not None:
        return {
            "reminder": checkin.reminder,
            "closes_on": checkin.closes_on.isoformat(),
            "items": checkin.items,
        }
    kind_of = payload.get("type")
    if kind_of == "undelivered":
        return {"undelivered": payload.get("entries", []), "carried": payload.get("carried", 0)}
    if kind_of == "departed":
        return {"reason": payload.get("reason", "gone"), "departed": True}
    if kind == "digest" and payload.get("meeting_id") is not None:
        return {"reminder": 0, "meeting_id": payload["meeting_id"]}
    return {"reminder": 0}
