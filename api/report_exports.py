"""Reports as spreadsheets: CSV (UTF-8 with BOM, so that Excel reads the Chinese headings) and
XLSX (numbers as number cells, dates as date cells). Both are written from the body the caller
may see, after masking, and neutralise formulas (DESIGN.md section 7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from fastapi.responses import JSONResponse, Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from pydantic import BaseModel

from api.responses import public
from application.principal import Principal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CellKind(Enum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: CellKind = CellKind.TEXT


@dataclass(frozen=True)
class Export:
    """What a report looks like as a sheet: its name, columns, and its rows taken from the
    (masked) JSON body."""

    name: str
    columns: Sequence[Column]
    rows: Callable[[dict[str, Any]], list[dict[str, Any]]]


def neutralised(text: str) -> str:
    """A text a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(export: Export, body: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading for column in export.columns])
    for row in export.rows(body):
        writer.writerow([_csv_value(column, row.get(column.key)) for column in export.columns])
    return "\ufeff" + buffer.getvalue()


def _csv_value(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind is CellKind.TEXT:
        return neutralised(str(value))
    return str(value)


def xlsx_bytes(export: Export, body: dict[str, Any]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.name)
    sheet.append([column.heading for column in export.columns])
    for row in export.rows(body):
        sheet.append([_xlsx_cell(sheet, column, row.get(column.key)) for column in export.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


NUMBER_FORMATS = {
    CellKind.MONEY: "#,##0.00",
    CellKind.PERCENT: "0.00",
    CellKind.DATE: "yyyy-mm-dd",
}


def _xlsx_cell(sheet: WriteOnlyWorksheet, column: Column, value: Any) -> Cell:
    cell = WriteOnlyCell(sheet)
    if value is None:
        return cell
    match column.kind:
        case CellKind.COUNT:
            cell.value = int(value)
        case CellKind.MONEY:
            cell.value = Decimal(str(value))
        case CellKind.PERCENT:
            cell.value = float(value)
        case CellKind.DATE:
            cell.value = dt.date.fromisoformat(str(value))
        case CellKind.TEXT:
            cell.value = str(value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
    if column.kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[column.kind]
    return cell


def report_response(
    body: dict[str, Any],
    model: type[BaseModel],
    principal: Principal,
    accept: str,
    export: Export,
) -> Response:
    """JSON, or with `Accept: text/csv` or the XLSX media type a spreadsheet of the same
    figures as the caller may see them."""
    shaped = public(body, model, principal)
    if "text/csv" in accept:
        return Response(
            csv_text(export, shaped).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{export.name}.csv"'},
        )
    if XLSX in accept:
        return Response(
            xlsx_bytes(export, shaped),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{export.name}.xlsx"'},
        )
    return JSONResponse(shaped)
