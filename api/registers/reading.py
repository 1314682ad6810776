"""Rows of a register, streamed: a CSV file or the first sheet of an XLSX workbook (read-only
mode), each row numbered as Excel shows it (the heading is row 1) and keyed by its heading."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from domain.errors import InvalidValueError

Cell = str | int | float | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, Cell]

    def text(self, heading: str) -> str:
        """The cell as text: numbers without a spurious `.0`, dates as ISO dates."""
        value = self.values.get(heading)
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


@contextmanager
def register_rows(path: Path, headings: tuple[str, ...]) -> Iterator[Iterator[Row]]:
    """The rows after the heading row; a file missing a heading is refused whole."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            yield _rows(sheet.iter_rows(values_only=True), headings)
        finally:
            workbook.close()
    else:
        with path.open(newline="", encoding=_encoding_of(path)) as stream:
            yield _rows(csv.reader(stream), headings)


def _rows(lines: Iterator[Any], headings: tuple[str, ...]) -> Iterator[Row]:
    first = next(lines, None)
    found = [str(cell).strip() if cell is not None else "" for cell in (first or ())]
    missing = [heading for heading in headings if heading not in found]
    if missing:
        raise InvalidValueError(f"the register has no column {'、'.join(missing)}")
    for number, line in enumerate(lines, start=2):
        values = {
            heading: line[index] if index < len(line) else None
            for index, heading in enumerate(found)
            if heading
        }
        if any(value not in (None, "") for value in values.values()):
            yield Row(number, values)


def _encoding_of(path: Path) -> str:
    """UTF-8 (with or without a BOM), or GB 18030 as Excel on a Chinese Windows saves CSV."""
    with path.open("rb") as stream:
        head = stream.read(1 << 20)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the 1 MiB boundary is still UTF-8.
        if error.start < len(head) - 3:
            return "gb18030"
    return "utf-8-sig"


def count_rows(path: Path) -> int:
    """Rows after the heading, for the progress bar: the sheet's own dimension for XLSX, the
    line count for CSV (a quoted line break makes it a little high, which a bar can bear)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            return max((workbook.worksheets[0].max_row or 1) - 1, 0)
        finally:
            workbook.close()
    lines = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)
