"""payroll: supplementary summaries per re-payment round, the bank's answer deadline, wage card
changes confirmed by the worker

- ``summary_file.round``: 0 = the month's summary, n = the supplementary summary (更正/补发汇总表)
  of the n-th re-payment; one per batch and round.
- ``bank_submission.deadline_at`` / ``asked_at``: 银行回执超时 and 再次询问银行.
- ``bank_card_change``: a worker's new wage card, made by him or confirmed by him.

Revision ID: 0007_corrections
Revises: 0006_merge_heads
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_corrections"
down_revision = "0006_merge_heads"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("summary_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_summary_file_batch_id", type_="unique")
        batch_op.create_index("ix_summary_file_batch_id", ["batch_id"], unique=False)
        batch_op.create_unique_constraint("uq_summary_file_batch_id_round", ["batch_id", "round"])
    with op.batch_alter_table("bank_submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("asked_at", sa.DateTime(), nullable=True))
    op.create_table(
        "bank_card_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("bank_card", sa.String(length=19), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("bank_cnaps", sa.String(length=12), nullable=False),
        sa.Column("old_card", sa.String(length=19), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "state in ('pending', 'confirmed', 'refused')", name=op.f("ck_bank_card_change_state")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_bank_card_change_person_id_person")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_bank_card_change_project_id_project")),
        sa.ForeignKeyConstraint(["proposed_by"], ["user.id"],
                                name=op.f("fk_bank_card_change_proposed_by_user")),
        sa.ForeignKeyConstraint(["decided_by"], ["user.id"],
                                name=op.f("fk_bank_card_change_decided_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_card_change")),
    )  # fmt: skip
    op.create_index("ix_bank_card_change_person_id", "bank_card_change", ["person_id"])


def downgrade():
    op.drop_index("ix_bank_card_change_person_id", table_name="bank_card_change")
    op.drop_table("bank_card_change")
    with op.batch_alter_table("bank_submission", schema=None) as batch_op:
        batch_op.drop_column("asked_at")
        batch_op.drop_column("deadline_at")
    with op.batch_alter_table("summary_file", schema=None) as batch_op:
        batch_op.drop_constraint("uq_summary_file_batch_id_round", type_="unique")
        batch_op.drop_index("ix_summary_file_batch_id")
        batch_op.create_unique_constraint("uq_summary_file_batch_id", ["batch_id"])
        batch_op.drop_column("round")
