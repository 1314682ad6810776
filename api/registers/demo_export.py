"""The demo county as registers (台账), so that a new user can try the import on realistic data:
`families.csv|xlsx` (one row per person) and `services.csv|xlsx` (one row per visit)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from api.registers.wording import (
    CATEGORIES,
    FAMILY_HEADINGS,
    GENDERS,
    OCCASIONS,
    RELATIONS,
    SERVICE_HEADINGS,
    SERVICE_KINDS,
)
from application.demo.plan import CountyPlan, FamilyPlan
from application.demo.planning import plan_county
from domain.money import yuan_from_fen
from domain.values import Relation


def _words(vocabulary: dict[str, Any]) -> dict[Any, str]:
    return {value: word for word, value in vocabulary.items()}


CATEGORY_WORDS = _words(CATEGORIES)
GENDER_WORDS = _words(GENDERS)
RELATION_WORDS = _words(RELATIONS)
KIND_WORDS = _words(SERVICE_KINDS)
OCCASION_WORDS = _words(OCCASIONS)


@dataclass(frozen=True)
class ExportedRegisters:
    files: list[Path]
    families: int
    people: int
    services: int
    cash_fen: int


def export_demo_registers(
    directory: Path, *, seed: int, families: int, today: dt.date
) -> ExportedRegisters:
    directory.mkdir(parents=True, exist_ok=True)
    county = plan_county(seed, families, today)
    family_rows = list(_family_rows(county))
    service_rows = list(_service_rows(county))
    files: list[Path] = []
    for name, headings, rows in (
        ("families", FAMILY_HEADINGS, family_rows),
        ("services", SERVICE_HEADINGS, service_rows),
    ):
        files.append(_write_csv(directory / f"{name}.csv", headings, rows))
        files.append(_write_xlsx(directory / f"{name}.xlsx", headings, rows))
    cash = sum(s.cash_fen for plan in county.families for s in plan.services)
    return ExportedRegisters(files, len(county.families), len(family_rows), len(service_rows), cash)


def _family_rows(county: CountyPlan) -> Iterator[list[Any]]:
    for number, plan in enumerate(county.families, start=1):
        household = f"{plan.village.code}-{number:05d}"
        people = [(plan.head, Relation.HEAD), *((m, Relation(m["relation"])) for m in plan.members)]
        for index, (person, relation) in enumerate(people):
            first = index == 0
            yield [
                household,
                person["name"],
                RELATION_WORDS[relation],
                person["id_number"],
                GENDER_WORDS[person["gender"]],
                person["birth_date"],
                CATEGORY_WORDS[plan.category] if first else "",
                plan.village.code if first else "",
                plan.address if first else "",
                person.get("phone") or "",
                plan.registered_on if first else "",
            ]


def _service_rows(county: CountyPlan) -> Iterator[list[Any]]:
    for plan in county.families:
        yield from _services_of(plan)


def _services_of(plan: FamilyPlan) -> Iterator[list[Any]]:
    for service in plan.services:
        goods_value = sum(value for _, value in service.goods)
        yield [
            plan.head["id_number"],
            KIND_WORDS[service.kind],
            OCCASION_WORDS[service.occasion],
            service.on,
            "、".join(service.staff),
            service.summary,
            yuan_from_fen(service.cash_fen) if service.cash_fen else "",
            "、".join(description for description, _ in service.goods),
            yuan_from_fen(goods_value) if goods_value else "",
        ]


def _write_csv(path: Path, headings: Iterable[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)
        writer.writerow(headings)
        writer.writerows([_text(cell) for cell in row] for row in rows)
    return path


def _write_xlsx(path: Path, headings: Iterable[str], rows: list[list[Any]]) -> Path:
    """Dates as date cells, everything else as text (resident IDs must not become numbers)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(headings))
    for row in rows:
        sheet.append([cell if isinstance(cell, dt.date) else _text(cell) for cell in row])
    workbook.save(path)
    return path


def _text(cell: Any) -> str:
    return cell.isoformat() if isinstance(cell, dt.date) else str(cell)
