"""Authentication, roles and region scope (DESIGN.md section 7), and the author of every event."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.conftest import UserFactory
from tests.steps import (
    FAMILIES,
    SERVICES,
    log_position,
    principal_of,
    record_service,
    register_family,
    stored_events,
)
from tests.support import family_payload, service_payload

CHANGSHA_COUNTY = "430121"
LIUYANG = "430181"


@pytest.fixture
def liuyang_caseworker(user_headers: UserFactory) -> dict[str, str]:
    return user_headers("caseworker", LIUYANG)


@pytest.fixture
def liuyang_family(client: TestClient, liuyang_caseworker: dict[str, str]) -> str:
    family_id: str = register_family(client, liuyang_caseworker, region_code="430181001001")["id"]
    return family_id


def test_a_request_without_a_token_answers_401(client: TestClient) -> None:
    response = client.get(FAMILIES)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_request_with_an_unknown_token_answers_401(client: TestClient) -> None:
    response = client.get(FAMILIES, headers={"Authorization": "Bearer nx_not-a-token"})

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_a_request_with_another_authorization_scheme_answers_401(client: TestClient) -> None:
    response = client.get(FAMILIES, headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{FAMILIES}/not-a-family-id"),
        ("GET", f"{FAMILIES}/not-a-family-id/timeline"),
        ("POST", f"{FAMILIES}/not-a-family-id/services"),
        ("GET", f"{SERVICES}/not-a-service-id"),
        ("POST", f"{SERVICES}/not-a-service-id/void"),
        ("GET", f"{FAMILIES}/{uuid.UUID(int=0)}/timeline?as_of=not-a-date"),
    ],
)
def test_a_request_without_a_token_answers_401_whatever_its_path_or_parameters(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, json={})

    assert response.status_code == 401


def test_a_write_without_a_token_answers_401_and_records_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    position = log_position(runtime)

    response = client.post(FAMILIES, json=family_payload())

    assert response.status_code == 401
    assert log_position(runtime) == position


@pytest.mark.parametrize("role", ["auditor", "supervisor", "admin"])
def test_only_a_caseworker_may_register_a_family(
    client: TestClient, runtime: Runtime, user_headers: UserFactory, role: str
) -> None:
    reader = user_headers(role, "430100")
    position = log_position(runtime)

    response = client.post(FAMILIES, json=family_payload(), headers=reader)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert log_position(runtime) == position


def test_an_auditor_may_not_record_correct_or_void_a_service(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    auditor = user_headers("auditor", "430100")
    family_id = register_family(client, caseworker)["id"]
    service_id = record_service(client, caseworker, family_id)["id"]

    recorded = client.post(
        f"{FAMILIES}/{family_id}/services", json=service_payload(), headers=auditor
    )
    corrected = client.post(
        f"{SERVICES}/{service_id}/corrections",
        json={"reason": "更正", "summary": "改"},
        headers=auditor,
    )
    voided = client.post(f"{SERVICES}/{service_id}/void", json={"reason": "作废"}, headers=auditor)

    assert [recorded.status_code, corrected.status_code, voided.status_code] == [403, 403, 403]


def test_an_auditor_may_not_change_a_case(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    auditor = user_headers("auditor", "430100")
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/close", json={"reason": "结案"}, headers=auditor
    )

    assert response.status_code == 403


def test_a_supervisor_reads_the_families_timelines_and_services_of_the_subtree(
    client: TestClient, caseworker: dict[str, str], supervisor: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service_id = record_service(client, caseworker, family_id)["id"]

    family = client.get(f"{FAMILIES}/{family_id}", headers=supervisor)
    listed = client.get(FAMILIES, headers=supervisor)
    entries = client.get(f"{FAMILIES}/{family_id}/timeline", headers=supervisor)
    service = client.get(f"{SERVICES}/{service_id}", headers=supervisor)

    assert [r.status_code for r in (family, listed, entries, service)] == [200] * 4
    assert [f["id"] for f in listed.json()["items"]] == [family_id]
    assert len(entries.json()["entries"]) == 2


def test_a_caseworker_cannot_see_a_family_of_another_county_by_id(
    client: TestClient, caseworker: dict[str, str], liuyang_family: str
) -> None:
    unknown_id = str(uuid.uuid4())

    response = client.get(f"{FAMILIES}/{liuyang_family}", headers=caseworker)
    unknown = client.get(f"{FAMILIES}/{unknown_id}", headers=caseworker)

    assert response.status_code == 404
    # Answered exactly as an id that names nothing: the caller may not learn it exists.
    assert response.json() == unknown.json() | {
        "detail": unknown.json()["detail"].replace(unknown_id, liuyang_family)
    }


def test_a_caseworker_cannot_see_a_family_of_another_county_in_lists(
    client: TestClient, caseworker: dict[str, str], liuyang_family: str
) -> None:
    own = register_family(client, caseworker)["id"]

    everything = client.get(FAMILIES, headers=caseworker).json()
    asked_for_liuyang = client.get(FAMILIES, params={"region": LIUYANG}, headers=caseworker).json()
    asked_for_the_city = client.get(FAMILIES, params={"region": "4301"}, headers=caseworker).json()

    assert ([f["id"] for f in everything["items"]], everything["total"]) == ([own], 1)
    assert (asked_for_liuyang["items"], asked_for_liuyang["total"]) == ([], 0)
    assert [f["id"] for f in asked_for_the_city["items"]] == [own]


def test_a_caseworker_cannot_see_the_timeline_of_a_family_of_another_county(
    client: TestClient, caseworker: dict[str, str], liuyang_family: str
) -> None:
    response = client.get(f"{FAMILIES}/{liuyang_family}/timeline", headers=caseworker)

    assert response.status_code == 404


def test_a_caseworker_cannot_see_or_touch_the_services_of_a_family_of_another_county(
    client: TestClient,
    caseworker: dict[str, str],
    liuyang_caseworker: dict[str, str],
    liuyang_family: str,
) -> None:
    service_id = record_service(client, liuyang_caseworker, liuyang_family)["id"]

    read = client.get(f"{SERVICES}/{service_id}", headers=caseworker)
    corrected = client.post(
        f"{SERVICES}/{service_id}/corrections",
        json={"reason": "更正", "summary": "改"},
        headers=caseworker,
    )
    voided = client.post(
        f"{SERVICES}/{service_id}/void", json={"reason": "作废"}, headers=caseworker
    )
    recorded = client.post(
        f"{FAMILIES}/{liuyang_family}/services", json=service_payload(), headers=caseworker
    )

    assert [r.status_code for r in (read, corrected, voided, recorded)] == [404] * 4


def test_a_caseworker_cannot_change_a_case_of_another_county(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str], liuyang_family: str
) -> None:
    position = log_position(runtime)

    response = client.post(
        f"{FAMILIES}/{liuyang_family}/close", json={"reason": "结案"}, headers=caseworker
    )

    assert response.status_code == 404
    assert log_position(runtime) == position


def test_a_caseworker_cannot_register_a_family_outside_the_region(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    position = log_position(runtime)

    response = client.post(
        FAMILIES, json=family_payload(region_code="430181001001"), headers=caseworker
    )

    assert response.status_code == 403
    assert log_position(runtime) == position


def test_a_duplicate_resident_in_another_region_is_refused_without_naming_that_family(
    client: TestClient, caseworker: dict[str, str], liuyang_caseworker: dict[str, str]
) -> None:
    first = register_family(client, caseworker)
    again = family_payload(region_code="430181001001")
    again["head"]["id_number"] = first["head"]["id_number"]

    response = client.post(FAMILIES, json=again, headers=liuyang_caseworker)

    assert response.status_code == 409
    assert "existing_family_id" not in response.json()
    assert first["id"] not in response.text


def test_a_city_region_covers_the_counties_under_it(
    client: TestClient,
    caseworker: dict[str, str],
    liuyang_family: str,
    user_headers: UserFactory,
) -> None:
    changsha_city = user_headers("supervisor", "430100")
    county_family = register_family(client, caseworker)["id"]

    listed = client.get(FAMILIES, headers=changsha_city).json()

    assert {f["id"] for f in listed["items"]} == {county_family, liuyang_family}
    assert client.get(f"{FAMILIES}/{county_family}", headers=changsha_city).status_code == 200


def test_a_province_region_covers_its_cities_but_not_another_province(
    client: TestClient, user_headers: UserFactory
) -> None:
    changsha = user_headers("caseworker", "430121")
    guangzhou = user_headers("caseworker", "440106")
    hunan = user_headers("supervisor", "430000")
    hunan_family = register_family(client, changsha)["id"]
    guangdong_family = register_family(client, guangzhou, region_code="440106001001")["id"]

    own = client.get(f"{FAMILIES}/{hunan_family}", headers=hunan)
    other = client.get(f"{FAMILIES}/{guangdong_family}", headers=hunan)

    assert (own.status_code, other.status_code) == (200, 404)


def test_a_township_region_covers_its_villages_only(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    township = user_headers("caseworker", "430121101")
    inside = register_family(client, caseworker, region_code="430121101001")["id"]
    outside = register_family(client, caseworker, region_code="430121102001")["id"]

    listed = client.get(FAMILIES, headers=township).json()

    assert [f["id"] for f in listed["items"]] == [inside]
    assert client.get(f"{FAMILIES}/{outside}", headers=township).status_code == 404


def test_a_user_without_a_region_covers_every_region(
    client: TestClient, user_headers: UserFactory
) -> None:
    changsha = user_headers("caseworker", "430121")
    guangzhou = user_headers("caseworker", "440106")
    nationwide = user_headers("supervisor", None)
    hunan_family = register_family(client, changsha)["id"]
    guangdong_family = register_family(client, guangzhou, region_code="440106001001")["id"]

    listed = client.get(FAMILIES, headers=nationwide).json()

    assert {f["id"] for f in listed["items"]} == {hunan_family, guangdong_family}
    assert client.get(f"{FAMILIES}/{guangdong_family}", headers=nationwide).status_code == 200


def test_a_caseworker_sees_a_family_transferred_into_the_region(
    client: TestClient,
    caseworker: dict[str, str],
    liuyang_caseworker: dict[str, str],
    user_headers: UserFactory,
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service_id = record_service(client, caseworker, family_id)["id"]

    client.post(
        f"{FAMILIES}/{family_id}/transfer",
        json={"to_region_code": "430181001001", "reason": "随子女迁居浏阳"},
        headers=user_headers("caseworker", "430100"),
    )

    assert client.get(f"{SERVICES}/{service_id}", headers=liuyang_caseworker).status_code == 200
    assert client.get(f"{SERVICES}/{service_id}", headers=caseworker).status_code == 404
    listed = client.get(FAMILIES, headers=liuyang_caseworker).json()
    assert [f["id"] for f in listed["items"]] == [family_id]


def test_an_auditor_sees_resident_ids_masked(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    auditor = user_headers("auditor", "430100")
    family = register_family(client, caseworker)
    number = family["head"]["id_number"]

    seen = client.get(f"{FAMILIES}/{family['id']}", headers=auditor).json()

    assert seen["head"]["id_number"] == number[:6] + "********" + number[14:]


def test_an_auditor_sees_names_and_phones_masked(
    client: TestClient, caseworker: dict[str, str], auditor: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    seen = client.get(f"{FAMILIES}/{family_id}", headers=auditor).json()

    assert seen["head"]["name"] == "王**"
    assert seen["head"]["phone"] == "138****0000"


def test_every_event_a_request_records_names_the_user_who_made_it(
    client: TestClient, runtime: Runtime, user_headers: UserFactory
) -> None:
    zhang = user_headers("caseworker", "430121", name="张敏")
    liu = user_headers("caseworker", "430121", name="刘洋")
    start = log_position(runtime)

    family_id = register_family(client, zhang)["id"]
    service_id = record_service(
        client, liu, family_id, summary="中秋慰问", occurred_on="2024-09-17"
    )["id"]
    client.post(
        f"{SERVICES}/{service_id}/void",
        json={"reason": "重复录入"},
        headers=zhang | {"Idempotency-Key": "void-1"},
    )

    authors = {
        (type(e).__qualname__, e.actor_id, e.actor_name, e.actor_role)
        for e in stored_events(runtime)[start:]
    }
    zhang_id, liu_id = principal_of(runtime, zhang).user_id, principal_of(runtime, liu).user_id
    assert authors == {
        ("Family.Registered", zhang_id, "张敏", "caseworker"),
        ("ResidentIndex.Claimed", zhang_id, "张敏", "caseworker"),
        ("ServiceRecord.Recorded", liu_id, "刘洋", "caseworker"),
        ("ServiceRecord.Voided", zhang_id, "张敏", "caseworker"),
        ("IdempotentResponse.Stored", zhang_id, "张敏", "caseworker"),
    }


def test_every_stored_event_carries_an_actor(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    record_service(client, caseworker, family_id)

    events = stored_events(runtime)

    assert events
    assert all(e.actor_id and e.actor_name and e.actor_role for e in events)
