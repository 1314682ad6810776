"""Each report's spreadsheet: Chinese headings, one row per region (and a 合计 row), or one
per family."""

from __future__ import annotations

from typing import Any

from api.report_exports import Export
from api.spreadsheets import CellKind, Column

COUNT, MONEY, PERCENT, DATE = CellKind.INTEGER, CellKind.YUAN, CellKind.NUMBER, CellKind.DATE
TOTAL_LABEL = "合计"


def _with_totals(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [*body["rows"], {**body["totals"], "region_code": "", "region_name": TOTAL_LABEL}]


SERVICES = Export(
    name="services",
    columns=(
        Column("region_code", "区划代码"),
        Column("region_name", "区划名称"),
        Column("households", "服务户数", COUNT),
        Column("services", "服务人次", COUNT),
        Column("cash", "慰问金（元）", MONEY),
        Column("goods", "物品价值（元）", MONEY),
        Column("total", "资金物资合计（元）", MONEY),
    ),
    rows=_with_totals,
)

_MEASURE_HEADINGS = (
    ("with_contacts", "落实双岗联系人"),
    ("with_family_doctor", "签约家庭医生"),
    ("with_green_channel", "开通就医绿色通道"),
    ("insured", "参加住院护理保险"),
    ("visited_90d", "90天内走访"),
    ("visited_4_in_365d", "一年内走访4次以上"),
)

COVERAGE = Export(
    name="coverage",
    columns=(
        Column("region_code", "区划代码"),
        Column("region_name", "区划名称"),
        Column("families", "特殊家庭户数", COUNT),
        *(
            column
            for measure, heading in _MEASURE_HEADINGS
            for column in (
                Column(measure, f"{heading}户数", COUNT),
                Column(f"{measure}_rate", f"{heading}比例（%）", PERCENT),
            )
        ),
    ),
    rows=_with_totals,
)


def _overdue_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for item in body["items"]:
        contacts = item.get("contacts") or {}
        township = contacts.get("township_contact") or {}
        village = contacts.get("village_contact") or {}
        rows.append(
            {
                **item,
                "township_name": township.get("name"),
                "township_phone": township.get("phone"),
                "village_name": village.get("name"),
                "village_phone": village.get("phone"),
            }
        )
    return rows


OVERDUE = Export(
    name="overdue",
    columns=(
        Column("family_id", "家庭编号"),
        Column("region_code", "区划代码"),
        Column("region_name", "区划名称"),
        Column("category", "家庭类别"),
        Column("last_service_on", "最近服务日期", DATE),
        Column("days_since_last_service", "距今天数", COUNT),
        Column("township_name", "乡镇联系人"),
        Column("township_phone", "乡镇联系人电话"),
        Column("village_name", "村（社区）联系人"),
        Column("village_phone", "村（社区）联系人电话"),
    ),
    rows=_overdue_rows,
)


FUNDS = Export(
    name="funds",
    columns=(
        Column("source", "资金来源"),
        Column("programme", "项目"),
        Column("funds", "资金账户数", COUNT),
        Column("received", "收到资金（元）", MONEY),
        Column("allocated_in", "上级拨入（元）", MONEY),
        Column("allocated_out", "下拨（元）", MONEY),
        Column("paid", "发放（元）", MONEY),
        Column("premiums", "保费（元）", MONEY),
        Column("available", "期末可用（元）", MONEY),
    ),
    rows=lambda body: [*body["rows"], {**body["totals"], "source": TOTAL_LABEL}],
)


def _score_rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for county in body["counties"]:
        place = {"region_code": county["region_code"], "region_name": county["region_name"]}
        rows.extend(place | indicator for indicator in county["indicators"])
        rows.append(place | {"name": "总分", "score": county["total"]})
    return rows


SCORECARD = Export(
    name="scorecard",
    columns=(
        Column("region_code", "区划代码"),
        Column("region_name", "区划名称"),
        Column("name", "指标"),
        Column("value", "数值", PERCENT),
        Column("weight", "权重", PERCENT),
        Column("target", "目标值", PERCENT),
        Column("score", "得分", PERCENT),
    ),
    rows=_score_rows,
)
