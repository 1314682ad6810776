"""What became of each household or row, and the reports written beside the input."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from api.registers.wording import in_chinese
from domain.errors import DomainError


@dataclass(frozen=True)
class Problem:
    row: int
    field: str
    message: str


FieldPlace = Callable[[tuple[Any, ...]], tuple[int, str]]
"""Where a request field was written in the register: its row and heading."""


def problems_of(error: ValidationError, place: FieldPlace) -> list[Problem]:
    found: list[Problem] = []
    for item in error.errors():
        row, heading = place(tuple(item["loc"]))
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        found.append(Problem(row, heading, in_chinese(message)))
    return found


def problem_of(error: DomainError, place: FieldPlace, default: tuple[int, str]) -> Problem:
    where = place(tuple(error.field.split("."))) if error.field else default
    return Problem(where[0], where[1], in_chinese(error.message))


@dataclass
class Prepared:
    """One household or service row: its command if it is valid, otherwise its problems."""

    rows: list[int]
    command: Callable[[], Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    interpret: Callable[[Any], Outcome] | None = None


@dataclass(frozen=True)
class Outcome:
    status: str  # imported | skipped | rejected
    notes: list[Problem] = field(default_factory=list)


IMPORTED = Outcome("imported")


@dataclass
class Tally:
    imported: int = 0
    skipped: int = 0
    rejected: int = 0
    warnings: int = 0
    would_import: int = 0

    def summary(self) -> str:
        return (
            f"imported {self.imported}, skipped {self.skipped} (already present), "
            f"rejected {self.rejected}"
        )


class Reports:
    """`FILE.errors.csv` (行号, 字段, 错误) for rejected rows; `FILE.notes.csv` (行号, 字段, 说明)
    for skipped rows and warnings. A report with nothing to say is not left behind."""

    def __init__(self, source: Path) -> None:
        self.errors_path = source.with_name(source.name + ".errors.csv")
        self.notes_path = source.with_name(source.name + ".notes.csv")
        self._errors: tuple[TextIO, Any] | None = None
        self._notes: tuple[TextIO, Any] | None = None

    def error(self, problem: Problem) -> None:
        self._errors = self._errors or _open(self.errors_path, ("行号", "字段", "错误"))
        _write(self._errors, problem)

    def note(self, problem: Problem) -> None:
        self._notes = self._notes or _open(self.notes_path, ("行号", "字段", "说明"))
        _write(self._notes, problem)

    def close(self) -> None:
        for report, path in ((self._errors, self.errors_path), (self._notes, self.notes_path)):
            if report is None:
                path.unlink(missing_ok=True)
            else:
                report[0].close()


def _open(path: Path, headings: tuple[str, str, str]) -> tuple[TextIO, Any]:
    # With a BOM, so that Excel opens the Chinese text as UTF-8.
    stream = path.open("w", newline="", encoding="utf-8-sig")
    writer = csv.writer(stream)
    writer.writerow(headings)
    return stream, writer


def _write(report: tuple[TextIO, Any], problem: Problem) -> None:
    report[1].writerow([problem.row, problem.field, _neutralised(problem.message)])


def _neutralised(text: str) -> str:
    """A cell text starting like a formula is kept as text (DESIGN.md section 7)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
