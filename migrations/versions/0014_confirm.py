"""confirm: each worker confirms his own wage line before his unit's table is submitted
(工人确认, 条例 Art. 31) — on his phone, or his signed paper confirmation uploaded by the
operator; a dispute is an inbox task for the unit's operator (bpmn/wage_line_dispute.bpmn).

``line_confirmation`` (one row per line) and ``line_confirmation_paper`` (the uploads) replace
the line's ``confirm_status``/``confirm_comment``/``confirmed_at``: an existing confirmed or
disputed line keeps its state (digest NULL: confirmed before amounts were recorded, so it
still counts).  ``payroll_setting.confirmation_gate`` (off by default, gated the summary) becomes
``line_confirmation_required`` (on for every project, gates 提交审核).

Revision ID: 0014_confirm
Revises: 0013_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_confirm"
down_revision = "0013_accounts"
branch_labels = None
depends_on = None

STATES = "state in ('confirmed', 'disputed', 'resolved', 'paper')"
NOT_LEGACY = sa.text("NOT legacy_repeat")


def _foreign_keys(on: bool) -> None:
    """SQLite batch mode copies wage_line, which fails while other tables point at it with
    foreign keys on; the pragma only takes effect outside a transaction."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _user_fk(table: str, column: str):
    return sa.ForeignKeyConstraint([column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"))


def upgrade():
    _foreign_keys(False)
    op.create_table(
        "line_confirmation_paper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["line_id"], ["wage_line.id"],
                                name=op.f("fk_line_confirmation_paper_line_id_wage_line")),
        _user_fk("line_confirmation_paper", "uploaded_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_confirmation_paper")),
    )  # fmt: skip
    op.create_index(op.f("ix_line_confirmation_paper_line_id"), "line_confirmation_paper",
                    ["line_id"])  # fmt: skip
    op.create_table(
        "line_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("comment", sa.String(length=300), nullable=True),
        sa.Column("resolution", sa.String(length=300), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("paper_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("disputed_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(STATES, name=op.f("ck_line_confirmation_state")),
        sa.ForeignKeyConstraint(["line_id"], ["wage_line.id"],
                                name=op.f("fk_line_confirmation_line_id_wage_line")),
        sa.ForeignKeyConstraint(["paper_id"], ["line_confirmation_paper.id"],
                                name=op.f("fk_line_confirmation_paper_id_line_confirmation_paper")),
        _user_fk("line_confirmation", "confirmed_by"),
        _user_fk("line_confirmation", "resolved_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_confirmation")),
        sa.UniqueConstraint("line_id", name=op.f("uq_line_confirmation_line_id")),
    )  # fmt: skip
    op.execute(
        "INSERT INTO line_confirmation (line_id, state, comment, confirmed_at, disputed_at) "
        "SELECT id, confirm_status, confirm_comment, "
        "CASE WHEN confirm_status = 'confirmed' THEN confirmed_at END, "
        "CASE WHEN confirm_status = 'disputed' THEN confirmed_at END "
        "FROM wage_line WHERE confirm_status IN ('confirmed', 'disputed')"
    )
    with op.batch_alter_table("wage_line", schema=None) as batch_op:
        batch_op.drop_index("uq_wage_line_person_month")
        batch_op.drop_column("confirm_status")
        batch_op.drop_column("confirm_comment")
        batch_op.drop_column("confirmed_at")
    with op.batch_alter_table("wage_line", schema=None) as batch_op:
        batch_op.create_index("uq_wage_line_person_month", ["person_id", "project_id", "pay_month"],
                              unique=True, sqlite_where=NOT_LEGACY, postgresql_where=NOT_LEGACY)  # fmt: skip
    with op.batch_alter_table("payroll_setting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line_confirmation_required", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))  # fmt: skip
        batch_op.drop_column("confirmation_gate")
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table("payroll_setting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmation_gate", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))  # fmt: skip
        batch_op.drop_column("line_confirmation_required")
    with op.batch_alter_table("wage_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirm_status", sa.String(length=10), nullable=False,
                                      server_default="pending"))  # fmt: skip
        batch_op.add_column(sa.Column("confirm_comment", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE wage_line SET confirm_status = CASE (SELECT c.state FROM line_confirmation c "
        "WHERE c.line_id = wage_line.id) WHEN 'disputed' THEN 'disputed' WHEN 'confirmed' "
        "THEN 'confirmed' WHEN 'paper' THEN 'confirmed' ELSE 'pending' END, "
        "confirm_comment = (SELECT c.comment FROM line_confirmation c "
        "WHERE c.line_id = wage_line.id)"
    )
    op.drop_table("line_confirmation")
    op.drop_index(op.f("ix_line_confirmation_paper_line_id"), "line_confirmation_paper")
    op.drop_table("line_confirmation_paper")
    _foreign_keys(True)
