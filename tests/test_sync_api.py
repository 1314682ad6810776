"""POST /api/v1/sync: a caseworker's offline day in one request, each record as its single
endpoint would take it, answered one result per record in order (DESIGN.md section 12)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.conftest import UserFactory
from tests.steps import (
    FAMILIES,
    SERVICES,
    fund,
    log_position,
    open_fund,
    receive,
    record_service,
    register_family,
    stored_events,
)
from tests.support import family_payload, service_payload

SYNC = "/api/v1/sync"


def sync(client: TestClient, headers: dict[str, str], *records: dict[str, Any]) -> Any:
    response = client.post(SYNC, json={"records": list(records)}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def family_record(key: str, **overrides: Any) -> dict[str, Any]:
    return {"key": key, "type": "family", "body": family_payload(**overrides)}


def service_record(key: str, family_id: str, **overrides: Any) -> dict[str, Any]:
    body = service_payload(**overrides) | {"family_id": family_id}
    return {"key": key, "type": "service", "body": body}


def test_each_record_answers_its_key_a_201_and_the_new_id_in_order(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)

    results = sync(
        client,
        caseworker,
        family_record("f-1"),
        service_record("s-1", family["id"]),
    )

    assert [(r["key"], r["status"]) for r in results] == [("f-1", 201), ("s-1", 201)]
    assert client.get(f"{SERVICES}/{results[1]['id']}", headers=caseworker).status_code == 200


def test_a_resent_batch_answers_200_with_the_same_ids_and_records_nothing_new(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    records = [family_record("f-1"), service_record("s-1", family["id"])]
    first = sync(client, caseworker, *records)
    position = log_position(runtime)

    again = sync(client, caseworker, *records)

    assert [(r["status"], r["id"]) for r in again] == [(200, r["id"]) for r in first]
    assert log_position(runtime) == position


def test_a_record_sent_alone_with_its_key_and_then_in_a_batch_is_one_record(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    alone = client.post(
        f"{FAMILIES}/{family['id']}/services",
        json=service_payload(),
        headers=caseworker | {"Idempotency-Key": "visit-7"},
    )

    results = sync(client, caseworker, service_record("visit-7", family["id"]))

    assert (results[0]["status"], results[0]["id"]) == (200, alone.json()["id"])


def test_one_bad_record_answers_its_own_problem_and_the_others_are_saved(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    bad = family_payload()
    valid = bad["head"]["id_number"]
    # Any check character but the valid one.
    bad["head"]["id_number"] = valid[:-1] + ("1" if valid.endswith("0") else "0")

    results = sync(
        client,
        caseworker,
        family_record("good-1"),
        {"key": "bad-1", "type": "family", "body": bad},
        family_record("good-2"),
    )

    assert [r["status"] for r in results] == [201, 422, 201]
    assert results[1]["problem"]["errors"][0]["field"] == "head.id_number"


def test_a_record_of_an_unknown_type_is_refused_alone(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    results = sync(
        client, caseworker, {"key": "x", "type": "claim", "body": {}}, family_record("f-1")
    )

    assert [r["status"] for r in results] == [422, 201]


def test_a_service_for_a_family_outside_the_region_answers_404(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    elsewhere = user_headers("caseworker", "430181", name="浏阳社工")
    family = register_family(client, elsewhere, region_code="430181001001")

    results = sync(client, caseworker, service_record("s-1", family["id"]))

    assert results[0]["status"] == 404
    assert "id" not in results[0]


def test_a_family_with_a_resident_already_registered_answers_409(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    payload = family_payload()
    payload["head"]["id_number"] = family["head"]["id_number"]

    results = sync(client, caseworker, {"key": "dup", "type": "family", "body": payload})

    assert results[0]["status"] == 409


def test_visits_paying_cash_in_one_batch_draw_on_the_fund_once_each(
    client: TestClient, caseworker: dict[str, str], admin: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    fund_id = open_fund(client, admin)["id"]
    receive(client, admin, fund_id, "1000.00")
    cash = {"amount": "300.00", "fund_id": fund_id}

    results = sync(
        client,
        caseworker,
        service_record("v-1", family["id"], cash=cash),
        service_record("v-2", family["id"], cash=cash, occasion="dragon_boat"),
    )

    assert [r["status"] for r in results] == [201, 201]
    assert fund(client, admin, fund_id)["available"] == "400.00"


def test_a_visit_that_would_overdraw_the_fund_is_refused_and_the_others_pay(
    client: TestClient, caseworker: dict[str, str], admin: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    fund_id = open_fund(client, admin)["id"]
    receive(client, admin, fund_id, "500.00")
    cash = {"amount": "300.00", "fund_id": fund_id}

    results = sync(
        client,
        caseworker,
        service_record("v-1", family["id"], cash=cash),
        service_record("v-2", family["id"], cash=cash, occasion="dragon_boat"),
        service_record("v-3", family["id"], occasion="mid_autumn"),
    )

    assert [r["status"] for r in results] == [201, 409, 201]
    assert fund(client, admin, fund_id)["available"] == "200.00"


def test_corrections_and_voids_name_the_service_in_the_body(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    first = record_service(client, caseworker, family["id"])
    second = record_service(client, caseworker, family["id"], occasion="dragon_boat")

    results = sync(
        client,
        caseworker,
        {
            "key": "c-1",
            "type": "correction",
            "body": {"service_id": first["id"], "reason": "笔误", "summary": "春节走访"},
        },
        {"key": "v-1", "type": "void", "body": {"service_id": second["id"], "reason": "重复"}},
    )

    assert [(r["status"], r["id"]) for r in results] == [(201, first["id"]), (200, second["id"])]
    voided = client.get(f"{SERVICES}/{second['id']}", headers=caseworker).json()
    assert voided["status"] == "voided"


def test_a_batch_of_more_than_500_records_is_refused_whole(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    records = [family_record(f"f-{i}") for i in range(501)]

    response = client.post(SYNC, json={"records": records}, headers=caseworker)

    assert response.status_code == 422


def test_an_auditor_may_not_record_through_sync(
    client: TestClient, auditor: dict[str, str]
) -> None:
    results = sync(client, auditor, family_record("f-1"))

    assert results[0]["status"] == 403


def test_the_same_key_twice_in_one_batch_is_one_record(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    record = service_record("visit-1", family["id"])

    results = sync(client, caseworker, record, record)

    assert [r["status"] for r in results] == [201, 200]
    assert results[0]["id"] == results[1]["id"]
    names = [type(e).__qualname__ for e in stored_events(runtime)]
    assert names.count("ServiceRecord.Recorded") == 1
