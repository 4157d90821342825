"""ledger: the records behind the wage ledger, attendance and the real-name register are
never deleted — the database refuses DELETE (and TRUNCATE on PostgreSQL) by trigger

The table list is frozen here as it was at this revision; ``domain.retention.KEPT_TABLES`` is
the living list, and a later revision adds the triggers of the tables it adds (or re-adds them
after an SQLite batch alter, which rebuilds a table without its triggers).

Revision ID: 0015_ledger
Revises: 0014_confirm
"""

from alembic import op

from domain.retention import refusal_statements, removal_statements

revision = "0015_ledger"
down_revision = "0014_confirm"
branch_labels = None
depends_on = None

TABLES = (
    "wage_batch", "wage_compilation", "wage_line", "summary_file", "bank_submission",
    "wage_line_payment", "bank_card_change", "attendance", "makeup_request", "person",
    "assignment", "labour_contract", "labour_contract_file", "entry_exit", "line_confirmation",
    "line_confirmation_paper",
)  # fmt: skip


def upgrade():
    for statement in refusal_statements(op.get_bind().dialect.name, TABLES):
        op.execute(statement)


def downgrade():
    for statement in removal_statements(op.get_bind().dialect.name, TABLES):
        op.execute(statement)
