"""Reports through the HTTP API (DESIGN.md section 11), against figures worked out by hand for
a small fixture county: two townships of 长沙县, five families, five services (one corrected,
one voided), one of them paid in cash from a fund."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.cli import main
from api.runtime import Runtime
from projections.reports_sql import SQLReportsView
from tests.conftest import UserFactory
from tests.steps import (
    FAMILIES,
    SERVICES,
    cli_environment,
    log_position,
    record_service,
    register_family,
)

REPORTS = "/api/v1/reports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOWN_A = "430121101"
TOWN_B = "430121102"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@dataclass
class County:
    families: dict[str, str]
    services: dict[str, str]
    fund_id: str


@pytest.fixture
def admin(user_headers: UserFactory) -> dict[str, str]:
    return user_headers("admin", None)


@pytest.fixture
def auditor(user_headers: UserFactory) -> dict[str, str]:
    return user_headers("auditor", None)


def post(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def contacts(name: str = "张敏") -> dict[str, Any]:
    return {
        "township_contact": {"name": name, "phone": "13900001111", "position": "乡镇计生专干"},
        "village_contact": {"name": "刘芳", "phone": "13900002222"},
        "assigned_on": "2025-01-10",
    }


@pytest.fixture
def county(client: TestClient, caseworker: dict[str, str], admin: dict[str, str]) -> County:
    """F1, F2 (town A) and F3 (town B) are open special families; F4 (town B) is a hardship
    family; F5 (town A) was closed. S3 is corrected from 100.00 to 120.00 of goods; S4 (300.00
    cash) is voided."""
    fund = post(
        client,
        "/api/v1/funds",
        {
            "source": "provincial_budget",
            "region_code": "430121",
            "programme": "warm_heart",
            "name": "长沙县暖心行动资金",
        },
        admin,
    )
    post(
        client,
        f"/api/v1/funds/{fund['id']}/receipts",
        {"amount": "1000.00", "payer": "湖南省财政厅", "received_on": "2025-01-05"},
        admin | {"Idempotency-Key": "receipt-1"},
    )

    def family(region: str, category: str = "bereaved") -> str:
        return str(
            register_family(
                client,
                caseworker,
                region_code=region,
                category=category,
                registered_on="2024-06-01",
            )["id"]
        )

    f = {
        "F1": family(f"{TOWN_A}001"),
        "F2": family(f"{TOWN_A}002", "disabled_child"),
        "F3": family(f"{TOWN_B}001"),
        "F4": family(f"{TOWN_B}001", "hardship"),
        "F5": family(f"{TOWN_A}001"),
    }
    post(client, f"{FAMILIES}/{f['F1']}/contacts", contacts(), caseworker)
    post(client, f"{FAMILIES}/{f['F2']}/contacts", contacts(), caseworker)
    post(
        client,
        f"{FAMILIES}/{f['F1']}/family-doctor",
        {
            "doctor": "赵医生",
            "institution": "黄兴镇卫生院",
            "signed_on": "2024-12-01",
            "expires_on": "2025-12-01",
        },
        caseworker,
    )
    post(
        client,
        f"{FAMILIES}/{f['F1']}/green-channel",
        {"hospital": "长沙县人民医院", "granted_on": "2025-02-01"},
        caseworker,
    )
    post(
        client,
        f"{FAMILIES}/{f['F5']}/close",
        {"reason": "户主去世", "closed_on": "2025-01-02"},
        caseworker,
    )

    def service(key: str, family_id: str, **fields: Any) -> str:
        response = client.post(
            f"{FAMILIES}/{family_id}/services",
            json=_service(**fields),
            headers=caseworker | {"Idempotency-Key": key},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    cash = {"amount": "200.00", "fund_id": fund["id"]}
    s = {
        "S1": service("s1", f["F1"], occurred_on="2025-01-27", goods="80.00", cash=cash),
        "S2": service("s2", f["F1"], occasion="may29", occurred_on="2025-05-29", goods="50.00"),
        "S3": service("s3", f["F2"], kind="comfort", occurred_on="2025-01-28", goods="100.00"),
        "S4": service(
            "s4",
            f["F3"],
            occurred_on="2025-01-29",
            goods=None,
            cash={"amount": "300.00", "fund_id": fund["id"]},
        ),
        "S5": service("s5", f["F4"], occurred_on="2025-01-30", goods="60.00"),
    }
    post(
        client,
        f"{SERVICES}/{s['S3']}/corrections",
        {"reason": "物品价值登记错误", "goods": [{"description": "米油", "value": "120.00"}]},
        caseworker,
    )
    post(client, f"{SERVICES}/{s['S4']}/void", {"reason": "重复登记"}, caseworker)
    return County(families=f, services=s, fund_id=fund["id"])


def _service(
    *,
    kind: str = "visit",
    occasion: str = "spring_festival",
    occurred_on: str,
    goods: str | None,
    cash: dict[str, str] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "occasion": occasion,
        "occurred_on": occurred_on,
        "staff": ["张敏"],
        "summary": "走访慰问",
        "goods": [{"description": "米油", "value": goods}] if goods else [],
    }
    if cash:
        body["cash"] = cash
    return body


def get(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(f"{REPORTS}/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def figures(row: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(row[name] for name in names)


SERVICE_FIGURES = ("region_code", "households", "services", "cash", "goods", "total")


# -- services ---------------------------------------------------------------------------------


def test_the_services_report_counts_households_services_cash_and_goods_per_township(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    report = get(client, "services", supervisor, region="430121", **YEAR)

    assert [figures(row, *SERVICE_FIGURES) for row in report["rows"]] == [
        (TOWN_A, 2, 3, "200.00", "250.00", "450.00"),
        (TOWN_B, 1, 1, "0.00", "60.00", "60.00"),
    ]
    assert figures(report["totals"], *SERVICE_FIGURES[1:]) == (3, 4, "200.00", "310.00", "510.00")


def test_the_services_report_names_its_region_period_and_log_position(
    client: TestClient, runtime: Runtime, county: County, supervisor: dict[str, str]
) -> None:
    report = get(client, "services", supervisor, region="430121", **YEAR)

    assert (report["region"], report["from"], report["to"]) == ("430121", *YEAR.values())
    assert report["position"] == log_position(runtime)


def test_a_city_supervisor_sees_counties_one_level_down_with_their_names(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    report = get(client, "services", supervisor, **YEAR)

    assert [(r["region_code"], r["region_name"], r["households"]) for r in report["rows"]] == [
        ("430121", "长沙县", 3)
    ]
    assert report["region"] == "430100"


def test_the_services_report_filters_by_occasion_and_kind(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    festival = get(client, "services", supervisor, occasion="spring_festival", **YEAR)
    comfort = get(client, "services", supervisor, kind="comfort", **YEAR)

    assert figures(festival["totals"], "households", "services", "cash", "goods") == (
        3, 3, "200.00", "260.00",
    )  # fmt: skip
    assert figures(comfort["totals"], "households", "services", "goods") == (1, 1, "120.00")


def test_the_services_report_counts_only_services_within_the_period(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    report = get(client, "services", supervisor, **{"from": "2025-02-01", "to": "2025-12-31"})

    assert figures(report["totals"], "households", "services", "goods") == (1, 1, "50.00")


def test_without_a_period_the_services_report_counts_everything_up_to_today(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    report = get(client, "services", supervisor)

    assert report["from"] is None
    assert figures(report["totals"], "households", "services") == (3, 4)


def test_a_period_that_ends_before_it_starts_is_422_naming_from(
    client: TestClient, supervisor: dict[str, str]
) -> None:
    response = client.get(
        f"{REPORTS}/services",
        params={"from": "2025-03-01", "to": "2025-02-01"},
        headers=supervisor,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"


def test_the_families_drill_of_a_row_lists_the_households_it_counts_adding_up_to_its_figures(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    row = get(client, "services", supervisor, region="430121", **YEAR)["rows"][0]

    drill = client.get(row["drill"]["families"], headers=supervisor).json()

    assert {item["family_id"] for item in drill["items"]} == {
        county.families["F1"],
        county.families["F2"],
    }
    assert drill["total"] == row["households"]
    assert sum(item["services"] for item in drill["items"]) == row["services"]
    assert sum(Decimal(item["goods"]) for item in drill["items"]) == Decimal(row["goods"])
    assert sum(Decimal(item["cash"]) for item in drill["items"]) == Decimal(row["cash"])


def test_the_postings_drill_lists_the_journal_entries_of_the_cash_summed(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    totals = get(client, "services", supervisor, region="430121", **YEAR)["totals"]

    drill = client.get(totals["drill"]["postings"], headers=supervisor).json()

    assert [(p["service_id"], p["fund_id"], p["amount"]) for p in drill["items"]] == [
        (county.services["S1"], county.fund_id, "200.00")
    ]
    assert drill["amount"] == totals["cash"]


def test_a_caseworker_sees_only_their_region_in_reports(
    client: TestClient, county: County, user_headers: UserFactory
) -> None:
    town_a = user_headers("caseworker", TOWN_A)

    mine = get(client, "services", town_a, **YEAR)
    elsewhere = get(client, "services", town_a, region=TOWN_B, **YEAR)

    assert [row["region_code"] for row in mine["rows"]] == [f"{TOWN_A}001", f"{TOWN_A}002"]
    assert mine["totals"]["households"] == 2
    assert (elsewhere["rows"], elsewhere["totals"]["households"]) == ([], 0)


def test_the_services_report_is_a_csv_with_a_bom_and_chinese_headings(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    response = client.get(
        f"{REPORTS}/services",
        params={"region": "430121", **YEAR},
        headers=supervisor | {"Accept": "text/csv"},
    )

    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["区划代码", "区划名称", "服务户数", "服务人次"]
    assert rows[-1][1:] == ["合计", "3", "4", "200.00", "310.00", "510.00"]


def test_the_services_report_is_an_xlsx_of_number_cells(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    response = client.get(
        f"{REPORTS}/services",
        params={"region": "430121", **YEAR},
        headers=supervisor | {"Accept": XLSX},
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "服务户数"
    assert rows[1] == (TOWN_A, TOWN_A, 2, 3, 200, 250, 450)


# -- coverage ---------------------------------------------------------------------------------

COVERAGE_FIGURES = (
    "families", "with_contacts", "with_family_doctor", "with_green_channel", "insured",
    "visited_90d", "visited_4_in_365d",
)  # fmt: skip


def test_the_coverage_report_counts_open_special_families_and_their_measures(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    report = get(client, "coverage", supervisor, region="430121", as_of="2025-06-30")

    assert [(row["region_code"], *figures(row, *COVERAGE_FIGURES)) for row in report["rows"]] == [
        (TOWN_A, 2, 2, 1, 1, 0, 1, 0),
        (TOWN_B, 1, 0, 0, 0, 0, 0, 0),
    ]
    assert figures(report["totals"], *COVERAGE_FIGURES) == (3, 2, 1, 1, 0, 1, 0)


def test_coverage_rates_are_percentages_of_the_families_counted(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    town_a = get(client, "coverage", supervisor, region="430121", as_of="2025-06-30")["rows"][0]

    assert figures(
        town_a, "with_contacts_rate", "with_family_doctor_rate", "visited_90d_rate", "insured_rate"
    ) == (100.0, 50.0, 50.0, 0.0)


def test_coverage_as_of_a_date_counts_what_held_on_that_date(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    early = get(client, "coverage", supervisor, region="430121", as_of="2025-01-05")["totals"]
    late = get(client, "coverage", supervisor, region="430121", as_of="2026-01-05")["totals"]

    # 2025-01-05: no contacts yet (assigned 01-10), no green channel (02-01); F5 closed 01-02.
    assert figures(early, "families", "with_contacts", "with_family_doctor") == (3, 0, 1)
    # 2026-01-05: the doctor's contract ended 2025-12-01, the last visit was 2025-05-29.
    assert figures(late, "with_family_doctor", "with_green_channel", "visited_90d") == (0, 1, 0)


def test_the_coverage_drills_list_the_families_each_figure_counts(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    row = get(client, "coverage", supervisor, region="430121", as_of="2025-06-30")["rows"][0]

    everyone = client.get(row["drill"]["families"], headers=supervisor).json()
    with_doctor = client.get(row["drill"]["with_family_doctor"], headers=supervisor).json()

    assert everyone["total"] == row["families"]
    assert {item["family_id"] for item in everyone["items"]} == {
        county.families["F1"],
        county.families["F2"],
    }
    assert [item["family_id"] for item in with_doctor["items"]] == [county.families["F1"]]


# -- overdue ----------------------------------------------------------------------------------


def test_the_overdue_list_puts_never_served_first_then_the_longest_unserved(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str], supervisor: dict[str, str]
) -> None:
    today = runtime.app.today()
    recent, stale, never = (register_family(client, caseworker)["id"] for _ in range(3))
    record_service(client, caseworker, recent, occurred_on=str(today - dt.timedelta(days=10)))
    record_service(client, caseworker, stale, occurred_on=str(today - dt.timedelta(days=200)))

    report = get(client, "overdue", supervisor, days=90)

    assert [(i["family_id"], i["days_since_last_service"]) for i in report["items"]] == [
        (never, None),
        (stale, 200),
    ]
    assert report["total"] == 2


def test_a_service_exactly_the_given_days_ago_is_not_overdue(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str], supervisor: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    on = runtime.app.today() - dt.timedelta(days=90)
    record_service(client, caseworker, family_id, occurred_on=str(on))

    assert get(client, "overdue", supervisor, days=90)["items"] == []


def test_a_voided_service_does_not_keep_a_family_off_the_overdue_list(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    report = get(client, "overdue", supervisor, region="430121", days=0)

    assert report["items"][0]["family_id"] == county.families["F3"]
    assert report["items"][0]["last_service_on"] is None


def test_the_overdue_list_shows_contacts_masked_for_auditors(
    client: TestClient, county: County, supervisor: dict[str, str], auditor: dict[str, str]
) -> None:
    def contact_of_f1(headers: dict[str, str]) -> dict[str, Any]:
        items = get(client, "overdue", headers, region="430121", days=0)["items"]
        item = next(i for i in items if i["family_id"] == county.families["F1"])
        contact: dict[str, Any] = item["contacts"]["township_contact"]
        return contact

    assert figures(contact_of_f1(supervisor), "name", "phone") == ("张敏", "13900001111")
    assert figures(contact_of_f1(auditor), "name", "phone") == ("张*", "139****1111")


def test_the_overdue_csv_neutralises_a_contact_written_as_a_formula(
    client: TestClient, caseworker: dict[str, str], supervisor: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    post(client, f"{FAMILIES}/{family_id}/contacts", contacts("=HYPERLINK(1)"), caseworker)

    response = client.get(f"{REPORTS}/overdue", headers=supervisor | {"Accept": "text/csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "家庭编号"
    assert rows[1][6] == "'=HYPERLINK(1)"


def test_the_overdue_xlsx_has_date_cells(
    client: TestClient, county: County, supervisor: dict[str, str]
) -> None:
    response = client.get(
        f"{REPORTS}/overdue", params={"days": 0}, headers=supervisor | {"Accept": XLSX}
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    dates = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]]
    assert dt.datetime(2025, 5, 29) in dates


# -- rebuild ----------------------------------------------------------------------------------


def test_rebuilding_the_reports_view_from_zero_gives_the_same_reports(
    client: TestClient, runtime: Runtime, county: County, supervisor: dict[str, str]
) -> None:
    def reports() -> tuple[Any, ...]:
        return (
            get(client, "services", supervisor, **YEAR),
            get(client, "coverage", supervisor, as_of="2025-06-30"),
            get(client, "overdue", supervisor, days=0),
        )

    before = reports()
    runtime.runners["reports"].stop()  # no live runner racing the rebuild
    runtime.reports.clear(runtime.app.name)
    runtime.runner_for("reports").catch_up()

    assert reports() == before


def test_the_rebuild_command_gives_the_same_reports(
    client: TestClient, runtime: Runtime, county: County, supervisor: dict[str, str]
) -> None:
    def reports() -> tuple[Any, ...]:
        return (
            get(client, "services", supervisor, **YEAR),
            get(client, "coverage", supervisor, as_of="2025-06-30"),
        )

    before = reports()
    environment = cli_environment(runtime.settings)
    rebuilt = CliRunner().invoke(main, ["projections", "rebuild", "reports"], env=environment)

    assert rebuilt.exit_code == 0, rebuilt.output
    assert reports() == before


def test_the_reports_view_holds_no_names_phones_or_addresses(
    runtime: Runtime, county: County
) -> None:
    view = runtime.reports
    assert isinstance(view, SQLReportsView)
    with view.read() as cursor:
        cursor.execute(view.dialect("SELECT * FROM {t}report_families"))
        stored = repr([dict(row) for row in cursor.fetchall()])

    assert [word for word in ("王秀英", "张敏", "13900001111", "黄兴镇") if word in stored] == []
