"""PDFs of the wage documents after payment: payslips (工资清单, 条例 Art. 15), one page per
worker, a unit's payment voucher (代发工资凭证, Art. 31) with the bank references, and the wage
ledger (工资支付台账) of a project and month.
Same embedded font and grid as the summary table (``connectors/summary_pdf.py``)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from connectors.summary_pdf import FONT, grid_style, numbered_canvas, register_font
from domain.payroll.documents import Payslip, Voucher
from domain.payroll.ledger import Ledger, LedgerRow, Totals
from domain.payroll.money import plain
from domain.payroll.period import month_label
from domain.retention import RETENTION_NOTE

STATUS = {"paid": "已入账", "rejected": "被拒", "returned": "退汇", "sent": "已推送",
          "none": "未推送"}  # fmt: skip
VOUCHER_HEAD = ("序号", "姓名", "身份证号", "工资卡号", "金额", "结果", "银行答复时间",
                "EndToEndId", "报文标识 MsgId", "原因")  # fmt: skip
LABEL_SHADE = colors.HexColor("#DDEBF7")  # the payslip's label column, as the summary's header
VOUCHER_WIDTHS = (10, 18, 34, 36, 20, 12, 28, 26, 48, 45)


def _money(value: Decimal | None) -> str:
    return "" if value is None else plain(value)


def _when(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def _styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    register_font()
    big = ParagraphStyle("t", fontName=FONT, fontSize=14, leading=19, alignment=1)
    small = ParagraphStyle("s", fontName=FONT, fontSize=9, leading=13)
    return big, small


def _build(story: list, pagesize, title: str, footer: str | None = None) -> bytes:
    """The PDF; with ``footer``, that line and 第 N 页 / 共 M 页 at the foot of every page."""
    out = io.BytesIO()
    margin = 10 * mm
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin + (6 * mm if footer else 0),
                            title=title)  # fmt: skip
    if footer is None:
        doc.build(story)
    else:
        doc.build(story, canvasmaker=numbered_canvas(footer))
    return out.getvalue()


def render_payslips_pdf(slips: list[Payslip]) -> bytes:
    """One A5 page per payslip."""
    big, small = _styles()
    story: list = []
    for slip in slips:
        if story:
            story.append(PageBreak())
        story += _payslip(slip, big, small)
    return _build(story or [Paragraph("（无）", small)], A5, "工资清单")


def _payslip(slip: Payslip, big, small) -> list:
    days = f"{slip.days} 天" + (f"（另补签 {slip.makeup_days} 天）" if slip.makeup_days else "")
    gross = f"{slip.days_worked} 天 × {_money(slip.day_rate)} = {_money(slip.gross)}"
    reason = f"（{slip.deduction_reason}）" if slip.deduction_reason else ""
    rows = [
        ["用人单位", slip.employer], ["项目", slip.project],
        ["工资月份", month_label(slip.pay_month)],
        ["结算周期", f"{slip.period_start:%Y-%m-%d} 至 {slip.period_end:%Y-%m-%d}"],
        ["姓名", slip.worker_name], ["身份证号", slip.masked_id], ["工种", slip.trade],
        ["出勤天数", days], ["应发工资（天数 × 日工资）", gross],
        ["扣款", f"{_money(slip.deductions) or '0.00'}{reason}"],
        ["实发工资", _money(slip.net)], ["发放日期", _when(slip.paid_at)],
        ["工资卡", f"{slip.bank_name} {slip.masked_card}".strip()],
        ["银行交换批次号", slip.batch_no], ["银行流水号 EndToEndId", slip.end_to_end_id],
        ["报文标识 MsgId", slip.msg_id],
    ]  # fmt: skip
    table = Table(rows, colWidths=[42 * mm, 84 * mm], hAlign="LEFT")
    table.setStyle(grid_style(numeric_from=2))  # two text columns: nothing right-aligned
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.white),
                               ("BACKGROUND", (0, 0), (0, -1), LABEL_SHADE)]))  # fmt: skip
    return [Paragraph(f"工资清单 · {slip.worker_name} · {month_label(slip.pay_month)}", big),
            Spacer(1, 4 * mm), table]  # fmt: skip


def render_voucher_pdf(voucher: Voucher) -> bytes:
    """The unit's voucher: every answered payment with its references, and the totals."""
    big, small = _styles()
    facts = (
        f"付款单位：{voucher.gc_name}　　项目：{voucher.project}　　"
        f"农民工工资专用账户：{voucher.wage_bank} {voucher.wage_account}<br/>"
        f"收款人所在单位：{voucher.unit}　　银行交换批次号：{voucher.batch_no}　　"
        f"工资月份：{month_label(voucher.pay_month)}"
    )
    rows = [
        [str(i), r.worker_name, r.masked_id, r.masked_card, _money(r.amount),
         STATUS.get(r.status, r.status), _when(r.answered_at), r.end_to_end_id, r.msg_id, r.reason]
        for i, r in enumerate(voucher.rows, start=1)
    ]  # fmt: skip
    table = Table([VOUCHER_HEAD, *rows], colWidths=[w * mm for w in VOUCHER_WIDTHS], repeatRows=1)
    table.setStyle(grid_style(numeric_from=4))
    table.setStyle(TableStyle([("ALIGN", (5, 1), (-1, -1), "LEFT")]))  # only the amount is a number
    totals = (
        f"已入账 {voucher.paid_count} 笔，合计 {_money(voucher.paid_total)} 元；"
        f"被拒或退汇 {voucher.unpaid_count} 笔（另行更正后重新支付）。"
    )
    story = [
        Paragraph(f"{voucher.gc_name} 代发工资凭证", big), Spacer(1, 3 * mm),
        Paragraph(facts, small), Spacer(1, 3 * mm), table, Spacer(1, 3 * mm),
        Paragraph(totals, small),
        Paragraph("本凭证由总包单位通过农民工工资专用账户代发后出具，金额与银行回执一致。", small),
    ]  # fmt: skip
    return _build(story, landscape(A4), "代发工资凭证")


LEDGER_HEAD = ("序号", "用人单位", "姓名", "身份证号", "联系电话", "工种", "出勤天数", "日工资",
               "应发工资", "扣款", "扣款原因", "实发工资", "发放日期", "开户银行 / 工资卡号",
               "银行交换批次号 / 银行流水号", "支付状态")  # fmt: skip
LEDGER_WIDTHS = (7, 26, 14, 27, 17, 12, 10, 12, 15, 12, 20, 15, 16, 30, 30, 12)
TOTALS_HEAD = ("用人单位", "人数", "应发合计", "扣款合计", "实发合计", "已入账合计")


def render_ledger_pdf(ledger: Ledger) -> bytes:
    """工资支付台账 on A4 landscape: every line, totals per unit and for the project, the
    retention rule, generated at and page numbers at the foot of every page."""
    big, small = _styles()
    cell = ParagraphStyle("c", fontName=FONT, fontSize=6.5, leading=8)
    facts = (f"总包单位：{ledger.gc_name}　　项目：{ledger.project}　　"
             f"工资月份：{month_label(ledger.pay_month)}　　共 {len(ledger.rows)} 人次")  # fmt: skip
    rows = [_ledger_row(i, r, cell) for i, r in enumerate(ledger.rows, start=1)]
    head = [Paragraph(h, cell) for h in LEDGER_HEAD]  # narrow columns: the headers wrap
    table = Table([head, *rows], colWidths=[w * mm for w in LEDGER_WIDTHS], repeatRows=1)
    table.setStyle(grid_style(numeric_from=6))
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 6.5),
                               ("ALIGN", (10, 1), (10, -1), "LEFT"),
                               ("ALIGN", (12, 1), (-1, -1), "LEFT"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))  # fmt: skip
    totals = Table([TOTALS_HEAD, *(_totals_row(t) for t in (*ledger.units, ledger.total))],
                   colWidths=[80 * mm] + [30 * mm] * 5, repeatRows=1, hAlign="LEFT")  # fmt: skip
    totals.setStyle(grid_style(numeric_from=1, bold_last=True))
    footer = (f"{ledger.project} 工资支付台账 {month_label(ledger.pay_month)}　"
              f"生成时间 {ledger.generated_at:%Y-%m-%d %H:%M}　保存期限：至少至项目完工后 3 年")  # fmt: skip
    story = [
        Paragraph(f"{ledger.project} 工资支付台账", big), Spacer(1, 3 * mm),
        Paragraph(facts, small), Spacer(1, 3 * mm), table, Spacer(1, 4 * mm),
        totals, Spacer(1, 3 * mm), Paragraph(RETENTION_NOTE.zh, small),
    ]  # fmt: skip
    return _build(story, landscape(A4), "工资支付台账", footer)


def _ledger_row(number: int, r: LedgerRow, cell: ParagraphStyle) -> list:
    days = str(r.days_worked) + (f"（补签 {r.makeup_days}）" if r.makeup_days else "")
    status = STATUS.get(r.status, r.status) + (f" {r.status_reason}" if r.status_reason else "")
    batch = r.batch_no + ("（补发）" if r.back_pay else "")
    return [
        str(number), Paragraph(r.unit, cell), r.worker_name, r.masked_id, r.masked_phone, r.trade,
        days, _money(r.day_rate), _money(r.gross), _money(r.deductions),
        Paragraph(r.deduction_reason, cell), _money(r.net),
        "" if r.paid_at is None else f"{r.paid_at:%Y-%m-%d}",
        Paragraph(f"{r.bank_name}<br/>{r.masked_card}", cell),
        Paragraph(f"{batch}<br/>{r.end_to_end_id}", cell), Paragraph(status, cell),
    ]  # fmt: skip


def _totals_row(t: Totals) -> list[str]:
    return [t.label, str(t.count), _money(t.gross), _money(t.deductions), _money(t.net),
            _money(t.paid)]  # fmt: skip
