"""Attendance as an Excel workbook or CSV (考勤导出), written row by row: no cap, no whole
list in memory."""

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC
from io import StringIO
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from domain.clock import shanghai_time
from domain.masking import mask_id_number
from domain.signin.queries import METHOD_LABELS, ExportRow

HEADERS = {
    "zh": [
        "日期",
        "签到时间",
        "姓名",
        "身份证号",
        "工种",
        "参建单位",
        "班组",
        "方式",
        "签到员",
        "距离(米)",
        "精度(米)",
        "补签",
    ],
    "en": [
        "Date",
        "Time",
        "Name",
        "ID number",
        "Trade",
        "Unit",
        "Team",
        "Method",
        "Officer",
        "Distance (m)",
        "Accuracy (m)",
        "Make-up",
    ],
}
WIDTHS = (12, 10, 10, 20, 10, 26, 12, 12, 10, 9, 9, 6)


def _cells(r: ExportRow, lang: str) -> list:
    signed = shanghai_time(r.signed_at.replace(tzinfo=UTC))
    return [
        r.day,
        signed.strftime("%H:%M:%S"),
        r.name,
        mask_id_number(r.id_number),
        r.trade or "",
        r.unit,
        r.team,
        METHOD_LABELS[r.method].format(lang),
        r.officer,
        round(r.distance_m) if r.distance_m is not None else None,
        round(r.accuracy_m) if r.accuracy_m is not None else None,
        ("Yes" if lang == "en" else "是") if r.makeup else "",
    ]


def write_attendance_xlsx(rows: Iterable[ExportRow], project_name: str, lang: str,
                          out: BinaryIO) -> int:  # fmt: skip
    """Write an .xlsx of every row to ``out`` in openpyxl's write-only mode (rows go to a
    temporary file as they come, so memory does not grow with them); returns the row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("考勤" if lang != "en" else "Attendance")
    for column, width in zip("ABCDEFGHIJKL", WIDTHS, strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A3"
    ws.append([_bold(ws, project_name, 13)])
    ws.append([_bold(ws, h) for h in HEADERS["en" if lang == "en" else "zh"]])
    count = 0
    for r in rows:
        ws.append(_cells(r, lang))
        count += 1
    wb.save(out)
    return count


def _bold(ws, value, size: int | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True, size=size) if size else Font(bold=True)
    return cell


def attendance_csv(rows: Iterable[ExportRow], lang: str) -> Iterator[str]:
    """The same columns as CSV text, one chunk per batch of lines (UTF-8 with a BOM for Excel)."""
    buffer = StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADERS["en" if lang == "en" else "zh"])
    for n, r in enumerate(rows, 1):
        writer.writerow(_cells(r, lang))
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
