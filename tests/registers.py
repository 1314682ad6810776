"""Register fixtures (台账): a families register and a services register, as CSV and as XLSX,
each holding good rows and bad rows of every kind, with where each bad row must be reported."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from stdnum.cn import ric

from api.registers.wording import FAMILY_HEADINGS, SERVICE_HEADINGS
from tests.support import resident_id

VILLAGE = "430121101001"


def old_resident_id(birth: dt.date, serial: int) -> str:
    """A 15-digit number as paper registers hold them (birth year without its century)."""
    return f"430121{birth:%y%m%d}{serial:03d}"


def with_wrong_check_character(number: str) -> str:
    right = ric.calc_check_digit(number)
    wrong = "0" if right != "0" else "1"
    return number[:17] + wrong


@dataclass
class Register:
    headings: tuple[str, ...]
    rows: list[list[Any]] = field(default_factory=list)
    # (行号, 字段) of every rejected cell, in the order the rows were added.
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def add(self, *cells: Any, rejected: str | None = None) -> int:
        self.rows.append(list(cells))
        number = len(self.rows) + 1
        if rejected is not None:
            self.rejected.append((number, rejected))
        return number

    def write(self, path: Path) -> Path:
        if path.suffix == ".xlsx":
            workbook = Workbook()
            sheet = workbook.active
            assert sheet is not None
            sheet.append(list(self.headings))
            for row in self.rows:
                sheet.append(row)
            workbook.save(path)
        else:
            with path.open("w", newline="", encoding="utf-8-sig") as stream:
                writer = csv.writer(stream)
                writer.writerow(self.headings)
                writer.writerows([_text(cell) for cell in row] for row in self.rows)
        return path


def _text(cell: Any) -> str:
    return cell.isoformat() if isinstance(cell, dt.date) else str(cell)


@dataclass
class FamiliesRegister:
    register: Register
    good_households: int
    bad_households: int
    heads: dict[str, str]
    """Resident IDs of the heads of the good households, by 户编号."""
    old_id_row: int
    already_registered_id: str
    """A head's resident ID to register before the import: its household must be skipped."""


def person(
    household: str,
    name: str,
    relation: str,
    birth: dt.date,
    *,
    female: bool,
    number: str | None = None,
    category: str = "",
    region: str = "",
    address: str = "",
    registered: Any = "",
    phone: str = "",
) -> list[Any]:
    return [
        household,
        name,
        relation,
        number or resident_id(birth, female=female),
        "女" if female else "男",
        birth,
        category,
        region,
        address,
        phone,
        registered,
    ]


def head(household: str, name: str, birth: dt.date, **extra: Any) -> list[Any]:
    extra.setdefault("female", True)
    extra.setdefault("category", "失独")
    extra.setdefault("region", VILLAGE)
    extra.setdefault("address", "长沙县黄兴镇蓝田村3组12号")
    return person(household, name, "户主", birth, **extra)


def replaced(row: list[Any], index: int, value: Any) -> list[Any]:
    return [*row[:index], value, *row[index + 1 :]]


def families_register() -> FamiliesRegister:
    r = Register(FAMILY_HEADINGS)
    born, spouse_born = dt.date(1956, 3, 15), dt.date(1954, 7, 1)
    heads: dict[str, str] = {}

    def good(household: str, *members: list[Any], **extra: Any) -> None:
        row = head(household, "王秀英", born, **extra)
        heads[household] = row[3]
        r.add(*row)
        for member in members:
            r.add(*member)

    # Good households: dates as text and as registers write them, a phone, a child.
    good(
        "H001",
        person("H001", "李建国", "配偶", spouse_born, female=False),
        person("H001", "李明", "子女", dt.date(1985, 5, 9), female=False),
        registered="2024/1/5",
        phone="13812345678",
    )
    good(
        "H002",
        person("H002", "张伟", "配偶", spouse_born, female=False),
        category="伤残",
        registered="2024-03-01",
    )
    good("H003", category="双女", region="430121")
    old = old_resident_id(dt.date(1950, 1, 2), 12)
    old_id_row = len(r.rows) + 2
    r.add(*head("H004", "赵桂兰", dt.date(1950, 1, 2), number=old, category="困难"))
    heads["H004"] = old
    already = head("H005", "陈淑华", born, category="独生子女")
    r.add(*already)

    # Bad households, one kind of mistake each.
    r.add(
        *head("B01", "刘芳", born, number=with_wrong_check_character(resident_id(born))),
        rejected="公民身份号码",
    )
    r.add(*replaced(head("B02", "刘芳", born), 5, "1956-13-45"), rejected="出生日期")
    r.add(*replaced(head("B03", "刘芳", born), 4, "未知"), rejected="性别")
    r.add(*head("B04", "刘芳", born, category="外星家庭"), rejected="家庭类别")
    r.add(*head("B05", "刘芳", born, region="43012"), rejected="区划代码")
    r.add(*head("B06", "刘芳", born))
    r.add(*person("B06", "刘强", "表亲", spouse_born, female=False), rejected="与户主关系")
    r.add(*person("B07", "刘强", "配偶", spouse_born, female=False), rejected="与户主关系")
    r.add(*head("B08", "刘芳", born))
    r.add(*head("B08", "刘强", spouse_born, female=False), rejected="与户主关系")
    r.add(*head("B09", "刘芳", born))
    r.add(
        *person("B09", "刘强", "配偶", spouse_born, female=False, region="430181001001"),
        rejected="区划代码",
    )
    r.add(*head("B10", "刘芳", born, registered="2999-01-01"), rejected="登记日期")
    r.add(*head("B11", "", born), rejected="姓名")
    r.add(*head("B12", "刘芳", born, phone="电话号码"), rejected="联系电话")
    twin = head("B13", "刘芳", born)
    r.add(*twin)
    r.add(
        *person("B13", "刘芳", "子女", born, female=True, number=twin[3]), rejected="公民身份号码"
    )
    r.add(*head("", "刘芳", born), rejected="户编号")
    r.add(*head("B15", "刘芳", born))
    r.add(*head("B16", "刘芳", born))
    r.add(*person("B15", "刘强", "配偶", spouse_born, female=False), rejected="户编号")
    return FamiliesRegister(
        register=r,
        # H001-H004, and B15's first part and B16: B15's later row is refused as out of place.
        good_households=6,
        bad_households=15,
        heads=heads,
        old_id_row=old_id_row,
        already_registered_id=already[3],
    )


def services_register(heads: dict[str, str]) -> Register:
    """Rows for the households of `heads`; every kind of bad row; 慰问金 500 + 300 + 300."""
    r = Register(SERVICE_HEADINGS)
    first, second = heads["H001"], heads["H002"]
    r.add(first, "走访慰问", "春节", "2025-01-27", "张敏、刘洋", "春节走访", "500", "大米", "80")
    r.add(
        first, "走访慰问", "端午", dt.date(2025, 5, 30), "张敏，刘洋", "端午走访", "300.00", "", ""
    )
    r.add(second, "精神慰藉", "中秋", "2025-10-06", "张敏", "中秋谈心", "300", "月饼", "58.5")
    r.add(second, "志愿服务", "日常", "2025-03-01", "志愿者小李", "打扫卫生", "", "", "")
    r.add(first, "上门", "春节", "2025-01-27", "张敏", "走访", "", "", "", rejected="服务类型")
    r.add(first, "走访慰问", "元宵", "2025-02-12", "张敏", "走访", "", "", "", rejected="节日")
    r.add(first, "走访慰问", "春节", "2025-02-30", "张敏", "走访", "", "", "", rejected="服务日期")
    r.add(first, "走访慰问", "春节", "2999-01-01", "张敏", "走访", "", "", "", rejected="服务日期")
    r.add(first, "走访慰问", "春节", "2025-01-27", "", "走访", "", "", "", rejected="工作人员")
    r.add(first, "走访慰问", "春节", "2025-01-27", "张敏", "", "", "", "", rejected="服务内容")
    r.add(
        first, "走访慰问", "春节", "2025-01-27", "张敏", "走访", "三百", "", "", rejected="慰问金"
    )
    r.add(
        first,
        "走访慰问",
        "春节",
        "2025-01-27",
        "张敏",
        "走访",
        "",
        "米",
        "8.888",
        rejected="物品价值",
    )
    unknown = resident_id(dt.date(1960, 1, 1))
    r.add(
        unknown,
        "走访慰问",
        "春节",
        "2025-01-27",
        "张敏",
        "走访",
        "",
        "",
        "",
        rejected="户主公民身份号码",
    )
    r.add(
        "430121",
        "走访慰问",
        "春节",
        "2025-01-27",
        "张敏",
        "走访",
        "",
        "",
        "",
        rejected="户主公民身份号码",
    )
    return r
