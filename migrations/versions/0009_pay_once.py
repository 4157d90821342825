"""pay once: batch kinds (regular / back pay), one regular batch per month, a worker's month
paid at most once across batches, amount reasons and the amount-check settings

Existing rows: the first batch of a project and month (lowest sequence) stays regular, later
ones become back pay; every line gets its batch's project and month; a line that repeats an
earlier line of the same worker and month (paid again before this rule) is kept as history
with ``legacy_repeat`` set, outside the unique index.

Revision ID: 0009_pay_once
Revises: 0008_trust
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_pay_once"
down_revision = "0008_trust"
branch_labels = None
depends_on = None

REGULAR = sa.text("kind = 'regular'")
NOT_LEGACY = sa.text("NOT legacy_repeat")
# SQLite batch mode copies wage_batch and wage_line into new tables; with foreign keys on,
# dropping the old table fails while lines and payments point at it. The pragma only takes
# effect outside a transaction, so it is the first statement of each step.
FOREIGN_KEYS = "PRAGMA foreign_keys={}"


def _foreign_keys(on: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(FOREIGN_KEYS.format("ON" if on else "OFF"))


def upgrade():
    _foreign_keys(False)
    with op.batch_alter_table("payroll_setting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pay_factor", sa.Numeric(precision=4, scale=2),
                                      nullable=False, server_default="1.50"))  # fmt: skip
        batch_op.add_column(sa.Column("line_ceiling", sa.Numeric(precision=12, scale=2),
                                      nullable=False, server_default="100000.00"))  # fmt: skip
    with op.batch_alter_table("wage_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), nullable=False,
                                      server_default="regular"))  # fmt: skip
    op.execute(
        "UPDATE wage_batch SET kind = 'back_pay' WHERE sequence > (SELECT MIN(b2.sequence) "
        "FROM wage_batch b2 WHERE b2.project_id = wage_batch.project_id "
        "AND b2.pay_month = wage_batch.pay_month)"
    )
    with op.batch_alter_table("wage_batch", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_wage_batch_kind"), "kind in ('regular', 'back_pay')"
        )
        batch_op.create_index("uq_wage_batch_regular_month", ["project_id", "pay_month"],
                              unique=True, sqlite_where=REGULAR, postgresql_where=REGULAR)  # fmt: skip

    with op.batch_alter_table("wage_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pay_month", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("legacy_repeat", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))  # fmt: skip
        batch_op.add_column(sa.Column("amount_reason", sa.String(length=200), nullable=False,
                                      server_default=""))  # fmt: skip
    op.execute(
        "UPDATE wage_line SET "
        "project_id = (SELECT b.project_id FROM wage_batch b WHERE b.id = wage_line.batch_id), "
        "pay_month = (SELECT b.pay_month FROM wage_batch b WHERE b.id = wage_line.batch_id)"
    )
    op.execute(
        "UPDATE wage_line SET legacy_repeat = true WHERE id > (SELECT MIN(l2.id) "
        "FROM wage_line l2 WHERE l2.person_id = wage_line.person_id "
        "AND l2.project_id = wage_line.project_id AND l2.pay_month = wage_line.pay_month)"
    )
    with op.batch_alter_table("wage_line", schema=None) as batch_op:
        batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("pay_month", existing_type=sa.String(length=7), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_wage_line_project_id_project"), "project",
                                    ["project_id"], ["id"])  # fmt: skip
        batch_op.create_index("uq_wage_line_person_month", ["person_id", "project_id", "pay_month"],
                              unique=True, sqlite_where=NOT_LEGACY, postgresql_where=NOT_LEGACY)  # fmt: skip
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table("wage_line", schema=None) as batch_op:
        batch_op.drop_index("uq_wage_line_person_month")
        batch_op.drop_constraint(batch_op.f("fk_wage_line_project_id_project"), type_="foreignkey")
        batch_op.drop_column("amount_reason")
        batch_op.drop_column("legacy_repeat")
        batch_op.drop_column("pay_month")
        batch_op.drop_column("project_id")
    with op.batch_alter_table("wage_batch", schema=None) as batch_op:
        batch_op.drop_index("uq_wage_batch_regular_month")
        batch_op.drop_constraint(op.f("ck_wage_batch_kind"), type_="check")
        batch_op.drop_column("kind")
    with op.batch_alter_table("payroll_setting", schema=None) as batch_op:
        batch_op.drop_column("line_ceiling")
        batch_op.drop_column("pay_factor")
    _foreign_keys(True)
