"""signin: attendance (one per worker, project, Shanghai day) and make-up requests

Revision ID: 0003_signin
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_signin"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "makeup_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.String(length=300), nullable=True),
        sa.Column("process_instance_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state in ('pending', 'approved', 'rejected')", name=op.f("ck_makeup_request_state")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_makeup_request_project_id_project")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_makeup_request_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["user.id"], name=op.f("fk_makeup_request_requested_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user.id"], name=op.f("fk_makeup_request_decided_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_makeup_request")),
    )
    op.create_index(
        op.f("ix_makeup_request_project_id"), "makeup_request", ["project_id"], unique=False
    )
    op.create_index(
        op.f("ix_makeup_request_person_id"), "makeup_request", ["person_id"], unique=False
    )
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("officer_person_id", sa.Integer(), nullable=True),
        sa.Column("worker_lat", sa.Float(), nullable=True),
        sa.Column("worker_lng", sa.Float(), nullable=True),
        sa.Column("officer_lat", sa.Float(), nullable=True),
        sa.Column("officer_lng", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("device", sa.String(length=200), nullable=True),
        sa.Column("makeup", sa.Boolean(), nullable=False),
        sa.Column("makeup_request_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "method in ('worker_scan', 'officer_scan', 'makeup')", name=op.f("ck_attendance_method")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_attendance_project_id_project")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_attendance_unit_id_unit")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_attendance_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["officer_person_id"],
            ["person.id"],
            name=op.f("fk_attendance_officer_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["makeup_request_id"],
            ["makeup_request.id"],
            name=op.f("fk_attendance_makeup_request_id_makeup_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint(
            "person_id", "project_id", "day", name=op.f("uq_attendance_person_id_project_id_day")
        ),
    )
    op.create_index(op.f("ix_attendance_person_id"), "attendance", ["person_id"], unique=False)
    op.create_index("ix_attendance_project_day", "attendance", ["project_id", "day"], unique=False)


def downgrade():
    op.drop_index("ix_attendance_project_day", table_name="attendance")
    op.drop_index(op.f("ix_attendance_person_id"), table_name="attendance")
    op.drop_table("attendance")
    op.drop_index(op.f("ix_makeup_request_person_id"), table_name="makeup_request")
    op.drop_index(op.f("ix_makeup_request_project_id"), table_name="makeup_request")
    op.drop_table("makeup_request")
