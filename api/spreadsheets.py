"""Spreadsheet exports (CSV and XLSX) that auditors open in Excel: Chinese headings, numbers as
number cells, dates as date cells, and no cell that Excel would run as a formula
(DESIGN.md section 7)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet
from starlette.responses import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CellKind(StrEnum):
    TEXT = "text"
    YUAN = "yuan"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: CellKind = CellKind.TEXT


def neutralised(text: str) -> str:
    """Text that a spreadsheet shows as written instead of evaluating it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the Chinese headings as written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading for column in columns])
    for row in rows:
        writer.writerow([_csv_value(column, row.get(column.key)) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(columns: Sequence[Column], rows: Iterable[dict[str, Any]], *, sheet: str) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet: Worksheet = workbook.create_sheet(sheet)
    worksheet.append([column.heading for column in columns])
    for row in rows:
        worksheet.append([_xlsx_cell(worksheet, column, row.get(column.key)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spreadsheet_response(
    accept: str, columns: Sequence[Column], rows: list[dict[str, Any]], *, name: str
) -> Response | None:
    """The rows as the spreadsheet the Accept header asks for, or None for JSON."""
    if CSV in accept:
        return Response(
            as_csv(columns, rows),
            media_type="text/csv; charset=utf-8",
            headers=_attachment(f"{name}.csv"),
        )
    if XLSX in accept:
        return Response(
            as_xlsx(columns, rows, sheet=name),
            media_type=XLSX,
            headers=_attachment(f"{name}.xlsx"),
        )
    return None


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _csv_value(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind is CellKind.TEXT:
        return neutralised(str(value))
    # Numbers and dates are ours, never a client's text: a yuan amount may be negative.
    return str(value.isoformat() if isinstance(value, dt.date) else value)


def _xlsx_cell(worksheet: Worksheet, column: Column, value: Any) -> Any:
    if value is None:
        return WriteOnlyCell(worksheet, value=None)
    match column.kind:
        case CellKind.YUAN:
            cell = WriteOnlyCell(worksheet, value=decimal.Decimal(str(value)))  # type: ignore[arg-type]
            cell.number_format = "#,##0.00"
        case CellKind.INTEGER:
            cell = WriteOnlyCell(worksheet, value=int(value))
        case CellKind.NUMBER:
            cell = WriteOnlyCell(worksheet, value=float(value))
            cell.number_format = "0.00"
        case CellKind.DATE:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            cell = WriteOnlyCell(worksheet, value=day)  # type: ignore[arg-type]
            cell.number_format = "yyyy-mm-dd"
        case CellKind.DATETIME:
            moment = (
                value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
            )
            # Excel has no time zones: the moment as written, in its own offset.
            cell = WriteOnlyCell(worksheet, value=moment.replace(tzinfo=None))
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
        case CellKind.TEXT:
            # A string cell is shown as written, never evaluated.
            cell = WriteOnlyCell(worksheet, value=str(value))
            cell.data_type = "s"
    return cell
