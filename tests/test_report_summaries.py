"""A province's and a city's reports read summary tables (services summed per county and
month, households as month masks, each family's last and fourth-last visits) rather than every
row. Their figures must be exactly those the rows give: checked against the drill lists, which
read the rows, for periods that fill whole months, periods with edge days, and periods across
years, after corrections, voids and a family's move to another city (served in both within
the first quarter)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import UserFactory
from tests.steps import FAMILIES, SERVICES, register_family

REPORTS = "/api/v1/reports"
PERIODS = (
    {"from": "2025-01-01", "to": "2025-12-31"},
    {"from": "2025-01-01", "to": "2025-03-31"},
    {"from": "2025-01-15", "to": "2025-04-10"},
    {"from": "2024-12-01", "to": "2026-01-31"},
    {"from": "2024-12-31", "to": "2026-01-04"},
    {"from": "2025-02-10", "to": "2025-02-22"},
    {"to": "2025-06-30"},
)
FILTERS = (
    {},
    {"occasion": "spring_festival"},
    {"kind": "visit"},
    {"kind": "visit", "occasion": "routine"},
)


@dataclass
class Province:
    families: dict[str, str]
    caseworker: dict[str, str]
    headers: dict[str, str]


def post(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def get(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def province(client: TestClient, user_headers: UserFactory) -> Province:
    """A and B in 长沙县 (4301), C in 浏阳市 (4301) until it moves to 株洲 (4302) on
    2025-02-01, D in 株洲. B's comfort visit is corrected to a visit a month later; a may29
    visit is voided."""
    admin = user_headers("admin", None)
    worker = user_headers("caseworker", "430000")
    fund = post(
        client,
        "/api/v1/funds",
        {"source": "provincial_budget", "region_code": "430121", "programme": "warm_heart",
         "name": "长沙县暖心行动资金"},
        admin,
    )  # fmt: skip
    post(
        client,
        f"/api/v1/funds/{fund['id']}/receipts",
        {"amount": "1000.00", "payer": "湖南省财政厅", "received_on": "2024-11-05"},
        admin | {"Idempotency-Key": "receipt"},
    )

    def family(region: str) -> str:
        return str(
            register_family(client, worker, region_code=region, registered_on="2024-06-01")["id"]
        )

    def service(family_id: str, on: str, goods: str, **fields: Any) -> str:
        body = {
            "kind": "visit",
            "occasion": "spring_festival",
            "occurred_on": on,
            "staff": ["张敏"],
            "summary": "走访慰问",
            "goods": [{"description": "米油", "value": goods}],
            **fields,
        }
        headers = worker | {"Idempotency-Key": f"{family_id}-{on}"}
        return str(post(client, f"{FAMILIES}/{family_id}/services", body, headers)["id"])

    f = {
        "A": family("430121101001"),
        "B": family("430121101002"),
        "C": family("430181001001"),
        "D": family("430202001001"),
    }
    service(f["A"], "2024-12-30", "50.00")
    service(f["A"], "2025-01-27", "80.00", cash={"amount": "200.00", "fund_id": fund["id"]})
    moved = service(f["B"], "2025-03-15", "30.00", kind="comfort", occasion="routine")
    post(
        client,
        f"{SERVICES}/{moved}/corrections",
        {"reason": "日期登记错误", "kind": "visit", "occurred_on": "2025-04-02",
         "goods": [{"description": "米油", "value": "45.00"}]},
        worker,
    )  # fmt: skip
    voided = service(f["B"], "2025-06-01", "20.00", occasion="may29")
    post(client, f"{SERVICES}/{voided}/void", {"reason": "重复登记"}, worker)
    service(f["C"], "2025-01-10", "10.00")
    post(
        client,
        f"{FAMILIES}/{f['C']}/transfer",
        {"to_region_code": "430202001001", "transferred_on": "2025-02-01", "reason": "迁居"},
        worker,
    )
    service(f["C"], "2025-02-20", "15.00", occasion="routine")
    service(f["C"], "2025-02-25", "5.00", kind="comfort", occasion="routine")
    service(f["D"], "2026-01-05", "100.00")
    return Province(f, worker, user_headers("supervisor", "430000"))


def _drilled(client: TestClient, url: str, headers: dict[str, str]) -> tuple[Any, ...]:
    """Households, services, cash and goods as the drill's items add them up."""
    response = client.get(f"{url}&limit=500", headers=headers)
    assert response.status_code == 200, response.text
    drill = response.json()
    items = drill["items"]
    assert len(items) == drill["total"]
    return (
        drill["total"],
        sum(item["services"] for item in items),
        sum((Decimal(item["cash"]) for item in items), Decimal("0")),
        sum((Decimal(item["goods"]) for item in items), Decimal("0")),
    )


def _figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["households"], row["services"], Decimal(row["cash"]), Decimal(row["goods"]))


@pytest.mark.parametrize("period", PERIODS, ids=lambda period: "..".join(period.values()))
def test_every_province_and_city_figure_is_what_its_drill_list_adds_up_to(
    client: TestClient, province: Province, period: dict[str, str]
) -> None:
    for filters in FILTERS:
        report = get(client, f"{REPORTS}/services", province.headers, **period, **filters)
        for row in [report["totals"], *report["rows"]]:
            expected = _drilled(client, row["drill"]["families"], province.headers)
            assert _figures(row) == expected, (filters, row["drill"]["families"])


def test_a_family_served_in_two_cities_counts_once_in_the_province_and_once_in_each_city(
    client: TestClient, province: Province
) -> None:
    report = get(client, f"{REPORTS}/services", province.headers, **PERIODS[0])

    assert [(row["region_code"], *_figures(row)) for row in report["rows"]] == [
        ("430100", 3, 3, Decimal("200.00"), Decimal("135.00")),
        ("430200", 1, 2, Decimal("0.00"), Decimal("20.00")),
    ]
    assert _figures(report["totals"]) == (3, 5, Decimal("200.00"), Decimal("155.00"))


def test_a_correction_moves_a_service_to_its_new_month_and_kind_in_a_city_report(
    client: TestClient, province: Province
) -> None:
    city = get(client, f"{REPORTS}/services", province.headers, region="430100",
               **{"from": "2025-04-01", "to": "2025-04-30"}, kind="visit")  # fmt: skip
    march = get(client, f"{REPORTS}/services", province.headers, region="430100",
                **{"from": "2025-03-01", "to": "2025-03-31"})  # fmt: skip

    assert [(row["region_code"], *_figures(row)) for row in city["rows"]] == [
        ("430121", 1, 1, Decimal("0.00"), Decimal("45.00"))
    ]
    assert march["rows"] == []


def test_the_scorecard_counts_a_countys_visits_from_the_month_sums(
    client: TestClient, province: Province
) -> None:
    scorecard = get(client, f"{REPORTS}/scorecard", province.headers, year=2025)
    visits_per_family = {
        county["region_code"]: next(
            indicator["value"]
            for indicator in county["indicators"]
            if indicator["indicator"] == "visits_per_family"
        )
        for county in scorecard["counties"]
    }

    # 长沙县: A's and B's (corrected to a visit) over A and B; the voided may29 visit and
    # the 2024 one are left out. 株洲: C's February visit (not its comfort call) over C and D.
    # 浏阳: C's January visit, and no family left to divide by.
    assert visits_per_family == {"430121": 1.0, "430181": None, "430202": 0.5}


def test_visits_after_the_as_of_date_do_not_count_in_coverage_on_that_date(
    client: TestClient, province: Province
) -> None:
    family = province.families["A"]
    for number, on in enumerate(("2025-03-01", "2025-06-01", "2025-09-01"), start=1):
        body = {"kind": "visit", "occasion": "routine", "occurred_on": on, "staff": ["张敏"],
                "summary": "走访", "goods": []}  # fmt: skip
        keyed = province.caseworker | {"Idempotency-Key": f"v{number}"}
        post(client, f"{FAMILIES}/{family}/services", body, keyed)

    def measures(as_of: str) -> tuple[int, int]:
        totals = get(client, f"{REPORTS}/coverage", province.headers, as_of=as_of)["totals"]
        return totals["visited_90d"], totals["visited_4_in_365d"]

    # A's visits: 2024-12-30, 2025-01-27, 03-01, 06-01, 09-01; B's: 2025-04-02 (corrected).
    assert measures("2025-10-01") == (1, 1)  # as of a day after every visit
    assert measures("2025-07-01") == (2, 1)  # A: four by then; B's visit 90 days before
    assert measures("2025-05-01") == (3, 0)  # A: three by then; B in April, C in February
    assert measures("2026-06-30") == (0, 0)
