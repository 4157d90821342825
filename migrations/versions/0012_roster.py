"""roster: labour contracts (聘用登记), teams (班组) and dispatch (派工), entry and exit (进退场)

New tables ``labour_contract`` (+ ``labour_contract_file``, the signed document), ``team`` and
``entry_exit``; the assignment gets its team and its current stint on site (``entered_on``,
``exited_on``).

Existing accepted workers were on site already: each gets an entry on the day of his first
sign-in on the project (else the day he was accepted), recorded by nobody (NULL). Nobody gets a
labour contract: there is no signed document to record, so until his unit records one a
worker is refused at sign-in and his days do not count in the compile (the roster flags him).

Revision ID: 0012_roster
Revises: 0011_gates
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0012_roster"
down_revision = "0011_gates"
branch_labels = None
depends_on = None


def _foreign_keys(on: bool) -> None:
    """Dropping columns copies ``assignment`` in SQLite batch mode, which fails while other
    tables point at it with foreign keys on; the pragma only works outside a transaction."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("leader_person_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_team_project_id_project")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_team_unit_id_unit")),
        sa.ForeignKeyConstraint(["leader_person_id"], ["person.id"],
                                name=op.f("fk_team_leader_person_id_person")),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_team_created_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_team_unit_id_name")),
    )  # fmt: skip
    op.create_index(op.f("ix_team_unit_id"), "team", ["unit_id"], unique=False)
    op.create_table(
        "labour_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("task", sa.String(length=200), nullable=True),
        sa.Column("effective_until", sa.Date(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_type", sa.String(length=30), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind in ('fixed_term', 'per_task')",
                           name=op.f("ck_labour_contract_kind")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_labour_contract_term")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_labour_contract_person_id_person")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"],
                                name=op.f("fk_labour_contract_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_labour_contract_project_id_project")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"],
                                name=op.f("fk_labour_contract_unit_id_unit")),
        sa.ForeignKeyConstraint(["superseded_by_id"], ["labour_contract.id"],
                                name=op.f("fk_labour_contract_superseded_by_id_labour_contract")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"],
                                name=op.f("fk_labour_contract_recorded_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labour_contract")),
    )  # fmt: skip
    op.create_index("ix_labour_contract_person_enterprise", "labour_contract",
                    ["person_id", "enterprise_id"], unique=False)  # fmt: skip
    op.create_table(
        "labour_contract_file",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["labour_contract.id"],
                                name=op.f("fk_labour_contract_file_contract_id_labour_contract")),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_labour_contract_file")),
    )  # fmt: skip
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("entered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("exited_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_assignment_team_id"), ["team_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_assignment_team_id_team"), "team",
                                    ["team_id"], ["id"])  # fmt: skip
    op.create_table(
        "entry_exit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind in ('entry', 'exit')", name=op.f("ck_entry_exit_kind")),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"],
                                name=op.f("fk_entry_exit_assignment_id_assignment")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_entry_exit_project_id_project")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_entry_exit_person_id_person")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"],
                                name=op.f("fk_entry_exit_recorded_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_exit")),
    )  # fmt: skip
    op.create_index(op.f("ix_entry_exit_assignment_id"), "entry_exit", ["assignment_id"],
                    unique=False)  # fmt: skip
    op.create_index("ix_entry_exit_project_person", "entry_exit", ["project_id", "person_id"],
                    unique=False)  # fmt: skip
    _enter_accepted_workers()


def _day(value) -> date | None:
    """A date or timestamp as either database returns it (SQLite: text)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _enter_accepted_workers() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT a.id, a.project_id, a.person_id, a.decided_at, a.assigned_at,"
        " (SELECT MIN(t.day) FROM attendance t"
        "   WHERE t.person_id = a.person_id AND t.project_id = a.project_id) AS first_day"
        " FROM assignment a WHERE a.state = 'accepted' ORDER BY a.id"
    )).all()  # fmt: skip
    if not rows:
        return
    assignment = sa.table("assignment", sa.column("id", sa.Integer),
                          sa.column("entered_on", sa.Date))  # fmt: skip
    entry_exit = sa.table(
        "entry_exit", sa.column("assignment_id", sa.Integer), sa.column("project_id", sa.Integer),
        sa.column("person_id", sa.Integer), sa.column("kind", sa.String),
        sa.column("day", sa.Date), sa.column("recorded_by", sa.Integer),
        sa.column("recorded_at", sa.DateTime),
    )  # fmt: skip
    now = datetime.now(UTC).replace(tzinfo=None)
    events = []
    for r in rows:
        day = _day(r.first_day) or _day(r.decided_at) or _day(r.assigned_at) or now.date()
        conn.execute(assignment.update().where(assignment.c.id == r.id).values(entered_on=day))
        events.append(dict(assignment_id=r.id, project_id=r.project_id, person_id=r.person_id,
                           kind="entry", day=day, recorded_by=None, recorded_at=now))  # fmt: skip
    conn.execute(entry_exit.insert(), events)


def downgrade():
    op.drop_index("ix_entry_exit_project_person", table_name="entry_exit")
    op.drop_index(op.f("ix_entry_exit_assignment_id"), table_name="entry_exit")
    op.drop_table("entry_exit")
    _foreign_keys(False)
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_assignment_team_id_team"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_assignment_team_id"))
        batch_op.drop_column("exited_on")
        batch_op.drop_column("entered_on")
        batch_op.drop_column("team_id")
    _foreign_keys(True)
    op.drop_table("labour_contract_file")
    op.drop_index("ix_labour_contract_person_enterprise", table_name="labour_contract")
    op.drop_table("labour_contract")
    op.drop_index(op.f("ix_team_unit_id"), table_name="team")
    op.drop_table("team")
