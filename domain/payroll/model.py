"""Tables of the wage payment (工资支付): batches, unit compilations, wage lines, summary file,
bank submissions and per-attempt payment status, trade day rates, project settings, reminders.

Money is ``Numeric(12, 2)`` read back as ``Decimal``; never float.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, utcnow
from domain.masking import Masked, mask_card
from domain.model import Project, Unit
from domain.personal_data import Encrypted, EncryptedBytes

Money = Numeric(12, 2, asdecimal=True)

BATCH_STATES = (
    "compiling",  # units compile and are reviewed (编制/审核中)
    "approved",  # every unit approved; the GC manager may generate the summary (待生成汇总表)
    "summarising",  # the summary PDF is being rendered (生成汇总文件中)
    "pm_signing",  # waiting for the project manager's signature (待项目经理签署)
    "enterprise_signing",  # waiting for the enterprise's signature (待总包单位签署)
    "pushing",  # the payment file is being sent (推送银行中)
    "awaiting_bank",  # sent, waiting for the bank's status (等待银行回执)
    "correcting",  # some lines were rejected; card data being corrected (待更正)
    "paid",  # every payable line paid (已完成)
)
COMPILATION_STATES = ("draft", "submitted", "sub_approved", "approved", "rejected")
# A worker's confirmation of his line (工人确认, 条例 Art. 31); no row = 待确认 (pending).
CONFIRM_STATES = (
    "confirmed",  # he confirmed it on his phone (确认无误)
    "disputed",  # he disputed it (有异议): an inbox task for the unit's operator is open
    "resolved",  # the operator answered the dispute: he is asked to confirm again (已处理)
    "paper",  # the operator uploaded his signed paper confirmation (纸质确认)
)
BANK_STATES = ("none", "sent", "paid", "rejected", "returned")
BATCH_KINDS = (
    "regular",  # the month's one regular batch (正常发放): every worker with sign-ins
    "back_pay",  # back pay (补发) of an earlier month: only workers with no line in it yet
)
# Amount checks (工资合理性) when a project has no setting of its own.
DEFAULT_PAY_FACTOR = Decimal("1.50")  # gross above days × day rate × this needs a reason
DEFAULT_LINE_CEILING = Decimal("100000.00")  # gross above this needs a reason


class PayrollSetting(Base):
    """Per-project wage settings (工资设置) beyond the settlement day on the project."""

    __tablename__ = "payroll_setting"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    # Each worker confirms his line before the unit's table is submitted (条例 Art. 31); only
    # the GC manager may turn it off (audited).
    line_confirmation_required: Mapped[bool] = mapped_column(Boolean, default=True)
    # Days after the settlement day before an unsubmitted compile triggers a reminder.
    remind_after_days: Mapped[int] = mapped_column(Integer, default=3)
    # Gross above days × day rate × this factor, or above the ceiling, needs a reason.
    pay_factor: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=DEFAULT_PAY_FACTOR)
    line_ceiling: Mapped[Decimal] = mapped_column(Money, default=DEFAULT_LINE_CEILING)
    # How payment files reach the wage account's bank: "iso20022" (online, pain.001/pain.002)
    # or the id of a batch-file layout (connectors/bank_layouts/<id>.toml) uploaded by hand.
    bank_adapter: Mapped[str] = mapped_column(String(30), default="iso20022",
                                              server_default="iso20022")  # fmt: skip


class TradeRate(Base):
    """Default day rate of a trade (工种日工资); project None = platform default."""

    __tablename__ = "trade_rate"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    trade: Mapped[str] = mapped_column(String(30))
    day_rate: Mapped[Decimal] = mapped_column(Money)
    __table_args__ = (UniqueConstraint("project_id", "trade"),)


class WageBatch(Base):
    """Bank exchange batch number (银行交换批次号) for one pay month, with its process."""

    __tablename__ = "wage_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_no: Mapped[str] = mapped_column(String(35), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    pay_month: Mapped[str] = mapped_column(String(7))  # "2025-11"
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="regular")  # BATCH_KINDS
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="compiling")
    instance_id: Mapped[int | None] = mapped_column(Integer)
    # Progress of the long step now running (PDF, signing, push), shown on the batch page.
    step: Mapped[str | None] = mapped_column(String(40))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    repay_round: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (
        UniqueConstraint("project_id", "pay_month", "sequence"),
        CheckConstraint("state in (" + ", ".join(f"'{s}'" for s in BATCH_STATES) + ")", "state"),
        CheckConstraint("kind in ('regular', 'back_pay')", "kind"),
        # One pay period is paid once: one regular batch per project and pay month.
        Index("uq_wage_batch_regular_month", "project_id", "pay_month", unique=True,
              sqlite_where=text("kind = 'regular'"), postgresql_where=text("kind = 'regular'")),
    )  # fmt: skip

    project: Mapped[Project] = relationship()
    compilations: Mapped[list["Compilation"]] = relationship(
        back_populates="batch", order_by="Compilation.unit_id"
    )


class Compilation(Base):
    """One unit's wage table in a batch (工资支付表编制记录)."""

    __tablename__ = "wage_compilation"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("wage_batch.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    state: Mapped[str] = mapped_column(String(15), default="draft")
    reject_reason: Mapped[str | None] = mapped_column(String(300))
    rejected_by: Mapped[str | None] = mapped_column(String(15))  # "sub" | "gc"
    compiled_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        UniqueConstraint("batch_id", "unit_id"),
        CheckConstraint(
            "state in (" + ", ".join(f"'{s}'" for s in COMPILATION_STATES) + ")", "state"
        ),
    )

    batch: Mapped[WageBatch] = relationship(back_populates="compilations")
    unit: Mapped[Unit] = relationship()
    lines: Mapped[list["WageLineRow"]] = relationship(
        back_populates="compilation", order_by="WageLineRow.id"
    )


class WageLineRow(Base, Masked):
    """One worker's line (工资明细) with a snapshot of his bank data (his confirmation:
    ``LineConfirmation``)."""

    __tablename__ = "wage_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    compilation_id: Mapped[int] = mapped_column(ForeignKey("wage_compilation.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("wage_batch.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # The batch's project and pay month, copied so the database holds "paid once" itself.
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    pay_month: Mapped[str] = mapped_column(String(7))
    # True only for lines paid again before 0009_pay_once (kept as history, outside the rule).
    legacy_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    worker_name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(Encrypted)
    trade: Mapped[str] = mapped_column(String(30), default="")
    days: Mapped[int] = mapped_column(Integer, default=0)
    makeup_days: Mapped[int] = mapped_column(Integer, default=0)
    day_rate: Mapped[Decimal | None] = mapped_column(Money)
    gross: Mapped[Decimal | None] = mapped_column(Money)
    deductions: Mapped[Decimal | None] = mapped_column(Money)
    deduction_reason: Mapped[str] = mapped_column(String(200), default="")
    # The operator's explanation (金额说明) of an amount the checks flag; reviewers see it.
    amount_reason: Mapped[str] = mapped_column(String(200), default="")
    net: Mapped[Decimal | None] = mapped_column(Money)
    bank_card: Mapped[str] = mapped_column(Encrypted, default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    bank_cnaps: Mapped[str] = mapped_column(String(12), default="")
    bank_status: Mapped[str] = mapped_column(String(10), default="none")
    bank_reason: Mapped[str | None] = mapped_column(String(200))
    bank_attempt: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        UniqueConstraint("compilation_id", "person_id"),
        # A worker's pay for a pay month is paid at most once, across all batches.
        Index("uq_wage_line_person_month", "person_id", "project_id", "pay_month", unique=True,
              sqlite_where=text("NOT legacy_repeat"), postgresql_where=text("NOT legacy_repeat")),
    )  # fmt: skip

    compilation: Mapped[Compilation] = relationship(back_populates="lines")


class LineConfirmation(Base):
    """The worker's confirmation of his line (工人确认, 条例 Art. 31): on his phone, or his signed
    paper confirmation uploaded by the operator.  ``digest`` is the line's amounts as confirmed:
    when they change, the line needs confirming again.  A dispute runs ``wage_line_dispute``
    (``instance_id``) until the operator answers (``resolution``)."""

    __tablename__ = "line_confirmation"
    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("wage_line.id"), unique=True)
    state: Mapped[str] = mapped_column(String(10))  # CONFIRM_STATES
    digest: Mapped[str | None] = mapped_column(String(64))  # of the amounts confirmed
    comment: Mapped[str | None] = mapped_column(String(300))  # the worker's, when disputed
    resolution: Mapped[str | None] = mapped_column(String(300))  # the operator's answer
    instance_id: Mapped[int | None] = mapped_column(Integer)  # the dispute's process
    paper_id: Mapped[int | None] = mapped_column(ForeignKey("line_confirmation_paper.id"))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    disputed_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint("state in (" + ", ".join(f"'{s}'" for s in CONFIRM_STATES) + ")", "state"),
    )  # fmt: skip

    line: Mapped[WageLineRow] = relationship()


class LineConfirmationPaper(Base):
    """A worker's signed paper confirmation of his line (PDF, JPEG or PNG), kept as uploaded."""

    __tablename__ = "line_confirmation_paper"
    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("wage_line.id"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LinePayment(Base):
    """One attempt to pay one line (EndToEndId = WL<line>-<attempt>) and the bank's answer."""

    __tablename__ = "wage_line_payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("wage_line.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("bank_submission.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    bank_card: Mapped[str] = mapped_column(Encrypted)
    status: Mapped[str] = mapped_column(String(10), default="sent")  # sent|paid|rejected|returned
    reason_code: Mapped[str | None] = mapped_column(String(10))
    reason_text: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("line_id", "attempt"),)

    @property
    def masked_card(self) -> str:
        return mask_card(self.bank_card)


class SummaryFile(Base):
    """The summary table file (工资汇总文件) and its two signatures.  Round 0 is the month's
    summary; round n (n ≥ 1) the supplementary summary (更正/补发汇总表) of the n-th
    re-payment, listing only the lines paid again with their new data — signed again by the PM
    and the enterprise before that file goes to the bank."""

    __tablename__ = "summary_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("wage_batch.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=0)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    lines_sha256: Mapped[str] = mapped_column(String(64))  # canonical bank data of the lines
    line_count: Mapped[int] = mapped_column(Integer)
    total_net: Mapped[Decimal] = mapped_column(Money)
    state: Mapped[str] = mapped_column(String(20), default="rendered")
    pm_signed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    pm_signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    enterprise_signed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    enterprise_signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (
        CheckConstraint("state in ('rendered', 'pm_signed', 'enterprise_signed')", name="state"),
        UniqueConstraint("batch_id", "round"),
    )

    @property
    def is_supplementary(self) -> bool:
        return self.round > 0


class BankSubmission(Base):
    """One payment file (MsgId). Recorded BEFORE sending: a resend after a crash reuses it."""

    __tablename__ = "bank_submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("wage_batch.id"), index=True)
    msg_id: Mapped[str] = mapped_column(String(35), unique=True)
    round: Mapped[int] = mapped_column(Integer)  # 0 = first file, n = n-th re-payment file
    # Every card number: encrypted at rest. Deferred: read (25 MB at 50,000 lines, decrypted)
    # only by the send, not by every job and page that looks at the submission.
    xml: Mapped[bytes] = mapped_column(EncryptedBytes, deferred=True)
    records_sha256: Mapped[str] = mapped_column(String(64))
    line_count: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Money)
    state: Mapped[str] = mapped_column(String(15), default="prepared")
    send_count: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(20))
    group_status: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Past this moment without a final answer per line, the GC manager is asked to act
    # (银行回执超时); ``asked_at``: when he last asked the bank again (per-payment inquiry).
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime)
    asked_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("batch_id", "round"),)


class BankFile(Base):
    """A batch file of a payment file in the bank's layout ("out", written once per MsgId), or
    a result file (回盘文件) uploaded back from the bank ("in", numbered 1, 2, … per file)."""

    __tablename__ = "bank_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("bank_submission.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    number: Mapped[int] = mapped_column(Integer, default=1)
    layout: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(EncryptedBytes)  # every card number: encrypted at rest
    sha256: Mapped[str] = mapped_column(String(64))
    lines: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    __table_args__ = (
        UniqueConstraint("submission_id", "direction", "number"),
        CheckConstraint("direction IN ('out', 'in')", name="direction"),
    )


Balance = Numeric(18, 2, asdecimal=True)  # an account's balance, beyond one line's Money


class BankStatement(Base):
    """One statement of the project's wage account (camt.053), fetched from the bank or
    uploaded, kept as received."""

    __tablename__ = "bank_statement"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    statement_id: Mapped[str] = mapped_column(String(35))
    sequence: Mapped[int] = mapped_column(Integer)
    day_from: Mapped[date] = mapped_column(Date)
    day_to: Mapped[date] = mapped_column(Date)
    opening: Mapped[Decimal] = mapped_column(Balance)
    closing: Mapped[Decimal] = mapped_column(Balance)
    source: Mapped[str] = mapped_column(String(10))  # bank | upload
    content: Mapped[bytes] = mapped_column(EncryptedBytes)  # payees and accounts: encrypted
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    __table_args__ = (UniqueConstraint("project_id", "statement_id"),
                      CheckConstraint("source IN ('bank', 'upload')", name="source"))  # fmt: skip


class StatementEntry(Base):
    """One movement on a statement and what reconciliation made of it: ``matched`` to a wage
    payment (or its return), ``funding`` (money received: the client's labour cost) or
    ``unmatched`` (a debit or credit nobody here explains)."""

    __tablename__ = "bank_statement_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    ref: Mapped[str] = mapped_column(String(60))
    credit: Mapped[bool] = mapped_column(Boolean)
    amount: Mapped[Decimal] = mapped_column(Balance)
    booked: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    msg_id: Mapped[str] = mapped_column(String(35), default="")
    end_to_end_id: Mapped[str] = mapped_column(String(35), default="")
    counterparty: Mapped[str] = mapped_column(String(140), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("wage_line_payment.id"))
    state: Mapped[str] = mapped_column(String(10))
    __table_args__ = (UniqueConstraint("statement_id", "ref"),
                      CheckConstraint("state IN ('matched', 'funding', 'unmatched')", name="state"))  # fmt: skip


class SigningCredential(Base):
    """A PM's personal signing certificate; the key only encrypted with his signing password."""

    __tablename__ = "signing_credential"
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    cert_pem: Mapped[str] = mapped_column(Text)
    encrypted_key_pem: Mapped[str] = mapped_column(Text)
    chain_pem: Mapped[str] = mapped_column(Text)  # PEM blocks, issuer first
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PayrollReminder(Base):
    """A reminder shown to the people concerned (compile overdue).  The settlement-day reminder
    to create the batch number is an inbox task instead (``bpmn/settlement_reminder.bpmn``)."""

    __tablename__ = "payroll_reminder"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("wage_batch.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "compile_overdue"
    key: Mapped[str] = mapped_column(String(80), unique=True)  # makes creating it idempotent
    message: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    dismissed_at: Mapped[datetime | None] = mapped_column(DateTime)


CARD_CHANGE_STATES = ("pending", "confirmed", "refused")


class BankCardChange(Base, Masked):
    """A change of a worker's wage card (工资卡变更).  The worker makes it himself on his phone
    (confirmed at once), or an operator proposes it and it takes effect only when the worker
    confirms it: no single user can change where someone else's wages go."""

    __tablename__ = "bank_card_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    bank_card: Mapped[str] = mapped_column(Encrypted)
    bank_name: Mapped[str] = mapped_column(String(100))
    bank_cnaps: Mapped[str] = mapped_column(String(12))
    old_card: Mapped[str] = mapped_column(Encrypted, default="")
    state: Mapped[str] = mapped_column(String(10), default="pending")
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint(
            "state in (" + ", ".join(f"'{s}'" for s in CARD_CHANGE_STATES) + ")", "state"
        ),
    )


class EnterpriseCertificate(Base):
    """A certificate fingerprint an administrator registered for an enterprise (登记企业证书):
    it binds a certificate that does not carry the enterprise's credit code.  A revoked row
    binds nothing; rows are kept for the audit trail."""

    __tablename__ = "enterprise_certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))  # of the DER certificate, hex lower case
    label: Mapped[str] = mapped_column(String(200), default="")
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
