"""bank files: the project's bank adapter, and the batch/result files of the batch-file banks

payroll_setting.bank_adapter chooses how payment files reach the wage account's bank
("iso20022" online, or a layout id of connectors/bank_layouts/); bank_file keeps the file
written in the bank's layout for each payment file (direction "out") and every result file
(回盘文件) uploaded back (direction "in").

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


def downgrade():
    op.drop_index(op.f("ix_bank_file_submission_id"), table_name="bank_file")
    op.drop_table("bank_file")
    with op.batch_alter_table("payroll_setting", schema=None) as batch_op:
        batch_op.drop_column("bank_adapter")
