"""audit log hash chain: each entry carries its predecessor's hash and its own

Existing entries are chained in id order by this migration (on PostgreSQL the append-only
trigger is lifted for that, inside the migration's transaction, and put back).

Revision ID: 0018_audit_chain
Revises: 0017_logins
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0018_audit_chain"
down_revision = "0017_logins"
branch_labels = None
depends_on = None
GENESIS = "0" * 64


def _hash(prev, row) -> str:
    at = row.at.isoformat(timespec="microseconds") if row.at is not None else ""
    fields = (prev, at, row.actor_user_id, row.project_id, row.action, row.entity,
              row.entity_id, row.before, row.after)  # fmt: skip
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def upgrade():
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
    table = sa.table("audit_entry", sa.column("at", sa.DateTime()), *(sa.column(c) for c in (
        "id", "actor_user_id", "project_id", "action", "entity", "entity_id", "before",
        "after", "prev_hash", "hash")))  # fmt: skip
    prev = GENESIS
    rows = bind.execute(sa.select(table).order_by(table.c.id)).all()
    for row in rows:
        value = _hash(prev, row)
        bind.execute(table.update().where(table.c.id == row.id)
                     .values(prev_hash=prev, hash=value))  # fmt: skip
        prev = value
    if postgres:
        op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")


def downgrade():
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
