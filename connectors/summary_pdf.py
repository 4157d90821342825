"""Summary table PDF (工资汇总表): every wage line, totals per unit and overall, the batch number,
pay period and sha256 of the canonical bank data on every page and in the document info
(/Keywords ``zhuxin-lines-sha256:<hex>``, read back from the signed revision when verified).
ReportLab with an embedded TrueType CJK font (WenQuanYi Micro Hei): `../shared/reference/signing_qr.md` §2."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from domain.payroll.lines import WageLine, canonical_lines_digest, digest_keyword
from domain.payroll.money import plain
from domain.payroll.period import PayPeriod

FONT = "WQY"
FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)
CHUNK = 500  # one platypus Table per 500 rows: splitting one huge Table is quadratic-ish
HEAD = (
    "序号",
    "姓名",
    "身份证号",
    "单位",
    "工种",
    "天数",
    "日工资",
    "应发",
    "扣款",
    "实发",
    "工资卡号",
)
WIDTHS = (11, 18, 36, 56, 18, 10, 18, 22, 18, 22, 40)
NUMERIC_FROM = 5  # columns from here on are right-aligned numbers
Progress = Callable[[int, int], None]


class FontMissing(RuntimeError):
    """No TrueType CJK font: install the Debian package fonts-wqy-microhei."""


@dataclass(frozen=True)
class SummaryHeader:
    """What the title block says: project, batch number (银行交换批次号), pay month and period."""

    project: str
    batch_no: str
    pay_month: str
    period: PayPeriod
    company: str = ""
    title: str = "农民工工资汇总表"  # a supplementary summary says 更正/补发汇总表


@lru_cache(maxsize=1)
def register_font(path: str | None = None) -> str:
    """Register WenQuanYi Micro Hei (face 0 of the .ttc) once; TTF outlines embed, CFF do not."""
    path = path or find_font()
    pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    return FONT


def find_font() -> str:
    for path in FONT_PATHS:
        if os.path.exists(path):
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "WenQuanYi Micro Hei"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if found.endswith((".ttc", ".ttf")) and "wqy" in found.lower():
            return found
    raise FontMissing("WenQuanYi Micro Hei not found; apt-get install fonts-wqy-microhei")


def render_summary_pdf(
    header: SummaryHeader, lines: list[WageLine], progress: Progress | None = None
) -> bytes:
    """The summary table as PDF bytes. `progress(done, total)` is called as rows are laid out."""
    register_font()
    digest = canonical_lines_digest(lines)
    out = io.BytesIO()
    doc = _Document(out, progress, len(lines), digest)
    story = _title(header, digest) + _totals(lines) + _line_tables(lines)
    doc.build(story, canvasmaker=numbered_canvas(f"批次号 {header.batch_no}　SHA-256 {digest}"))
    if progress:
        progress(len(lines), len(lines))
    return out.getvalue()


class _Document(SimpleDocTemplate):
    def __init__(self, out, progress, total, digest: str):
        # The digest in the document info is part of the bytes both signatures cover.
        super().__init__(
            out,
            pagesize=landscape(A4),
            leftMargin=10 * mm,
            rightMargin=10 * mm,
            topMargin=12 * mm,
            bottomMargin=16 * mm,
            title="工资汇总表",
            keywords=digest_keyword(digest),
        )
        self._progress, self._total = progress, total

    def afterFlowable(self, flowable):
        if self._progress and isinstance(flowable, _Mark):
            self._progress(flowable.done, self._total)


class _Mark(Flowable):
    """Zero-size marker after each chunk, so layout progress can be reported."""

    def __init__(self, done: int):
        super().__init__()
        self.done = done

    def wrap(self, *_):
        return 0, 0

    def draw(self):
        pass


def _title(header: SummaryHeader, digest: str) -> list:
    big = ParagraphStyle("t", fontName=FONT, fontSize=15, leading=20, alignment=1)
    small = ParagraphStyle("s", fontName=FONT, fontSize=9, leading=13)
    start, end = header.period
    facts = (
        f"项目：{header.project}　　批次号：{header.batch_no}　　工资月份：{header.pay_month}"
        f"　　结算周期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    )
    return [
        Paragraph(f"{header.company} {header.project} {header.title}".strip(), big),
        Spacer(1, 3 * mm),
        Paragraph(facts, small),
        Paragraph(f"明细数据 SHA-256：{digest}", small),
        Spacer(1, 3 * mm),
    ]


def _totals(lines: list[WageLine]) -> list:
    counts: dict[str, int] = {}
    units: dict[str, list[Decimal]] = {}  # gross, deductions, net
    for line in lines:
        counts[line.unit] = counts.get(line.unit, 0) + 1
        total = units.setdefault(line.unit, [Decimal(0), Decimal(0), Decimal(0)])
        total[0] += line.gross or 0
        total[1] += line.deductions or 0
        total[2] += line.net or 0
    rows = [["单位", "人数", "应发合计", "扣款合计", "实发合计"]]
    rows += [[unit, str(counts[unit]), *map(plain, t)] for unit, t in units.items()]
    grand = [sum((t[i] for t in units.values()), Decimal(0)) for i in range(3)]
    rows.append(["合计", str(sum(counts.values())), *map(plain, grand)])
    table = Table(rows, colWidths=[90 * mm] + [35 * mm] * 4, repeatRows=1, hAlign="LEFT")
    table.setStyle(grid_style(numeric_from=1, bold_last=True))
    return [table, Spacer(1, 5 * mm)]


def _line_tables(lines: list[WageLine]) -> list:
    rows = [_row(i, line) for i, line in enumerate(lines, start=1)]
    style = grid_style(numeric_from=NUMERIC_FROM)
    widths = [w * mm for w in WIDTHS]
    story: list = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        story.append(Table([HEAD, *chunk], colWidths=widths, repeatRows=1, style=style))
        story.append(_Mark(start + len(chunk)))
    return story or [Table([HEAD], colWidths=widths, style=style)]


def _row(number: int, line: WageLine) -> list[str]:
    def money(value):
        return "" if value is None else plain(value)

    return [
        str(number),
        line.worker_name,
        line.masked_id,
        line.unit,
        line.trade,
        str(line.days_worked),
        money(line.day_rate),
        money(line.gross),
        money(line.deductions),
        money(line.net),
        line.masked_card,
    ]


def grid_style(numeric_from: int, bold_last: bool = False) -> TableStyle:
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if bold_last:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")))
    return TableStyle(commands)


def numbered_canvas(left: str):
    """A canvas class that writes ``left`` and 第 N 页 / 共 M 页 at the foot of every page."""

    class NumberedCanvas(canvas.Canvas):
        """Holds pages until the total is known, then writes 第 N 页 / 共 M 页 on each."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(len(self._pages))
                super().showPage()
            super().save()

        def _footer(self, total: int):
            width = self._pagesize[0]
            self.setFont(FONT, 7.5)
            self.drawString(10 * mm, 8 * mm, left)
            self.drawRightString(
                width - 10 * mm, 8 * mm, f"第 {self._pageNumber} 页 / 共 {total} 页"
            )

    return NumberedCanvas
