"""trust: certificate fingerprints registered for an enterprise (登记企业证书)

Revision ID: 0008_trust
Revises: 0007_corrections
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_trust"
down_revision = "0007_corrections"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "enterprise_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"],
                                name=op.f("fk_enterprise_certificate_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["registered_by"], ["user.id"],
                                name=op.f("fk_enterprise_certificate_registered_by_user")),
        sa.ForeignKeyConstraint(["revoked_by"], ["user.id"],
                                name=op.f("fk_enterprise_certificate_revoked_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_certificate")),
    )  # fmt: skip
    op.create_index(op.f("ix_enterprise_certificate_enterprise_id"), "enterprise_certificate",
                    ["enterprise_id"], unique=False)  # fmt: skip


def downgrade():
    op.drop_index(op.f("ix_enterprise_certificate_enterprise_id"),
                  table_name="enterprise_certificate")  # fmt: skip
    op.drop_table("enterprise_certificate")
