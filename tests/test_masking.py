"""Personal data in clear only for caseworkers and supervisors covering the family; masked for
everyone else, in every response (DESIGN.md section 7)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import UserFactory
from tests.steps import FAMILIES, register_family

CONTACTS = {
    "township_contact": {"name": "周敏", "phone": "13912345678", "position": "乡镇计生专干"},
    "village_contact": {"name": "陈芳", "phone": "13787654321"},
    "assigned_on": "2024-03-01",
}


@pytest.fixture
def family(client: TestClient, caseworker: dict[str, str]) -> dict[str, Any]:
    registered = register_family(client, caseworker)
    response = client.post(
        f"{FAMILIES}/{registered['id']}/contacts", json=CONTACTS, headers=caseworker
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_an_auditor_or_admin_cannot_read_a_masked_resident_id_back_from_the_birth_date(
    client: TestClient, user_headers: UserFactory, family: dict[str, Any], role: str
) -> None:
    seen = client.get(f"{FAMILIES}/{family['id']}", headers=user_headers(role, "430100")).json()

    for person in [seen["head"], *seen["members"]]:
        assert "*" * 8 in person["id_number"]
        assert person["birth_date"] is None


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_an_auditor_or_admin_sees_names_phones_and_address_masked(
    client: TestClient, user_headers: UserFactory, family: dict[str, Any], role: str
) -> None:
    seen = client.get(f"{FAMILIES}/{family['id']}", headers=user_headers(role, "430100")).json()

    assert seen["head"]["name"] == "王**"
    assert seen["head"]["phone"] == "138****0000"
    assert seen["address"] == "长沙县黄兴镇蓝田村"
    assert seen["contacts"]["township_contact"]["name"] == "周*"
    assert seen["contacts"]["township_contact"]["phone"] == "139****5678"
    assert seen["contacts"]["village_contact"]["phone"] == "137****4321"


def test_a_supervisor_covering_the_family_sees_its_personal_data_in_clear(
    client: TestClient, supervisor: dict[str, str], family: dict[str, Any]
) -> None:
    seen = client.get(f"{FAMILIES}/{family['id']}", headers=supervisor).json()

    assert seen["head"] == family["head"]
    assert seen["address"] == family["address"]
    assert seen["contacts"] == family["contacts"]
    assert seen["head"]["birth_date"] == "1962-03-15"


def test_an_auditor_sees_head_names_masked_in_the_family_list(
    client: TestClient, user_headers: UserFactory, family: dict[str, Any]
) -> None:
    listed = client.get(FAMILIES, headers=user_headers("auditor", "430100")).json()

    assert [item["head_name"] for item in listed["items"]] == ["王**"]
