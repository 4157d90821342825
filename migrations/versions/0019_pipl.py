"""pipl: ID, bank card and phone numbers encrypted at rest, searched by keyed hashes

Widens the columns, adds ``person.id_number_hash``/``phone_hash``/``bank_card_hash`` and
``user.phone_hash``, encrypts every existing value (AES-GCM, ``domain/personal_data.py``) and the
stored bank files, moves the unique constraints of ``person.id_number`` and ``user.phone`` to
their hashes, renames a worker's account named after his phone to ``worker-<person id>``, and masks
ID, card and phone numbers already in the audit log (the chain is then
computed again, as ``0018_audit_chain`` did; on PostgreSQL its append-only trigger is lifted
inside the migration's transaction and put back).

The keys are the app's: ``flask db upgrade`` runs inside the app, whose factory installed the
keyring from ``ZHUXIN_PII_KEYS`` or ``ZHUXIN_PII_KEYS_FILE`` (``flask zhuxin keys`` writes
``instance/pii_keys.json``); they are read only when there is a row to encrypt.  On SQLite the
batch alter rebuilds ``person`` without its retention trigger: it is created again.

Revision ID: 0019_pipl
Revises: 0019_engine
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

from domain import personal_data
from domain.audit import masked
from domain.retention import refusal_statements

revision = "0019_pipl"
down_revision = "0019_engine"
branch_labels = None
depends_on = None

WIDE = 120
# table → (column, its length before, its hash column)
COLUMNS = {
    "person": (("id_number", 18, "id_number_hash"), ("phone", 11, "phone_hash"),
               ("bank_card", 19, "bank_card_hash")),
    "user": (("phone", 11, "phone_hash"),),
    "wage_line": (("id_number", 18, None), ("bank_card", 19, None)),
    "wage_line_payment": (("bank_card", 19, None),),
    "bank_card_change": (("bank_card", 19, None), ("old_card", 19, None)),
}  # fmt: skip
UNIQUE = {"person": "id_number", "user": "phone"}  # the unique constraint that moves to the hash
GENESIS = "0" * 64


def _foreign_keys(on: bool) -> None:
    """The SQLite batch copy of ``person`` and ``user`` fails while other tables point at them
    with foreign keys on; the pragma only works outside a transaction (the first statement)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    _foreign_keys(False)
    bind = op.get_bind()
    for table, columns in COLUMNS.items():
        _reshape(bind, table, columns, widen=True)
    # A worker's account was named after his phone: it is named after his person id now (he
    # logs in with the phone, found by its hash).
    op.execute("UPDATE \"user\" SET username = 'worker-' || CAST(person_id AS VARCHAR(20))"
               " WHERE person_id IS NOT NULL AND username = phone")  # fmt: skip
    for table, columns in COLUMNS.items():
        _rewrite(bind, table, columns, _encrypt, hashed=True)
    _rewrite_documents(bind, lambda ring, v: ring.encrypt_bytes(bytes(v)))
    for table, column in UNIQUE.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(f"uq_{table}_{column}_hash", [f"{column}_hash"])
    op.create_index("ix_person_phone_hash", "person", ["phone_hash"])
    op.create_index("ix_person_bank_card_hash", "person", ["bank_card_hash"])
    if bind.dialect.name == "sqlite":  # the batch alters rebuilt person without its trigger
        for statement in refusal_statements("sqlite", ("person",)):
            op.execute(statement)
    _mask_audit_log(bind)
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    bind = op.get_bind()
    op.drop_index("ix_person_bank_card_hash", "person")
    op.drop_index("ix_person_phone_hash", "person")
    for table, column in UNIQUE.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_{column}_hash", type_="unique")
    for table, columns in COLUMNS.items():
        _rewrite(bind, table, columns, _decrypt, hashed=False)
    _rewrite_documents(bind, lambda ring, v: ring.decrypt_bytes(bytes(v)))
    for table, columns in COLUMNS.items():
        _reshape(bind, table, columns, widen=False)
    if bind.dialect.name == "sqlite":
        for statement in refusal_statements("sqlite", ("person",)):
            op.execute(statement)
    _foreign_keys(True)


def _reshape(bind, table, columns, widen: bool) -> None:
    """Widen the columns and add the hash columns (or the reverse); the old unique constraint
    goes (or comes back).  SQLite ignores lengths: only tables with a constraint change there."""
    sqlite = bind.dialect.name == "sqlite"
    if sqlite and table not in UNIQUE:
        return
    with op.batch_alter_table(table, schema=None) as batch_op:
        if table in UNIQUE and widen:
            batch_op.drop_constraint(f"uq_{table}_{UNIQUE[table]}", type_="unique")
        for column, length, hash_column in columns:
            old, new = sa.String(length), sa.String(WIDE)
            batch_op.alter_column(column, existing_type=old if widen else new,
                                  type_=new if widen else old)  # fmt: skip
            if hash_column and widen:
                batch_op.add_column(sa.Column(hash_column, sa.String(64), nullable=True))
            elif hash_column:
                batch_op.drop_column(hash_column)
        if table in UNIQUE and not widen:
            batch_op.create_unique_constraint(f"uq_{table}_{UNIQUE[table]}", [UNIQUE[table]])


def _encrypt(ring, value: str) -> str:
    return ring.encrypt(value)


def _decrypt(ring, value: str) -> str:
    return ring.decrypt(value)


def _rewrite(bind, table, columns, change, hashed: bool) -> None:
    names = [c for c, _, _ in columns]
    hashes = [h for _, _, h in columns if h] if hashed else []
    t = sa.table(table, sa.column("id"), *(sa.column(n) for n in names + hashes))
    for row in bind.execute(sa.select(t.c.id, *(t.c[n] for n in names))).all():
        values = {}
        for (column, _, hash_column), value in zip(columns, row[1:], strict=True):
            if value:
                values[column] = change(personal_data.keyring(), value)
            if hashed and hash_column:
                values[hash_column] = personal_data.digest(value) if value else None
        if values:
            bind.execute(t.update().where(t.c.id == row.id).values(values))


def _rewrite_documents(bind, change) -> None:
    # the stored pain.001, the bank files and the statements (as of this revision)
    for name, col in (("bank_submission", "xml"), ("bank_file", "content"), ("bank_statement", "content")):
        t = sa.table(name, sa.column("id"), sa.column(col, sa.LargeBinary))
        for row in bind.execute(sa.select(t.c.id, t.c[col])).all():
            stored = row[1]
            if stored:
                fresh = change(personal_data.keyring(), bytes(stored))
                bind.execute(t.update().where(t.c.id == row.id).values({col: fresh}))


def _mask_audit_log(bind) -> None:
    """Mask the personal data already in before/after, then chain every entry again."""
    columns = ("id", "actor_user_id", "project_id", "action", "entity", "entity_id", "before",
               "after", "prev_hash", "hash")  # fmt: skip
    t = sa.table("audit_entry", sa.column("at", sa.DateTime()), *(sa.column(c) for c in columns))
    rows = bind.execute(sa.select(t).order_by(t.c.id)).all()
    changed = {}
    for row in rows:
        fields = {k: _masked_json(getattr(row, k)) for k in ("before", "after")}
        if fields != {"before": row.before, "after": row.after}:
            changed[row.id] = fields
    if not changed:
        return
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
    prev = GENESIS
    for row in rows:
        fields = changed.get(row.id, {"before": row.before, "after": row.after})
        value = _hash(prev, row, fields)
        if row.id in changed or (row.prev_hash, row.hash) != (prev, value):
            bind.execute(t.update().where(t.c.id == row.id)
                         .values(prev_hash=prev, hash=value, **fields))  # fmt: skip
        prev = value
    if postgres:
        op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")


def _masked_json(text):
    if not text:
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return text
    again = json.dumps(masked(data), ensure_ascii=False, sort_keys=True)
    return text if again == json.dumps(data, ensure_ascii=False, sort_keys=True) else again


def _hash(prev, row, fields) -> str:
    at = row.at.isoformat(timespec="microseconds") if row.at is not None else ""
    values = (prev, at, row.actor_user_id, row.project_id, row.action, row.entity,
              row.entity_id, fields["before"], fields["after"])  # fmt: skip
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()
