"""Records that are never deleted (条例 Art. 15 and 28, 实名制管理办法 Art. 13): the wage ledger
and the payment records behind it, attendance, the real-name register (and, once merged, the
labour contracts). They are kept at least three years after the project ends; nothing in the
code deletes them, and the database refuses a DELETE (and on PostgreSQL a TRUNCATE) by trigger.

``KEPT_TABLES`` is the one list. A table added to it needs a migration that calls
``refusal_statements`` for it; ``tests/integration/test_retention.py`` fails until it has one.
"""

from __future__ import annotations

from domain.i18n import Text

RETENTION_YEARS = 3
RETENTION_NOTE = Text(
    "工资支付台账、考勤、劳动合同和支付记录永不删除，至少保存至项目完工后 3 年"
    "（《保障农民工工资支付条例》第十五条、第二十八条）。",
    "The wage ledger, attendance, labour contracts and payment records are never deleted and "
    "are kept at least 3 years after the project ends (Wage Payment Regulations Art. 15, 28).",
)

# group → tables whose rows are kept; add a group's tables here and in a migration.
KEPT_TABLES: dict[str, tuple[str, ...]] = {
    # 工资支付台账 and its sources: batches, unit tables, lines, signed summaries, bank files,
    # each payment attempt with the bank's answer, wage card changes
    "wages": ("wage_batch", "wage_compilation", "wage_line", "summary_file",
              "bank_submission", "wage_line_payment", "bank_card_change"),  # fmt: skip
    "attendance": ("attendance", "makeup_request"),  # 签到记录, 补签申请
    "real_name": ("person", "assignment"),  # 人员登记, 项目人员
    # 劳动合同 with their signed files, 进退场 history (domain/roster)
    "contracts": ("labour_contract", "labour_contract_file", "entry_exit"),
    # the worker's own confirmation of his wage line and his signed paper (条例 Art. 31)
    "confirmations": ("line_confirmation", "line_confirmation_paper"),
}
FUNCTION = "zhuxin_keep_rows"
MESSAGE = "rows of this table are never deleted (kept at least 3 years after the project ends)"


def kept_tables() -> tuple[str, ...]:
    return tuple(t for group in KEPT_TABLES.values() for t in group)


def trigger_name(table: str) -> str:
    return f"keep_{table}"


def refusal_statements(dialect: str, tables: tuple[str, ...] | list[str]) -> list[str]:
    """SQL that makes the database refuse DELETE (and TRUNCATE on PostgreSQL) on the tables."""
    if dialect == "postgresql":
        function = (
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '%: {MESSAGE}', TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        return [function] + [
            f'CREATE TRIGGER {trigger_name(t)} BEFORE DELETE OR TRUNCATE ON "{t}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            for t in tables
        ]
    return [
        f'CREATE TRIGGER {trigger_name(t)} BEFORE DELETE ON "{t}" '
        f"BEGIN SELECT RAISE(ABORT, '{t}: {MESSAGE}'); END"
        for t in tables
    ]


def removal_statements(dialect: str, tables: tuple[str, ...] | list[str]) -> list[str]:
    """The reverse of ``refusal_statements`` (a downgrade)."""
    if dialect == "postgresql":
        return [f'DROP TRIGGER IF EXISTS {trigger_name(t)} ON "{t}"' for t in tables]
    return [f"DROP TRIGGER IF EXISTS {trigger_name(t)}" for t in tables]
