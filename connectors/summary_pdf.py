"""Summary table PDF (工资汇总表): every wage line, totals per unit and overall, the batch number,
pay period and sha256 of the canonical bank data on every page and in the document info
(/Keywords ``zhuxin-lines-sha256:<hex>``, read back from the signed revision when verified).
ReportLab with an embedded TrueType CJK font (WenQuanYi Micro Hei): `../shared/reference/signing_qr.md` §2."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from domain.payroll.lines import WageLine, canonical_lines_digest, digest_keyword
from domain.payroll.money import plain
from domain.payroll.period import PayPeriod

FONT = "WQY"
FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)
CHUNK = 500  # progress is reported every 500 rows
PAGE = landscape(A4)
# The frame inside the margins (10 mm left and right, 12 mm top, 16 mm bottom) with platypus'
# 6 pt frame padding: where SimpleDocTemplate placed the flowables before pages were planned.
FRAME_LEFT, FRAME_WIDTH = 10 * mm + 6, PAGE[0] - 20 * mm - 12
FRAME_TOP, FRAME_BOTTOM = PAGE[1] - 12 * mm - 6, 16 * mm + 6
ROW_HEIGHT = 12  # one line of 7.5 pt type (leading 9) and 1.5 pt padding above and below
GAP = 5 * mm  # between the totals and the lines
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
    """The summary table as PDF bytes. `progress(done, total)` is called as rows are drawn."""
    out = io.BytesIO()
    write_summary_pdf(out, header, lines, progress)
    return out.getvalue()


def write_summary_pdf(out: BinaryIO, header: SummaryHeader, lines: list[WageLine],
                      progress: Progress | None = None) -> int:  # fmt: skip
    """Draw the summary page by page onto a canvas that saves into ``out``; returns the page
    count.  Every row is one line of type, so the pages are planned by arithmetic first (the
    footer's 共 M 页 is known before page 1 is drawn) and a page's rows become cell strings
    only while that page is drawn: 50,000 lines are never one platypus story."""
    register_font()
    digest = canonical_lines_digest(lines)
    canv = canvas.Canvas(out, pagesize=PAGE, pageCompression=1)
    # The digest in the document info is part of the bytes both signatures cover.
    canv.setTitle("工资汇总表")
    canv.setKeywords(digest_keyword(digest))
    title = _title(header, digest)
    title_height = sum(f.wrap(FRAME_WIDTH, FRAME_TOP - FRAME_BOTTOM)[1] for f in title)
    grids = (_totals(lines), _line_grid(lines))
    pages = plan_pages(FRAME_TOP - title_height, [g.count for g in grids])
    footer = f"批次号 {header.batch_no}　SHA-256 {digest}"
    report = _Progress(progress, len(lines))
    for number, pieces in enumerate(pages, start=1):
        if number == 1:
            _draw_down(canv, title, FRAME_TOP)
        for piece in pieces:
            grids[piece.grid].draw(canv, piece)
            if piece.grid == len(grids) - 1:
                report.reached(piece.stop)
        draw_footer(canv, footer, number, len(pages))
        canv.showPage()
    canv.save()
    report.reached(len(lines), final=True)
    return len(pages)


@dataclass(frozen=True)
class Piece:
    """The rows ``start:stop`` of grid number ``grid`` under its head row, head row's top at
    ``top`` (points from the foot of the page)."""

    grid: int
    start: int
    stop: int
    top: float


def plan_pages(first_top: float, counts: Sequence[int]) -> list[list[Piece]]:
    """Grids of ``counts`` rows one after the other, GAP apart, each row ROW_HEIGHT high and the
    head row repeated at the top of every page; page 1 starts at ``first_top``."""
    pages: list[list[Piece]] = [[]]
    top = first_top
    for grid, count in enumerate(counts):
        if grid:
            top -= GAP
        start = 0
        while True:
            fits = int((top - FRAME_BOTTOM) // ROW_HEIGHT) - 1  # rows under the head row
            if fits < (1 if count > start else 0):
                pages.append([])
                top = FRAME_TOP
                continue
            stop = min(count, start + fits)
            pages[-1].append(Piece(grid, start, stop, top))
            top -= (stop - start + 1) * ROW_HEIGHT
            start = stop
            if start >= count:
                break
    return pages


@dataclass(frozen=True)
class _Grid:
    """A ruled table whose rows are made on demand, ``rows(start, stop)``."""

    head: Sequence[str]
    count: int
    rows: Callable[[int, int], list[list[str]]]
    widths: Sequence[float]
    numeric_from: int
    totals_last: bool = False  # the last row is a grand total (shaded)
    centred: bool = True

    def draw(self, canv: canvas.Canvas, piece: Piece) -> None:
        last = self.totals_last and piece.stop == self.count
        table = Table([list(self.head), *self.rows(piece.start, piece.stop)],
                      colWidths=self.widths, rowHeights=ROW_HEIGHT,
                      style=grid_style(self.numeric_from, bold_last=last))  # fmt: skip
        width, height = table.wrapOn(canv, FRAME_WIDTH, piece.top - FRAME_BOTTOM)
        left = FRAME_LEFT + ((FRAME_WIDTH - width) / 2 if self.centred else 0)
        table.drawOn(canv, left, piece.top - height)


class _Progress:
    """Calls ``progress(done, total)`` at every CHUNK rows drawn, and once at the end."""

    def __init__(self, progress: Progress | None, total: int):
        self._progress, self._total, self._next = progress, total, CHUNK

    def reached(self, done: int, final: bool = False) -> None:
        if self._progress is None:
            return
        while self._next <= done:
            self._progress(self._next, self._total)
            self._next += CHUNK
        if final:
            self._progress(done, self._total)


def _draw_down(canv: canvas.Canvas, flowables: list, top: float) -> None:
    """Flowables one under the other from ``top``, as a frame would place them."""
    for flowable in flowables:
        width, height = flowable.wrapOn(canv, FRAME_WIDTH, top - FRAME_BOTTOM)
        flowable.drawOn(canv, FRAME_LEFT, top - height)
        top -= height


def _title(header: SummaryHeader, digest: str) -> list:
    """The title block of page 1 (ending with the space above the totals)."""
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


def _totals(lines: list[WageLine]) -> _Grid:
    counts: dict[str, int] = {}
    units: dict[str, list[Decimal]] = {}  # gross, deductions, net
    for line in lines:
        counts[line.unit] = counts.get(line.unit, 0) + 1
        total = units.setdefault(line.unit, [Decimal(0), Decimal(0), Decimal(0)])
        total[0] += line.gross or 0
        total[1] += line.deductions or 0
        total[2] += line.net or 0
    rows = [[unit, str(counts[unit]), *map(plain, t)] for unit, t in units.items()]
    grand = [sum((t[i] for t in units.values()), Decimal(0)) for i in range(3)]
    rows.append(["合计", str(sum(counts.values())), *map(plain, grand)])
    return _Grid(("单位", "人数", "应发合计", "扣款合计", "实发合计"), len(rows),
                 lambda start, stop: rows[start:stop], [90 * mm] + [35 * mm] * 4,
                 numeric_from=1, totals_last=True, centred=False)  # fmt: skip


def _line_grid(lines: list[WageLine]) -> _Grid:
    def rows(start: int, stop: int) -> list[list[str]]:
        return [_row(i, line) for i, line in enumerate(lines[start:stop], start=start + 1)]

    return _Grid(HEAD, len(lines), rows, [w * mm for w in WIDTHS], NUMERIC_FROM)


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
            draw_footer(self, left, self._pageNumber, total)

    return NumberedCanvas


def draw_footer(canv: canvas.Canvas, left: str, number: int, total: int) -> None:
    """``left`` and 第 N 页 / 共 M 页 at the foot of the page."""
    canv.setFont(FONT, 7.5)
    canv.drawString(10 * mm, 8 * mm, left)
    canv.drawRightString(PAGE[0] - 10 * mm, 8 * mm, f"第 {number} 页 / 共 {total} 页")
