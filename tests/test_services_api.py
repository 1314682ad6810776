"""Recording 暖心行动 services on a family, and correcting or voiding them by later events."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.conftest import UserFactory
from tests.steps import (
    FAMILIES,
    SERVICES,
    event_names,
    fund,
    keyed,
    log_position,
    open_fund,
    receive,
    record_service,
    register_family,
    stored_events,
    timeline,
)
from tests.support import service_payload


def services_url(family_id: str) -> str:
    return f"{FAMILIES}/{family_id}/services"


def test_a_recorded_service_answers_201_with_its_id_version_and_fields(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    payload = service_payload(
        goods=[
            {"description": "大米一袋", "value": "80.00"},
            {"description": "食用油一桶", "value": "65.5"},
        ]
    )

    response = client.post(services_url(family_id), json=payload, headers=caseworker)

    assert response.status_code == 201
    body = response.json()
    assert uuid.UUID(body["id"])
    assert body["version"] == 1
    assert body["family_id"] == family_id
    assert body["region_code"] == "430121101001"
    assert (body["kind"], body["occasion"]) == ("visit", "spring_festival")
    assert body["occurred_on"] == "2025-01-27"
    assert body["staff"] == ["张敏", "刘洋"]
    assert body["summary"] == payload["summary"]
    assert body["goods"] == [
        {"description": "大米一袋", "value": "80.00"},
        {"description": "食用油一桶", "value": "65.50"},
    ]
    assert body["goods_value"] == "145.50"
    assert body["status"] == "active"
    assert dt.datetime.fromisoformat(body["recorded_at"]).tzinfo is not None


def test_a_recorded_service_can_be_read_back_by_its_id(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    recorded = record_service(client, caseworker, family_id)

    response = client.get(f"{SERVICES}/{recorded['id']}", headers=caseworker)

    assert response.status_code == 200
    assert response.json() == recorded


def test_a_retry_with_the_same_idempotency_key_answers_the_same_body_with_200(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    headers = caseworker | {"Idempotency-Key": "visit-2025-spring-0001"}

    first = client.post(services_url(family_id), json=service_payload(), headers=headers)
    retry = client.post(services_url(family_id), json=service_payload(), headers=headers)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()


def test_a_retry_with_the_same_idempotency_key_records_nothing_new(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    headers = caseworker | {"Idempotency-Key": "visit-2025-spring-0002"}
    client.post(services_url(family_id), json=service_payload(), headers=headers)
    position = log_position(runtime)

    client.post(services_url(family_id), json=service_payload(), headers=headers)

    assert log_position(runtime) == position
    assert event_names(stored_events(runtime)).count("ServiceRecord.Recorded") == 1
    entries = timeline(client, caseworker, family_id)
    assert [e["event"] for e in entries].count("ServiceRecorded") == 1


def test_the_same_idempotency_key_with_a_different_body_is_refused_naming_the_header(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    headers = caseworker | {"Idempotency-Key": "visit-2025-spring-0003"}
    client.post(services_url(family_id), json=service_payload(), headers=headers)
    position = log_position(runtime)

    response = client.post(
        services_url(family_id), json=service_payload(summary="另一次走访"), headers=headers
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert log_position(runtime) == position


def test_idempotency_keys_of_different_users_do_not_collide(
    client: TestClient, user_headers: UserFactory
) -> None:
    first_caseworker = user_headers("caseworker", "430121", name="张敏")
    second_caseworker = user_headers("caseworker", "430121", name="刘洋")
    family_id = register_family(client, first_caseworker)["id"]
    key = {"Idempotency-Key": "visit-1"}

    first = client.post(
        services_url(family_id), json=service_payload(), headers=first_caseworker | key
    )
    second = client.post(
        services_url(family_id), json=service_payload(), headers=second_caseworker | key
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_a_service_in_the_future_is_refused_naming_occurred_on(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    tomorrow = dt.date.today() + dt.timedelta(days=2)

    response = client.post(
        services_url(family_id),
        json=service_payload(occurred_on=tomorrow.isoformat()),
        headers=caseworker,
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["occurred_on"]


def test_a_service_recorded_days_after_the_fact_is_accepted(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    last_week = dt.date.today() - dt.timedelta(days=7)

    response = client.post(
        services_url(family_id),
        json=service_payload(occurred_on=last_week.isoformat()),
        headers=caseworker,
    )

    assert response.status_code == 201
    assert response.json()["occurred_on"] == last_week.isoformat()


def test_an_empty_summary_is_refused_naming_summary(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        services_url(family_id), json=service_payload(summary="   "), headers=caseworker
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["summary"]


def test_a_goods_value_given_as_a_json_number_is_refused_naming_the_value(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    goods = [{"description": "大米一袋", "value": 80.0}]

    response = client.post(
        services_url(family_id), json=service_payload(goods=goods), headers=caseworker
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["goods.0.value"]


def test_a_goods_value_with_more_than_two_decimals_is_refused(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    goods = [{"description": "大米一袋", "value": "80.005"}]

    response = client.post(
        services_url(family_id), json=service_payload(goods=goods), headers=caseworker
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["goods.0.value"]


def test_a_service_on_a_closed_family_is_refused(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "户主去世", "closed_on": "2025-01-01"},
        headers=caseworker,
    )

    response = client.post(
        services_url(family_id), json=service_payload(occurred_on="2025-01-27"), headers=caseworker
    )

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


def test_a_service_delivered_before_the_family_was_closed_may_still_be_recorded(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "户主去世", "closed_on": "2025-01-01"},
        headers=caseworker,
    )

    response = client.post(
        services_url(family_id),
        json=service_payload(occasion="mid_autumn", occurred_on="2024-09-17"),
        headers=caseworker,
    )

    assert response.status_code == 201


def test_a_service_on_a_reopened_family_is_accepted_again(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "迁出本县", "closed_on": "2025-01-01"},
        headers=caseworker,
    )
    client.post(f"{FAMILIES}/{family_id}/reopen", json={"reason": "迁回"}, headers=caseworker)

    response = client.post(
        services_url(family_id), json=service_payload(occurred_on="2025-01-27"), headers=caseworker
    )

    assert response.status_code == 201


def test_a_correction_replaces_the_fields_it_names_and_marks_the_record_corrected(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = record_service(client, caseworker, family_id)

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={
            "reason": "走访日期登记错误",
            "occurred_on": "2025-01-26",
            "goods": [{"description": "大米两袋", "value": "160.00"}],
        },
        headers=caseworker,
    )

    assert response.status_code == 201
    corrected = response.json()
    assert corrected["version"] == 2
    assert corrected["status"] == "corrected"
    assert corrected["occurred_on"] == "2025-01-26"
    assert corrected["goods_value"] == "160.00"
    assert corrected["summary"] == service["summary"]
    assert client.get(f"{SERVICES}/{service['id']}", headers=caseworker).json() == corrected


def test_a_correction_is_a_new_event_naming_its_reason_and_author(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = record_service(client, caseworker, family_id)

    client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "补录工作人员", "staff": ["张敏", "刘洋", "陈静"]},
        headers=caseworker,
    )

    events = [e for e in stored_events(runtime) if str(e.originator_id) == service["id"]]
    assert event_names(events) == ["ServiceRecord.Recorded", "ServiceRecord.Corrected"]
    assert events[1].reason == "补录工作人员"
    assert events[1].actor_name == "caseworker-430121"
    assert events[0].staff == ["张敏", "刘洋"]


def test_a_correction_may_not_move_a_service_past_the_familys_closure(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "户主去世", "closed_on": "2025-01-01"},
        headers=caseworker,
    )
    service = record_service(client, caseworker, family_id, occurred_on="2024-12-31")
    position = log_position(runtime)

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "日期登记错误", "occurred_on": "2025-01-27"},
        headers=caseworker,
    )

    assert response.status_code == 409
    assert [e["field"] for e in response.json()["errors"]] == ["occurred_on"]
    assert log_position(runtime) == position


def test_a_service_of_a_closed_family_may_still_be_corrected_before_closure(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-12-31")
    client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "户主去世", "closed_on": "2025-01-01"},
        headers=caseworker,
    )

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "日期登记错误", "occurred_on": "2024-12-30", "summary": "元旦前走访"},
        headers=caseworker,
    )

    assert response.status_code == 201
    assert (response.json()["occurred_on"], response.json()["summary"]) == (
        "2024-12-30",
        "元旦前走访",
    )


def test_a_correction_without_a_reason_is_refused_naming_reason(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = record_service(client, caseworker, family_id)

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"summary": "改正后的摘要"},
        headers=caseworker,
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]


def test_a_correction_into_the_future_is_refused_naming_occurred_on(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = record_service(client, caseworker, family_id)
    future = dt.date.today() + dt.timedelta(days=2)

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "日期", "occurred_on": future.isoformat()},
        headers=caseworker,
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["occurred_on"]


def paid_service(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """A service that paid 500.00 from a fund of 2000.00, and that fund's id."""
    fund_id = open_fund(client, admin, "430121")["id"]
    assert receive(client, admin, fund_id, "2000.00").status_code == 201
    family_id = register_family(client, caseworker)["id"]
    cash = {"amount": "500.00", "fund_id": fund_id}
    service = record_service(client, caseworker, family_id, occurred_on="2025-01-27", cash=cash)
    return service, fund_id


def test_a_paid_service_cannot_have_its_date_corrected_away_from_its_payment(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    service, _ = paid_service(client, admin, caseworker)

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "日期记错", "occurred_on": "2025-01-20"},
        headers=caseworker,
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "occurred_on"


@pytest.mark.parametrize("cash", [None, {"amount": "300.00"}], ids=["removed", "another-amount"])
def test_a_correction_never_changes_or_removes_paid_cash(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], cash: Any
) -> None:
    service, fund_id = paid_service(client, admin, caseworker)
    if cash is not None:
        cash["fund_id"] = fund_id

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "现金记错", "summary": "只送了米", "cash": cash},
        headers=caseworker,
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "cash"
    assert client.get(f"{SERVICES}/{service['id']}", headers=caseworker).json() == service
    assert fund(client, admin, fund_id)["available"] == "1500.00"


def test_a_correction_cannot_add_cash_to_a_service_that_paid_none(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    fund_id = open_fund(client, admin, "430121")["id"]
    service = record_service(client, caseworker, register_family(client, caseworker)["id"])

    response = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "补发现金", "cash": {"amount": "500.00", "fund_id": fund_id}},
        headers=caseworker,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cash"


def test_a_void_reverses_what_was_paid_even_after_a_stored_correction_removed_the_cash(
    client: TestClient, runtime: Runtime, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    # A store written before corrections were limited may hold a correction to `cash: null`.
    service, fund_id = paid_service(client, admin, caseworker)
    record = runtime.app.repository.get(uuid.UUID(service["id"]))
    record._corrected(reason="没发现金", changes={"cash": None})
    runtime.app.save(record)

    voided = client.post(
        f"{SERVICES}/{service['id']}/void", json={"reason": "重复录入"}, headers=caseworker
    )

    assert voided.status_code == 200
    assert voided.json()["cash"] == service["cash"]
    assert fund(client, admin, fund_id)["available"] == "2000.00"


def test_a_void_marks_the_record_voided_with_its_reason(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = record_service(client, caseworker, family_id)

    response = client.post(
        f"{SERVICES}/{service['id']}/void", json={"reason": "重复录入"}, headers=caseworker
    )

    assert response.status_code == 200
    voided = response.json()
    assert (voided["status"], voided["void_reason"], voided["version"]) == (
        "voided",
        "重复录入",
        2,
    )
    assert client.get(f"{SERVICES}/{service['id']}", headers=caseworker).json() == voided


def test_a_void_without_a_reason_is_refused_naming_reason(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = record_service(client, caseworker, family_id)

    response = client.post(
        f"{SERVICES}/{service['id']}/void", json={"reason": " "}, headers=caseworker
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]


def test_a_voided_record_can_be_neither_voided_again_nor_corrected(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = record_service(client, caseworker, family_id)
    client.post(f"{SERVICES}/{service['id']}/void", json={"reason": "重复录入"}, headers=caseworker)

    again = client.post(
        f"{SERVICES}/{service['id']}/void", json={"reason": "再次作废"}, headers=caseworker
    )
    corrected = client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "更正", "summary": "改"},
        headers=caseworker,
    )

    assert (again.status_code, corrected.status_code) == (409, 409)


def test_a_void_with_a_stale_if_match_version_is_refused_with_412(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = record_service(client, caseworker, family_id)
    client.post(
        f"{SERVICES}/{service['id']}/corrections",
        json={"reason": "更正", "summary": "春节走访"},
        headers=caseworker,
    )

    response = client.post(
        f"{SERVICES}/{service['id']}/void",
        json={"reason": "重复录入"},
        headers=caseworker | {"If-Match": '"1"'},
    )

    assert response.status_code == 412
    assert response.json()["current_version"] == 2


def test_an_unknown_service_id_answers_404(client: TestClient, caseworker: dict[str, str]) -> None:
    unknown = uuid.uuid4()

    read = client.get(f"{SERVICES}/{unknown}", headers=caseworker)
    voided = client.post(f"{SERVICES}/{unknown}/void", json={"reason": "x"}, headers=caseworker)

    assert (read.status_code, voided.status_code) == (404, 404)


def test_a_family_id_is_not_a_service_id(client: TestClient, caseworker: dict[str, str]) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.get(f"{SERVICES}/{family_id}", headers=caseworker)

    assert response.status_code == 404


def test_a_service_paying_cash_before_the_family_was_registered_is_refused_naming_occurred_on(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    fund_id = open_fund(client, admin, "430121")["id"]
    assert receive(client, admin, fund_id, "2000.00").status_code == 201
    family_id = register_family(client, caseworker, registered_on="2025-02-01")["id"]
    paid = service_payload(occurred_on="2025-01-31", cash={"amount": "500.00", "fund_id": fund_id})

    response = client.post(services_url(family_id), json=paid, headers=keyed(caseworker))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "occurred_on"
    assert fund(client, admin, fund_id)["available"] == "2000.00"
