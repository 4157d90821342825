"""Excel export (.xlsx) of the wage ledger (工资支付台账): a title, the facts, one row per line
with its bank reference, totals per unit and for the project, the retention rule."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from domain.payroll.excel import TEXT_FORMAT
from domain.payroll.ledger import CONFIRM, Ledger, LedgerRow
from domain.payroll.period import month_label
from domain.retention import RETENTION_NOTE

SHEET = "工资支付台账"
STATUS = {"none": "未推送", "sent": "已推送", "paid": "已入账", "rejected": "被拒",
          "returned": "退汇"}  # fmt: skip
# (header, width); amounts are numbers with two decimals, card and references text
COLUMNS = (
    ("序号", 6), ("用人单位", 22), ("银行交换批次号", 22), ("补发", 6), ("姓名", 10),
    ("身份证号", 21), ("联系电话", 14), ("工种", 10), ("出勤天数", 9), ("补签天数", 9),
    ("日工资", 10), ("应发工资", 12), ("扣款金额", 10), ("扣款原因", 16), ("实发工资", 12),
    ("发放日期", 17), ("开户银行", 20), ("工资卡号", 22), ("银行流水号 EndToEndId", 20),
    ("报文标识 MsgId", 24), ("支付状态", 9), ("原因", 20), ("工人确认", 14),
)  # fmt: skip
AMOUNT_COLUMNS = (11, 12, 13, 15)  # 1-based: 日工资, 应发, 扣款, 实发
TOTAL_COLUMNS = (2, 5, 12, 13, 15, 16)  # label, count, gross, deductions, net, paid
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def export_ledger(ledger: Ledger) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([f"{ledger.project} 工资支付台账 {month_label(ledger.pay_month)}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"总包单位：{ledger.gc_name}　生成时间：{ledger.generated_at:%Y-%m-%d %H:%M}"])
    sheet.append([header for header, _ in COLUMNS])
    for index, (_, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=3, column=index)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = width
    for number, row in enumerate(ledger.rows, start=1):
        sheet.append(_cells(number, row))
        _formats(sheet, sheet.max_row)
    sheet.append([])
    sheet.append(_totals_row("合计", "人数", "应发合计", "扣款合计", "实发合计", "已入账合计"))
    for t in (*ledger.units, ledger.total):
        sheet.append(_totals_row(t.label, t.count, *map(float, (t.gross, t.deductions, t.net,
                                                                 t.paid))))  # fmt: skip
        for column in TOTAL_COLUMNS[2:]:
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.00"
    sheet.append([])
    sheet.append([RETENTION_NOTE.zh])
    sheet.freeze_panes = "F4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(number: int, r: LedgerRow) -> list:
    def amount(value):
        return None if value is None else float(value)  # Excel numbers are doubles

    return [
        number, r.unit, r.batch_no, "是" if r.back_pay else "", r.worker_name, r.masked_id,
        r.masked_phone, r.trade, r.days, r.makeup_days, amount(r.day_rate), amount(r.gross),
        amount(r.deductions), r.deduction_reason, amount(r.net),
        "" if r.paid_at is None else f"{r.paid_at:%Y-%m-%d %H:%M}", r.bank_name, r.masked_card,
        r.end_to_end_id, r.msg_id, STATUS.get(r.status, r.status), r.status_reason,
        CONFIRM.get(r.confirmation, r.confirmation),
    ]  # fmt: skip


def _formats(sheet, row: int) -> None:
    for column in AMOUNT_COLUMNS:
        sheet.cell(row=row, column=column).number_format = "0.00"
    for column in (6, 7, 18, 19, 20):
        sheet.cell(row=row, column=column).number_format = TEXT_FORMAT


def _totals_row(*values) -> list:
    """Values under the columns of TOTAL_COLUMNS: 用人单位, 姓名, 应发, 扣款, 实发, 发放日期."""
    row: list = [""] * TOTAL_COLUMNS[-1]
    for column, value in zip(TOTAL_COLUMNS, values, strict=True):
        row[column - 1] = value
    return row
