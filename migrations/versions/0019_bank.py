"""bank files and statements: the project's bank adapter, the batch/result files of the
batch-file banks, the wage account's statements and their reconciliation

payroll_setting.bank_adapter chooses how payment files reach the wage account's bank
("iso20022" online, or a layout id of connectors/bank_layouts/); bank_file keeps the file
written in the bank's layout for each payment file (direction "out") and every result file
(回盘文件) uploaded back (direction "in"); bank_statement each camt.053 statement of the wage
account and bank_statement_entry each movement with what reconciliation made of it.

Revision ID: 0019_bank
Revises: 0018_audit_chain
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_bank"
down_revision = "0018_audit_chain"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payroll_setting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bank_adapter", sa.String(length=30), nullable=False,
                                      server_default="iso20022"))
    op.create_table(
        "bank_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("layout", sa.String(length=30), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("direction IN ('out', 'in')", name=op.f("ck_bank_file_direction")),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_bank_file_created_by_user")),
        sa.ForeignKeyConstraint(["submission_id"], ["bank_submission.id"],
                                name=op.f("fk_bank_file_submission_id_bank_submission")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_file")),
        sa.UniqueConstraint("submission_id", "direction", "number",
                            name=op.f("uq_bank_file_submission_id_direction_number")),
    )
    op.create_index(op.f("ix_bank_file_submission_id"), "bank_file", ["submission_id"])
    op.create_table(
        "bank_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.String(length=35), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("day_from", sa.Date(), nullable=False),
        sa.Column("day_to", sa.Date(), nullable=False),
        sa.Column("opening", sa.Numeric(18, 2), nullable=False),
        sa.Column("closing", sa.Numeric(18, 2), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("source IN ('bank', 'upload')", name=op.f("ck_bank_statement_source")),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_bank_statement_created_by_user")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name=op.f("fk_bank_statement_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement")),
        sa.UniqueConstraint("project_id", "statement_id", name=op.f("uq_bank_statement_project_id_statement_id")),
    )
    op.create_index(op.f("ix_bank_statement_project_id"), "bank_statement", ["project_id"])
    op.create_table(
        "bank_statement_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("credit", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("booked", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("msg_id", sa.String(length=35), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=False),
        sa.Column("counterparty", sa.String(length=140), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.CheckConstraint("state IN ('matched', 'funding', 'unmatched')",
                           name=op.f("ck_bank_statement_entry_state")),
        sa.ForeignKeyConstraint(["payment_id"], ["wage_line_payment.id"],
                                name=op.f("fk_bank_statement_entry_payment_id_wage_line_payment")),
        sa.ForeignKeyConstraint(["statement_id"], ["bank_statement.id"],
                                name=op.f("fk_bank_statement_entry_statement_id_bank_statement")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_entry")),
        sa.UniqueConstraint("statement_id", "ref", name=op.f("uq_bank_statement_entry_statement_id_ref")),
    )
    op.create_index(op.f("ix_bank_statement_entry_statement_id"), "bank_statement_entry", ["statement_id"])
    op.create_index(op.f("ix_bank_statement_entry_booked"), "bank_statement_entry", ["booked"])


def downgrade():
    op.drop_table("bank_statement_entry")
    op.drop_table("bank_statement")
    op.drop_index(op.f("ix_bank_file_submission_id"), table_name="bank_file")
    op.drop_table("bank_file")
    with op.batch_alter_table("payroll_setting", schema=None) as batch_op:
        batch_op.drop_column("bank_adapter")
