"""Attendance as an Excel workbook (考勤导出), with openpyxl."""

from datetime import UTC
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from domain.clock import shanghai_time
from domain.signin.queries import METHOD_LABELS

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


def attendance_workbook(rows, project_name: str, lang: str = "zh",
                        teams: dict[int, str] | None = None) -> bytes:  # fmt: skip
    """An .xlsx of attendance rows (``Attendance`` objects with person, unit, officer loaded);
    ``teams``: person id → the name of his team (班组)."""
    teams = teams or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "考勤" if lang != "en" else "Attendance"
    ws.append([project_name])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEADERS["en" if lang == "en" else "zh"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    yes = "Yes" if lang == "en" else "是"
    for r in rows:
        signed = shanghai_time(r.signed_at.replace(tzinfo=UTC))
        ws.append(
            [
                r.day,
                signed.strftime("%H:%M:%S"),
                r.person.name,
                r.person.masked_id,
                r.person.trade,
                r.unit.name,
                teams.get(r.person_id, ""),
                METHOD_LABELS[r.method].format(lang),
                r.officer.name if r.officer else "",
                round(r.distance_m) if r.distance_m is not None else None,
                round(r.accuracy_m) if r.accuracy_m is not None else None,
                yes if r.makeup else "",
            ]
        )
    widths = (12, 10, 10, 20, 10, 26, 12, 12, 10, 9, 9, 6)
    for column, width in zip("ABCDEFGHIJKL", widths, strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
