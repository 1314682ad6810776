"""Registering families and maintaining the case file through the HTTP API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import UserFactory
from tests.steps import FAMILIES, register_family
from tests.support import family_payload, person


def test_a_registered_family_answers_201_with_id_version_and_members(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    payload = family_payload()

    response = client.post(FAMILIES, json=payload, headers=caseworker)

    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 1
    assert body["status"] == "open"
    assert body["head"]["id_number"] == payload["head"]["id_number"]
    assert [m["relation"] for m in body["members"]] == ["spouse"]
    assert client.get(f"{FAMILIES}/{body['id']}", headers=caseworker).json() == body


def test_a_resident_id_in_an_open_family_is_refused_naming_that_family(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    first = register_family(client, caseworker)
    again = family_payload(head=first["head"] | {"phone": None})
    again["head"] = {k: again["head"][k] for k in ("name", "id_number", "birth_date", "gender")}

    response = client.post(FAMILIES, json=again, headers=caseworker)

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["existing_family_id"] == first["id"]
    assert response.json()["errors"][0]["field"] == "head.id_number"


def test_a_resident_id_of_a_closed_family_may_be_registered_again(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    first = register_family(client, caseworker)
    client.post(f"{FAMILIES}/{first['id']}/close", json={"reason": "迁出本县"}, headers=caseworker)
    again = family_payload()
    again["head"]["id_number"] = first["head"]["id_number"]

    response = client.post(FAMILIES, json=again, headers=caseworker)

    assert response.status_code == 201


def test_the_same_idempotency_key_registers_once_and_answers_the_same_body(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    payload = family_payload()
    headers = caseworker | {"Idempotency-Key": "register-1"}

    first = client.post(FAMILIES, json=payload, headers=headers)
    second = client.post(FAMILIES, json=payload, headers=headers)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    listed = client.get(FAMILIES, headers=caseworker).json()
    assert listed["total"] == 1


def test_a_member_is_added_and_later_marked_deceased(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    child = person("李小明", "1990-05-05", female=False) | {"relation": "child"}

    added = client.post(f"{FAMILIES}/{family['id']}/members", json=child, headers=caseworker)
    member_id = added.json()["member_id"]
    deceased = client.post(
        f"{FAMILIES}/{family['id']}/members/{member_id}/deceased",
        json={"died_on": "2023-08-01"},
        headers=caseworker,
    )

    assert added.status_code == 201
    assert deceased.status_code == 200
    members = {m["member_id"]: m for m in deceased.json()["members"]}
    assert members[member_id]["deceased_on"] == "2023-08-01"
    assert deceased.json()["version"] == 3


def test_contacts_doctor_and_green_channel_are_recorded_on_the_case(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    client.post(
        f"{FAMILIES}/{family_id}/contacts",
        json={
            "township_contact": {"name": "周敏", "phone": "13900000001"},
            "village_contact": {"name": "吴刚", "phone": "13900000002"},
        },
        headers=caseworker,
    )
    client.post(
        f"{FAMILIES}/{family_id}/family-doctor",
        json={
            "doctor": "陈医生",
            "institution": "黄兴镇卫生院",
            "signed_on": "2024-01-10",
            "expires_on": "2025-01-09",
        },
        headers=caseworker,
    )
    response = client.post(
        f"{FAMILIES}/{family_id}/green-channel",
        json={"hospital": "长沙县人民医院", "granted_on": "2024-02-01"},
        headers=caseworker,
    )

    body = response.json()
    assert body["contacts"]["township_contact"]["name"] == "周敏"
    assert body["contacts"]["village_contact"]["name"] == "吴刚"
    assert body["family_doctor"]["expires_on"] == "2025-01-09"
    assert body["green_channel"]["hospital"] == "长沙县人民医院"
    assert body["version"] == 4


def test_a_closed_family_refuses_changes_until_it_is_reopened(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    closed = client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "户主去世", "closed_on": "2024-06-01"},
        headers=caseworker,
    )

    refused = client.post(
        f"{FAMILIES}/{family_id}/green-channel",
        json={"hospital": "长沙县人民医院", "granted_on": "2024-07-01"},
        headers=caseworker,
    )
    reopened = client.post(f"{FAMILIES}/{family_id}/reopen", json={}, headers=caseworker)

    assert closed.json()["status"] == "closed"
    assert refused.status_code == 409
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "open"


def test_a_transferred_family_leaves_the_old_caseworkers_sight(
    client: TestClient, user_headers: UserFactory
) -> None:
    changsha_county = user_headers("caseworker", "430121")
    family_id = register_family(client, changsha_county)["id"]

    moved = client.post(
        f"{FAMILIES}/{family_id}/transfer",
        json={"to_region_code": "430181001001", "reason": "随子女迁居浏阳"},
        headers=user_headers("caseworker", "430100"),
    )

    assert moved.status_code == 200
    assert moved.json()["region_code"] == "430181001001"
    assert client.get(f"{FAMILIES}/{family_id}", headers=changsha_county).status_code == 404
    liuyang = user_headers("caseworker", "430181")
    assert client.get(f"{FAMILIES}/{family_id}", headers=liuyang).status_code == 200


def test_moving_a_family_out_of_the_callers_region_is_refused_and_leaves_it_where_it_was(
    client: TestClient, caseworker: dict[str, str], supervisor: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    moved = client.post(
        f"{FAMILIES}/{family_id}/transfer",
        json={"to_region_code": "430181001001", "reason": "随子女迁居浏阳"},
        headers=caseworker,
    )

    assert moved.status_code == 403
    assert moved.json()["errors"][0]["field"] == "to_region_code"
    seen = client.get(f"{FAMILIES}/{family_id}", headers=supervisor).json()
    assert seen["region_code"] == "430121101001"


@pytest.mark.parametrize("to_region", ["999999999999", "430199001001", "990000"])
def test_a_family_is_not_moved_to_a_region_that_does_not_exist(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory, to_region: str
) -> None:
    family_id = register_family(client, caseworker)["id"]

    moved = client.post(
        f"{FAMILIES}/{family_id}/transfer",
        json={"to_region_code": to_region},
        headers=user_headers("caseworker", None),
    )

    assert moved.status_code == 422
    assert moved.json()["errors"][0]["field"] == "to_region_code"
    assert client.get(f"{FAMILIES}/{family_id}", headers=caseworker).status_code == 200


def test_a_stale_if_match_version_is_refused_with_412(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    stale = client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "迁出"},
        headers=caseworker | {"If-Match": '"0"'},
    )
    current = client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "迁出"},
        headers=caseworker | {"If-Match": '"1"'},
    )

    assert stale.status_code == 412
    assert current.status_code == 200


def test_families_are_listed_with_filters_and_pagination(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    for region in ("430121101001", "430121101002", "430121102001"):
        register_family(client, caseworker, region_code=region)
    register_family(client, caseworker, region_code="430121101003", category="hardship")

    township = client.get(FAMILIES, params={"region": "430121101"}, headers=caseworker).json()
    hardship = client.get(FAMILIES, params={"category": "hardship"}, headers=caseworker).json()
    page = client.get(FAMILIES, params={"limit": 2, "offset": 2}, headers=caseworker).json()

    assert township["total"] == 3
    assert [f["category"] for f in hardship["items"]] == ["hardship"]
    assert page["total"] == 4
    assert len(page["items"]) == 2


def test_a_city_code_as_region_filter_lists_the_families_under_it(
    client: TestClient, caseworker: dict[str, str], supervisor: dict[str, str]
) -> None:
    register_family(client, caseworker)

    listed = client.get(FAMILIES, params={"region": "430100"}, headers=supervisor).json()

    assert listed["total"] == 1
