"""board: what the rights notice board (维权信息告示牌) says beyond the project's own rows

Revision ID: 0010_board
Revises: 0009_pay_once
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_board"
down_revision = "0009_pay_once"
branch_labels = None
depends_on = None

TEXTS = (
    ("client_name", 200), ("office_address", 300), ("office_phone", 20),
    ("wage_officer_name", 50), ("wage_officer_phone", 20),
    ("regulator_name", 100), ("regulator_phone", 20),
    ("inspection_name", 100), ("inspection_phone", 20),
    ("arbitration_name", 100), ("arbitration_phone", 20),
    ("legal_aid_name", 100), ("legal_aid_phone", 20),
    ("extra_text", 500),
)  # fmt: skip


def upgrade():
    op.create_table(
        "notice_board",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.String(length=n), nullable=False) for name, n in TEXTS),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_notice_board_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_board")),
        sa.UniqueConstraint("project_id", name=op.f("uq_notice_board_project_id")),
    )  # fmt: skip


def downgrade():
    op.drop_table("notice_board")
