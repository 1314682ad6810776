"""Behaviours a review against DESIGN.md and the issues found wanting, each pinned here."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.cli import main
from tests.conftest import UserFactory
from tests.steps import FAMILIES, SERVICES, register_family
from tests.support import family_payload, service_payload

FUNDS = "/api/v1/funds"


def fund_at(client: TestClient, admin: dict[str, str], region: str, **extra: str) -> str:
    payload = {"source": "provincial_budget", "region_code": region,
               "programme": "warm_heart", "name": f"{region}资金"} | extra  # fmt: skip
    response = client.post(FUNDS, json=payload, headers=admin)
    assert response.status_code == 201, response.text
    fund_id: str = response.json()["id"]
    return fund_id


def receive(client: TestClient, admin: dict[str, str], fund_id: str, amount: str) -> None:
    response = client.post(
        f"{FUNDS}/{fund_id}/receipts",
        json={"amount": amount, "payer": "省财政厅", "received_on": "2025-01-02"},
        headers=admin,
    )
    assert response.status_code == 201, response.text


def test_region_totals_count_each_fund_once_per_level(
    client: TestClient, user_headers: UserFactory
) -> None:
    admin, auditor = user_headers("admin", None), user_headers("auditor", None)
    province = fund_at(client, admin, "430000")
    city = fund_at(client, admin, "430100")
    receive(client, admin, province, "1000.00")
    client.post(
        "/api/v1/transfers",
        json={"from_fund": province, "to_fund": city, "amount": "100.00", "memo": "下拨"},
        headers=admin,
    )

    totals = {
        t["region_code"]: t
        for t in client.get("/api/v1/ledger/balances", headers=auditor).json()["totals"]
    }

    assert (totals["430000"]["funds"], totals["430000"]["posted"]) == (2, "1000.00")
    assert (totals["430100"]["funds"], totals["430100"]["posted"]) == (1, "100.00")


def test_a_city_code_as_region_filter_lists_the_families_under_it(
    client: TestClient, caseworker: dict[str, str], supervisor: dict[str, str]
) -> None:
    register_family(client, caseworker)

    listed = client.get(FAMILIES, params={"region": "430100"}, headers=supervisor).json()

    assert listed["total"] == 1


def test_extreme_query_values_answer_without_a_server_error(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    huge_offset = client.get(FAMILIES, params={"offset": 10**20}, headers=caseworker)
    year_one = client.get(
        f"{FAMILIES}/{family_id}/timeline",
        params={"known_at": "0001-01-01T00:00:00+01:00"},
        headers=caseworker,
    )
    year_9999 = client.get(
        f"{FAMILIES}/{family_id}/timeline",
        params={"known_at": "9999-12-31T23:59:59-23:59"},
        headers=caseworker,
    )

    assert huge_offset.status_code == 422
    assert (year_one.status_code, year_one.json()["entries"]) == (200, [])
    assert year_9999.status_code == 200
    assert len(year_9999.json()["entries"]) == 1


def test_a_control_character_in_text_is_refused_naming_the_field(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/services",
        json=service_payload(summary="bad\u0000nul"),
        headers=caseworker,
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["summary"]
    assert client.get(f"{FAMILIES}/{family_id}/timeline", headers=caseworker).status_code == 200


def test_concurrent_retries_with_one_key_answer_the_same_family(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    payload = family_payload()
    keyed = caseworker | {"Idempotency-Key": "register-once"}

    def post(_: int) -> tuple[int, Any]:
        response = client.post(FAMILIES, json=payload, headers=keyed)
        return response.status_code, response.json().get("id")

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(post, range(12)))

    assert sorted(status for status, _ in answers) == [200] * 11 + [201]
    assert len({family_id for _, family_id in answers}) == 1


def test_visit_cash_comes_only_from_warm_heart_funds(
    client: TestClient, user_headers: UserFactory, caseworker: dict[str, str]
) -> None:
    admin = user_headers("admin", None)
    education = fund_at(client, admin, "430121", programme="education_aid")
    receive(client, admin, education, "1000.00")
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/services",
        json=service_payload(cash={"amount": "500.00", "fund_id": education}),
        headers=caseworker,
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "cash.fund_id"


def test_a_paid_service_cannot_have_its_date_corrected_away_from_its_payment(
    client: TestClient, user_headers: UserFactory, caseworker: dict[str, str]
) -> None:
    admin = user_headers("admin", None)
    fund = fund_at(client, admin, "430121")
    receive(client, admin, fund, "1000.00")
    family_id = register_family(client, caseworker)["id"]
    service = client.post(
        f"{FAMILIES}/{family_id}/services",
        json=service_payload(occurred_on="2025-01-27", cash={"amount": "500.00", "fund_id": fund}),
        headers=caseworker,
    ).json()

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "日期记错", "occurred_on": "2025-01-20"},
        headers=caseworker,
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "occurred_on"


def test_a_duplicate_resident_in_another_region_is_refused_without_naming_that_family(
    client: TestClient, user_headers: UserFactory
) -> None:
    changsha = user_headers("caseworker", "430121")
    liuyang = user_headers("caseworker", "430181")
    first = register_family(client, changsha)
    again = family_payload(region_code="430181001001")
    again["head"]["id_number"] = first["head"]["id_number"]

    response = client.post(FAMILIES, json=again, headers=liuyang)

    assert response.status_code == 409
    assert "existing_family_id" not in response.json()
    assert first["id"] not in response.text


def test_posting_a_pending_transfer_again_with_its_key_answers_the_same(
    client: TestClient, user_headers: UserFactory
) -> None:
    admin = user_headers("admin", None)
    county, town = fund_at(client, admin, "430121"), fund_at(client, admin, "430121101")
    receive(client, admin, county, "1000.00")
    pending = client.post(
        "/api/v1/transfers",
        json={"from_fund": county, "to_fund": town, "amount": "100.00", "memo": "预拨",
              "pending": True},
        headers=admin,
    ).json()  # fmt: skip
    keyed = admin | {"Idempotency-Key": "post-once"}

    first = client.post(f"/api/v1/transfers/{pending['id']}/post", json={}, headers=keyed)
    retry = client.post(f"/api/v1/transfers/{pending['id']}/post", json={}, headers=keyed)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert first.json() == retry.json()


def test_an_auditor_sees_names_and_phones_masked(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    family_id = register_family(client, caseworker)["id"]

    seen = client.get(f"{FAMILIES}/{family_id}", headers=user_headers("auditor", None)).json()

    assert seen["head"]["name"] == "王**"
    assert seen["head"]["phone"] == "138****0000"


def test_a_cipher_key_that_cannot_read_the_store_stops_a_command_with_one_line(
    tmp_path: Path,
) -> None:
    env = {"NUANXIN_DATA_DIR": str(tmp_path), "NUANXIN_DATABASE_URL": ""}
    CliRunner().invoke(main, ["users", "add", "李敏", "--role", "admin"], env=env)
    other_key = base64.b64encode(bytes(range(1, 33))).decode()

    result = CliRunner().invoke(
        main, ["projections", "status"], env=env | {"NUANXIN_CIPHER_KEY": other_key}
    )

    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "Error: NUANXIN_CIPHER_KEY cannot decrypt the stored events: every process using "
        "this database needs the same key"
    ]


def test_an_upper_case_schema_name_is_refused_with_one_line(tmp_path: Path) -> None:
    env = {"NUANXIN_DATA_DIR": str(tmp_path), "NUANXIN_DATABASE_SCHEMA": "Mixed_Case"}

    result = CliRunner().invoke(main, ["projections", "status"], env=env)

    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "NUANXIN_DATABASE_SCHEMA" in result.stderr
