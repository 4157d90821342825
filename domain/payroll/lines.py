"""Wage lines (工资明细) of a compile table, their checks, and the canonical digest of what the bank
is asked to pay (printed on the signed PDF and compared with the pain.001 before sending)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from domain.checks import bank_card_digits, is_bank_card, is_cnaps
from domain.i18n import Text
from domain.masking import Masked, mask_card
from domain.payroll.minimum_wage import SHANGHAI, MinimumWageTable
from domain.payroll.money import format_yuan, is_money, plain
from domain.payroll.period import PayPeriod

ERROR, WARNING = "error", "warning"
AMOUNT_FIELDS = ("day_rate", "gross", "deductions", "net")
# The fields that go to the bank; their canonical JSON is what the signatures cover.
BANK_FIELDS = ("line_id", "worker_name", "bank_card", "bank_name", "cnaps", "net")
# The longest text each editable text field may hold (its column's length).
TEXT_LIMITS = {"deduction_reason": 200, "amount_reason": 200, "bank_card": 19, "bank_name": 100,
               "cnaps": 12}  # fmt: skip
# Findings an operator's amount reason (金额说明) turns from a blocking error into a warning.
EXPLAINABLE = ("GROSS_ABOVE_ATTENDANCE", "GROSS_ABOVE_CEILING", "PAID_WITHOUT_ATTENDANCE")

# The checks the wage table's page also runs as the compiler types (web/static/wage_table.js),
# with these very messages: code → text (its {placeholders} filled in there as here).
LIVE_CHECKS: dict[str, Text] = {
    "AMOUNT_MISSING": Text("金额未填写", "Amount is missing"),
    "AMOUNT_INVALID": Text(
        "金额须不小于 0 且最多两位小数：{value}",
        "Amount must be ≥ 0 with at most two decimals: {value}",
    ),
    "NET_ABOVE_GROSS": Text(
        "实发工资 {net} 大于应发工资 {gross}", "Net pay {net} is more than gross pay {gross}"
    ),
    "NET_MISMATCH": Text(
        "实发工资应等于应发工资减扣款（{want}）",
        "Net pay must equal gross pay minus deductions ({want})",
    ),
    "DEDUCTION_REASON_REQUIRED": Text(
        "有扣款时须填写扣款原因", "A reason is required when there are deductions"
    ),
    "ATTENDANCE_WITHOUT_PAY": Text(
        "出勤 {days} 天但实发工资为 0", "Attended {days} days but is paid nothing"
    ),
}


@dataclass(frozen=True)
class AmountLimits:
    """工资合理性: gross above days × day rate × ``pay_factor``, or above ``line_ceiling``, or pay
    without attendance, blocks the table unless the line carries a reason (then it is a
    warning every reviewer sees, with the reason)."""

    pay_factor: Decimal = Decimal("1.50")
    line_ceiling: Decimal = Decimal("100000.00")


@dataclass
class WageLine(Masked):
    """One worker's line in a unit's monthly wage table. Amounts are Decimal yuan or None."""

    line_id: int | str
    worker_name: str
    id_number: str
    trade: str = ""
    unit: str = ""
    days: int = 0
    makeup_days: int = 0
    day_rate: Decimal | None = None
    gross: Decimal | None = None
    deductions: Decimal | None = Decimal("0.00")
    deduction_reason: str = ""
    net: Decimal | None = None
    bank_card: str = ""
    bank_name: str = ""
    cnaps: str = ""
    amount_reason: str = ""

    @property
    def days_worked(self) -> int:
        return (self.days or 0) + (self.makeup_days or 0)


@dataclass(frozen=True)
class Finding:
    """A check's result on one cell of the table: `row` is 1-based in table order."""

    row: int
    line_id: int | str
    field: str
    code: str
    severity: str
    text: Text
    params: dict = dataclass_field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        return self.text.format(lang, **self.params)


def validate_lines(
    lines: list[WageLine],
    period: PayPeriod,
    min_wage_table: MinimumWageTable = SHANGHAI,
    limits: AmountLimits = AmountLimits(),  # noqa: B008 (frozen, shared safely)
) -> list[Finding]:
    """Every finding on every line, in table order. Errors block submission; warnings are shown."""
    findings: list[Finding] = []
    for row, line in enumerate(lines, start=1):
        findings.extend(_line_findings(row, line, period, min_wage_table, limits))
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def _line_findings(row, line, period, table, limits):
    out = []
    explained = bool((line.amount_reason or "").strip())

    def add(name, code, severity, text: Text, **params):
        if code in EXPLAINABLE and explained:
            severity, text = WARNING, _with_reason(text)
            params = {**params, "reason": line.amount_reason.strip()}
        elif code in EXPLAINABLE:
            severity, text = ERROR, _needs_reason(text)
        out.append(Finding(row, line.line_id, name, code, severity, text, params))

    amounts_ok = _check_amounts(line, add)
    _check_days(line, period, add)
    if amounts_ok:
        _check_arithmetic(line, add)
        _check_plausible(line, limits, add)
        _check_attendance_and_minimum(line, period, table, add)
    _check_bank(line, add)
    return out


def _needs_reason(text: Text) -> Text:
    return Text(text.zh + "，须在【金额说明】中说明原因", text.en + ": give the reason")


def _with_reason(text: Text) -> Text:
    return Text(text.zh + "（金额说明：{reason}）", text.en + " (reason: {reason})")


def _check_plausible(line, limits: AmountLimits, add):
    """Gross above what the attendance explains, or above the per-line ceiling."""
    if line.day_rate is not None and line.days_worked > 0:
        expected = line.day_rate * line.days_worked
        if line.gross > expected * limits.pay_factor:
            add(
                "gross",
                "GROSS_ABOVE_ATTENDANCE",
                ERROR,
                Text(
                    "应发工资 {gross} 超过出勤 {days} 天 × 日工资 {rate} 的 {factor} 倍",
                    "Gross pay {gross} is more than {factor} × {days} days × day rate {rate}",
                ),
                gross=format_yuan(line.gross),
                days=line.days_worked,
                rate=format_yuan(line.day_rate),
                factor=plain(limits.pay_factor).rstrip("0").rstrip("."),
            )
    if line.gross > limits.line_ceiling:
        add(
            "gross",
            "GROSS_ABOVE_CEILING",
            ERROR,
            Text(
                "应发工资 {gross} 超过单人上限 {ceiling}",
                "Gross pay {gross} is above the per-line ceiling {ceiling}",
            ),
            gross=format_yuan(line.gross),
            ceiling=format_yuan(limits.line_ceiling),
        )


def _check_amounts(line, add) -> bool:
    ok = True
    for name in AMOUNT_FIELDS:
        value = getattr(line, name)
        if value is None:
            if name != "day_rate":
                add(name, "AMOUNT_MISSING", ERROR, LIVE_CHECKS["AMOUNT_MISSING"])
                ok = False
        elif not is_money(value):
            add(
                name,
                "AMOUNT_INVALID",
                ERROR,
                LIVE_CHECKS["AMOUNT_INVALID"],
                value=str(value),
            )
            ok = False
    return ok


def _check_days(line, period, add):
    for name in ("days", "makeup_days"):
        value = getattr(line, name)
        if not isinstance(value, int) or value < 0:
            add(
                name,
                "DAYS_INVALID",
                ERROR,
                Text("天数须为不小于 0 的整数", "Days must be a whole number ≥ 0"),
            )
            return
    if line.days_worked > period.days:
        add(
            "days",
            "DAYS_EXCEED_PERIOD",
            ERROR,
            Text(
                "出勤 {days} 天超过结算周期的 {period} 天",
                "{days} days worked is more than the {period} days of the pay period",
            ),
            days=line.days_worked,
            period=period.days,
        )


def _check_arithmetic(line, add):
    if line.net > line.gross:
        add(
            "net",
            "NET_ABOVE_GROSS",
            ERROR,
            LIVE_CHECKS["NET_ABOVE_GROSS"],
            net=plain(line.net),
            gross=plain(line.gross),
        )
    elif line.net != line.gross - line.deductions:
        add(
            "net",
            "NET_MISMATCH",
            ERROR,
            LIVE_CHECKS["NET_MISMATCH"],
            want=plain(line.gross - line.deductions),
        )
    if line.deductions > 0 and not (line.deduction_reason or "").strip():
        add(
            "deduction_reason",
            "DEDUCTION_REASON_REQUIRED",
            ERROR,
            LIVE_CHECKS["DEDUCTION_REASON_REQUIRED"],
        )


def _check_attendance_and_minimum(line, period, table, add):
    if line.days_worked == 0 and line.gross > 0:
        add(
            "days",
            "PAID_WITHOUT_ATTENDANCE",
            ERROR,
            Text("本周期无出勤记录却有工资", "Paid without any attendance in the period"),
        )
    if line.days_worked > 0 and line.net == 0:
        add(
            "net",
            "ATTENDANCE_WITHOUT_PAY",
            WARNING,
            LIVE_CHECKS["ATTENDANCE_WITHOUT_PAY"],
            days=line.days_worked,
        )
    if line.days_worked == 0 or line.net == 0:
        return
    minimum = table.minimum_for_days(line.days_worked, period.end)
    if minimum is not None and line.net < minimum:
        add(
            "net",
            "BELOW_MINIMUM_WAGE",
            WARNING,
            Text(
                "实发工资 {net} 低于上海最低工资标准折算的 {minimum}（{days} 天）",
                "Net pay {net} is below the Shanghai minimum wage {minimum} for {days} days",
            ),
            net=format_yuan(line.net),
            minimum=format_yuan(minimum),
            days=line.days_worked,
        )


def _check_bank(line, add):
    card = bank_card_digits(line.bank_card)
    if not card:
        add(
            "bank_card",
            "CARD_MISSING",
            ERROR,
            Text("工资卡号未填写", "Bank card number is missing"),
        )
    elif not is_bank_card(card):
        add(
            "bank_card",
            "CARD_INVALID",
            ERROR,
            Text("工资卡号 {card} 校验位不正确", "Bank card number {card} fails its check digit"),
            card=mask_card(card),
        )
    if not (line.bank_name or "").strip():
        add("bank_name", "BANK_NAME_MISSING", ERROR, Text("开户银行未填写", "Bank name is missing"))
    if not is_cnaps(line.cnaps):
        add(
            "cnaps",
            "CNAPS_INVALID",
            ERROR,
            Text("联行号须为 12 位数字", "CNAPS bank code must be 12 digits"),
        )


def bank_record(line: WageLine) -> dict:
    """The canonical form of what the bank is asked to pay for one line (all text)."""
    if line.net is None:
        raise ValueError(f"wage line {line.line_id} has no net amount: nothing to pay")
    return {
        "line_id": str(line.line_id),
        "worker_name": line.worker_name.strip(),
        "bank_card": bank_card_digits(line.bank_card),
        "bank_name": (line.bank_name or "").strip(),
        "cnaps": (line.cnaps or "").strip(),
        "net": plain(line.net),
    }


def canonical_records_digest(records: list[dict]) -> str:
    """sha256 of the stable JSON of bank records (keys sorted, sorted by line id, UTF-8): the
    JSON array hashed record by record, the same bytes as the whole array dumped at once
    without holding them (50,000 records are about 10 MB of text)."""
    digest = hashlib.sha256(b"[")
    for n, record in enumerate(sorted(records, key=lambda r: _id_key(r["line_id"]))):
        if n:
            digest.update(b",")
        digest.update(json.dumps(record, ensure_ascii=False, sort_keys=True,
                                 separators=(",", ":")).encode("utf-8"))  # fmt: skip
    digest.update(b"]")
    return digest.hexdigest()


def canonical_lines_digest(lines: list[WageLine]) -> str:
    """sha256 of the canonical data of the lines that go to the bank (on the PDF, checked at push).

    Only payable lines (net > 0) go to the bank, so only they are in the digest.
    """
    return canonical_records_digest([bank_record(line) for line in lines if _payable(line)])


def _payable(line: WageLine) -> bool:
    return isinstance(line.net, Decimal) and line.net > 0


def _id_key(line_id: str):
    return (0, int(line_id), "") if line_id.isdigit() else (1, 0, line_id)


DIGEST_KEYWORD = "zhuxin-lines-sha256:"  # the PDF's /Keywords carries the lines digest


def digest_keyword(digest: str) -> str:
    """The document-info keyword that puts the lines digest into the signed bytes."""
    return DIGEST_KEYWORD + digest


def digest_in_keywords(keywords: str | None) -> str | None:
    """The lines digest a summary PDF's /Keywords carries, or None."""
    for word in str(keywords or "").replace(",", " ").split():
        if word.startswith(DIGEST_KEYWORD):
            return word[len(DIGEST_KEYWORD) :].lower()
    return None
