"""accounts: workers' activation codes (首次登录/激活) and workers' photos

Revision ID: 0013_accounts
Revises: 0012_roster
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_accounts"
down_revision = "0012_roster"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activation_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_activation_code_user_id_user")),
        sa.ForeignKeyConstraint(["issued_by"], ["user.id"], name=op.f("fk_activation_code_issued_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activation_code")),
    )
    op.create_index(op.f("ix_activation_code_user_id"), "activation_code", ["user_id"])
    op.create_table(
        "person_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_person_photo_person_id_person")),
        sa.ForeignKeyConstraint(["set_by"], ["user.id"], name=op.f("fk_person_photo_set_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_photo")),
        sa.UniqueConstraint("person_id", name=op.f("uq_person_photo_person_id")),
    )


def downgrade():
    op.drop_table("person_photo")
    op.drop_index(op.f("ix_activation_code_user_id"), table_name="activation_code")
    op.drop_table("activation_code")
