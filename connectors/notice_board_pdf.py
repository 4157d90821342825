"""The rights notice board (维权信息告示牌) as an A3 portrait PDF, to print and hang on site.

Large type in the embedded WenQuanYi Micro Hei (registered by ``summary_pdf.register_font``),
and a QR code of the workers' login drawn as vector squares (no Pillow).
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from connectors.summary_pdf import register_font
from domain.notice_board import Contact, NoticeSheet

MARGIN = 14 * mm
LABEL_WIDTH = 62 * mm
QR_SIZE = 72 * mm
RED = colors.HexColor("#b22222")
BLUE = colors.HexColor("#1f4e79")
GREY = colors.HexColor("#f2f2f2")
EMPTY = "（未填写）"


def render_notice_board_pdf(sheet: NoticeSheet) -> bytes:
    """The board as PDF bytes (one A3 page)."""
    font = register_font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A3, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=f"{sheet.project_name} 维权信息告示牌",
    )  # fmt: skip
    styles = _Styles(font)
    story = [
        Paragraph("农民工工资支付维权信息告示牌", styles.title),
        Paragraph("依据《保障农民工工资支付条例》第三十四条设置", styles.note),
        Spacer(1, 6 * mm),
        _table(_project_rows(sheet), styles),
        Spacer(1, 5 * mm),
        _table(_wage_rows(sheet), styles),
        Spacer(1, 5 * mm),
        _table(_channel_rows(sheet), styles, header_color=RED),
        Spacer(1, 6 * mm),
        _footer(sheet, styles),
    ]
    doc.build(story)
    return out.getvalue()


class _Styles:
    def __init__(self, font: str):
        self.title = ParagraphStyle("title", fontName=font, fontSize=36, leading=44,
                                    alignment=1, textColor=RED)  # fmt: skip
        self.note = ParagraphStyle("note", fontName=font, fontSize=14, leading=20, alignment=1)
        self.label = ParagraphStyle("label", fontName=font, fontSize=17, leading=23)
        self.value = ParagraphStyle("value", fontName=font, fontSize=20, leading=27)
        self.big = ParagraphStyle("big", fontName=font, fontSize=34, leading=42, textColor=RED)
        self.head = ParagraphStyle("head", fontName=font, fontSize=19, leading=24,
                                   textColor=colors.white)  # fmt: skip
        self.small = ParagraphStyle("small", fontName=font, fontSize=15, leading=21)


def _text(value: str) -> str:
    return escape(value) if value else EMPTY


def _contact(c: Contact) -> str:
    if c.name and c.phone:
        return f"{escape(c.name)}　电话：{escape(c.phone)}"
    return _text(c.name or c.phone)


def _yuan(amount: Decimal) -> str:
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def _project_rows(s: NoticeSheet) -> list:
    office = "　".join(x for x in (escape(s.office_address), _phone(s.office_phone)) if x)
    subs = "<br/>".join(escape(n) for n in s.subcontractors) or "（无）"
    return [
        ("项目信息", None),
        ("项目名称", _text(s.project_name)),
        ("项目地址", _text(s.project_address)),
        ("建设单位", _text(s.client)),
        ("施工总承包单位", _text(s.general_contractor)),
        ("项目部", office or EMPTY),
        ("分包单位", subs),
        ("劳资专管员", _contact(s.wage_officer)),
    ]


def _phone(phone: str) -> str:
    return f"电话：{escape(phone)}" if phone else ""


def _wage_rows(s: NoticeSheet) -> list:
    if s.minimum_monthly is not None and s.minimum_hourly is not None and s.minimum_from:
        minimum = (
            f"月最低工资 {_yuan(s.minimum_monthly)} 元；小时最低工资 {_yuan(s.minimum_hourly)} 元"
            f"<br/>（上海市标准，{s.minimum_from.year}年{s.minimum_from.month}月"
            f"{s.minimum_from.day}日起执行）"
        )
    else:
        minimum = "请向上海市人力资源和社会保障局查询"
    return [
        ("工资支付", None),
        ("最低工资标准", minimum),
        ("工资支付日", f"{escape(s.pay_day)}（由总包单位通过工资专用账户代发至本人银行卡）"),
        ("工资专用账户开户行", _text(s.wage_bank)),
    ]


def _channel_rows(s: NoticeSheet) -> list:
    return [
        ("被拖欠工资时可以找", None),
        ("投诉举报电话", _Big(f"{escape(s.complaint_hotline)}　<font size=18>人社服务热线</font>")),
        ("行业主管部门", _contact(s.regulator)),
        ("劳动保障监察", _contact(s.inspection)),
        ("劳动人事争议仲裁", _contact(s.arbitration)),
        ("法律援助", _contact(s.legal_aid)),
    ]


class _Big(str):
    """A value shown in large red type (the complaint hotline)."""


def _table(rows: list, styles: _Styles, header_color=BLUE) -> Table:
    width = A3[0] - 2 * MARGIN
    data = []
    for label, value in rows:
        if value is None:
            data.append([Paragraph(label, styles.head), ""])
        else:
            style = styles.big if isinstance(value, _Big) else styles.value
            data.append([Paragraph(label, styles.label), Paragraph(value, style)])
    table = Table(data, colWidths=[LABEL_WIDTH, width - LABEL_WIDTH])
    table.setStyle(
        TableStyle([
            ("SPAN", (0, 0), (1, 0)),
            ("BACKGROUND", (0, 0), (1, 0), header_color),
            ("BACKGROUND", (0, 1), (0, -1), GREY),
            ("GRID", (0, 0), (-1, -1), 0.8, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ])
    )  # fmt: skip
    return table


def _footer(s: NoticeSheet, styles: _Styles) -> Table:
    text = [
        Paragraph("扫码登录筑薪<br/>查看本人考勤和工资单，确认或反映工资问题", styles.value),
        Spacer(1, 3 * mm),
        Paragraph(escape(s.login_url), styles.small),
    ]
    if s.extra:
        text += [Spacer(1, 4 * mm), Paragraph(escape(s.extra).replace("\n", "<br/>"), styles.value)]
    width = A3[0] - 2 * MARGIN
    table = Table([[text, QrCode(s.login_url, QR_SIZE)]],
                  colWidths=[width - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm])  # fmt: skip
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


class QrCode(Flowable):
    """A QR code of ``data`` (ECC M), ``size`` wide including the quiet zone."""

    def __init__(self, data: str, size: float):
        super().__init__()
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
        code.add_data(data)
        code.make(fit=True)
        self.matrix = code.get_matrix()
        self.size = size

    def wrap(self, *_):
        return self.size, self.size

    def draw(self):
        n = len(self.matrix)
        cell = self.size / n
        c = self.canv
        c.setFillColor(colors.black)
        for row, line in enumerate(self.matrix):
            for col, dark in enumerate(line):
                if dark:
                    c.rect(col * cell, self.size - (row + 1) * cell, cell, cell, stroke=0, fill=1)
