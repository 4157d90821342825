"""merge the engine (0005_engine_state_lz4) and payroll (0005_payroll_compile_index) branches

No schema change: one head again, so plain ``flask db upgrade`` and ``flask db revision`` work.

Revision ID: 0006_merge_heads
Revises: 0005_engine_state_lz4, 0005_payroll_compile_index
"""

revision = "0006_merge_heads"
down_revision = ("0005_engine_state_lz4", "0005_payroll_compile_index")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
