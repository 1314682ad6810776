"""The funds report and the yearly scorecard through the HTTP API, against figures worked out
by hand: a county fund receives 1,000.00 and allocates 300.00 to a township fund, which pays a
family 70.01 with three visits in 2025; one of them (20.00) is voided today, which pays its
money back today; a foundation fund receives 500.00."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import UserFactory
from tests.steps import FAMILIES, SERVICES, register_family

REPORTS = "/api/v1/reports"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@dataclass
class Funds:
    county: str
    town: str
    foundation: str


@pytest.fixture
def admin(user_headers: UserFactory) -> dict[str, str]:
    return user_headers("admin", None)


def post(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def open_fund(client: TestClient, admin: dict[str, str], region: str, source: str) -> str:
    body = {"source": source, "region_code": region, "programme": "warm_heart", "name": region}
    return str(post(client, "/api/v1/funds", body, admin)["id"])


def visit(
    client: TestClient, headers: dict[str, str], family_id: str, on: str, cash: str, fund: str
) -> str:
    body = {
        "kind": "visit",
        "occasion": "routine",
        "occurred_on": on,
        "staff": ["张敏"],
        "summary": "走访慰问",
        "cash": {"amount": cash, "fund_id": fund},
    }
    return str(
        post(client, f"{FAMILIES}/{family_id}/services", body, headers | {"Idempotency-Key": on})[
            "id"
        ]
    )


@pytest.fixture
def funds(client: TestClient, admin: dict[str, str], caseworker: dict[str, str]) -> Funds:
    county = open_fund(client, admin, "430121", "provincial_budget")
    town = open_fund(client, admin, "430121101", "provincial_budget")
    foundation = open_fund(client, admin, "430121", "foundation_donation")
    receipt = {"payer": "湖南省财政厅", "received_on": "2025-01-05"}
    post(
        client,
        f"/api/v1/funds/{county}/receipts",
        receipt | {"amount": "1000.00"},
        admin | {"Idempotency-Key": "r1"},
    )
    post(
        client,
        f"/api/v1/funds/{foundation}/receipts",
        receipt | {"amount": "500.00"},
        admin | {"Idempotency-Key": "r2"},
    )
    allocation = {
        "from_fund": county,
        "to_fund": town,
        "amount": "300.00",
        "memo": "下拨",
        "occurred_on": "2025-01-06",
    }
    post(client, "/api/v1/transfers", allocation, admin | {"Idempotency-Key": "a1"})
    # Two open special families; only the first is served.
    first = register_family(client, caseworker, registered_on="2024-06-01")["id"]
    register_family(client, caseworker, registered_on="2024-06-01")
    post(
        client,
        f"{FAMILIES}/{first}/contacts",
        {
            "township_contact": {"name": "张敏"},
            "village_contact": {"name": "刘芳"},
            "assigned_on": "2025-01-10",
        },
        caseworker,
    )
    visit(client, caseworker, first, "2025-03-01", "50.00", town)
    voided = visit(client, caseworker, first, "2025-11-15", "20.00", town)
    post(client, f"{SERVICES}/{voided}/void", {"reason": "重复登记"}, caseworker)
    visit(client, caseworker, first, "2025-11-16", "0.01", town)
    return Funds(county, town, foundation)


def get(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(f"{REPORTS}/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


FLOWS = ("received", "allocated_in", "allocated_out", "paid", "premiums", "available")


def test_the_funds_report_shows_each_source_and_programmes_flows(
    client: TestClient, funds: Funds, supervisor: dict[str, str]
) -> None:
    report = get(client, "funds", supervisor, region="430121", **YEAR)

    assert [(r["source"], r["funds"], *(r[f] for f in FLOWS)) for r in report["rows"]] == [
        ("foundation_donation", 1, "500.00", "0.00", "0.00", "0.00", "0.00", "500.00"),
        ("provincial_budget", 2, "1000.00", "300.00", "300.00", "70.01", "0.00", "929.99"),
    ]
    assert [report["totals"][f] for f in ("received", "paid", "available")] == [
        "1500.00", "70.01", "1429.99",
    ]  # fmt: skip


def test_a_voided_payment_returns_its_money_in_the_period_it_was_voided(
    client: TestClient, runtime: Any, funds: Funds, supervisor: dict[str, str]
) -> None:
    today = runtime.app.today()
    today_only = {"from": str(today), "to": str(today)}
    report = get(client, "funds", supervisor, source="provincial_budget", **today_only)

    assert (report["rows"][0]["paid"], report["rows"][0]["available"]) == ("-20.00", "949.99")


def test_the_funds_report_filters_by_source(
    client: TestClient, funds: Funds, supervisor: dict[str, str]
) -> None:
    report = get(client, "funds", supervisor, source="foundation_donation", **YEAR)

    assert [row["source"] for row in report["rows"]] == ["foundation_donation"]


def test_the_postings_of_a_funds_row_add_up_to_each_of_its_figures(
    client: TestClient, funds: Funds, supervisor: dict[str, str]
) -> None:
    row = get(client, "funds", supervisor, region="430121", **YEAR)["rows"][1]

    postings = client.get(row["drill"]["postings"], headers=supervisor).json()["items"]

    sums: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        sums[posting["flow"]] += Decimal(posting["amount"])
    assert {flow: f"{total:.2f}" for flow, total in sums.items()} == {
        "received": row["received"],
        "allocated_in": row["allocated_in"],
        "allocated_out": row["allocated_out"],
        "paid": row["paid"],
    }


def test_the_funds_report_is_a_csv_with_chinese_headings(
    client: TestClient, funds: Funds, supervisor: dict[str, str]
) -> None:
    response = client.get(
        f"{REPORTS}/funds", params=YEAR, headers=supervisor | {"Accept": "text/csv"}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["资金来源", "项目", "资金账户数", "收到资金（元）"]
    assert rows[-1][0] == "合计"


def indicators(county: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {i["indicator"]: (i["value"], i["score"]) for i in county["indicators"]}


def test_the_scorecard_scores_each_county_on_its_indicators(
    client: TestClient, funds: Funds, supervisor: dict[str, str]
) -> None:
    (county,) = get(client, "scorecard", supervisor, year=2025)["counties"]

    assert (county["region_code"], county["region_name"]) == ("430121", "长沙县")
    # paid 70.01 of the 1,500.00 that came in (the void returns its 20.00 in the year it was
    # voided); 1 of 2 families with contacts; 2 visits (the voided one left out) for 2
    # families; one visited within 90 days of 2025-12-31; no claims to decide.
    assert indicators(county) == {
        "budget_execution": (4.67, 1.04),
        "with_contacts_rate": (50.0, 7.5),
        "with_family_doctor_rate": (0.0, 0.0),
        "with_green_channel_rate": (0.0, 0.0),
        "insured_rate": (0.0, 0.0),
        "visited_90d_rate": (50.0, 5.0),
        "visits_per_family": (1.0, 2.5),
        "claims_decided_30d_rate": (None, None),
    }
    assert county["total"] == 17.82


def test_scorecard_weights_and_targets_are_settings(
    client: TestClient, runtime: Any, funds: Funds, supervisor: dict[str, str]
) -> None:
    runtime.settings.scorecard_weights = {"visits_per_family": 30}
    runtime.settings.scorecard_targets = {"visits_per_family": 1}

    (county,) = get(client, "scorecard", supervisor, year=2025)["counties"]

    assert indicators(county)["visits_per_family"] == (1.0, 30.0)
