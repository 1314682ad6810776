"""Coverage counts a family as insured while a nursing-subsidy policy of one of its members is
in force (DESIGN.md section 11)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.claim_steps import county, enrolled, policy_payload


def coverage_totals(client: TestClient, headers: dict[str, str], as_of: str) -> dict[str, Any]:
    response = client.get(
        "/api/v1/reports/coverage", params={"region": "430121", "as_of": as_of}, headers=headers
    )
    assert response.status_code == 200, response.text
    totals: dict[str, Any] = response.json()["totals"]
    return totals


def test_a_family_is_insured_while_its_nursing_policy_is_in_force(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    family = county(client, admin, caseworker)
    nursing = policy_payload(
        family.head_id, family.nursing_fund, programme="nursing_subsidy", cover="9000.00"
    )

    enrolled(client, caseworker, family.family_id, nursing)

    assert coverage_totals(client, supervisor, "2025-06-30")["insured"] == 1
    assert coverage_totals(client, supervisor, "2026-01-01")["insured"] == 0


def test_an_accident_policy_does_not_count_as_insured(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    family = county(client, admin, caseworker)

    enrolled(
        client, caseworker, family.family_id, policy_payload(family.head_id, family.accident_fund)
    )

    assert coverage_totals(client, supervisor, "2025-06-30")["insured"] == 0
