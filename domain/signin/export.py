"""Attendance as an Excel workbook or CSV (考勤导出), written row by row: no cap, no whole
list in memory."""

from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import BinaryIO

from domain.clock import shanghai_time
from domain.exports import csv_chunks, write_xlsx
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
    """Write an .xlsx of every row to ``out`` (write-only: memory does not grow with rows)."""
    headers = HEADERS["en" if lang == "en" else "zh"]
    cells = (_cells(r, lang) for r in rows)
    return write_xlsx(out, "考勤" if lang != "en" else "Attendance", project_name, headers, cells,
                      WIDTHS)  # fmt: skip


def attendance_csv(rows: Iterable[ExportRow], lang: str) -> Iterator[str]:
    """The same columns as CSV text, in chunks."""
    return csv_chunks(HEADERS["en" if lang == "en" else "zh"], (_cells(r, lang) for r in rows))
