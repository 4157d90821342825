"""Excel export and import of a unit's compile table (工资编制表), with Chinese headers.

Export writes every line; import reads back the columns an operator may edit (rates, amounts,
deduction reason, bank data) and merges them into the existing lines by 行号 (line id). Who is on
the table and the attendance come from sign-ins and cannot be changed through a spreadsheet.
Errors name the sheet row and the column, e.g. "第 5 行 【应发工资】: 金额格式不正确".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from domain.i18n import Text, is_english
from domain.payroll.errors import PayrollError
from domain.payroll.lines import TEXT_LIMITS, WageLine
from domain.payroll.money import parse_amount

# (field, header, width, editable); the card columns are the worker's record: read-only
COLUMNS = (
    ("line_id", "行号", 8, False),
    ("worker_name", "姓名", 10, False),
    ("masked_id", "身份证号", 21, False),
    ("trade", "工种", 10, False),
    ("days", "出勤天数", 9, False),
    ("makeup_days", "补签天数", 9, False),
    ("day_rate", "日工资", 10, True),
    ("gross", "应发工资", 12, True),
    ("deductions", "扣款金额", 10, True),
    ("deduction_reason", "扣款原因", 16, True),
    ("net", "实发工资", 12, True),
    ("bank_card", "工资卡号", 22, False),
    ("bank_name", "开户银行", 20, False),
    ("cnaps", "联行号", 14, False),
    ("amount_reason", "金额说明", 24, True),
)
OPTIONAL = {"amount_reason"}  # a sheet exported before the column existed still imports
HEADERS = {field: header for field, header, _, _ in COLUMNS}
AMOUNTS = {"day_rate", "gross", "deductions", "net"}
TEXT_FORMAT = "@"  # card numbers and CNAPS codes as text: Excel keeps only 15 significant digits
SHEET = "工资编制表"
NOT_EXCEL = Text("文件不是 Excel 工作簿（.xlsx）", "The file is not an Excel workbook (.xlsx)")
COLUMNS_MISSING = Text("缺少列：{names}", "Columns missing: {names}")
NO_HEADER = Text("找不到含「行号」的表头行", "No header row with 行号 found")
UNKNOWN_LINE = Text("行号 {value} 不在本表中", "Unknown line id {value}")
TOO_LONG = Text("最多 {max} 个字符", "at most {max} characters")
STORED_AS_NUMBER = Text(
    "被 Excel 存成了数字，可能丢失位数，请把该列设为文本格式",
    "Stored as a number, digits may be lost: format the column as text",
)


@dataclass(frozen=True)
class CellError:
    """An import error on one cell: the sheet row (1-based, as Excel shows it) and the column."""

    row: int
    field: str
    text: Text
    params: dict = dataclass_field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        detail = self.text.format(lang, **self.params)
        if is_english(lang):
            return f"Row {self.row} [{self.field}]: {detail}"
        return f"第 {self.row} 行 【{HEADERS.get(self.field, self.field)}】: {detail}"


def export_compile_table(lines: list[WageLine], title: str = "") -> bytes:
    """An .xlsx of the lines: a title row, the header row, one row per line."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([title or SHEET])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([header for _, header, _, _ in COLUMNS])
    for index, (_, _, width, editable) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7" if editable else "EEEEEE")
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = width
    for line in lines:
        sheet.append([_cell_value(line, field) for field, _, _, _ in COLUMNS])
    _format_columns(sheet)
    sheet.freeze_panes = "C3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_value(line: WageLine, field: str):
    value = getattr(line, field)
    if field in AMOUNTS:
        return None if value is None else float(value)  # Excel numbers are doubles; read back exact
    if field == "line_id":
        return str(value)
    return value


def _format_columns(sheet) -> None:
    for index, (field, _, _, _) in enumerate(COLUMNS, start=1):
        fmt = "0.00" if field in AMOUNTS else TEXT_FORMAT
        if field in ("days", "makeup_days"):
            continue
        for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
            cell.number_format = fmt


def import_compile_table(
    data: bytes, existing: list[WageLine]
) -> tuple[list[WageLine], list[CellError]]:
    """Merge the editable cells of an exported sheet into `existing`, matched by 行号.

    Returns the updated lines (in `existing` order; lines absent from the sheet unchanged) and
    every cell error. Nothing is applied from a row that has an error.
    """
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a file that is not .xlsx
        raise PayrollError("not_excel", NOT_EXCEL, field="file") from error
    rows = list(sheet.iter_rows(values_only=True))
    header_row, positions = _find_header(rows)
    by_id = {str(line.line_id): line for line in existing}
    updates, errors = {}, []
    for offset, values in enumerate(rows[header_row:], start=header_row + 1):
        if not any(v not in (None, "") for v in values):
            continue
        line_id, changes, row_errors = _read_row(offset, values, positions, by_id)
        errors.extend(row_errors)
        if not row_errors:
            updates[line_id] = changes
    merged = [replace(line, **updates.get(str(line.line_id), {})) for line in existing]
    return merged, errors


def _find_header(rows) -> tuple[int, dict[str, int]]:
    wanted = {header: field for field, header, _, _ in COLUMNS}
    for number, values in enumerate(rows[:10], start=1):
        found = {
            wanted[str(v).strip()]: i for i, v in enumerate(values) if str(v).strip() in wanted
        }
        if "line_id" in found:
            missing = [
                HEADERS[f] for f, _, _, e in COLUMNS if e and f not in found and f not in OPTIONAL
            ]
            if missing:
                raise PayrollError(
                    "columns_missing", COLUMNS_MISSING, field="file", names="、".join(missing)
                )
            return number, found
    raise PayrollError("no_header_row", NO_HEADER, field="file")


def _read_row(number, values, positions, by_id):
    errors = []

    def fail(field, text: Text, **params):
        errors.append(CellError(number, field, text, params))

    line_id = _text(values[positions["line_id"]])
    if line_id not in by_id:
        fail("line_id", UNKNOWN_LINE, value=line_id[:40])
        return line_id, {}, errors
    changes = {}
    for field, _, _, editable in COLUMNS:
        if editable and field in positions:
            raw = values[positions[field]] if positions[field] < len(values) else None
            _read_cell(field, raw, changes, fail)
    return line_id, changes, errors


def _read_cell(field, raw, changes, fail) -> None:
    if field in AMOUNTS:
        if raw in (None, ""):
            changes[field] = Decimal("0.00") if field == "deductions" else None
            return
        try:
            changes[field] = parse_amount(_amount_text(raw))
        except PayrollError as error:
            fail(field, error.text, **error.params)
        return
    if field in ("bank_card", "cnaps") and isinstance(raw, float):
        fail(field, STORED_AS_NUMBER)
        return
    text = _text(raw)
    if field in ("bank_card", "cnaps"):
        text = text.replace(" ", "")
    if len(text) > TEXT_LIMITS.get(field, len(text)):
        fail(field, TOO_LONG, max=TEXT_LIMITS[field])
        return
    changes[field] = text


def _amount_text(raw) -> str:
    if isinstance(raw, float):
        return repr(raw)  # shortest text that reads back as the same double: 1234.5, not 1234.49…
    return str(raw)


def _text(raw) -> str:
    return "" if raw is None else str(raw).strip()
