"""Every refusal of DESIGN.md section 10 through the HTTP API: 409 with a detail a supervisor
understands, 403 for the wrong person, 428 without a key — and nothing recorded."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.claim_steps import (
    CLAIMS,
    approved,
    county,
    enrolled,
    keyed,
    nursing_claim,
    paid,
    policy_payload,
    step,
    submit,
    submitted,
)
from tests.conftest import UserFactory
from tests.steps import FAMILIES, balances, event_names, open_fund, stored_events


def test_nursing_days_over_the_yearly_cap_say_how_many_days_are_left(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    long_stay = nursing_claim(
        c.head_id, c.nursing_fund, admitted_on="2025-01-01", discharged_on="2025-03-27", days=85
    )
    submitted(client, caseworker, c.family_id, long_stay)

    response = submit(
        client,
        caseworker,
        c.family_id,
        nursing_claim(
            c.head_id, c.nursing_fund, admitted_on="2025-05-01", discharged_on="2025-05-10", days=9
        ),
    )

    assert response.status_code == 409
    assert "5 days left" in response.json()["detail"]


def test_a_stay_overlapping_another_claim_of_the_member_is_refused(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    response = submit(
        client,
        caseworker,
        c.family_id,
        nursing_claim(
            c.head_id, c.nursing_fund, admitted_on="2025-03-05", discharged_on="2025-03-08", days=3
        ),
    )

    assert response.status_code == 409
    assert "overlaps" in response.json()["detail"]


def test_a_hospital_below_the_minimum_tier_is_refused(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)

    response = submit(
        client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund, hospital_tier=1)
    )

    assert response.status_code == 409
    assert "tier-2" in response.json()["detail"]


def test_a_claim_dated_after_the_members_death_is_refused(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    died = client.post(
        f"{FAMILIES}/{c.family_id}/members/{c.spouse_id}/deceased",
        json={"died_on": "2025-02-10"},
        headers=caseworker,
    )
    assert died.status_code == 200, died.text

    response = submit(client, caseworker, c.family_id, nursing_claim(c.spouse_id, c.nursing_fund))

    assert response.status_code == 409
    assert "died on 2025-02-10" in response.json()["detail"]


def test_a_claim_for_a_closed_family_is_refused(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    closed = client.post(
        f"{FAMILIES}/{c.family_id}/close", json={"reason": "迁出本县"}, headers=caseworker
    )
    assert closed.status_code == 200, closed.text

    response = submit(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def insurance_claim(member_id: str, policy_id: str, **overrides: str) -> dict[str, str]:
    return {
        "kind": "insurance",
        "member_id": member_id,
        "policy_id": policy_id,
        "incident_on": "2025-06-01",
        "description": "骑车摔伤，右腿骨折",
        "amount": "8000.00",
    } | overrides


def test_an_insurance_claim_outside_the_policy_period_is_refused(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    policy = enrolled(client, caseworker, c.family_id, policy_payload(c.head_id, c.accident_fund))

    response = submit(
        client,
        caseworker,
        c.family_id,
        insurance_claim(c.head_id, policy["id"], incident_on="2026-01-05"),
    )

    assert response.status_code == 409
    assert "covers 2025-01-01 to 2025-12-31" in response.json()["detail"]


def test_an_insurance_claim_over_the_cover_left_is_refused(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    policy = enrolled(
        client,
        caseworker,
        c.family_id,
        policy_payload(c.head_id, c.accident_fund, cover="10000.00"),
    )
    submitted(client, caseworker, c.family_id, insurance_claim(c.head_id, policy["id"]))

    response = submit(
        client,
        caseworker,
        c.family_id,
        insurance_claim(c.head_id, policy["id"], incident_on="2025-07-01"),
    )

    assert response.status_code == 409
    assert "2000.00 left" in response.json()["detail"]


def test_aid_over_the_yearly_cap_left_is_refused(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    aid = {
        "kind": "education_aid",
        "member_id": c.head_id,
        "fund_id": c.education_fund,
        "amount": "2000.00",
        "reason": "孙子上大学",
        "claimed_on": "2025-09-01",
    }
    submitted(client, caseworker, c.family_id, aid)

    response = submit(client, caseworker, c.family_id, aid | {"claimed_on": "2025-10-01"})

    assert response.status_code == 409
    assert "1000.00 left" in response.json()["detail"]


def test_approval_over_what_the_fund_has_left_is_refused(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    empty = open_fund(client, admin, "430121", programme="nursing_subsidy", name="空基金")["id"]
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, empty))

    response = step(client, supervisor, claim["id"], "approve")

    assert response.status_code == 409
    assert "0.00 available" in response.json()["detail"]


def test_a_claim_is_paid_only_once_approved(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    response = step(client, supervisor, claim["id"], "pay", paid_on="2025-04-02", reference="B-1")

    assert response.status_code == 409
    assert "paid only when approved" in response.json()["detail"]


def test_a_paid_claim_cannot_be_cancelled(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    approved(client, supervisor, claim["id"])
    paid(client, supervisor, claim["id"])

    response = step(client, supervisor, claim["id"], "cancel", reason="重复")

    assert response.status_code == 409


def test_a_rejected_claim_cannot_be_approved(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    step(client, supervisor, claim["id"], "reject", reason="材料不全")

    assert step(client, supervisor, claim["id"], "approve").status_code == 409


def test_the_submitting_caseworker_may_not_approve(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    assert step(client, caseworker, claim["id"], "approve").status_code == 403


def test_a_supervisor_of_another_region_may_not_approve(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    elsewhere = user_headers("supervisor", "430181", name="浏阳督导")

    assert step(client, elsewhere, claim["id"], "approve").status_code == 403


def test_another_caseworker_may_not_cancel_the_claim(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    colleague = user_headers("caseworker", "430121", name="同事")

    assert step(client, colleague, claim["id"], "cancel", reason="重复").status_code == 403


def test_an_auditor_may_not_pay(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
    auditor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    approved(client, supervisor, claim["id"])

    response = step(client, auditor, claim["id"], "pay", paid_on="2025-04-02", reference="B-1")

    assert response.status_code == 403


def test_approval_without_an_idempotency_key_is_428(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    response = client.post(f"{CLAIMS}/{claim['id']}/approve", headers=supervisor)

    assert response.status_code == 428
    assert response.headers["content-type"] == "application/problem+json"


def test_a_retried_approval_answers_the_same_body_and_reserves_once(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    headers = keyed(supervisor)

    first = client.post(f"{CLAIMS}/{claim['id']}/approve", headers=headers)
    again = client.post(f"{CLAIMS}/{claim['id']}/approve", headers=headers)

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json()
    assert balances(client, admin)[c.nursing_fund]["pending"] == "900.00"


def test_a_refused_claim_records_nothing(
    client: TestClient, runtime: Runtime, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    before = len(stored_events(runtime))

    submit(
        client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund, hospital_tier=1)
    )

    after = stored_events(runtime)
    assert len(after) == before
    assert "Claim.Submitted" not in event_names(after)


def test_an_approval_naming_another_version_is_412(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))

    response = client.post(
        f"{CLAIMS}/{claim['id']}/approve", headers=keyed(supervisor) | {"If-Match": "7"}
    )

    assert response.status_code == 412
    assert response.json()["current_version"] == claim["version"]
