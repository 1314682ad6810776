"""Insurance policies and the rules that price claims, through the HTTP API (DESIGN.md
section 10)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.claim_steps import (
    CLAIMS,
    POLICIES,
    RULES,
    approved,
    county,
    enrol,
    enrolled,
    nursing_claim,
    paid,
    policy_payload,
    submitted,
)
from tests.steps import FAMILIES, balances, journal, timeline

NEW_NURSING_TERMS = {"per_day": "120.00", "max_days_per_year": 90, "min_hospital_tier": 2}


def test_every_role_lists_the_rules_in_force(
    client: TestClient, auditor: dict[str, str], caseworker: dict[str, str]
) -> None:
    for headers in (auditor, caseworker):
        rules = client.get(RULES, headers=headers).json()["rules"]

        nursing = next(r for r in rules if r["id"] == "nursing_subsidy")
        assert (nursing["version"], nursing["effective_from"], nursing["terms"]) == (
            1,
            "2019-01-01",
            {"per_day": "100.00", "max_days_per_year": 90, "min_hospital_tier": 2},
        )


def test_an_admin_adds_a_version_from_a_date(client: TestClient, admin: dict[str, str]) -> None:
    payload = {"id": "nursing_subsidy", "effective_from": "2025-07-01", "terms": NEW_NURSING_TERMS}

    response = client.post(RULES, json=payload, headers=admin)

    listed = client.get(RULES, headers=admin).json()["rules"]
    assert response.status_code == 201
    assert response.json()["version"] == 2
    assert [r["version"] for r in listed if r["id"] == "nursing_subsidy"] == [1, 2]


def test_claims_priced_before_a_new_version_keep_their_price(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    before = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    payload = {"id": "nursing_subsidy", "effective_from": "2025-07-01", "terms": NEW_NURSING_TERMS}
    assert client.post(RULES, json=payload, headers=admin).status_code == 201

    after = submitted(
        client,
        caseworker,
        c.family_id,
        nursing_claim(
            c.head_id, c.nursing_fund, admitted_on="2025-08-01", discharged_on="2025-08-10"
        ),
    )
    earlier = client.get(f"{CLAIMS}/{before['id']}", headers=caseworker).json()

    assert (earlier["amount"], earlier["rule"]["version"]) == ("900.00", 1)
    assert (after["amount"], after["rule"]["version"]) == ("1080.00", 2)


def test_an_admin_of_one_region_may_not_add_a_version(
    client: TestClient, user_headers: object
) -> None:
    county_admin = user_headers("admin", "430121")  # type: ignore[operator]
    payload = {"id": "nursing_subsidy", "effective_from": "2025-07-01", "terms": NEW_NURSING_TERMS}

    assert client.post(RULES, json=payload, headers=county_admin).status_code == 403


def test_a_version_with_a_malformed_term_is_refused_naming_it(
    client: TestClient, admin: dict[str, str]
) -> None:
    terms = NEW_NURSING_TERMS | {"per_day": 120.5}
    payload = {"id": "nursing_subsidy", "effective_from": "2025-07-01", "terms": terms}

    response = client.post(RULES, json=payload, headers=admin)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "terms.per_day"


def test_enrolling_pays_the_premium_from_the_fund_to_the_insurer(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)

    policy = enrolled(client, caseworker, c.family_id, policy_payload(c.head_id, c.accident_fund))

    fund = balances(client, admin)[c.accident_fund]
    premium_rows = [
        r for r in journal(client, admin)["entries"] if r["cause"].get("type") == "policy"
    ]
    assert (policy["premium"], policy["cover"], fund["posted"]) == (
        "60.00",
        "120000.00",
        "49940.00",
    )
    assert {r["cause"]["id"] for r in premium_rows} == {policy["id"]}


def test_a_policy_is_read_back_by_id(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    policy = enrolled(client, caseworker, c.family_id, policy_payload(c.head_id, c.accident_fund))

    response = client.get(f"{POLICIES}/{policy['id']}", headers=caseworker)

    assert response.status_code == 200
    assert response.json() == policy


def test_the_premium_comes_only_from_a_fund_of_the_programme(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)

    response = enrol(client, caseworker, c.family_id, policy_payload(c.head_id, c.education_fund))

    assert response.status_code == 409
    assert "accident_insurance fund" in response.json()["detail"]


def test_one_policy_per_member_programme_and_period(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    enrolled(client, caseworker, c.family_id, policy_payload(c.head_id, c.accident_fund))

    response = enrol(
        client,
        caseworker,
        c.family_id,
        policy_payload(
            c.head_id,
            c.accident_fund,
            policy_number="ACC-2",
            starts_on="2025-06-01",
            ends_on="2026-05-31",
        ),
    )

    assert response.status_code == 409


def test_enrolling_without_an_idempotency_key_is_428(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)

    response = client.post(
        f"{FAMILIES}/{c.family_id}/policies",
        json=policy_payload(c.head_id, c.accident_fund),
        headers=caseworker,
    )

    assert response.status_code == 428


def test_the_timeline_shows_the_enrolment(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    policy = enrolled(client, caseworker, c.family_id, policy_payload(c.head_id, c.accident_fund))

    entries = timeline(client, caseworker, c.family_id)

    enrolment = next(e for e in entries if e["event"] == "PolicyEnrolled")
    assert enrolment["source_id"] == policy["id"]
    assert enrolment["details"]["transfer_id"] == policy["premium_transfer_id"]


def test_a_claim_on_a_policy_is_paid_by_the_insurer_to_the_family(
    client: TestClient,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> None:
    c = county(client, admin, caseworker)
    policy = enrolled(client, caseworker, c.family_id, policy_payload(c.head_id, c.accident_fund))
    claim = submitted(
        client,
        caseworker,
        c.family_id,
        {
            "kind": "insurance",
            "member_id": c.head_id,
            "policy_id": policy["id"],
            "incident_on": "2025-06-01",
            "description": "摔伤住院",
            "amount": "8000.00",
        },
    )
    approved(client, supervisor, claim["id"])

    body = paid(client, supervisor, claim["id"], paid_on="2025-07-02")

    rows = [r for r in journal(client, admin)["entries"] if r["cause"].get("id") == claim["id"]]
    assert (body["status"], body["insurer"]) == ("paid", "中国人寿长沙分公司")
    assert sorted((r["account_kind"], r["side"], r["transfer_kind"]) for r in rows) == [
        ("beneficiary", "credit", "insurer_payment"),
        ("external", "debit", "insurer_payment"),
    ]
    assert balances(client, admin)[c.accident_fund]["posted"] == "49940.00"


def test_a_nursing_subsidy_on_a_policy_within_its_period_is_accepted(
    client: TestClient, admin: dict[str, str], caseworker: dict[str, str]
) -> None:
    c = county(client, admin, caseworker)
    policy = enrolled(
        client,
        caseworker,
        c.family_id,
        policy_payload(
            c.head_id,
            c.nursing_fund,
            programme="nursing_subsidy",
            cover="9000.00",
            policy_number="NS-1",
        ),
    )
    payload = nursing_claim(c.head_id, c.nursing_fund) | {"policy_id": policy["id"]}
    del payload["fund_id"]

    claim = submitted(client, caseworker, c.family_id, payload)

    assert (claim["amount"], claim["policy_id"], claim["fund_id"]) == ("900.00", policy["id"], None)
