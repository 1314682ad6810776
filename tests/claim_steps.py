"""Steps the claims, policies and rules tests share: a family with a member, funds of each
programme with money in them, and the requests of section 10."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.steps import FAMILIES, open_fund, receive, register_family

CLAIMS = "/api/v1/claims"
POLICIES = "/api/v1/policies"
RULES = "/api/v1/rules"

_keys = itertools.count(1)


def keyed(headers: dict[str, str]) -> dict[str, str]:
    """The headers with a fresh Idempotency-Key, as a client sends with every money step."""
    return headers | {"Idempotency-Key": f"claims-test-{next(_keys)}"}


@dataclass(frozen=True)
class County:
    """A family of 430121 with its head and spouse, and a funded nursing, education and
    accident fund of the county."""

    family_id: str
    head_id: str
    spouse_id: str
    nursing_fund: str
    education_fund: str
    accident_fund: str


def county(client: TestClient, admin: dict[str, str], caseworker: dict[str, str]) -> County:
    family = register_family(client, caseworker)
    funds = {}
    for programme in ("nursing_subsidy", "education_aid", "accident_insurance"):
        fund_id = open_fund(client, admin, "430121", programme=programme, name=programme)["id"]
        assert receive(client, admin, fund_id, "50000.00").status_code == 201
        funds[programme] = fund_id
    return County(
        family_id=family["id"],
        head_id=family["head"]["member_id"],
        spouse_id=family["members"][0]["member_id"],
        nursing_fund=funds["nursing_subsidy"],
        education_fund=funds["education_aid"],
        accident_fund=funds["accident_insurance"],
    )


def nursing_claim(member_id: str, fund_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "nursing_subsidy",
        "member_id": member_id,
        "fund_id": fund_id,
        "hospital": "长沙县人民医院",
        "hospital_tier": 2,
        "admitted_on": "2025-03-01",
        "discharged_on": "2025-03-10",
        "days": 9,
    } | overrides


def submit(
    client: TestClient, caseworker: dict[str, str], family_id: str, payload: dict[str, Any]
) -> httpx.Response:
    return client.post(f"{FAMILIES}/{family_id}/claims", json=payload, headers=caseworker)


def submitted(
    client: TestClient, caseworker: dict[str, str], family_id: str, payload: dict[str, Any]
) -> dict[str, Any]:
    response = submit(client, caseworker, family_id, payload)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def step(
    client: TestClient, headers: dict[str, str], claim_id: str, name: str, **body: Any
) -> httpx.Response:
    return client.post(f"{CLAIMS}/{claim_id}/{name}", json=body, headers=keyed(headers))


def approved(client: TestClient, supervisor: dict[str, str], claim_id: str) -> dict[str, Any]:
    response = step(client, supervisor, claim_id, "approve")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def paid(
    client: TestClient, supervisor: dict[str, str], claim_id: str, paid_on: str = "2025-04-02"
) -> dict[str, Any]:
    response = step(client, supervisor, claim_id, "pay", paid_on=paid_on, reference="B-88")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def policy_payload(member_id: str, fund_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "programme": "accident_insurance",
        "insurer": "中国人寿长沙分公司",
        "policy_number": "ACC-2025-0001",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "premium": "60.00",
        "premium_fund": fund_id,
        "cover": "120000.00",
    } | overrides


def enrol(
    client: TestClient, caseworker: dict[str, str], family_id: str, payload: dict[str, Any]
) -> httpx.Response:
    return client.post(f"{FAMILIES}/{family_id}/policies", json=payload, headers=keyed(caseworker))


def enrolled(
    client: TestClient, caseworker: dict[str, str], family_id: str, payload: dict[str, Any]
) -> dict[str, Any]:
    response = enrol(client, caseworker, family_id, payload)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
