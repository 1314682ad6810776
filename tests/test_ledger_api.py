"""The fund ledger through the HTTP API: funds, receipts, allocations, payments, reads."""

from __future__ import annotations

import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.runtime import Runtime, open_runtime
from application.commands.ledger import Allocate
from tests.conftest import UserFactory
from tests.steps import (
    FAMILIES,
    FUNDS,
    TRANSFERS,
    allocate,
    balances,
    fund,
    journal,
    keyed,
    open_fund,
    receive,
    register_family,
    stored_events,
)
from tests.support import service_payload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_admin_opens_a_fund_that_starts_empty(client: TestClient, admin: dict[str, str]) -> None:
    created = open_fund(client, admin)

    assert created["version"] == 1
    assert (created["posted"], created["pending"], created["available"]) == ("0.00",) * 3
    assert fund(client, admin, created["id"])["name"] == "430121暖心行动资金"


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "auditor"])
def test_only_admins_open_funds(client: TestClient, user_headers: UserFactory, role: str) -> None:
    headers = user_headers(role, None if role == "auditor" else "430121")

    response = client.post(
        FUNDS,
        json={"source": "national_project", "region_code": "430121",
              "programme": "warm_heart", "name": "x"},
        headers=headers,
    )  # fmt: skip

    assert response.status_code == 403


def test_a_receipt_credits_the_fund_and_a_retried_key_records_it_once(
    client: TestClient, admin: dict[str, str]
) -> None:
    fund_id = open_fund(client, admin)["id"]
    with_key = admin | {"Idempotency-Key": "receipt-2025-001"}

    first = client.post(
        f"{FUNDS}/{fund_id}/receipts",
        json={"amount": "10000.00", "payer": "湖南省财政厅", "received_on": "2025-01-05",
              "reference": "湘财社〔2025〕1号"},
        headers=with_key,
    )  # fmt: skip
    second = client.post(
        f"{FUNDS}/{fund_id}/receipts",
        json={"amount": "10000.00", "payer": "湖南省财政厅", "received_on": "2025-01-05",
              "reference": "湘财社〔2025〕1号"},
        headers=with_key,
    )  # fmt: skip

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert fund(client, admin, fund_id)["posted"] == "10000.00"


@pytest.mark.parametrize("amount", [500, "-1.00", "1.234", "0.00", "abc", 10.5])
def test_an_amount_that_is_not_a_positive_yuan_string_is_422(
    client: TestClient, admin: dict[str, str], amount: object
) -> None:
    fund_id = open_fund(client, admin)["id"]

    response = client.post(
        f"{FUNDS}/{fund_id}/receipts",
        json={"amount": amount, "payer": "省财政厅"},
        headers=keyed(admin),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


def test_money_is_allocated_down_to_a_sub_region_fund_of_the_same_source_and_programme(
    client: TestClient, admin: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "10000.00")

    response = allocate(client, admin, county, town, "3000.00", occurred_on="2025-01-10")

    assert response.status_code == 201
    assert response.json()["state"] == "posted"
    assert fund(client, admin, county)["available"] == "7000.00"
    assert fund(client, admin, town)["available"] == "3000.00"


@pytest.mark.parametrize(
    ("to_region", "overrides"),
    [
        ("430121101", {"source": "foundation_donation"}),
        ("430121101", {"programme": "nursing_subsidy"}),
        ("430181", {}),
    ],
    ids=["other-source", "other-programme", "not-a-sub-region"],
)
def test_ring_fenced_money_does_not_move_across_source_programme_or_sideways(
    client: TestClient, admin: dict[str, str], to_region: str, overrides: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    other = open_fund(client, admin, to_region, **overrides)["id"]
    receive(client, admin, county, "1000.00")

    response = allocate(client, admin, county, other, "100.00")

    assert response.status_code == 409
    assert fund(client, admin, county)["available"] == "1000.00"


def test_an_overdraft_is_refused_whole_naming_the_account_and_what_it_has(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00")
    entries_before = len(journal(client, auditor)["entries"])

    response = allocate(client, admin, county, town, "1000.01")

    assert response.status_code == 409
    assert response.json()["account_id"] == county
    assert response.json()["available"] == "1000.00"
    assert len(journal(client, auditor)["entries"]) == entries_before
    assert fund(client, admin, town)["posted"] == "0.00"


def test_a_service_with_cash_pays_the_family_dated_the_service_and_a_void_reverses_it(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], auditor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    receive(client, admin, county, "2000.00")
    family_id = register_family(client, caseworker)["id"]
    payload = service_payload(
        occurred_on="2025-01-27", cash={"amount": "500.00", "fund_id": county}
    )

    service = client.post(
        f"/api/v1/families/{family_id}/services", json=payload, headers=keyed(caseworker)
    )
    paid = fund(client, admin, county)["available"]
    voided = client.post(
        f"/api/v1/services/{service.json()['id']}/void",
        json={"reason": "重复录入"},
        headers=caseworker,
    )

    assert service.status_code == 201
    assert service.json()["cash"]["amount"] == "500.00"
    assert paid == "1500.00"
    assert voided.status_code == 200
    assert fund(client, admin, county)["available"] == "2000.00"
    postings = [e for e in journal(client, auditor, fund=county)["entries"]]
    payment, reversal = postings[1], postings[2]
    assert (payment["occurred_on"], payment["side"], payment["cause"]["type"]) == (
        "2025-01-27", "debit", "service",
    )  # fmt: skip
    assert payment["cause"]["id"] == service.json()["id"]
    assert (reversal["side"], reversal["transfer_kind"]) == ("credit", "reversal")


def test_a_caseworker_pays_only_from_funds_of_their_region(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    liuyang = open_fund(client, admin, "430181")["id"]
    receive(client, admin, liuyang, "2000.00")
    family_id = register_family(client, caseworker)["id"]
    payload = service_payload(cash={"amount": "500.00", "fund_id": liuyang})

    response = client.post(
        f"/api/v1/families/{family_id}/services", json=payload, headers=keyed(caseworker)
    )

    assert response.status_code in (404, 422)
    assert fund(client, admin, liuyang)["available"] == "2000.00"


def test_visit_cash_comes_only_from_warm_heart_funds(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    education = open_fund(client, admin, "430121", programme="education_aid")["id"]
    assert receive(client, admin, education, "1000.00").status_code == 201
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/services",
        json=service_payload(cash={"amount": "500.00", "fund_id": education}),
        headers=keyed(caseworker),
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "cash.fund_id"


def test_a_pending_transfer_reserves_money_and_is_posted_at_most_once(
    client: TestClient, admin: dict[str, str], supervisor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00")

    pending = allocate(client, admin, county, town, "400.00", pending=True).json()
    reserved = fund(client, admin, county)
    posted = client.post(f"{TRANSFERS}/{pending['id']}/post", json={}, headers=keyed(supervisor))
    again = client.post(f"{TRANSFERS}/{pending['id']}/post", json={}, headers=keyed(supervisor))
    void_after_post = client.post(
        f"{TRANSFERS}/{pending['id']}/void", json={"reason": "撤回"}, headers=keyed(supervisor)
    )

    assert pending["state"] == "pending"
    assert (reserved["posted"], reserved["pending"], reserved["available"]) == (
        "1000.00", "400.00", "600.00",
    )  # fmt: skip
    assert posted.status_code == 200
    assert (again.status_code, void_after_post.status_code) == (409, 409)
    assert fund(client, admin, county)["posted"] == "600.00"
    assert fund(client, admin, town)["posted"] == "400.00"


def test_a_voided_pending_transfer_releases_the_reservation(
    client: TestClient, admin: dict[str, str], supervisor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00")
    pending = allocate(client, admin, county, town, "400.00", pending=True).json()

    voided = client.post(
        f"{TRANSFERS}/{pending['id']}/void", json={"reason": "撤回"}, headers=keyed(supervisor)
    )

    assert voided.json()["state"] == "voided"
    assert fund(client, admin, county)["available"] == "1000.00"
    assert fund(client, admin, town)["posted"] == "0.00"


def test_posting_a_pending_transfer_again_with_its_key_answers_the_same(
    client: TestClient, admin: dict[str, str], supervisor: dict[str, str]
) -> None:
    county, town = (
        open_fund(client, admin, "430121")["id"],
        open_fund(client, admin, "430121101")["id"],
    )
    assert receive(client, admin, county, "1000.00").status_code == 201
    pending = allocate(client, admin, county, town, "100.00", memo="预拨", pending=True).json()
    with_key = supervisor | {"Idempotency-Key": "post-once"}

    first = client.post(f"{TRANSFERS}/{pending['id']}/post", json={}, headers=with_key)
    retry = client.post(f"{TRANSFERS}/{pending['id']}/post", json={}, headers=with_key)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert first.json() == retry.json()


@pytest.mark.parametrize(("step", "body"), [("post", {}), ("void", {"reason": "撤回"})])
def test_who_recorded_a_pending_transfer_may_not_post_or_void_it(
    client: TestClient, admin: dict[str, str], step: str, body: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00")
    pending = allocate(client, admin, county, town, "400.00", pending=True).json()

    answer = client.post(f"{TRANSFERS}/{pending['id']}/{step}", json=body, headers=keyed(admin))

    assert answer.status_code == 403
    assert "another user" in answer.json()["detail"]
    assert fund(client, admin, county)["pending"] == "400.00"


@pytest.mark.parametrize(("step", "body"), [("post", {}), ("void", {"reason": "撤回"})])
def test_a_user_whose_region_does_not_cover_the_source_fund_may_not_post_or_void(
    client: TestClient,
    admin: dict[str, str],
    user_headers: UserFactory,
    step: str,
    body: dict[str, str],
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00")
    pending = allocate(client, admin, county, town, "400.00", pending=True).json()
    township = user_headers("supervisor", "430121101")

    answer = client.post(f"{TRANSFERS}/{pending['id']}/{step}", json=body, headers=keyed(township))

    assert answer.status_code == 403
    assert "430121" in answer.json()["detail"]
    assert fund(client, admin, county)["pending"] == "400.00"


def test_balances_as_of_a_date_and_as_known_at_a_time_leave_out_what_came_later(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    receive(client, admin, county, "1000.00", received_on="2025-01-05")
    known_then = dt.datetime.now(dt.UTC).isoformat()
    receive(client, admin, county, "500.00", received_on="2025-03-01")

    as_of_february = balances(client, auditor, as_of="2025-02-28")[county]
    as_known_then = balances(client, auditor, known_at=known_then)[county]
    now = balances(client, auditor)[county]

    assert as_of_february["posted"] == "1000.00"
    assert as_known_then["posted"] == "1000.00"
    assert (now["posted"], now["pending"], now["available"]) == ("1500.00", "0.00", "1500.00")


def test_current_balances_kept_as_running_totals_equal_the_entries_summed_as_of_today(
    runtime: Runtime,
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    auditor: dict[str, str],
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "2000.00", received_on="2025-01-05")
    allocate(client, admin, county, town, "300.00")
    allocate(client, admin, county, town, "400.00", pending=True)
    family_id = register_family(client, caseworker)["id"]
    paid = client.post(
        f"/api/v1/families/{family_id}/services",
        json=service_payload(
            occurred_on="2025-01-27", cash={"amount": "500.00", "fund_id": county}
        ),
        headers=keyed(caseworker),
    ).json()
    client.post(
        f"/api/v1/services/{paid['id']}/void", json={"reason": "重复录入"}, headers=caseworker
    )
    today = runtime.app.today().isoformat()

    current = balances(client, auditor)
    summed = balances(client, auditor, as_of=today)

    assert current == summed
    assert (current[county]["posted"], current[county]["pending"]) == ("1700.00", "400.00")
    assert current[town]["posted"] == "300.00"


def test_balances_roll_up_by_region_prefix(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00")
    allocate(client, admin, county, town, "300.00")

    response = client.get("/api/v1/ledger/balances", params={"region": "430121"}, headers=auditor)

    totals = {t["region_code"]: t for t in response.json()["totals"]}
    assert totals["430121"]["posted"] == "1000.00"
    assert totals["430121101"]["posted"] == "300.00"


def test_region_totals_count_each_fund_once_per_level(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str]
) -> None:
    province = open_fund(client, admin, "430000")["id"]
    city = open_fund(client, admin, "430100")["id"]
    assert receive(client, admin, province, "1000.00").status_code == 201
    allocate(client, admin, province, city, "100.00")

    totals = {
        t["region_code"]: t
        for t in client.get("/api/v1/ledger/balances", headers=auditor).json()["totals"]
    }

    assert (totals["430000"]["funds"], totals["430000"]["posted"]) == (2, "1000.00")
    assert (totals["430100"]["funds"], totals["430100"]["posted"]) == (1, "100.00")


def test_the_journal_shows_running_balances_causes_and_balanced_totals(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00", received_on="2025-01-05")
    allocate(client, admin, county, town, "300.00", occurred_on="2025-01-10")

    whole = journal(client, auditor)
    county_postings = journal(client, auditor, fund=county)["entries"]
    later = journal(client, auditor, fund=county, **{"from": "2025-01-06"})["entries"]

    assert whole["total_debits"] == whole["total_credits"] == "1300.00"
    assert [(e["amount"], e["balance"]) for e in county_postings] == [
        ("1000.00", "1000.00"), ("300.00", "700.00"),
    ]  # fmt: skip
    assert [e["cause"]["type"] for e in county_postings] == ["receipt", "allocation"]
    assert [e["balance"] for e in later] == ["700.00"]


def test_a_journal_window_opens_with_everything_posted_before_it_back_dated_included(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00", received_on="2024-11-20")
    receive(client, admin, county, "500.00", received_on="2025-01-03")
    allocate(client, admin, county, town, "300.00", occurred_on="2025-01-10")
    allocate(client, admin, county, town, "100.00", occurred_on="2025-01-20")
    receive(client, admin, county, "50.00", received_on="2024-12-05")  # recorded last

    window = journal(client, auditor, fund=county, **{"from": "2025-01-10", "to": "2025-01-31"})
    regional = journal(client, auditor, region="430121101", **{"from": "2025-01-15"})

    assert [(e["amount"], e["balance"]) for e in window["entries"]] == [
        ("300.00", "1250.00"), ("100.00", "1150.00"),
    ]  # fmt: skip
    assert [(e["amount"], e["balance"]) for e in regional["entries"]] == [("100.00", "400.00")]


def test_a_journal_as_known_at_a_time_opens_with_what_had_been_posted_by_then(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    receive(client, admin, county, "1000.00", received_on="2024-11-20")
    receive(client, admin, county, "200.00", received_on="2025-01-12")
    known_then = dt.datetime.now(dt.UTC).isoformat()
    receive(client, admin, county, "50.00", received_on="2024-12-05")

    then = journal(client, auditor, fund=county, known_at=known_then, **{"from": "2025-01-10"})

    assert [(e["amount"], e["balance"]) for e in then["entries"]] == [("200.00", "1200.00")]


def test_the_journal_is_also_csv_and_xlsx(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str]
) -> None:
    county = open_fund(client, admin)["id"]
    receive(client, admin, county, "1000.00")

    as_csv = client.get("/api/v1/ledger/journal", headers=auditor | {"Accept": "text/csv"})
    as_xlsx = client.get("/api/v1/ledger/journal", headers=auditor | {"Accept": XLSX})

    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0].startswith("\ufeff日志序号,业务日期")
    assert len(as_csv.text.splitlines()) == 3
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    assert sheet.max_row == 3


def test_caseworkers_do_not_read_the_journal(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    assert client.get("/api/v1/ledger/journal", headers=caseworker).status_code == 403


def test_under_sixteen_concurrent_clients_no_transfer_is_lost_doubled_or_overdrawn(
    client: TestClient, admin: dict[str, str], runtime: Runtime
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "100.00")

    def move_one(attempt: int) -> int:
        response = allocate(
            client, admin | {"Idempotency-Key": f"move-{attempt}"}, county, town, "1.00"
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(move_one, range(130)))

    assert statuses.count(201) == 100
    assert statuses.count(409) == 30
    assert fund(client, admin, county)["available"] == "0.00"
    assert fund(client, admin, town)["posted"] == "100.00"
    allocations = [e for e in stored_events(runtime) if type(e).__qualname__ == "Transfer.Recorded"]
    assert len(allocations) == 1 + 100


def test_rebuilding_the_ledger_view_from_zero_gives_the_same_balances_and_journal(
    client: TestClient, admin: dict[str, str], auditor: dict[str, str], runtime: Runtime
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "1000.00")
    allocate(client, admin, county, town, "300.00")
    before = (balances(client, auditor), journal(client, auditor))

    runtime.runners["ledger"].stop()  # no live runner racing the rebuild
    runtime.ledger.clear(runtime.app.name)
    runtime.runner_for("ledger").catch_up()

    assert (balances(client, auditor), journal(client, auditor)) == before


def test_a_fund_account_past_its_snapshot_still_answers_the_same(
    client: TestClient, admin: dict[str, str], runtime: Runtime
) -> None:
    county = open_fund(client, admin)["id"]
    for day in range(1, 211):
        receive(client, admin, county, "1.00", reference=f"第{day}笔")
    runtime.app.repository.cache = None  # read it back from the snapshot and later events

    body = fund(client, admin, county)

    assert (body["version"], body["posted"], body["source"]) == (211, "210.00", "provincial_budget")


def test_writers_in_two_processes_on_one_store_lose_nothing(
    client: TestClient, admin: dict[str, str], runtime: Runtime
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    receive(client, admin, county, "40.00")
    other_worker = open_runtime(runtime.settings, run_projections=False)
    principal = other_worker.app.users.authenticate(admin["Authorization"].removeprefix("Bearer "))

    def move_here(attempt: int) -> int:
        return allocate(client, admin, county, town, "1.00", memo=f"here {attempt}").status_code

    def move_there(attempt: int) -> str:
        result = other_worker.app.handle(principal, Allocate(
            from_fund=UUID(county), to_fund=UUID(town), amount_fen=100,
            memo=f"there {attempt}", occurred_on=None,
        ))  # fmt: skip
        return str(result.body["state"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        here = pool.map(move_here, range(20))
        there = pool.map(move_there, range(20))
        outcomes = list(here), list(there)
    other_worker.close()

    assert outcomes == ([201] * 20, ["posted"] * 20)
    assert fund(client, admin, county)["available"] == "0.00"
    assert fund(client, admin, town)["posted"] == "40.00"


# -- no fund is negative as of any business date ----------------------------------------------


def test_a_backdated_cash_visit_from_a_fund_funded_today_is_refused_whole(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    auditor: dict[str, str],
    runtime: Runtime,
) -> None:
    today = runtime.app.today()
    county = open_fund(client, admin)["id"]
    assert receive(client, admin, county, "2000.00", received_on=today.isoformat()).is_success
    family_id = register_family(client, caseworker)["id"]
    entries_before = len(journal(client, auditor)["entries"])
    five_days_ago = (today - dt.timedelta(days=5)).isoformat()
    payload = service_payload(
        occurred_on=five_days_ago, cash={"amount": "500.00", "fund_id": county}
    )

    response = client.post(
        f"/api/v1/families/{family_id}/services", json=payload, headers=keyed(caseworker)
    )

    assert response.status_code == 409, response.text
    assert (response.json()["account_id"], response.json()["available"]) == (county, "0.00")
    assert len(journal(client, auditor)["entries"]) == entries_before
    assert balances(client, auditor, as_of=five_days_ago)[county]["available"] == "0.00"
    assert fund(client, admin, county)["available"] == "2000.00"


def test_balances_as_of_every_date_stay_non_negative_whatever_is_backdated(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    auditor: dict[str, str],
    runtime: Runtime,
) -> None:
    today = runtime.app.today()

    def ago(days: int) -> str:
        return (today - dt.timedelta(days=days)).isoformat()

    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    family_id = register_family(client, caseworker)["id"]

    def visit(amount: str, on: str) -> Any:
        payload = service_payload(occurred_on=on, cash={"amount": amount, "fund_id": county})
        return client.post(
            f"/api/v1/families/{family_id}/services", json=payload, headers=keyed(caseworker)
        )

    assert receive(client, admin, county, "1000.00", received_on=ago(3)).is_success
    assert allocate(client, admin, county, town, "600.00", occurred_on=ago(2)).is_success
    too_early = allocate(client, admin, county, town, "300.00", occurred_on=ago(5))
    leaves_later_short = visit("500.00", ago(3))
    within = visit("400.00", ago(3))
    assert receive(client, admin, county, "800.00", received_on=ago(1)).is_success
    still_short = allocate(client, admin, county, town, "100.00", occurred_on=ago(4))
    afterwards = visit("700.00", ago(1))

    assert (too_early.status_code, too_early.json()["available"]) == (409, "0.00")
    assert (leaves_later_short.status_code, leaves_later_short.json()["available"]) == (
        409, "400.00",
    )  # fmt: skip
    assert within.status_code == 201, within.text
    assert (still_short.status_code, still_short.json()["available"]) == (409, "0.00")
    assert afterwards.status_code == 201, afterwards.text
    for days in range(7):
        as_of = balances(client, auditor, as_of=ago(days))
        for body in (as_of[county], as_of[town]):
            assert not body["posted"].startswith("-"), (ago(days), body)
            assert not body["available"].startswith("-"), (ago(days), body)
    assert balances(client, auditor)[county]["available"] == "100.00"
    running = [e["balance"] for e in journal(client, auditor, fund=county)["entries"]]
    assert running == ["1000.00", "600.00", "0.00", "800.00", "100.00"]


def test_a_fund_of_a_region_that_does_not_exist_is_refused_naming_region_code(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.post(
        FUNDS,
        json={"source": "provincial_budget", "region_code": "990000",
              "programme": "warm_heart", "name": "不存在的县暖心行动资金"},
        headers=admin,
    )  # fmt: skip

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "region_code"


# -- commands that move money require an Idempotency-Key ------------------------------------------


@pytest.mark.parametrize("command", ["receipt", "transfer", "post", "void", "visit with cash"])
def test_a_command_that_moves_money_without_an_idempotency_key_answers_428_and_moves_nothing(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], command: str
) -> None:
    county = open_fund(client, admin)["id"]
    town = open_fund(client, admin, "430121101")["id"]
    assert receive(client, admin, county, "1000.00").status_code == 201
    pending = allocate(client, admin, county, town, "100.00", pending=True).json()
    family_id = register_family(client, caseworker)["id"]
    before = fund(client, admin, county)
    url, body, headers = {
        "receipt": (f"{FUNDS}/{county}/receipts", {"amount": "50.00", "payer": "省财政厅"}, admin),
        "transfer": (TRANSFERS, {"from_fund": county, "to_fund": town, "amount": "50.00",
                                 "memo": "下拨"}, admin),
        "post": (f"{TRANSFERS}/{pending['id']}/post", {}, admin),
        "void": (f"{TRANSFERS}/{pending['id']}/void", {"reason": "撤回"}, admin),
        "visit with cash": (
            f"{FAMILIES}/{family_id}/services",
            service_payload(cash={"amount": "50.00", "fund_id": county}),
            caseworker,
        ),
    }[command]  # fmt: skip

    response = client.post(url, json=body, headers=headers)

    assert response.status_code == 428
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert fund(client, admin, county) == before


def test_a_visit_without_cash_may_be_recorded_without_an_idempotency_key(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/services", json=service_payload(cash=None), headers=caseworker
    )

    assert response.status_code == 201
