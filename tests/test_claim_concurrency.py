"""Two supervisors deciding or paying the same claim at once: exactly one wins, the other is
told the claim has moved on (409), and the ledger still verifies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.claim_steps import approved, county, nursing_claim, step, submitted
from tests.conftest import UserFactory
from tests.steps import balances, event_names, stored_events
from tests.test_concurrency import all_at_once


def two_supervisors(user_headers: UserFactory) -> list[dict[str, str]]:
    return [
        user_headers("supervisor", "430100", name="周强"),
        user_headers("supervisor", "430121", name="陈静"),
    ]


def test_two_supervisors_approving_at_once_reserve_once(
    client: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    caseworker: dict[str, str],
    auditor: dict[str, str],
    user_headers: UserFactory,
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    supervisors = two_supervisors(user_headers)

    responses = all_at_once(lambda i: step(client, supervisors[i], claim["id"], "approve"), 2)

    assert sorted(r.status_code for r in responses) == [200, 409]
    assert event_names(stored_events(runtime)).count("Claim.Approved") == 1
    assert balances(client, admin)[c.nursing_fund]["pending"] == "900.00"
    assert client.get("/api/v1/ledger/verify", headers=auditor).json()["ok"] is True


def test_two_supervisors_paying_at_once_post_once(
    client: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    caseworker: dict[str, str],
    auditor: dict[str, str],
    user_headers: UserFactory,
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    supervisors = two_supervisors(user_headers)
    approved(client, supervisors[0], claim["id"])

    responses = all_at_once(
        lambda i: step(
            client, supervisors[i], claim["id"], "pay", paid_on="2025-04-02", reference=f"B-{i}"
        ),
        2,
    )

    fund = balances(client, admin)[c.nursing_fund]
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert event_names(stored_events(runtime)).count("Claim.Paid") == 1
    assert (fund["posted"], fund["pending"]) == ("49100.00", "0.00")
    assert client.get("/api/v1/ledger/verify", headers=auditor).json()["ok"] is True


def test_a_supervisor_approving_while_another_rejects_leaves_one_decision(
    client: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    caseworker: dict[str, str],
    user_headers: UserFactory,
) -> None:
    c = county(client, admin, caseworker)
    claim = submitted(client, caseworker, c.family_id, nursing_claim(c.head_id, c.nursing_fund))
    supervisors = two_supervisors(user_headers)

    responses = all_at_once(
        lambda i: (
            step(client, supervisors[i], claim["id"], "approve")
            if i == 0
            else step(client, supervisors[i], claim["id"], "reject", reason="材料不全")
        ),
        2,
    )

    decisions = [
        n for n in event_names(stored_events(runtime)) if n in ("Claim.Approved", "Claim.Rejected")
    ]
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert len(decisions) == 1
