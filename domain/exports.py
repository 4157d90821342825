"""Spreadsheet exports of any size, written row by row: an .xlsx in openpyxl's write-only mode
(rows go to a temporary file as they come) and CSV text in chunks."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from io import StringIO
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_CHUNK = 500  # lines per chunk of a streamed CSV


def write_xlsx(out: BinaryIO, sheet: str, title: str, headers: Sequence[str],
               rows: Iterable[Sequence], widths: Sequence[int] = ()) -> int:  # fmt: skip
    """Write a sheet (a bold title line, bold headers, then every row) to ``out``; memory does
    not grow with the rows.  Returns how many rows were written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A3"
    ws.append([_bold(ws, title, 13)])
    ws.append([_bold(ws, h) for h in headers])
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    wb.save(out)
    return count


def _bold(ws, value, size: int | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True, size=size) if size else Font(bold=True)
    return cell


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """CSV text (UTF-8 with a BOM, so Excel reads the Chinese) in chunks of ``CSV_CHUNK`` lines."""
    buffer = StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if n % CSV_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
